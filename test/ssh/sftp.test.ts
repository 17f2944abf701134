// put/get over SFTP against real sshd: SHA-256 checked on both ends, mode 0600 by default, atomic
// replacement, clear errors; and a host whose sha256sum lies, to see a mismatch refused.
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { createSshPool } from '../../engine/adapters/ssh/index.js';
import { TransportError } from '../../engine/model/errors.js';
import type { Transport, TransportPool } from '../../engine/ports/transport.js';
import { fleetHost, SSHD_SKIP, startSshd, type SshdFleet } from '../helpers/sshd.js';

let fleet: SshdFleet | undefined;
let liar: SshdFleet | undefined;
let pool: TransportPool;

test.before(async () => {
  fleet = await startSshd({ count: 1 });
  if (!fleet) return console.log(SSHD_SKIP);
  // A host whose sha256sum reports a wrong sum: sessions get a PATH with a lying shim first.
  const bin = join(fleet.dir, 'lying-bin');
  mkdirSync(bin);
  writeFileSync(join(bin, 'sha256sum'), '#!/bin/sh\necho "0000000000000000000000000000000000000000000000000000000000000000  $2"\n');
  chmodSync(join(bin, 'sha256sum'), 0o755);
  // sshd sets PATH itself (SetEnv cannot change it); an authorized_keys environment= option can.
  liar = await startSshd({ count: 1, extraConfig: ['PermitUserEnvironment yes'] });
  const ak = join(liar!.dir, 'authorized_keys');
  writeFileSync(ak, `environment="PATH=${bin}:/usr/bin:/bin" ${readFileSync(ak, 'utf8')}`);
  pool = createSshPool({ agentSock: null });
});
test.after(async () => {
  await pool?.closeAll();
  await fleet?.stop();
  await liar?.stop();
});

const sha256sum = (p: string): string => execFileSync('sha256sum', [p], { encoding: 'utf8' }).split(' ')[0]!;

async function host(): Promise<Transport> {
  return pool.forHost(fleetHost(fleet!, 0));
}

test('put uploads with a verified SHA-256, mode 0600 by default, no temporary file left', async () => {
  if (!fleet) return;
  const src = join(fleet.dir, 'snapshot.db');
  writeFileSync(src, randomBytes(3 * 1024 * 1024 + 17));
  const destDir = join(fleet.dir, 'remote');
  mkdirSync(destDir);
  const dest = join(destDir, 'snapshot.db');
  writeFileSync(dest, 'old');
  const t = await host();
  const r = await t.put(src, dest);
  assert.is(r.sha256, sha256sum(src));
  assert.is(r.bytes, 3 * 1024 * 1024 + 17);
  assert.is(sha256sum(dest), r.sha256);
  assert.is(statSync(dest).mode & 0o777, 0o600);
  assert.equal(readdirSync(destDir), ['snapshot.db']);
  await t.put(src, dest, { mode: 0o644 });
  assert.is(statSync(dest).mode & 0o777, 0o644);
});

test('get downloads with a verified SHA-256 to a 0600 file', async () => {
  if (!fleet) return;
  const remote = join(fleet.dir, 'on-host.bin');
  writeFileSync(remote, randomBytes(200_000));
  const local = join(fleet.dir, 'fetched', 'h0', 'on-host.bin');
  const r = await (await host()).get(remote, local);
  assert.is(r.sha256, sha256sum(remote));
  assert.is(r.bytes, 200_000);
  assert.is(sha256sum(local), r.sha256);
  assert.is(statSync(local).mode & 0o777, 0o600);
  assert.equal(readdirSync(join(fleet.dir, 'fetched', 'h0')), ['on-host.bin']);
});

test('transfers that cannot happen fail as transfer errors naming the path', async () => {
  if (!fleet) return;
  const t = await host();
  const missing = join(fleet.dir, 'no-such-file');
  const e1 = await t.get(missing, join(fleet.dir, 'x')).then(() => undefined, (e: unknown) => e);
  assert.instance(e1, TransportError);
  assert.is((e1 as TransportError).kind, 'transfer');
  assert.match((e1 as TransportError).message, missing);
  const e2 = await t.put(join(fleet.dir, 'id_ed25519.pub'), join(fleet.dir, 'no-dir', 'f')).then(() => undefined, (e: unknown) => e);
  assert.is((e2 as TransportError).kind, 'transfer');
});

test('an upload over its timeout stops, leaves no staging file, and the next transfer works', async () => {
  if (!fleet) return;
  const big = join(fleet.dir, 'big.bin');
  writeFileSync(big, Buffer.alloc(64 * 1024 * 1024, 1));
  const destDir = join(fleet.dir, 'slow');
  mkdirSync(destDir);
  const t = await host();
  const e = await t.put(big, join(destDir, 'big.bin'), { timeoutMs: 30 }).then(() => undefined, (err: unknown) => err);
  assert.instance(e, TransportError);
  assert.is((e as TransportError).kind, 'transfer');
  assert.match((e as TransportError).message, 'timed out after 30 ms');
  assert.equal(readdirSync(destDir), []);
  const small = join(fleet.dir, 'small.txt');
  writeFileSync(small, 'ok\n');
  assert.is((await t.put(small, join(destDir, 'small.txt'))).bytes, 3);
});

test('a checksum mismatch is refused: the destination keeps its old content, nothing is written locally', async () => {
  if (!liar) return;
  const t = await pool.forHost(fleetHost(liar, 0, {}, 'liar'));
  const src = join(liar.dir, 'cfg');
  writeFileSync(src, 'new content\n');
  const dest = join(liar.dir, 'dest.conf');
  writeFileSync(dest, 'old content\n');
  const e = await t.put(src, dest).then(() => undefined, (err: unknown) => err);
  assert.instance(e, TransportError);
  assert.is((e as TransportError).kind, 'transfer');
  assert.match((e as TransportError).message, 'checksum mismatch');
  assert.is(readFileSync(dest, 'utf8'), 'old content\n');
  assert.equal(readdirSync(liar.dir).filter((f) => f.includes('runbook')), []);
  const local = join(liar.dir, 'got.conf');
  const e2 = await t.get(dest, local).then(() => undefined, (err: unknown) => err);
  assert.match((e2 as TransportError).message, 'checksum mismatch');
  assert.not.ok(existsSync(local));
});

test.run();
