// The pods/eviction subresource answers as kube-apiserver does: 201 and a graceful delete, 429
// with a DisruptionBudget cause while the PDB forbids, 500 for several PDBs, 404 for no pod.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { startCluster, waitFor, type Running } from './support.js';

const evictBody = (name: string, namespace: string, grace = 120) => ({ kind: 'Eviction', apiVersion: 'policy/v1', metadata: { name, namespace }, deleteOptions: { gracePeriodSeconds: grace } });

async function podNames(lab: Running, ns: string, selector: string): Promise<string[]> {
  const r = await lab.api.get(`/api/v1/namespaces/${ns}/pods?labelSelector=${encodeURIComponent(selector)}`);
  return (r.body.items as Array<{ metadata: { name: string; deletionTimestamp?: string } }>).filter((p) => !p.metadata.deletionTimestamp).map((p) => p.metadata.name);
}

const evict = (lab: Running, ns: string, name: string) => lab.api.call('POST', `/api/v1/namespaces/${ns}/pods/${name}/eviction`, evictBody(name, ns));

test('evicting a missing pod answers 404 NotFound', async () => {
  const lab = await startCluster();
  try {
    const r = await evict(lab, 'default', 'nope');
    assert.is(r.status, 404);
    assert.is(r.body.kind, 'Status');
    assert.is(r.body.reason, 'NotFound');
    assert.is(r.body.message, 'pods "nope" not found');
  } finally {
    await lab.stop();
  }
});

test('a pod no PDB covers is evicted (201), shows deletionTimestamp, and goes once its containers exit', async () => {
  const lab = await startCluster({ timeScale: 0.2 }); // the pod takes 1 s × 0.2 to exit: long enough to look
  try {
    const [cache] = await podNames(lab, 'default', 'app=cache');
    const r = await evict(lab, 'default', cache!);
    assert.is(r.status, 201);
    assert.is(r.body.status, 'Success');
    const during = await lab.api.get(`/api/v1/namespaces/default/pods/${cache}`);
    assert.is(during.status, 200);
    assert.ok(during.body.metadata.deletionTimestamp, 'deletionTimestamp is set while the pod terminates');
    assert.is(during.body.metadata.deletionGracePeriodSeconds, 120);
    await waitFor('the pod to go', async () => (await lab.api.get(`/api/v1/namespaces/default/pods/${cache}`)).status === 404, 5000);
  } finally {
    await lab.stop();
  }
});

test('the second eviction from a PDB with one disruption allowed gets 429 with the DisruptionBudget cause', async () => {
  const lab = await startCluster({ timeScale: 1 }); // slow pods: the replacement is not Ready during the test
  try {
    const [a, b] = await podNames(lab, 'default', 'app=web');
    const first = await evict(lab, 'default', a!);
    assert.is(first.status, 201);
    const second = await evict(lab, 'default', b!);
    assert.is(second.status, 429);
    assert.is(second.body.reason, 'TooManyRequests');
    assert.is(second.body.message, "Cannot evict pod as it would violate the pod's disruption budget.");
    assert.is(second.body.details.causes[0].reason, 'DisruptionBudget');
    assert.match(second.body.details.causes[0].message, /^The disruption budget web needs 2 healthy pods and has 2 currently$/);
    const pdb = await lab.api.get('/apis/policy/v1/namespaces/default/poddisruptionbudgets/web');
    assert.is(pdb.body.status.disruptionsAllowed, 0);
    assert.is(pdb.body.status.currentHealthy, 2);
    assert.is(pdb.body.status.desiredHealthy, 2);
    assert.is(pdb.body.status.conditions[0].reason, 'InsufficientPods');
  } finally {
    await lab.stop();
  }
});

test('a pod covered by two PDBs cannot be evicted: 500 with the apiserver message', async () => {
  const lab = await startCluster();
  try {
    const extra = await lab.api.call('POST', '/apis/policy/v1/namespaces/default/poddisruptionbudgets', {
      apiVersion: 'policy/v1', kind: 'PodDisruptionBudget', metadata: { name: 'web-extra' }, spec: { maxUnavailable: 1, selector: { matchLabels: { app: 'web' } } },
    });
    assert.is(extra.status, 201);
    const [a] = await podNames(lab, 'default', 'app=web');
    const r = await evict(lab, 'default', a!);
    assert.is(r.status, 500);
    assert.is(r.body.message, 'This pod has more than one PodDisruptionBudget, which the eviction subresource does not support.');
  } finally {
    await lab.stop();
  }
});

test('the pdbBlocked fault keeps a PDB at zero allowed disruptions', async () => {
  const lab = await startCluster();
  try {
    lab.cluster.control.faults.pdbBlocked.push('default/db');
    const [db] = await podNames(lab, 'default', 'app=db');
    // The fault applies at the next controller pass; the eviction recomputes the budget anyway.
    const r = await evict(lab, 'default', db!);
    assert.is(r.status, 429);
    await waitFor('status to show 0', async () => (await lab.api.get('/apis/policy/v1/namespaces/default/poddisruptionbudgets/db')).body.status.disruptionsAllowed === 0);
  } finally {
    await lab.stop();
  }
});

test('an unready pod is evicted without spending a disruption while the budget is healthy', async () => {
  const lab = await startCluster({ timeScale: 1 });
  try {
    const web = (await lab.api.get('/api/v1/namespaces/default/pods?labelSelector=app%3Dweb')).body.items as Array<{ metadata: { name: string }; spec: { nodeName: string } }>;
    const victim = web[0]!;
    // Scale web to 4 so one unready pod still leaves the budget healthy (3 ≥ 2).
    const scaled = await lab.api.call('PATCH', '/apis/apps/v1/namespaces/default/deployments/web', { spec: { replicas: 4 } }, { 'Content-Type': 'application/merge-patch+json' });
    assert.is(scaled.status, 200);
    lab.cluster.control.faults.neverReady.push(victim.spec.nodeName);
    lab.cluster.control.restartKubelet(victim.spec.nodeName, 'v1.30.4');
    await waitFor('the victim to be unready', async () => {
      const p = (await lab.api.get(`/api/v1/namespaces/default/pods/${victim.metadata.name}`)).body;
      return p.status.conditions.some((c: { type: string; status: string }) => c.type === 'Ready' && c.status === 'False');
    });
    const before = (await lab.api.get('/apis/policy/v1/namespaces/default/poddisruptionbudgets/web')).body.status;
    const r = await evict(lab, 'default', victim.metadata.name);
    assert.is(r.status, 201);
    const after = (await lab.api.get('/apis/policy/v1/namespaces/default/poddisruptionbudgets/web')).body.status;
    assert.is(after.disruptedPods?.[victim.metadata.name], undefined, 'no disruption recorded for an unready pod');
    assert.is(after.disruptionsAllowed, before.disruptionsAllowed);
  } finally {
    await lab.stop();
  }
});

test.run();
