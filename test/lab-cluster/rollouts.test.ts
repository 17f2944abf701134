// Changing a workload's pod template rolls it like the real controllers: a Deployment surges a
// new ReplicaSet and scales the old one down without dropping below its PDB; a DaemonSet and a
// StatefulSet replace one pod at a time.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { startCluster, waitFor } from './support.js';

type PodLite = { metadata: { name: string; uid: string; deletionTimestamp?: string }; spec: { containers: Array<{ image: string }> }; status: { phase: string; conditions?: Array<{ type: string; status: string }> } };
const ready = (p: PodLite) => !p.metadata.deletionTimestamp && !!p.status.conditions?.some((c) => c.type === 'Ready' && c.status === 'True');
const smp = { 'Content-Type': 'application/strategic-merge-patch+json' };

test('a Deployment image change rolls out with surge and the PDB is never breached', async () => {
  const lab = await startCluster({ timeScale: 0.02 });
  try {
    const r = await lab.api.call('PATCH', '/apis/apps/v1/namespaces/default/deployments/web', { spec: { template: { spec: { containers: [{ name: 'nginx', image: 'nginx:1.27.2' }] } } } }, smp);
    assert.is(r.status, 200);
    assert.is(r.body.metadata.generation, 2);
    await waitFor('rollout complete', async () => {
      const d = (await lab.api.get('/apis/apps/v1/namespaces/default/deployments/web')).body;
      return d.status.observedGeneration === 2 && d.status.updatedReplicas === 3 && d.status.replicas === 3 && d.status.availableReplicas === 3;
    }, 8000);
    const pods = ((await lab.api.get('/api/v1/namespaces/default/pods?labelSelector=app%3Dweb')).body.items as PodLite[]).filter(ready);
    assert.is(pods.length, 3);
    assert.ok(pods.every((p) => p.spec.containers[0]!.image === 'nginx:1.27.2'));
    const rs = (await lab.api.get('/apis/apps/v1/namespaces/default/replicasets?labelSelector=app%3Dweb')).body.items as Array<{ spec: { replicas: number }; metadata: { annotations: Record<string, string> } }>;
    assert.equal(rs.map((x) => [x.metadata.annotations['deployment.kubernetes.io/revision'], x.spec.replicas]).sort(), [['1', 0], ['2', 3]]);
    const a = lab.cluster.records().availability['default/web']!;
    assert.is(a.momentsBelow, 0, `web never below ${a.minAvailable} (min healthy ${a.minHealthy})`);
  } finally {
    await lab.stop();
  }
});

test('a DaemonSet template change replaces its pods one node at a time', async () => {
  const lab = await startCluster({ timeScale: 0.02 });
  try {
    const list = async () => (await lab.api.get('/api/v1/namespaces/kube-system/pods?labelSelector=app%3Dcalico-node')).body.items as PodLite[];
    const before = await list();
    const r = await lab.api.call('PATCH', '/apis/apps/v1/namespaces/kube-system/daemonsets/calico-node', { spec: { template: { spec: { containers: [{ name: 'calico-node', image: 'docker.io/calico/node:v3.29.4' }] } } } }, smp);
    assert.is(r.status, 200);
    let maxDown = 0;
    await waitFor('all calico pods updated and Ready', async () => {
      const ps = await list();
      maxDown = Math.max(maxDown, 8 - ps.filter(ready).length);
      return ps.length === 8 && ps.every((p) => ready(p) && p.spec.containers[0]!.image.endsWith(':v3.29.4'));
    }, 10000);
    assert.ok(maxDown <= 1, `at most one node without a Ready calico pod (saw ${maxDown})`);
    const after = await list();
    assert.ok(after.every((p) => !before.some((b) => b.metadata.uid === p.metadata.uid)), 'every pod was replaced');
    const ds = (await lab.api.get('/apis/apps/v1/namespaces/kube-system/daemonsets/calico-node')).body;
    assert.is(ds.status.updatedNumberScheduled, 8);
  } finally {
    await lab.stop();
  }
});

test('a StatefulSet template change replaces pods from the highest ordinal, keeping names', async () => {
  const lab = await startCluster({ timeScale: 0.02 });
  try {
    const r = await lab.api.call('PATCH', '/apis/apps/v1/namespaces/default/statefulsets/db', { spec: { template: { spec: { containers: [{ name: 'postgres', image: 'postgres:16.5' }] } } } }, smp);
    assert.is(r.status, 200);
    await waitFor('db rolled', async () => {
      const s = (await lab.api.get('/apis/apps/v1/namespaces/default/statefulsets/db')).body;
      return s.status.observedGeneration === s.metadata.generation && s.status.updatedReplicas === 3 && s.status.readyReplicas === 3 && s.status.currentRevision === s.status.updateRevision;
    }, 10000);
    const pods = (await lab.api.get('/api/v1/namespaces/default/pods?labelSelector=app%3Ddb')).body.items as PodLite[];
    assert.equal(pods.map((p) => p.metadata.name).sort(), ['db-0', 'db-1', 'db-2']);
    assert.ok(pods.every((p) => p.spec.containers[0]!.image === 'postgres:16.5'));
    assert.is(lab.cluster.records().availability['default/db']!.momentsBelow, 0);
  } finally {
    await lab.stop();
  }
});

test.run();
