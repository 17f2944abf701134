// Failing to reach a host is quick and says why: nothing listening, or a peer that accepts TCP but
// never speaks SSH (bounded by connect_timeout).
import { createServer, type Server, type Socket } from 'node:net';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { createSshPool } from '../../engine/adapters/ssh/index.js';
import { TransportError } from '../../engine/model/errors.js';
import type { Host } from '../../engine/model/inventory.js';

let silent: Server;
let silentPort = 0;
let closedPort = 0;
const sockets: Socket[] = [];

test.before(async () => {
  silent = createServer((s) => sockets.push(s)); // accepts, then says nothing
  await new Promise<void>((r) => silent.listen(0, '127.0.0.1', r));
  silentPort = (silent.address() as { port: number }).port;
  const probe = createServer();
  await new Promise<void>((r) => probe.listen(0, '127.0.0.1', r));
  closedPort = (probe.address() as { port: number }).port;
  await new Promise<void>((r) => probe.close(() => r()));
});
test.after(async () => {
  for (const s of sockets) s.destroy();
  await new Promise<void>((r) => silent.close(() => r()));
});

const host = (port: number, connectTimeoutMs?: number): Host => ({
  name: 'db-1',
  connection: 'ssh',
  ssh: { address: '127.0.0.1', port, user: 'root', identityFile: '/dev/null', knownHosts: '/dev/null', ...(connectTimeoutMs ? { connectTimeoutMs } : {}) },
  become: false,
  groups: [],
  vars: {},
});

async function failure(h: Host): Promise<TransportError> {
  // /dev/null is no key: give the pool a home whose default keys are missing, and an agent-less env.
  const pool = createSshPool({ agentSock: '/nonexistent/agent.sock' });
  try {
    await pool.forHost(h);
  } catch (e) {
    assert.instance(e, TransportError);
    return e as TransportError;
  } finally {
    await pool.closeAll();
  }
  throw new Error('connected unexpectedly');
}

test('nothing listening: a connect error naming host, address and cause', async () => {
  const e = await failure(host(closedPort));
  assert.is(e.kind, 'connect');
  assert.is(e.host, 'db-1');
  assert.match(e.message, `127.0.0.1:${closedPort}`);
  assert.match(e.message, 'ECONNREFUSED');
});

test('a peer that never speaks SSH: the handshake gives up at connect_timeout', async () => {
  const started = Date.now();
  const e = await failure(host(silentPort, 400));
  assert.is(e.kind, 'connect');
  assert.match(e.message, 'timed out after 400 ms');
  assert.ok(Date.now() - started < 3_000, `gave up after ${Date.now() - started} ms`);
});

test.run();
