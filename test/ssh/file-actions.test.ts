// The copy and fetch actions against a real sshd: results {dest, sha256, bytes}, mode handling,
// "ok" when the file is already identical, fetch defaulting to <run dir>/fetched/<host>/, and
// quoted path words (as templates render them) unquoted to one path.
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { ActionContext } from '../../engine/actions/action.js';
import { fileActions } from '../../engine/actions/files/index.js';
import { createSshPool } from '../../engine/adapters/ssh/index.js';
import type { TransportPool } from '../../engine/ports/transport.js';
import { fleetHost, SSHD_SKIP, startSshd, type SshdFleet } from '../helpers/sshd.js';

let fleet: SshdFleet | undefined;
let pool: TransportPool;
const copy = fileActions.find((a) => a.name === 'copy')!;
const fetch = fileActions.find((a) => a.name === 'fetch')!;

test.before(async () => {
  fleet = await startSshd({ count: 1 });
  if (!fleet) return console.log(SSHD_SKIP);
  pool = createSshPool({ agentSock: null });
});
test.after(async () => {
  await pool?.closeAll();
  await fleet?.stop();
});

function ctx(): ActionContext {
  const host = fleetHost(fleet!, 0, {}, 'cp-1');
  return {
    host,
    transport: () => pool.forHost(host),
    kube: () => Promise.reject(new Error('no kube in this test')),
    local: () => Promise.reject(new Error('no local transport in this test')),
    clock: { now: () => Date.now(), sleep: (ms) => new Promise((r) => setTimeout(r, ms)) },
    signal: new AbortController().signal,
    deadline: Date.now() + 30_000,
    check: false,
    output: () => undefined,
    progress: () => undefined,
    runDir: join(fleet!.dir, 'run'),
    defer: () => undefined,
  };
}

const sha256sum = (p: string): string => execFileSync('sha256sum', [p], { encoding: 'utf8' }).split(' ')[0]!;

test('copy declares itself changing, fetch read-only; both quote their paths', () => {
  assert.is(copy.changes, true);
  assert.is(fetch.changes, false);
  assert.equal(copy.shellArgs, ['src', 'dest']);
  assert.equal(fetch.shellArgs, ['src', 'dest']);
  assert.is(copy.describe({ src: 'a.conf', dest: '/etc/a.conf', mode: '0644' }), 'copy a.conf → /etc/a.conf (mode 0644)');
});

test('copy uploads, reports {dest, sha256, bytes}, and is "ok" when run again', async () => {
  if (!fleet) return;
  const src = join(fleet.dir, 'kubeadm config.yaml');
  writeFileSync(src, 'apiVersion: kubeadm.k8s.io/v1beta3\n');
  mkdirSync(join(fleet.dir, 'etc'));
  const dest = join(fleet.dir, 'etc', 'kubeadm.yaml');
  // Paths arrive as shell words, as `{{path}}` renders them.
  const args = { src: `'${src}'`, dest, mode: '0644' };
  const r = await copy.run(ctx(), args);
  assert.is(r.status, 'changed', r.message);
  assert.equal(r.data, { dest, sha256: sha256sum(src), bytes: 35, changed: true });
  assert.is(statSync(dest).mode & 0o777, 0o644);
  const again = await copy.run(ctx(), args);
  assert.is(again.status, 'ok');
  const other = await copy.run(ctx(), { ...args, mode: '0600' });
  assert.is(other.status, 'changed', 'a different mode is a change');
});

test('copy to a directory path keeps the file name; a bad mode fails before anything is sent', async () => {
  if (!fleet) return;
  const src = join(fleet.dir, 'a.txt');
  writeFileSync(src, 'a\n');
  const r = await copy.run(ctx(), { src, dest: `${join(fleet.dir, 'etc')}/` });
  assert.is(r.data.dest, join(fleet.dir, 'etc', 'a.txt'));
  assert.is(statSync(join(fleet.dir, 'etc', 'a.txt')).mode & 0o777, 0o600);
  const bad = await copy.run(ctx(), { src, dest: '/tmp/x', mode: 'rwx' });
  assert.is(bad.status, 'failed');
  assert.match(bad.message ?? '', 'octal');
});

test('fetch lands under <run dir>/fetched/<host>/ by default with a verified checksum', async () => {
  if (!fleet) return;
  const remote = join(fleet.dir, 'etcd-snapshot.db');
  writeFileSync(remote, Buffer.alloc(100_000, 7));
  const r = await fetch.run(ctx(), { src: remote });
  const expected = join(fleet.dir, 'run', 'fetched', 'cp-1', 'etcd-snapshot.db');
  assert.is(r.status, 'ok', r.message);
  assert.equal(r.data, { dest: expected, sha256: sha256sum(remote), bytes: 100_000 });
  assert.equal(readFileSync(expected), readFileSync(remote));
  const two = await fetch.run(ctx(), { src: remote, dest: join(fleet.dir, 'elsewhere', 'snap.db') });
  assert.is(two.data.dest, join(fleet.dir, 'elsewhere', 'snap.db'));
});

test('a path that is not one shell word is refused with the reason', async () => {
  if (!fleet) return;
  const r = await fetch.run(ctx(), { src: '/etc/a /etc/b' });
  assert.is(r.status, 'failed');
  assert.match(r.message ?? '', 'src must be one path');
});

test.run();
