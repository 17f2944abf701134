// Commands over real OpenSSH: exit codes, signals, streamed output, stdin, env, timeouts, abort,
// connection reuse and a connection cut mid-command.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { createSshPool } from '../../engine/adapters/ssh/index.js';
import { TransportError } from '../../engine/model/errors.js';
import { dropConnections, fleetHost, sessionPids, SSHD_SKIP, startSshd, type SshdFleet } from '../helpers/sshd.js';

let fleet: SshdFleet | undefined;
const pool = createSshPool({ agentSock: null });

test.before(async () => {
  fleet = await startSshd({ count: 1 });
  if (!fleet) console.log(SSHD_SKIP);
});
test.after(async () => {
  await pool.closeAll();
  await fleet?.stop();
});

test('a command returns its exit code, stdout and stderr', async () => {
  if (!fleet) return;
  const t = await pool.forHost(fleetHost(fleet, 0));
  const r = await t.exec('echo out; echo err >&2; exit 3');
  assert.is(r.exitCode, 3);
  assert.is(r.stdout, 'out\n');
  assert.is(r.stderr, 'err\n');
  assert.is(r.signal, null);
  assert.is(r.timedOut, false);
  const ok = await t.exec('true');
  assert.is(ok.exitCode, 0);
});

test('a command killed by a signal reports the signal', async () => {
  if (!fleet) return;
  const t = await pool.forHost(fleetHost(fleet, 0));
  const r = await t.exec('kill -KILL $$');
  assert.is(r.exitCode, null);
  assert.is(r.signal, 'SIGKILL');
});

test('output arrives line by line while the command runs, partial last line flushed', async () => {
  if (!fleet) return;
  const t = await pool.forHost(fleetHost(fleet, 0));
  const seen: Array<[string, string, number]> = [];
  const start = Date.now();
  const r = await t.exec('echo one; sleep 0.4; echo two >&2; printf three', { onLine: (s, l) => seen.push([s, l, Date.now() - start]) });
  assert.equal(seen.map(([s, l]) => `${s}:${l}`), ['stdout:one', 'stderr:two', 'stdout:three']);
  assert.ok(seen[0]![2] < seen[1]![2] - 300, 'the first line came before the sleep ended');
  assert.is(r.stdout, 'one\nthree');
});

test('stdin and env reach the command; one connection serves many commands', async () => {
  if (!fleet) return;
  const t = await pool.forHost(fleetHost(fleet, 0));
  const r = await t.exec('cat; echo "$GREETING"', { stdin: 'from stdin\n', env: { GREETING: "it's me" } });
  assert.is(r.stdout, "from stdin\nit's me\n");
  const before = sessionPids(fleet.hosts[0]!.pid).length;
  await Promise.all([1, 2, 3, 4, 5].map((i) => t.exec(`echo ${i}`)));
  assert.is(sessionPids(fleet.hosts[0]!.pid).length, before, 'no new SSH connection was opened');
  assert.is(await pool.forHost(fleetHost(fleet, 0)), t);
});

test('a command that reads stdin when none was given gets end-of-file at once, not a hang', async () => {
  if (!fleet) return;
  const t = await pool.forHost(fleetHost(fleet, 0));
  const start = Date.now();
  const r = await t.exec('cat; read line; echo "read: $?"; head -c 10 | wc -c', { timeoutMs: 5_000 });
  assert.is(r.timedOut, false);
  assert.is(r.stdout, 'read: 1\n0\n');
  assert.ok(Date.now() - start < 4_000, `took ${Date.now() - start} ms`);
});

test('a command over its timeout is stopped and reported as timed out', async () => {
  if (!fleet) return;
  const t = await pool.forHost(fleetHost(fleet, 0));
  const start = Date.now();
  const r = await t.exec('exec sleep 30', { timeoutMs: 300 });
  assert.is(r.timedOut, true);
  assert.is(r.exitCode, null);
  assert.ok(Date.now() - start < 5_000, `stopped in ${Date.now() - start} ms`);
  assert.is((await t.exec('echo still usable')).stdout, 'still usable\n');
});

test('aborting a command stops it and says so', async () => {
  if (!fleet) return;
  const t = await pool.forHost(fleetHost(fleet, 0));
  const ac = new AbortController();
  setTimeout(() => ac.abort(), 200);
  const r = await t.exec('exec sleep 30', { signal: ac.signal });
  assert.is(r.aborted, true);
  assert.is(r.exitCode, null);
});

test('a connection cut mid-command fails as "connection lost during <command>", then the next command reconnects', async () => {
  if (!fleet) return;
  const t = await pool.forHost(fleetHost(fleet, 0));
  const running = t.exec('sleep 20');
  await new Promise((r) => setTimeout(r, 300));
  assert.ok(dropConnections(fleet.hosts[0]!) > 0, 'an sshd session process was killed');
  const err = await running.then(() => undefined, (e: unknown) => e);
  assert.instance(err, TransportError);
  assert.is((err as TransportError).kind, 'connection-lost');
  assert.match((err as TransportError).message, 'connection lost during `sleep 20`');
  const again = await t.exec('echo back');
  assert.is(again.stdout, 'back\n');
});

test('a connection that dropped between commands is reopened for the next one', async () => {
  if (!fleet) return;
  const t = await pool.forHost(fleetHost(fleet, 0));
  assert.is((await t.exec('echo before')).stdout, 'before\n');
  dropConnections(fleet.hosts[0]!);
  await new Promise((r) => setTimeout(r, 200));
  assert.is((await t.exec('echo after')).stdout, 'after\n');
});

test('a released host\'s connection is closed at once, and a later command opens a new one', async () => {
  if (!fleet) return;
  const t = await pool.forHost(fleetHost(fleet, 0));
  assert.is((await t.exec('echo before')).stdout, 'before\n');
  const listener = fleet.hosts[0]!.pid;
  assert.ok(sessionPids(listener).length > 0, 'connected');
  await t.release!();
  for (let i = 0; i < 50 && sessionPids(listener).length > 0; i++) await new Promise((r) => setTimeout(r, 20));
  assert.is(sessionPids(listener).length, 0, 'the server saw the connection end');
  assert.is((await t.exec('echo after')).stdout, 'after\n');
  assert.is(sessionPids(listener).length, 1, 'one new connection');
});

test('a host that stops answering mid-command (hung, or the network gone) is noticed by keepalives', async () => {
  if (!fleet) return;
  const quick = createSshPool({ agentSock: null, keepaliveIntervalMs: 200 });
  const stopped: number[] = [];
  const others = new Set(sessionPids(fleet.hosts[0]!.pid));
  try {
    const t = await quick.forHost(fleetHost(fleet, 0, {}, 'frozen'));
    const running = t.exec('sleep 30');
    await new Promise((r) => setTimeout(r, 300));
    // Freeze the connection's sshd: TCP stays open, SSH goes silent.
    for (const p of sessionPids(fleet.hosts[0]!.pid).filter((x) => !others.has(x))) {
      process.kill(p, 'SIGSTOP');
      stopped.push(p);
    }
    const started = Date.now();
    const err = await running.then(() => undefined, (e: unknown) => e);
    assert.instance(err, TransportError);
    assert.is((err as TransportError).kind, 'connection-lost');
    assert.ok(Date.now() - started < 5_000, `noticed after ${Date.now() - started} ms`);
  } finally {
    for (const p of stopped) {
      try {
        process.kill(p, 'SIGKILL');
      } catch {
        /* gone */
      }
    }
    await quick.closeAll();
  }
});

test.run();
