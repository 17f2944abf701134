// The engine's own SSH transport (engine/adapters/ssh) against the lab's nodes: become with and
// without a sudo password, SFTP fetch with its checksum, and a dropped connection — the lab must
// look like a real host to it.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createSshPool } from '../../engine/adapters/ssh/index.js';
import { findSftpServer } from '../../engine/lab/nodes/processes.js';
import type { Host } from '../../engine/model/inventory.js';
import type { TransportPool } from '../../engine/ports/transport.js';
import { startFakeLab, nodeOf, type FakeLab } from './fake-lab.js';

let f: FakeLab;
let pool: TransportPool;
let withPassword: TransportPool;
function host(name: string): Host {
  const n = nodeOf(f.lab, name);
  return {
    name, connection: 'ssh', become: false, groups: [], vars: {},
    ssh: { address: '127.0.0.1', port: n.port, user: 'ubuntu', identityFile: f.lab.identityFile, identitiesOnly: true, knownHosts: f.lab.knownHosts, strictHostKeyChecking: 'yes' },
  };
}
test.before(async () => {
  f = await startFakeLab();
  const common = { sshConfig: join(f.dir, 'no-ssh-config'), agentSock: null, home: f.dir };
  pool = createSshPool(common);
  withPassword = createSshPool({ ...common, becomePassword: 'lab-password' });
});
test.after(async () => { await pool?.closeAll(); await withPassword?.closeAll(); await f?.stop(); });

test('become without a password (sudo -n) runs the command on the node', async () => {
  const t = await pool.forHost(host('cp-1'));
  const r = await t.exec('kubeadm version -o short', { become: { method: 'sudo' }, timeoutMs: 15_000 });
  assert.is(r.exitCode, 0, r.stderr);
  assert.is(r.stdout.trim(), 'v1.30.4');
});

test('become with a password: the lab sudo prompts, takes it, and the password reaches no output', async () => {
  const t = await withPassword.forHost(host('cp-2'));
  const r = await t.exec('cat; echo done', { become: { method: 'sudo' }, stdin: 'for the command\n', timeoutMs: 15_000 });
  assert.is(r.exitCode, 0, r.stderr);
  assert.is(r.stdout, 'for the command\ndone\n');
  assert.not.match(r.stdout + r.stderr, 'lab-password');
});

test('fetch copies a node file over SFTP and checks its SHA-256', async () => {
  if (!findSftpServer()) { console.log('SKIP: no OpenSSH sftp-server on this machine (apt-get install openssh-server)'); return; }
  const root = nodeOf(f.lab, 'cp-1').root;
  mkdirSync(join(root, 'var/lib/etcd-backup'), { recursive: true });
  writeFileSync(join(root, 'var/lib/etcd-backup/snap.db'), 'etcd snapshot bytes\n'.repeat(500));
  const t = await pool.forHost(host('cp-1'));
  const local = join(f.dir, 'fetched.db');
  const r = await t.get(join(root, 'var/lib/etcd-backup/snap.db'), local, { timeoutMs: 15_000 });
  assert.is(r.bytes, 10_000);
  assert.is(readFileSync(local, 'utf8'), 'etcd snapshot bytes\n'.repeat(500));
});

test('the sshDrop fault reaches the engine as a lost connection, not a hang or an exit code', async () => {
  f.lab.control.faults.sshDrop = { 'worker-1': 'apt-get install' };
  const t = await pool.forHost(host('worker-1'));
  let result: unknown;
  try {
    result = await t.exec('apt-get install -y kubelet; sleep 5', { timeoutMs: 15_000 });
  } catch (e) {
    result = e;
  } finally {
    f.lab.control.faults.sshDrop = {};
  }
  const text = result instanceof Error ? result.message : JSON.stringify(result);
  assert.match(text, /connection|lost|closed/i);
  assert.not.match(text, /timed out/);
});

test.run();
