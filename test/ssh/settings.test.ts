// Connection settings: inventory first, then the matching ~/.ssh/config blocks, then defaults —
// on a fixture config file (test/fixtures/ssh/config) and a fake home directory.
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { parseJump, resolveHost, type SettingsEnv } from '../../engine/adapters/ssh/settings.js';
import { TransportError } from '../../engine/model/errors.js';
import { packageRoot } from '../../engine/paths.js';

const env: SettingsEnv = { home: '/home/op', localUser: 'op', sshConfig: join(packageRoot(), 'test/fixtures/ssh/config'), agentSock: '/run/agent.sock' };

test('a host named in ~/.ssh/config gets its HostName, User, key and ProxyJump from there', () => {
  const r = resolveHost('cp-1', { address: 'cp-1' }, env);
  assert.is(r.target.address, '10.0.0.11');
  assert.is(r.target.port, 22);
  assert.is(r.target.user, 'admin');
  assert.equal(r.target.identityFiles, ['/home/op/.ssh/prod_ed25519']);
  assert.is(r.target.knownHosts, '/home/op/.ssh/known_hosts_prod');
  assert.is(r.target.strict, 'yes');
  assert.is(r.jumps.length, 1);
  const j = r.jumps[0]!;
  assert.equal([j.address, j.port, j.user, j.identitiesOnly], ['bastion.example.com', 2222, 'ops', true]);
  assert.equal(j.identityFiles, ['/home/op/.ssh/bastion_ed25519']);
  assert.is(r.agentSock, '/run/agent.sock');
});

test('inventory values win over ~/.ssh/config', () => {
  const r = resolveHost('cp-1', { address: 'cp-1', port: 2022, user: 'root', identityFile: '~/.ssh/inv', proxyJump: 'none', knownHosts: '/etc/kh', strictHostKeyChecking: 'accept-new', connectTimeoutMs: 1234 }, env);
  assert.equal([r.target.port, r.target.user, r.target.knownHosts, r.target.strict, r.target.connectTimeoutMs], [2022, 'root', '/etc/kh', 'accept-new', 1234]);
  assert.equal(r.target.identityFiles, ['/home/op/.ssh/inv', '/home/op/.ssh/prod_ed25519']);
  assert.equal(r.target.defaultIdentityFiles, [], 'default keys only when no key is named');
  assert.is(r.jumps.length, 0);
});

test('no key named anywhere: the default keys, in OpenSSH order; StrictHostKeyChecking no still means checking', () => {
  const r = resolveHost('legacy', { address: 'legacy' }, env);
  assert.equal(r.target.identityFiles, []);
  assert.equal(r.target.defaultIdentityFiles, ['id_ed25519', 'id_rsa', 'id_ecdsa'].map((k) => `/home/op/.ssh/${k}`));
  assert.is(r.target.strict, 'yes');
  assert.is(r.target.port, 2200);
  assert.is(r.target.connectTimeoutMs, 3000);
  assert.equal([r.target.keepaliveIntervalMs, r.target.keepaliveCountMax], [5000, 2]);
  const plain = resolveHost('x', { address: 'x' }, env).target;
  assert.equal([plain.keepaliveIntervalMs, plain.keepaliveCountMax], [15_000, 3], 'keepalive every 15 s, 3 misses');
  assert.is(r.target.user, 'nobody-by-default');
});

test('a ProxyJump chain of several hosts, each with user and port', () => {
  const r = resolveHost('db', { address: '10.1.1.1', proxyJump: 'alice@jump1:2201,jump2,[fd00::1]:22', identityFile: '/k/fleet' }, env);
  assert.equal(r.jumps.map((j) => `${j.user}@${j.address}:${j.port}`), ['alice@jump1:2201', 'nobody-by-default@jump2:22', 'nobody-by-default@fd00::1:22']);
  assert.equal(r.jumps[0]!.identityFiles, ['/k/fleet'], 'a jump host without its own key gets the inventory key');
  assert.equal(parseJump('ssh://bob@h:7', 'x'), { user: 'bob', host: 'h', port: 7 });
  assert.throws(() => parseJump('a@b@c:x', 'db'), (e: unknown) => e instanceof TransportError && e.kind === 'config');
});

test('a missing ssh config file means no config', () => {
  const r = resolveHost('cp-1', { address: 'cp-1' }, { ...env, sshConfig: '/nonexistent/config' });
  assert.equal([r.target.address, r.target.user, r.jumps.length], ['cp-1', 'op', 0]);
});

test.run();
