// The client-node adapter against the lab's HTTPS API server: kubeconfig precedence and context
// selection, TLS as the kubeconfig says, bounded retries of 5xx, 401/403 naming user and verb.
import { createServer } from 'node:http';
import { connect } from 'node:net';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { parse, stringify } from 'yaml';
import { createKubeClient, kubeconfigFiles } from '../../engine/adapters/kube/index.js';
import { KubeError } from '../../engine/model/errors.js';
import { labAvailable, startLab, type Lab } from './harness.js';

const skip = !(await labAvailable());
let lab: Lab | undefined;
let dir = '';
let multi = '';

test.before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'runbook-kubecfg-'));
  if (skip) return;
  lab = await startLab({ workloads: 'none' });
  // One file, three contexts: the lab's admin, a wrong token, and a cluster entry without the CA.
  const cfg = parse(readFileSync(lab.kubeconfig, 'utf8')) as { clusters: Array<{ name: string; cluster: Record<string, unknown> }>; users: unknown[]; contexts: unknown[]; 'current-context': string };
  const server = cfg.clusters[0]!.cluster.server;
  cfg.clusters.push({ name: 'no-ca', cluster: { server } });
  cfg.users.push({ name: 'intruder', user: { token: 'not-the-token' } });
  cfg.contexts.push({ name: 'wrong-token', context: { cluster: cfg.clusters[0]!.name, user: 'intruder' } }, { name: 'untrusted', context: { cluster: 'no-ca', user: 'intruder' } });
  multi = join(dir, 'config');
  writeFileSync(multi, stringify(cfg), { mode: 0o600 });
});
test.after(async () => {
  await lab?.stop();
  rmSync(dir, { recursive: true, force: true });
});

test('kubeconfig precedence: inventory path, else KUBECONFIG (all files), else ~/.kube/config', () => {
  assert.equal(kubeconfigFiles({ kubeconfig: '/etc/k.conf' }, { KUBECONFIG: '/x' }), ['/etc/k.conf']);
  assert.equal(kubeconfigFiles({ kubeconfig: '~/prod.conf' }, {}), [join(homedir(), 'prod.conf')]);
  assert.equal(kubeconfigFiles({}, { KUBECONFIG: '/a:/b' }), ['/a', '/b']);
  assert.equal(kubeconfigFiles({}, {}), [join(homedir(), '.kube', 'config')]);
});

test('a missing kubeconfig or context is an error that says what to do', async () => {
  const e1 = await createKubeClient({ kubeconfig: join(dir, 'nope') }).catch((e: Error) => e);
  assert.instance(e1, KubeError);
  assert.match((e1 as Error).message, /kubeconfig not found: .*nope — set kube.kubeconfig in the inventory, or KUBECONFIG/);
  if (skip) return console.log('SKIP: engine/lab/cluster is not built');
  const e2 = await createKubeClient({ kubeconfig: multi, context: 'staging' }).catch((e: Error) => e);
  assert.match((e2 as Error).message, /has no context "staging" \(contexts: runbook-lab, wrong-token, untrusted\)/);
});

test('KUBECONFIG is used when the inventory names no file; the current context answers', async () => {
  if (skip) return;
  const saved = process.env.KUBECONFIG;
  process.env.KUBECONFIG = multi;
  try {
    const kube = await createKubeClient({});
    assert.is(await kube.serverVersion(), 'v1.30.4');
    assert.is(kube.userName, 'runbook-lab-admin');
    assert.ok((await kube.listNodes()).length >= 3);
    kube.close?.();
  } finally {
    if (saved === undefined) delete process.env.KUBECONFIG;
    else process.env.KUBECONFIG = saved;
  }
});

test('a rejected token is a 401 KubeError naming the user and the verb', async () => {
  if (skip) return;
  const kube = await createKubeClient({ kubeconfig: multi, context: 'wrong-token' });
  const e = await kube.listNodes().catch((x: Error) => x);
  assert.instance(e, KubeError);
  assert.is((e as KubeError).status, 401);
  assert.match((e as Error).message, /cannot list nodes: the API server rejected the credentials of user "intruder"/);
  kube.close?.();
});

test('TLS follows the kubeconfig: a server certificate not signed by its CA is refused', async () => {
  if (skip) return;
  const kube = await createKubeClient({ kubeconfig: multi, context: 'untrusted' });
  const e = await kube.serverVersion().catch((x: Error) => x);
  assert.instance(e, KubeError);
  assert.match((e as Error).message, /cannot get \/version: https:\/\/127\.0\.0\.1:\d+: .*(self-signed|self signed|unable to verify)/i);
  kube.close?.();
});

test('a proxy-url in the kubeconfig is honoured (HTTPS through an HTTP CONNECT proxy)', async () => {
  if (skip) return;
  const tunnels: string[] = [];
  const proxy = createServer((_req, res) => res.writeHead(405).end());
  proxy.on('connect', (req, client, head) => {
    tunnels.push(req.url ?? '');
    const [host, port] = (req.url ?? '').split(':');
    const upstream = connect(Number(port), host, () => {
      client.write('HTTP/1.1 200 Connection Established\r\n\r\n');
      upstream.write(head);
      upstream.pipe(client);
      client.pipe(upstream);
    });
  });
  await new Promise<void>((r) => proxy.listen(0, '127.0.0.1', r));
  const cfg = parse(readFileSync(lab!.kubeconfig, 'utf8')) as { clusters: Array<{ cluster: Record<string, unknown> }> };
  cfg.clusters[0]!.cluster['proxy-url'] = `http://127.0.0.1:${(proxy.address() as { port: number }).port}`;
  const file = join(dir, 'proxied');
  writeFileSync(file, stringify(cfg), { mode: 0o600 });
  const kube = await createKubeClient({ kubeconfig: file });
  try {
    assert.is(await kube.serverVersion(), 'v1.30.4');
    assert.ok((await kube.listNodes()).length >= 1);
    assert.ok(tunnels.length >= 1 && tunnels[0]!.startsWith('127.0.0.1:'), tunnels.join());
  } finally {
    kube.close?.();
    proxy.closeAllConnections();
    proxy.close();
  }
});

test('5xx answers are retried a bounded number of times', async () => {
  if (skip) return;
  lab!.faults.api5xx = 2;
  assert.ok((await lab!.kube.listNodes()).length >= 3, 'two 503s then success');
  lab!.faults.api5xx = 50;
  const e = await lab!.kube.listNodes().catch((x: Error) => x);
  assert.instance(e, KubeError);
  assert.is((e as KubeError).status, 503);
  assert.match((e as Error).message, /cannot list nodes: 503 ServiceUnavailable.*\(after 4 attempts\)/);
  lab!.faults.api5xx = 0;
});

test.run();
