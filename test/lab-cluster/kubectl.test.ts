// Real kubectl 1.27 and 1.33 against the lab's API server: get, cordon, drain, uncordon exit 0
// with real output; a second client sees evicted pods recreated elsewhere with new uids, and the
// PDB records show availability never fell below minAvailable.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { findKubectl, runKubectl } from '../helpers/kubectl.js';
import { packageRoot } from '../../engine/paths.js';
import { startCluster, waitFor, type Running } from './support.js';

type PodLite = { metadata: { name: string; namespace: string; uid: string; ownerReferences?: Array<{ kind: string }>; deletionTimestamp?: string }; spec: { nodeName?: string }; status: { phase: string; conditions?: Array<{ type: string; status: string }> } };

async function podsOn(lab: Running, node: string): Promise<PodLite[]> {
  const r = await lab.api.get(`/api/v1/pods?fieldSelector=${encodeURIComponent(`spec.nodeName=${node}`)}`);
  return r.body.items as PodLite[];
}

for (const minor of ['1.27', '1.33']) {
  test(`kubectl ${minor} gets, cordons, drains and uncordons a worker of the lab`, async () => {
    const bin = findKubectl(minor);
    if (!bin) {
      console.log(`SKIP: kubectl.${minor} not found beside the kubectl on PATH`);
      return;
    }
    const lab = await startCluster({ timeScale: 0.01 });
    const cache = mkdtempSync(join(tmpdir(), `kubectl-cache-${minor}-`));
    const k = (...args: string[]) => runKubectl(bin, lab.kubeconfig, cache, args, 120_000);
    try {
      const nodes = await k('get', 'nodes');
      assert.is(nodes.code, 0, nodes.stderr);
      assert.match(nodes.stdout, /^NAME\s+STATUS\s+ROLES\s+AGE\s+VERSION/);
      assert.match(nodes.stdout, /cp-1\s+Ready\s+control-plane\s+3d\s+v1\.30\.4/);
      assert.match(nodes.stdout, /worker-2\s+Ready\s+<none>\s+3d\s+v1\.30\.4/);

      const wide = await k('get', 'nodes', '-o', 'wide');
      assert.is(wide.code, 0, wide.stderr);
      assert.match(wide.stdout, /INTERNAL-IP\s+EXTERNAL-IP\s+OS-IMAGE\s+KERNEL-VERSION\s+CONTAINER-RUNTIME/);
      assert.match(wide.stdout, /gpu-1\s+Ready\s+<none>\s+3d\s+v1\.30\.4\s+10\.0\.0\.\d+\s+<none>\s+Ubuntu 22\.04\.4 LTS\s+5\.15\.0-119-generic\s+containerd:\/\/1\.7\.12/);

      const pods = await k('get', 'pods', '-A');
      assert.is(pods.code, 0, pods.stderr);
      assert.match(pods.stdout, /^NAMESPACE\s+NAME\s+READY\s+STATUS\s+RESTARTS\s+AGE/);
      assert.match(pods.stdout, /default\s+db-0\s+1\/1\s+Running\s+0\s+3d/);
      assert.match(pods.stdout, /kube-system\s+etcd-cp-1\s+1\/1\s+Running/);
      assert.match(pods.stdout, /inference\s+vllm-\S+\s+1\/1\s+Running/);

      const pdbs = await k('get', 'pdb', '-A');
      assert.is(pdbs.code, 0, pdbs.stderr);
      assert.match(pdbs.stdout, /NAMESPACE\s+NAME\s+MIN AVAILABLE\s+MAX UNAVAILABLE\s+ALLOWED DISRUPTIONS\s+AGE/);
      assert.match(pdbs.stdout, /default\s+web\s+2\s+N\/A\s+1\s+3d/);
      assert.match(pdbs.stdout, /default\s+db\s+N\/A\s+1\s+1\s+3d/);

      const cordon = await k('cordon', 'worker-3');
      assert.is(cordon.code, 0, cordon.stderr);
      assert.match(cordon.stdout, /node\/worker-3 cordoned/);
      const afterCordon = await k('get', 'nodes', 'worker-3');
      assert.match(afterCordon.stdout, /worker-3\s+Ready,SchedulingDisabled/);
      const uncordon3 = await k('uncordon', 'worker-3');
      assert.is(uncordon3.code, 0, uncordon3.stderr);
      assert.match(uncordon3.stdout, /node\/worker-3 uncordoned/);

      const before = (await podsOn(lab, 'worker-1')).filter((p) => p.metadata.ownerReferences?.[0]?.kind !== 'DaemonSet');
      assert.ok(before.length >= 3, `worker-1 should run app pods, has ${before.map((p) => p.metadata.name)}`);

      const drain = await k('drain', 'worker-1', '--ignore-daemonsets', '--delete-emptydir-data', '--grace-period=120', '--timeout=300s');
      assert.is(drain.code, 0, `${drain.stdout}\n${drain.stderr}`);
      assert.match(drain.stdout, /node\/worker-1 cordoned/);
      assert.match(drain.stdout, /node\/worker-1 drained/);
      assert.match(drain.stderr + drain.stdout, /ignoring DaemonSet-managed Pods: .*kube-system\/kube-proxy-/);
      for (const p of before) assert.match(drain.stdout, new RegExp(`pod/${p.metadata.name} evicted`));

      // The second client: every evicted pod's workload is back at full strength elsewhere, with new uids.
      const oldUids = new Set(before.map((p) => p.metadata.uid));
      await waitFor('recreated pods Ready', async () => {
        const all = (await lab.api.get('/api/v1/namespaces/default/pods')).body.items as PodLite[];
        const ready = all.filter((p) => !p.metadata.deletionTimestamp && p.status.conditions?.some((c) => c.type === 'Ready' && c.status === 'True'));
        return ready.length === 7 && ready.every((p) => p.spec.nodeName !== 'worker-1' && !oldUids.has(p.metadata.uid));
      });
      const dbPod = before.find((p) => p.metadata.name.startsWith('db-'));
      if (dbPod) {
        const again = (await lab.api.get(`/api/v1/namespaces/default/pods/${dbPod.metadata.name}`)).body as PodLite;
        assert.is(again.metadata.name, dbPod.metadata.name, 'a StatefulSet pod keeps its name');
        assert.is.not(again.metadata.uid, dbPod.metadata.uid, 'a StatefulSet pod comes back with a new uid');
      }
      const left = (await podsOn(lab, 'worker-1')).filter((p) => p.metadata.ownerReferences?.[0]?.kind !== 'DaemonSet');
      assert.equal(left.map((p) => p.metadata.name), [], 'nothing but DaemonSet pods stays on the drained node');

      // kubectl 1.27 reads OpenAPI v2 (protobuf), 1.33 v3, to leave validation to the server.
      const apply = await k('apply', '-f', join(packageRoot(), 'test', 'fixtures', 'lab-cluster', 'configmap.yaml'));
      assert.is(apply.code, 0, apply.stderr);
      assert.match(apply.stdout, /configmap\/upgrade-notes created/);

      const uncordon = await k('uncordon', 'worker-1');
      assert.is(uncordon.code, 0, uncordon.stderr);
      assert.match(uncordon.stdout, /node\/worker-1 uncordoned/);

      const rec = lab.cluster.records();
      for (const key of ['default/web', 'default/db']) {
        const a = rec.availability[key];
        assert.ok(a, `availability recorded for ${key}`);
        assert.ok(a!.minHealthy >= a!.minAvailable, `${key}: min healthy ${a!.minHealthy} ≥ ${a!.minAvailable}`);
        assert.is(a!.momentsBelow, 0, `${key} never below its budget`);
      }
      assert.equal(rec.nodeEvents.map((e) => `${e.node}:${e.event}`), ['worker-3:cordon', 'worker-3:uncordon', 'worker-1:cordon', 'worker-1:uncordon']);
      assert.ok(rec.apiWrites.some((w) => w.method === 'POST' && /\/pods\/[^/]+\/eviction$/.test(w.path) && w.status === 201), 'evictions recorded');
    } finally {
      await lab.stop();
      rmSync(cache, { recursive: true, force: true });
    }
  });
}

test('kubectl drain retries while a PDB blocks, then times out leaving the node cordoned', async () => {
  const bin = findKubectl('1.33');
  if (!bin) {
    console.log('SKIP: kubectl.1.33 not found beside the kubectl on PATH');
    return;
  }
  const lab = await startCluster({ timeScale: 0.01 });
  const cache = mkdtempSync(join(tmpdir(), 'kubectl-cache-pdb-'));
  try {
    lab.cluster.control.faults.pdbBlocked.push('default/web');
    const drain = await runKubectl(bin, lab.kubeconfig, cache, ['drain', 'worker-1', '--ignore-daemonsets', '--delete-emptydir-data', '--grace-period=120', '--timeout=7s'], 60_000);
    assert.is(drain.code, 1, drain.stdout + drain.stderr);
    assert.match(drain.stderr, /error when evicting pods\/"web-[^"]+" -n "default" \(will retry after 5s\): Cannot evict pod as it would violate the pod's disruption budget\./);
    assert.match(drain.stderr, /unable to drain node "worker-1"/);
    const node = await lab.api.get('/api/v1/nodes/worker-1');
    assert.is(node.body.spec.unschedulable, true, 'the node stays cordoned');
    const web = ((await lab.api.get('/api/v1/namespaces/default/pods?labelSelector=app%3Dweb')).body.items as PodLite[]).filter((p) => p.spec.nodeName === 'worker-1');
    assert.is(web.length, 1, 'the protected pod is still on worker-1');
    assert.is(lab.cluster.records().availability['default/web']!.momentsBelow, 0);
  } finally {
    await lab.stop();
    rmSync(cache, { recursive: true, force: true });
  }
});

test('the kubectl commands runbooks and operators run also work: jsonpath, wait, scale, rollout, run, logs, can-i', async () => {
  const bin = findKubectl('1.33') ?? findKubectl('1.30');
  if (!bin) {
    console.log('SKIP: neither kubectl.1.33 nor kubectl.1.30 found beside the kubectl on PATH');
    return;
  }
  const lab = await startCluster({ timeScale: 0.01 });
  const cache = mkdtempSync(join(tmpdir(), 'kubectl-cache-misc-'));
  const k = (...args: string[]) => runKubectl(bin, lab.kubeconfig, cache, args, 60_000);
  try {
    const jp = await k('get', 'node', 'worker-1', '-o', 'jsonpath={.status.nodeInfo.kubeletVersion}');
    assert.is(jp.code, 0, jp.stderr);
    assert.is(jp.stdout, 'v1.30.4');
    const all = await k('get', 'nodes', '-o', 'jsonpath={range .items[*]}{.metadata.name} {.status.nodeInfo.kubeletVersion}{"\\n"}{end}');
    assert.is(all.stdout.trim().split('\n').length, 8);
    const wait = await k('wait', '--for=condition=Ready', 'node/worker-2', '--timeout=10s');
    assert.is(wait.code, 0, wait.stderr);
    assert.match(wait.stdout, /node\/worker-2 condition met/);
    const scale = await k('scale', 'deployment/web', '--replicas=4');
    assert.is(scale.code, 0, scale.stderr);
    const rollout = await k('rollout', 'status', 'deployment/web', '--timeout=20s');
    assert.is(rollout.code, 0, rollout.stderr);
    assert.match(rollout.stdout, /deployment "web" successfully rolled out/);
    const deploy = await k('get', 'deployment', 'web');
    assert.match(deploy.stdout, /web\s+4\/4\s+4\s+4\s+3d/);
    const run = await k('run', 'hello', '--image=busybox:1.36', '--restart=Never', '--', 'echo', 'hi there');
    assert.is(run.code, 0, run.stderr);
    const done = await k('wait', '--for=jsonpath={.status.phase}=Succeeded', 'pod/hello', '--timeout=10s');
    assert.is(done.code, 0, done.stderr);
    const logs = await k('logs', 'hello');
    assert.is(logs.stdout, 'hi there\n');
    const can = await k('auth', 'can-i', 'delete', 'pods');
    assert.is(can.stdout.trim(), 'yes');
    const manifest = join(packageRoot(), 'test', 'fixtures', 'lab-cluster', 'configmap.yaml');
    const created = await k('apply', '-f', manifest);
    assert.is(created.code, 0, created.stderr);
    assert.match(created.stdout, /configmap\/upgrade-notes created/);
    const again = await k('apply', '-f', manifest);
    assert.match(again.stdout, /configmap\/upgrade-notes unchanged/);
  } finally {
    await lab.stop();
    rmSync(cache, { recursive: true, force: true });
  }
});

test.run();
