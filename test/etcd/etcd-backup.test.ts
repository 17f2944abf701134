// The etcd commands of the shipped runbooks, run for real against etcd 3.4 with client-certificate
// TLS and kubeadm's PKI layout: snapshot save/status, checksum, endpoint health, restore.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { etcdctl, etcdMissing, makeEtcdPki, shell, startEtcd, type EtcdPki, type RunningEtcd } from '../helpers/etcd.js';
import { phaseCommands, stepOf } from '../helpers/runbook-steps.js';
import { packageRoot } from '../../engine/paths.js';

const missing = etcdMissing();
const RUN = 'run-etcd-test';
const TARGET = '1.31.4';

let pki: EtcdPki;
let etcd: RunningEtcd | undefined;
let restored: RunningEtcd | undefined;

const backup = (extra: Record<string, unknown> = {}) =>
  phaseCommands('lib/etcd-backup.yaml', 'Back up etcd', { target_version: TARGET, run_id: RUN, node_root: pki?.root, etcd_endpoint: etcd?.endpoint, ...extra });

function ok(what: string, r: { code: number | null; stdout: string; stderr: string }): string {
  assert.is(r.code, 0, `${what} failed (exit ${r.code}):\n${r.stdout}\n${r.stderr}`);
  return r.stdout;
}

/** etcdctl with the server certificate as client certificate, as kubeadm's own commands do. */
function kv(e: RunningEtcd, ...args: string[]) {
  return etcdctl(['--endpoints', e.endpoint, '--cacert', pki.ca, '--cert', pki.serverCert, '--key', pki.serverKey, ...args]);
}

test.before(async () => {
  if (missing) return;
  pki = makeEtcdPki();
  etcd = await startEtcd(pki, join(pki.root, 'var/lib/etcd'));
  for (const k of ['/registry/namespaces/default', '/registry/configmaps/default/before']) ok(`put ${k}`, kv(etcd, 'put', k, 'v'));
});

test.after(async () => {
  await etcd?.stop();
  await restored?.stop();
});

test('the backup commands carry the kubeadm PKI flags exactly', () => {
  const save = stepOf(backup({ node_root: '', etcd_endpoint: 'https://127.0.0.1:2379' }), 'Save the etcd snapshot').cmd;
  assert.match(save, 'ETCDCTL_API=3 etcdctl --cacert /etc/kubernetes/pki/etcd/ca.crt --cert /etc/kubernetes/pki/etcd/server.crt --key /etc/kubernetes/pki/etcd/server.key --endpoints https://127.0.0.1:2379 snapshot save /var/lib/etcd-backup/etcd-before-v1.31.4-run-etcd-test.db');
});

test('etcd-backup snapshots a real etcd: health, disk, save, status, checksum', () => {
  if (missing) return void console.log(`SKIP: ${missing}`);
  const steps = backup();
  ok('health', shell(stepOf(steps, 'Check etcd is healthy').cmd));
  ok('mkdir', shell(stepOf(steps, 'Create the snapshot directory').cmd));
  assert.match(ok('disk', shell(stepOf(steps, 'Check free disk for the snapshot').cmd)), /free: \d+ KiB/);
  const save = stepOf(steps, 'Save the etcd snapshot');
  assert.is.not(shell(save.skipIf!).code, 0, 'the guard says "done" before any snapshot exists');
  ok('snapshot save', shell(save.cmd));
  assert.is(shell(save.skipIf!).code, 0, 'the guard says "done" once the snapshot exists');

  const status = ok('snapshot status', shell(stepOf(steps, 'Verify the snapshot (snapshot status)').cmd));
  const json = JSON.parse(status.trim().split('\n')[0]!) as { hash: number; revision: number; totalKey: number };
  assert.ok(json.hash > 0, 'hash');
  assert.ok(json.revision >= 2, `revision ${json.revision}`);
  assert.ok(json.totalKey >= 2, `totalKey ${json.totalKey}`);

  ok('checksum', shell(stepOf(steps, 'Write the snapshot\'s checksum').cmd));
  const dir = join(pki.root, 'var/lib/etcd-backup');
  ok('sha256sum -c', shell(`cd '${dir}' && sha256sum -c etcd-before-v${TARGET}-${RUN}.db.sha256`));
  ok('cleanup', shell(stepOf(steps, 'Remove a partial snapshot').cmd));
});

test('only the newest snapshot_keep snapshots stay on the node, each with its checksum; the one just taken is never removed', () => {
  const root = mkdtempSync(join(tmpdir(), 'runbook-keep-'));
  try {
    const dir = join(root, 'var/lib/etcd-backup');
    mkdirSync(dir, { recursive: true });
    const now = Date.now() / 1000;
    // Five older snapshots from earlier upgrades (oldest first), then the one this run took.
    const names = [1, 2, 3, 4, 5].map((i) => `etcd-before-v1.30.${i}-old${i}.db`).concat(`etcd-before-v${TARGET}-${RUN}.db`);
    names.forEach((n, i) => {
      for (const f of [n, `${n}.sha256`]) {
        writeFileSync(join(dir, f), f);
        utimesSync(join(dir, f), now - 3600 * (names.length - i), now - 3600 * (names.length - i));
      }
    });
    const keep = stepOf(phaseCommands('lib/etcd-backup.yaml', 'Back up etcd', { target_version: TARGET, run_id: RUN, node_root: root, snapshot_keep: 3 }), 'Keep only the newest snapshots on the node');
    const out = ok('keep', shell(keep.cmd));
    assert.is(out.trim().split('\n').length, 3, out);
    const left = readdirSync(dir).sort();
    const kept = names.slice(-3);
    assert.equal(left, kept.flatMap((n) => [n, `${n}.sha256`]).sort());
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});

test('the disk check refuses when the snapshot would not fit', () => {
  if (missing) return void console.log(`SKIP: ${missing}`);
  const r = shell(stepOf(backup({ snapshot_min_free_mb: 1024 * 1024 * 1024 }), 'Check free disk for the snapshot').cmd);
  assert.is(r.code, 1);
  assert.match(r.stderr, /not enough free disk/);
});

test('a snapshot that cannot be written fails the step and leaves nothing behind', () => {
  if (missing) return void console.log(`SKIP: ${missing}`);
  const steps = backup({ snapshot_dir: '/no-such-dir/etcd-backup' });
  const r = shell(stepOf(steps, 'Save the etcd snapshot').cmd);
  assert.is.not(r.code, 0);
  ok('cleanup', shell(stepOf(steps, 'Remove a partial snapshot').cmd));
  assert.not.ok(existsSync(join(pki.root, 'no-such-dir')));
});

test('validate.yaml\'s etcd endpoint health passes on the real member', () => {
  if (missing) return void console.log(`SKIP: ${missing}`);
  const v = phaseCommands('lib/validate.yaml', 'Validate: etcd', { target_version: TARGET, node_root: pki.root, etcd_endpoint: etcd!.endpoint });
  const r = shell(stepOf(v, 'etcd endpoint health (every member)').cmd);
  ok('endpoint health --cluster', r);
  assert.match(r.stdout + r.stderr, /is healthy/);
});

test('a write after the snapshot is gone after rollback restores it into a new data dir', async () => {
  if (missing) return void console.log(`SKIP: ${missing}`);
  ok('put after', kv(etcd!, 'put', '/registry/configmaps/default/after', 'v'));
  await etcd!.stop();
  const snap = join(pki.root, 'var/lib/etcd-backup', `etcd-before-v${TARGET}-${RUN}.db`);
  const restore = phaseCommands('lib/etcd-restore.yaml', 'Rollback: restore etcd', { snapshot: snap, run_id: RUN, node_root: pki.root });
  // The snapshot is already where `copy` would put it on the node.
  ok('copy stand-in', shell(`cp '${snap}' '${join(pki.root, `var/lib/etcd-restore-${RUN}.db`)}'`));
  ok('status', shell(stepOf(restore, 'Check the snapshot (snapshot status)').cmd));
  const rs = stepOf(restore, 'Restore the snapshot into a new data directory');
  ok('snapshot restore', shell(rs.cmd));
  assert.is(shell(rs.skipIf!).code, 0, 'the restore guard sees the new member directory');

  // The manifest step points kubeadm's etcd manifest at the new data dir (flag and hostPath).
  const stopped = join(pki.root, 'etc/kubernetes/manifests-stopped-by-runbook');
  mkdirSync(stopped, { recursive: true });
  writeFileSync(join(stopped, 'etcd.yaml'), readFileSync(join(packageRoot(), 'test/fixtures/runbooks/etcd-manifest.yaml'), 'utf8'));
  ok('manifest', shell(stepOf(restore, 'Point the etcd manifest at the restored data directory').cmd));
  const m = readFileSync(join(stopped, 'etcd.yaml'), 'utf8');
  assert.match(m, `      path: /var/lib/etcd-restored-${RUN}\n`, 'the hostPath names the restored dir');
  assert.match(m, '- --data-dir=/var/lib/etcd\n', 'inside the pod etcd keeps its data dir');
  assert.match(m, '- mountPath: /var/lib/etcd\n', 'and its mount');

  restored = await startEtcd(pki, join(pki.root, `var/lib/etcd-restored-${RUN}`));
  assert.match(ok('get before', kv(restored, 'get', '/registry/configmaps/default/before')), /before/);
  assert.is(ok('get after', kv(restored, 'get', '/registry/configmaps/default/after')), '', 'the write after the snapshot is gone');
});

test('etcd refuses a client without a certificate', () => {
  if (missing) return void console.log(`SKIP: ${missing}`);
  const e = restored ?? etcd!;
  const r = etcdctl(['--endpoints', e.endpoint, '--cacert', pki.ca, '--dial-timeout', '2s', '--command-timeout', '3s', 'get', '/registry/configmaps/default/before']);
  assert.is.not(r.code, 0);
  assert.not.match(r.stdout, /before/);
  assert.match(ok('with a certificate', kv(e, 'get', '/registry/configmaps/default/before')), /before/);
});

test.run();
