// Reaching real sshd hosts the ways operators do: through ~/.ssh/config, through a ProxyJump chain,
// and with an ssh-agent full of keys where IdentitiesOnly keeps the offer to the named key.
import { execFileSync, spawn } from 'node:child_process';
import { appendFileSync, copyFileSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { createSshPool } from '../../engine/adapters/ssh/index.js';
import { TransportError } from '../../engine/model/errors.js';
import type { Host } from '../../engine/model/inventory.js';
import { fleetHost, keygen, sessionPids, SSHD_SKIP, startSshd, type SshdFleet } from '../helpers/sshd.js';

let fleet: SshdFleet | undefined;
let agentPid: number | undefined;
let agentSock = '';

async function waitFile(p: string): Promise<void> {
  for (let i = 0; i < 100 && !existsSync(p); i++) await new Promise((r) => setTimeout(r, 20));
}

test.before(async () => {
  fleet = await startSshd({ count: 3 });
  if (!fleet) return console.log(SSHD_SKIP);
  // A real ssh-agent holding seven keys the hosts do not accept (more than sshd's MaxAuthTries 6).
  agentSock = join(fleet.dir, 'agent.sock');
  const agent = spawn('ssh-agent', ['-D', '-a', agentSock], { stdio: 'ignore' });
  agentPid = agent.pid;
  agent.unref();
  await waitFile(agentSock);
  for (let i = 0; i < 7; i++) {
    const k = join(fleet.dir, `wrong${i}`);
    await keygen(k);
    execFileSync('ssh-add', ['-q', k], { env: { ...process.env, SSH_AUTH_SOCK: agentSock }, stdio: 'ignore' });
  }
});
test.after(async () => {
  if (agentPid) process.kill(agentPid, 'SIGTERM');
  await fleet?.stop();
});

async function run(host: Host, opts: Parameters<typeof createSshPool>[0] = {}): Promise<string | TransportError> {
  const pool = createSshPool({ agentSock: null, home: join(fleet!.dir, 'nohome'), ...opts });
  try {
    const t = await pool.forHost(host);
    return (await t.exec('echo "$USER@$SSH_CONNECTION" | cut -d" " -f1')).stdout.trim();
  } catch (e) {
    if (e instanceof TransportError) return e;
    throw e;
  } finally {
    await pool.closeAll();
  }
}

test('a host alias resolves through an ssh config file (HostName, Port, User, IdentityFile)', async () => {
  if (!fleet) return;
  const cfg = join(fleet.dir, 'ssh_config');
  writeFileSync(cfg, [`Host web-*`, `  HostName 127.0.0.1`, `  Port ${fleet.hosts[1]!.port}`, `  User root`, `  IdentityFile ${fleet.keyPath}`, `  IdentitiesOnly yes`, `  UserKnownHostsFile ${fleet.knownHosts}`, ''].join('\n'));
  const host: Host = { name: 'web-1', connection: 'ssh', ssh: { address: 'web-1' }, become: false, groups: [], vars: {} };
  assert.is(await run(host, { sshConfig: cfg }), 'root@127.0.0.1');
});

test('ProxyJump through two sshd hosts to a third, each host key checked', async () => {
  if (!fleet) return;
  const [h0, h1] = fleet.hosts;
  const pool = createSshPool({ agentSock: null });
  try {
    const t = await pool.forHost(fleetHost(fleet, 2, { proxyJump: `root@127.0.0.1:${h0!.port},127.0.0.1:${h1!.port}`, user: 'root' }));
    assert.is((await t.exec('echo through')).stdout, 'through\n');
    assert.ok(sessionPids(h0!.pid).length > 0, 'the first jump host holds a connection');
    assert.ok(sessionPids(h1!.pid).length > 0, 'the second jump host holds a connection');
  } finally {
    await pool.closeAll();
  }
});

test('hosts behind the same bastion share one connection to it', async () => {
  if (!fleet) return;
  const [h0] = fleet.hosts;
  // Earlier tests' connections to h0 end asynchronously on the server side.
  for (let i = 0; i < 100 && sessionPids(h0!.pid).length > 0; i++) await new Promise((r) => setTimeout(r, 20));
  const pool = createSshPool({ agentSock: null });
  try {
    const jump = `root@127.0.0.1:${h0!.port}`;
    const ts = await Promise.all([1, 2].map((i) => pool.forHost(fleetHost(fleet!, i, { proxyJump: jump }))));
    const outs = await Promise.all(ts.map((t) => t.exec('echo via-bastion')));
    assert.equal(outs.map((o) => o.stdout), ['via-bastion\n', 'via-bastion\n']);
    assert.is(sessionPids(h0!.pid).length, 1, 'one bastion login for both hosts');
  } finally {
    await pool.closeAll();
  }
});

test('an unknown jump host key stops the connection and names the jump host', async () => {
  if (!fleet) return;
  const kh = join(fleet.dir, 'kh_target_only');
  writeFileSync(kh, readFileSync(fleet.knownHosts, 'utf8').split('\n').filter((l) => !l.includes(`:${fleet!.hosts[0]!.port} `)).join('\n'));
  const r = await run(fleetHost(fleet, 2, { knownHosts: kh, proxyJump: `root@127.0.0.1:${fleet.hosts[0]!.port}` }));
  assert.instance(r, TransportError);
  assert.is((r as TransportError).kind, 'hostkey');
  assert.match((r as TransportError).message, `jump host root@127.0.0.1:${fleet.hosts[0]!.port}`);
});

test('an agent with many keys and no IdentitiesOnly hits "too many authentication failures"', async () => {
  if (!fleet) return;
  const r = await run(fleetHost(fleet, 0, { identityFile: undefined, identitiesOnly: false }), { agentSock });
  assert.instance(r, TransportError);
  assert.is((r as TransportError).kind, 'auth');
  assert.match((r as TransportError).message, 'ssh-agent');
});

test('IdentityFile + IdentitiesOnly: the named key is used, the agent\'s other keys are not offered', async () => {
  if (!fleet) return;
  assert.is(await run(fleetHost(fleet, 0, { identitiesOnly: true }), { agentSock }), 'root@127.0.0.1');
});

test('IdentitiesOnly with a passphrase-protected key file: the agent signs with that key only', async () => {
  if (!fleet) return;
  const dir = join(fleet.dir, 'enc');
  mkdirSync(dir, { recursive: true });
  const plain = join(dir, 'plain');
  await keygen(plain);
  appendFileSync(join(fleet.dir, 'authorized_keys'), readFileSync(`${plain}.pub`));
  const enc = join(dir, 'locked');
  copyFileSync(plain, enc);
  copyFileSync(`${plain}.pub`, `${enc}.pub`);
  execFileSync('ssh-keygen', ['-q', '-p', '-P', '', '-N', 'sesame', '-f', enc], { stdio: 'ignore' });
  execFileSync('ssh-add', ['-q', plain], { env: { ...process.env, SSH_AUTH_SOCK: agentSock }, stdio: 'ignore' });
  assert.is(await run(fleetHost(fleet, 0, { identityFile: enc, identitiesOnly: true }), { agentSock }), 'root@127.0.0.1');
});

test('with no key named anywhere, ~/.ssh/id_ed25519 is used', async () => {
  if (!fleet) return;
  const home = join(fleet.dir, 'home-with-default-key');
  mkdirSync(join(home, '.ssh'), { recursive: true });
  copyFileSync(fleet.keyPath, join(home, '.ssh', 'id_ed25519'));
  assert.is(await run(fleetHost(fleet, 0, { identityFile: undefined, identitiesOnly: undefined }), { home }), 'root@127.0.0.1');
});

test('no key at all: a clear auth error, before any network traffic', async () => {
  if (!fleet) return;
  const r = await run(fleetHost(fleet, 0, { identityFile: join(fleet.dir, 'missing_key') }));
  assert.instance(r, TransportError);
  assert.is((r as TransportError).kind, 'auth');
  assert.match((r as TransportError).message, 'missing_key');
});

test.run();
