// What the node shims do to the cluster through LabClusterControl, and what the controllers and
// scheduler do in answer: kubelet restarts, the neverReady fault, control-plane upgrades,
// snapshot/restore, GPU taints and capacity, and start-up time.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { createCluster } from '../../engine/lab/cluster/index.js';
import { defaultNodes, noFaults, startCluster, waitFor } from './support.js';

type PodLite = { metadata: { name: string; uid: string }; spec: { nodeName?: string; containers: Array<{ image: string }> }; status: { phase: string } };

test('the default cluster is created and serving in well under a second', async () => {
  const t0 = performance.now();
  const cluster = createCluster({ version: '1.30.4', nodes: defaultNodes(), timeScale: 1, faults: noFaults() });
  const created = performance.now();
  const info = await cluster.listen();
  const serving = performance.now();
  await cluster.stop();
  console.log(`  create ${Math.round(created - t0)} ms, create+listen ${Math.round(serving - t0)} ms`);
  assert.ok(info.port > 0);
  assert.ok(serving - t0 < 1000, `start-up took ${Math.round(serving - t0)} ms`);
});

test('restarting a kubelet takes the node NotReady, then Ready at the new version', async () => {
  const lab = await startCluster({ timeScale: 0.2 }); // 3 s restart → 600 ms: long enough to watch
  try {
    const ctl = lab.cluster.control;
    ctl.restartKubelet('worker-2', '1.31.1');
    const now = ctl.nodes().find((n) => n.name === 'worker-2')!;
    assert.is(now.ready, false, 'NotReady at once');
    assert.is(now.kubeletVersion, 'v1.30.4');
    const web = (await lab.api.get('/api/v1/namespaces/default/pods?fieldSelector=spec.nodeName%3Dworker-2')).body.items;
    assert.ok(web.length > 0);
    await waitFor('pods on the NotReady node to be unready', async () => {
      const ps = (await lab.api.get('/api/v1/namespaces/default/pods?fieldSelector=spec.nodeName%3Dworker-2')).body.items as Array<{ status: { conditions: Array<{ type: string; status: string }> } }>;
      return ps.every((p) => p.status.conditions.some((c) => c.type === 'Ready' && c.status === 'False'));
    }, 500);
    await waitFor('worker-2 Ready', () => ctl.nodes().find((n) => n.name === 'worker-2')!.ready, 3000);
    assert.is(ctl.nodes().find((n) => n.name === 'worker-2')!.kubeletVersion, 'v1.31.1');
    const node = (await lab.api.get('/api/v1/nodes/worker-2')).body;
    assert.is(node.status.nodeInfo.kubeletVersion, 'v1.31.1');
    assert.equal(lab.cluster.records().nodeEvents.map((e) => [e.node, e.event, e.version]), [['worker-2', 'notready', 'v1.30.4'], ['worker-2', 'ready', 'v1.31.1']]);
  } finally {
    await lab.stop();
  }
});

test('under the neverReady fault a restarted kubelet stays NotReady', async () => {
  const lab = await startCluster({ timeScale: 0.01 });
  try {
    lab.cluster.control.faults.neverReady.push('worker-3');
    lab.cluster.control.restartKubelet('worker-3', '1.31.1');
    await new Promise((r) => setTimeout(r, 300)); // 10× the scaled restart delay
    const n = lab.cluster.control.nodes().find((x) => x.name === 'worker-3')!;
    assert.is(n.ready, false);
    const table = await lab.api.get('/api/v1/nodes/worker-3', { Accept: 'application/json;as=Table;v=v1;g=meta.k8s.io' });
    assert.is(table.body.rows[0].cells[1], 'NotReady');
  } finally {
    await lab.stop();
  }
});

test('after `kubeadm upgrade apply` the server version, control-plane images and CoreDNS follow', async () => {
  const lab = await startCluster({ timeScale: 0.02 });
  try {
    lab.cluster.control.setServerVersion('v1.31.2');
    assert.is(lab.cluster.control.serverVersion(), 'v1.31.2');
    assert.is((await lab.api.get('/version')).body.gitVersion, 'v1.31.2');
    await waitFor('images', async () => {
      const api = (await lab.api.get('/api/v1/namespaces/kube-system/pods/kube-apiserver-cp-2')).body as PodLite;
      return api.spec.containers[0]!.image === 'registry.k8s.io/kube-apiserver:v1.31.2';
    });
    const etcd = (await lab.api.get('/api/v1/namespaces/kube-system/pods/etcd-cp-2')).body as PodLite;
    assert.is(etcd.spec.containers[0]!.image, 'registry.k8s.io/etcd:3.5.12-0');
    const mirror = (await lab.api.get('/api/v1/namespaces/kube-system/pods/kube-scheduler-cp-1')).body;
    assert.ok(mirror.metadata.annotations['kubernetes.io/config.mirror']);
    // kubeadm rolls CoreDNS to its version's image, without breaking the CoreDNS PDB.
    await waitFor('CoreDNS rolled to v1.11.3', async () => {
      const pods = ((await lab.api.get('/api/v1/namespaces/kube-system/pods?labelSelector=app%3Dkube-dns')).body.items as PodLite[]);
      return pods.length === 2 && pods.every((p) => p.status.phase === 'Running' && p.spec.containers[0]!.image === 'registry.k8s.io/coredns/coredns:v1.11.3');
    }, 8000);
    assert.is(lab.cluster.records().availability['kube-system/coredns']!.momentsBelow, 0);
  } finally {
    await lab.stop();
  }
});

test('restore brings back the objects as of the snapshot (not kubelet status or binaries), resourceVersions moving forward', async () => {
  const lab = await startCluster({ timeScale: 0.05 });
  try {
    const snap = lab.cluster.control.snapshot();
    const rvBefore = Number((await lab.api.get('/api/v1/nodes')).body.metadata.resourceVersion);
    assert.is((await lab.api.call('DELETE', '/apis/apps/v1/namespaces/default/deployments/web')).status, 200);
    await waitFor('web pods gone', async () => (await lab.api.get('/api/v1/namespaces/default/pods?labelSelector=app%3Dweb')).body.items.length === 0);
    // Meanwhile the control plane and one kubelet were upgraded: a restore does not undo binaries.
    lab.cluster.control.setServerVersion('v1.31.1');
    lab.cluster.control.restartKubelet('worker-1', 'v1.31.1');
    await waitFor('worker-1 Ready', () => lab.cluster.control.nodes().find((n) => n.name === 'worker-1')!.ready, 3000);
    lab.cluster.control.restore(snap);
    assert.is((await lab.api.get('/apis/apps/v1/namespaces/default/deployments/web')).status, 200);
    assert.is((await lab.api.get('/api/v1/nodes/worker-1')).body.status.nodeInfo.kubeletVersion, 'v1.31.1', 'the kubelet re-posts its own status');
    assert.is((await lab.api.get('/version')).body.gitVersion, 'v1.31.1');
    assert.is((await lab.api.get('/api/v1/namespaces/kube-system/pods/kube-apiserver-cp-1')).body.spec.containers[0].image, 'registry.k8s.io/kube-apiserver:v1.31.1');
    const rvAfter = Number((await lab.api.get('/api/v1/nodes')).body.metadata.resourceVersion);
    assert.ok(rvAfter > rvBefore);
    await waitFor('web pods Running again', async () => {
      const ps = (await lab.api.get('/api/v1/namespaces/default/pods?labelSelector=app%3Dweb')).body.items as PodLite[];
      return ps.length === 3 && ps.every((p) => p.status.phase === 'Running');
    });
  } finally {
    await lab.stop();
  }
});

test('the scheduler keeps ordinary pods off GPU and control-plane nodes, and GPU pods within capacity', async () => {
  const lab = await startCluster({ timeScale: 0.01 });
  try {
    const merge = { 'Content-Type': 'application/merge-patch+json' };
    assert.is((await lab.api.call('PATCH', '/apis/apps/v1/namespaces/default/deployments/web', { spec: { replicas: 9 } }, merge)).status, 200);
    // 2 GPU nodes × 2 GPUs: a fifth vLLM replica has nowhere to go.
    assert.is((await lab.api.call('PATCH', '/apis/apps/v1/namespaces/inference/deployments/vllm', { spec: { replicas: 5 } }, merge)).status, 200);
    await waitFor('9 web pods placed', async () => (await lab.api.get('/api/v1/namespaces/default/pods?labelSelector=app%3Dweb')).body.items.filter((p: PodLite) => p.spec.nodeName).length === 9);
    const web = (await lab.api.get('/api/v1/namespaces/default/pods?labelSelector=app%3Dweb')).body.items as PodLite[];
    assert.ok(web.every((p) => /^worker-/.test(p.spec.nodeName!)), web.map((p) => p.spec.nodeName).join());
    await waitFor('4 vLLM pods placed', async () => (await lab.api.get('/api/v1/namespaces/inference/pods')).body.items.filter((p: PodLite) => p.spec.nodeName).length === 4);
    const vllm = (await lab.api.get('/api/v1/namespaces/inference/pods')).body.items as PodLite[];
    assert.is(vllm.length, 5);
    assert.ok(vllm.filter((p) => p.spec.nodeName).every((p) => /^gpu-/.test(p.spec.nodeName!)));
    const pending = vllm.find((p) => !p.spec.nodeName)!;
    assert.is(pending.status.phase, 'Pending');
    const dep = (await lab.api.get('/apis/apps/v1/namespaces/inference/deployments/vllm')).body;
    assert.is(dep.status.replicas, 5);
  } finally {
    await lab.stop();
  }
});

test('DaemonSet pods follow their nodes: a deleted one comes back on the same node', async () => {
  const lab = await startCluster({ timeScale: 0.01 });
  try {
    const list = async () => (await lab.api.get('/api/v1/namespaces/kube-system/pods?labelSelector=app%3Dkube-proxy')).body.items as PodLite[];
    const before = await list();
    assert.is(before.length, 8);
    const victim = before.find((p) => p.spec.nodeName === 'worker-1')!;
    await lab.api.call('DELETE', `/api/v1/namespaces/kube-system/pods/${victim.metadata.name}?gracePeriodSeconds=0`);
    await waitFor('a new kube-proxy on worker-1 Running', async () => (await list()).some((p) => p.spec.nodeName === 'worker-1' && p.metadata.uid !== victim.metadata.uid && p.status.phase === 'Running'));
    const ds = (await lab.api.get('/apis/apps/v1/namespaces/kube-system/daemonsets/kube-proxy')).body;
    await waitFor('DaemonSet status', async () => (await lab.api.get('/apis/apps/v1/namespaces/kube-system/daemonsets/kube-proxy')).body.status.numberReady === 8);
    assert.is(ds.status.desiredNumberScheduled, 8);
  } finally {
    await lab.stop();
  }
});

test.run();
