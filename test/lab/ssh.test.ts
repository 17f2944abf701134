// The lab's SSH servers as a client sees them: host keys from the written known_hosts, only the
// lab's key accepted, commands in real bash with exit codes, env, signals, SFTP, dropped connections.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Client } from 'ssh2';
import { findSftpServer } from '../../engine/lab/nodes/processes.js';
import { startFakeLab, nodeOf, type FakeLab } from './fake-lab.js';
import { connect, run } from './ssh-client.js';
import { ed25519KeyPair } from '../../engine/lab/keys.js';
import { waitGone } from '../helpers/process.js';

let f: FakeLab;
let cp1: Client;
test.before(async () => {
  f = await startFakeLab();
  const n = nodeOf(f.lab, 'cp-1');
  cp1 = await connect({ port: n.port, knownHosts: f.lab.knownHosts, identityFile: f.lab.identityFile });
});
test.after(async () => { cp1?.end(); await f?.stop(); });

test('a command runs in bash on the node and its exit code comes back', async () => {
  const r = await run(cp1, 'echo "on $LAB_NODE in $PWD"; echo oops >&2; exit 3');
  assert.is(r.code, 3);
  assert.is(r.stdout, `on cp-1 in ${join(nodeOf(f.lab, 'cp-1').root, 'home/ubuntu')}\n`);
  assert.is(r.stderr, 'oops\n');
});

test('every command is recorded with its node and exit code', async () => {
  await run(cp1, 'true && echo recorded-marker');
  const rec = f.lab.records().commands.find((c) => c.command === 'true && echo recorded-marker');
  assert.ok(rec, 'the command is in the records');
  assert.is(rec!.node, 'cp-1');
  assert.is(rec!.exitCode, 0);
  assert.type(rec!.ts, 'number');
});

test('the shims come first on PATH and the real tools after them', async () => {
  const r = await run(cp1, 'command -v kubeadm apt-get etcdctl sudo; command -v sha256sum');
  assert.is(r.code, 0);
  const lines = r.stdout.trim().split('\n');
  for (const l of lines.slice(0, 4)) assert.match(l, /engine\/lab\/nodes\/shims\//);
  assert.not.match(lines[4]!, /shims/);
});

test('env requests reach the command', async () => {
  const r = await run(cp1, 'echo "$RUNBOOK_STEP"', { env: { RUNBOOK_STEP: 'drain-7' } });
  assert.is(r.stdout, 'drain-7\n');
});

test('stdin reaches the command, and sudo -S prompts on stderr and swallows the password line', async () => {
  const r = await run(cp1, "sudo -S -p '[pw for %p]' -u root -- cat", { stdin: 'secret-password\npayload\n' });
  assert.is(r.code, 0);
  assert.is(r.stdout, 'payload\n');
  assert.is(r.stderr, '[pw for ubuntu]');
  const n = await run(cp1, "sudo -n -u 'root' -- bash -c 'echo ok; cat'", { stdin: 'stays for the command\n' });
  assert.is(n.stdout, 'ok\nstays for the command\n', 'without -S sudo leaves stdin to the command');
});

test('a signal from the client stops the command', async () => {
  const r = await new Promise<{ signal: string | null; code: number | null }>((res, rej) => {
    cp1.exec('sleep 30', (err, s) => {
      if (err) return rej(err);
      let out: { signal: string | null; code: number | null } = { signal: null, code: null };
      s.resume();
      s.on('exit', (code: number | null, signal?: string) => { out = { code, signal: signal ?? null }; });
      s.on('close', () => res(out));
      setTimeout(() => s.signal('TERM'), 200);
    });
  });
  assert.is(r.signal, 'SIGTERM');
});

test('closing the channel kills everything the command started', async () => {
  const pidFile = join(f.dir, 'bg.pid');
  await new Promise<void>((res, rej) => {
    cp1.exec(`sleep 60 & echo $! > ${pidFile}; wait`, (err, s) => {
      if (err) return rej(err);
      s.resume();
      s.on('close', () => res());
      setTimeout(() => s.close(), 300);
    });
  });
  const pid = Number(readFileSync(pidFile, 'utf8'));
  const alive = !(await waitGone(pid));
  assert.not.ok(alive, `background process ${pid} is gone`);
});

test('a key other than the lab key is refused', async () => {
  const other = ed25519KeyPair();
  const n = nodeOf(f.lab, 'cp-1');
  try {
    await connect({ port: n.port, knownHosts: f.lab.knownHosts, identityFile: '', privateKey: other.private });
    assert.unreachable('a foreign key must not log in');
  } catch (e) {
    assert.match((e as Error).message, /authentication methods failed/);
  }
});

test('each node has its own host key, and known_hosts names each one', async () => {
  const w = nodeOf(f.lab, 'worker-1');
  // Connecting to worker-1 while expecting cp-1's key fails host verification.
  const lines = readFileSync(f.lab.knownHosts, 'utf8').trim().split('\n');
  assert.is(lines.length, f.lab.nodes.length);
  assert.is(new Set(lines.map((l) => l.split(' ')[2])).size, lines.length);
  const c = await connect({ port: w.port, knownHosts: f.lab.knownHosts, identityFile: f.lab.identityFile });
  assert.is((await run(c, 'echo $LAB_NODE')).stdout, 'worker-1\n');
  c.end();
});

test('sftp get copies a file off the node', async () => {
  if (!findSftpServer()) { console.log('SKIP: no OpenSSH sftp-server on this machine (apt-get install openssh-server)'); return; }
  const root = nodeOf(f.lab, 'cp-1').root;
  mkdirSync(join(root, 'var/lib/etcd-backup'), { recursive: true });
  const remote = join(root, 'var/lib/etcd-backup/snap.db');
  writeFileSync(remote, 'snapshot bytes\n'.repeat(1000));
  const local = join(f.dir, 'copied.db');
  await new Promise<void>((res, rej) => cp1.sftp((err, sftp) => {
    if (err) return rej(err);
    sftp.fastGet(remote, local, (e) => { sftp.end(); return e ? rej(e) : res(); });
  }));
  assert.ok(existsSync(local));
  assert.is(readFileSync(local, 'utf8'), readFileSync(remote, 'utf8'));
});

test('the sshDrop fault cuts the connection in the middle of a matching command', async () => {
  f.lab.control.faults.sshDrop = { 'worker-1': 'apt-get install' };
  const w = nodeOf(f.lab, 'worker-1');
  const c = await connect({ port: w.port, knownHosts: f.lab.knownHosts, identityFile: f.lab.identityFile });
  const closed = new Promise<void>((res) => c.on('close', () => res()));
  const r = await run(c, 'echo started; apt-get install -y kubelet; sleep 5; echo finished');
  await closed;
  f.lab.control.faults.sshDrop = {};
  assert.ok(r.closedWithoutExit, 'no exit status arrives');
  assert.not.match(r.stdout, /finished/);
  const rec = f.lab.records().commands.find((x) => x.command.includes('sleep 5; echo finished'));
  assert.is(rec?.exitCode, null);
});

test('a dropped connection stops the command it cut off', async () => {
  f.lab.control.faults.sshDrop = { '*': 'drop-me' };
  const w = nodeOf(f.lab, 'worker-1');
  const pidFile = join(f.dir, 'dropped.pid');
  const c = await connect({ port: w.port, knownHosts: f.lab.knownHosts, identityFile: f.lab.identityFile });
  const r = await run(c, `echo $$ > ${pidFile}; : drop-me; sleep 30`);
  f.lab.control.faults.sshDrop = {};
  assert.ok(r.closedWithoutExit);
  const pid = Number(readFileSync(pidFile, 'utf8'));
  const alive = !(await waitGone(pid));
  assert.not.ok(alive, `bash ${pid} was stopped with the connection`);
});

test('a shell request gets bash reading commands from the channel', async () => {
  const out = await new Promise<string>((res, rej) => {
    cp1.shell(false, (err, s) => {
      if (err) return rej(err);
      let text = '';
      s.on('data', (d: Buffer) => { text += d.toString(); });
      s.on('close', () => res(text));
      s.end('echo "shell on $LAB_NODE"\nexit 0\n');
    });
  });
  assert.is(out, 'shell on cp-1\n');
});

test('stopping the lab ends what commands left running in the background', async () => {
  const g = await startFakeLab();
  let pid = 0;
  try {
    const n = nodeOf(g.lab, 'worker-1');
    const c = await connect({ port: n.port, knownHosts: g.lab.knownHosts, identityFile: g.lab.identityFile });
    const r = await run(c, 'nohup sleep 60 >/dev/null 2>&1 & echo $!');
    pid = Number(r.stdout.trim());
    assert.is(r.code, 0);
    c.end();
    process.kill(pid, 0); // still running after the command ended, as under sshd
  } finally {
    await g.stop();
  }
  const alive = !(await waitGone(pid));
  assert.not.ok(alive, `background process ${pid} is gone after the lab stopped`);
});

test.run();
