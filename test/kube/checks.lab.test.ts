// Integration tests of the read-only checks against the lab: version, wait_node, pods, pdb_check,
// capacity_check (with a GPU node), addons and deprecations (the lab's 'deprecated-apis' set).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { kubeActions } from '../../engine/actions/kube/index.js';
import { labAvailable, makeContext, NODES, startLab, type Lab } from './harness.js';

const act = (n: string) => kubeActions.find((a) => a.name === n)!;
const skip = !(await labAvailable());
let lab: Lab | undefined;

test.before(async () => {
  if (skip) return;
  lab = await startLab({ nodes: [...NODES, { name: 'gpu-1', role: 'gpu', cpu: 16, memoryGi: 64, gpus: 2 }], workloads: 'deprecated-apis', faults: { neverReady: ['worker-3'] } });
});
test.after(async () => {
  await lab?.stop();
});

test('version reports the server and every kubelet', async () => {
  if (skip) return console.log('SKIP: engine/lab/cluster is not built');
  const r = await act('version').run(makeContext(lab!.kube), {});
  assert.is(r.status, 'ok');
  assert.is(r.data.server_version, 'v1.30.4');
  assert.is(r.data.server_minor, '1.30');
  assert.equal(r.data.kubelet_versions, ['v1.30.4']);
  assert.is((r.data.nodes as unknown[]).length, 5);
  assert.is(r.data.all_ready, true);
});

test('wait_node follows a kubelet restart to Ready at the new version, reporting each change', async () => {
  if (skip) return;
  const ctx = makeContext(lab!.kube);
  lab!.cluster.control.restartKubelet('worker-2', 'v1.31.1');
  const r = await act('wait_node').run(ctx, { node: 'worker-2', version: '1.31.1', timeout: '20s', interval: '100ms' });
  assert.is(r.status, 'ok', r.message);
  assert.is(r.data.kubelet_version, 'v1.31.1');
  assert.ok(ctx.progressLog.some((m) => /worker-2: NotReady/.test(m)), ctx.progressLog.join('\n'));
  assert.ok(ctx.progressLog.some((m) => /worker-2: Ready, kubelet v1.31.1/.test(m)));
});

test('wait_node wakes when the node turns Ready, not at its next poll', async () => {
  if (skip) return;
  const ctx = makeContext(lab!.kube);
  lab!.cluster.control.restartKubelet('worker-1', 'v1.31.1');
  // A poll interval longer than the timeout: only the watch of the Node can end this wait in time.
  const r = await act('wait_node').run(ctx, { node: 'worker-1', version: '1.31.1', timeout: '20s', interval: '10m' });
  assert.is(r.status, 'ok', r.message);
  assert.ok((r.data.waited_ms as number) < 10_000, `waited ${String(r.data.waited_ms)} ms for a 30 ms restart`);
});

test('pods: kube-system is healthy; a pod that cannot be scheduled is named once past its grace', async () => {
  if (skip) return;
  const ctx = makeContext(lab!.kube);
  const ok = await act('pods').run(ctx, { namespace: 'kube-system' });
  assert.is(ok.status, 'ok', ok.message);
  assert.ok((ok.data.count as number) > 5);
  await lab!.kube.createPod('default', { metadata: { name: 'stuck' }, spec: { nodeSelector: { nowhere: 'true' }, containers: [{ name: 'c', image: 'busybox' }] } });
  const bad = await act('pods').run(ctx, { namespace: 'default', grace: '0s' });
  assert.is(bad.status, 'failed');
  assert.match(bad.message!, /default\/stuck \(Pending for \d+s\)/);
  assert.equal(bad.data.bad, [{ pod: 'default/stuck', reason: (bad.data.bad as Array<{ reason: string }>)[0]!.reason }]);
  const waited = await act('pods').run(ctx, { namespace: 'default', grace: '0s', timeout: '1s' });
  assert.is(waited.status, 'failed');
  assert.match(waited.message!, /^after 1\.\ds:/);
  await lab!.kube.deletePod('default', 'stuck', { gracePeriodSeconds: 0 });
  const gpu = await act('pods').run(ctx, { namespace: 'gpu-operator', node: 'gpu-1', expect: 'running', timeout: '15s', min_pods: 3 });
  assert.is(gpu.status, 'ok', gpu.message);
});

test('pods keeps waiting through an API server that answers 503 for a while', async () => {
  if (skip) return;
  const ctx = makeContext(lab!.kube);
  lab!.faults.api5xx = 6; // more than one request's retries
  try {
    const r = await act('pods').run(ctx, { namespace: 'kube-system', timeout: '15s' });
    assert.is(r.status, 'ok', r.message);
    assert.ok(ctx.progressLog.some((m) => /cannot list pods yet: .*503/.test(m)), ctx.progressLog.join('\n'));
  } finally {
    lab!.faults.api5xx = 0;
  }
});

test('pdb_check names the budgets that would block a drain', async () => {
  if (skip) return;
  const ctx = makeContext(lab!.kube);
  const fine = await act('pdb_check').run(ctx, { namespace: 'default' });
  assert.is(fine.status, 'ok', fine.message);
  await act('apply').run(ctx, { manifest: { apiVersion: 'policy/v1', kind: 'PodDisruptionBudget', metadata: { name: 'web-strict', namespace: 'default' }, spec: { maxUnavailable: 0, selector: { matchLabels: { app: 'web' } } } } });
  const r = await act('pdb_check').run(ctx, {});
  assert.is(r.status, 'failed');
  assert.match(r.message!, /default\/web-strict \(maxUnavailable is 0\)/);
  assert.ok((r.data.blocking as string[]).includes('default/web-strict'));
  const web = (r.data.pdbs as Array<{ pdb: string; pods: string[] }>).find((p) => p.pdb === 'default/web')!;
  assert.is(web.pods.length, 3);
  const soft = await act('pdb_check').run(ctx, { fail_on_block: false });
  assert.is(soft.status, 'ok');
  await act('delete').run(ctx, { kind: 'PodDisruptionBudget', name: 'web-strict', namespace: 'default' });
});

test('capacity_check: a worker fits elsewhere; the only GPU node does not, naming its GPU pods', async () => {
  if (skip) return;
  const ctx = makeContext(lab!.kube);
  const ok = await act('capacity_check').run(ctx, { node: 'worker-1' });
  assert.is(ok.status, 'ok', ok.message);
  const gpu = await act('capacity_check').run(ctx, { node: 'gpu-1' });
  assert.is(gpu.status, 'failed');
  assert.match(gpu.message!, /inference\/vllm-[a-z0-9-]+ \(/);
  assert.match(gpu.message!, /nodeSelector nvidia\.com\/gpu\.present=true/);
});

test('capacity_check with_hosts: a batch drained at once must fit beside itself outside the batch; hosts map to node names', async () => {
  if (skip) return;
  const ctx = makeContext(lab!.kube);
  // All three workers at once: only the tainted control plane and GPU node would be left.
  const all = await act('capacity_check').run(ctx, { node: 'worker-1', with_hosts: ['worker-1', 'worker-2', 'worker-3'] });
  assert.is(all.status, 'failed', all.message);
  assert.match(all.message!, /pods of worker-1 and its batch \(worker-2, worker-3\) would not fit elsewhere/);
  assert.equal((all.data.targets as Array<{ node: string }>).map((t) => t.node).sort(), ['cp-1', 'gpu-1']);
  // Inventory names are mapped through hostvars' node_name, as the runbook's batch_hosts gives them.
  const mapped = await act('capacity_check').run({ ...ctx, vars: { hostvars: { w2: { node_name: 'worker-2' } } } }, { node: 'worker-1', with_hosts: 'w2' });
  assert.equal(mapped.data.batch, ['worker-1', 'worker-2']);
  assert.ok(!(mapped.data.targets as Array<{ node: string }>).some((t) => t.node === 'worker-2'), 'a batch member is no target');
});

test('addons: known addons checked against the target, unknown ones listed as unknown', async () => {
  if (skip) return;
  const ctx = makeContext(lab!.kube);
  const now = await act('addons').run(ctx, { target_version: '1.30.9', namespaces: ['kube-system', 'gpu-operator'] });
  assert.is(now.status, 'ok', now.message); // the lab runs addons that support its own version
  assert.match(now.message!, /unknown \(check by hand\): .*nvidia-driver-daemonset/);
  // An old ingress controller (e2e-tested up to 1.28) in its own namespace.
  await act('apply').run(ctx, {
    manifest: {
      apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'ingress-nginx-controller', namespace: 'default' },
      spec: { replicas: 1, selector: { matchLabels: { app: 'ingress' } }, template: { metadata: { labels: { app: 'ingress' } }, spec: { containers: [{ name: 'controller', image: 'registry.k8s.io/ingress-nginx/controller:v1.9.5@sha256:b3aba22b1da80e7acfc52b115cae1d4c687172cbf2b742d5b502419c25ff340e' }] } } },
    },
  });
  const next = await act('addons').run(ctx, { target_version: '1.31', namespaces: ['kube-system', 'default'] });
  assert.is(next.status, 'failed');
  assert.match(next.message!, /ingress-nginx v1\.9\.5 \(default\/Deployment\/ingress-nginx-controller\) supports Kubernetes 1\.25–1\.28/);
  // (Whether the lab's own CNI supports 1.31 is the lab's choice; only our controller is asserted.)
  assert.ok((next.data.unsupported as string[]).includes('default/Deployment/ingress-nginx-controller'));
  const images = next.data.images as Array<{ addon: string | null; status: string }>;
  assert.ok(images.some((i) => i.addon === 'coredns' && i.status === 'supported'));
  assert.ok(images.some((i) => i.addon === 'kube-proxy' && i.status === 'supported'));
});

test('deprecations finds the Helm release and the last-applied object, and says what it could not check', async () => {
  if (skip) return;
  const ctx = makeContext(lab!.kube);
  const r = await act('deprecations').run(ctx, { target_version: '1.25' });
  assert.is(r.status, 'failed');
  const f = r.data.findings as Array<{ kind: string; name: string; api_version: string; source: string }>;
  assert.ok(f.some((x) => x.kind === 'CronJob' && x.name === 'legacy-app-report' && x.api_version === 'batch/v1beta1' && /helm release legacy\/legacy-app/.test(x.source)));
  assert.ok(f.some((x) => x.kind === 'PodDisruptionBudget' && x.name === 'legacy-app' && /helm/.test(x.source)));
  assert.ok(f.some((x) => x.kind === 'PodDisruptionBudget' && x.name === 'legacy-budget' && x.source === 'last-applied-configuration'));
  assert.match(r.message!, /must be migrated before 1\.25/);
  assert.match(r.message!, /Not checked: .*\d+ PodDisruptionBudget \(no last-applied-configuration annotation/);
  assert.not.match(r.message!, /ReplicaSet/);
  const old = await act('deprecations').run(ctx, { target_version: '1.24' });
  assert.is(old.status, 'ok', old.message);
});

test("deprecations reads the API server's record of clients still calling removed APIs, before its own requests", async () => {
  if (skip) return;
  const ctx = makeContext(lab!.kube);
  lab!.faults.deprecatedCalls.push('flowcontrol.apiserver.k8s.io/v1beta3/flowschemas@1.32', 'autoscaling/v2beta2/horizontalpodautoscalers@1.26');
  try {
    type F = { kind: string; api_version: string; removed_in: string; replacement: string; source: string };
    const fromMetric = (r: { data: Record<string, unknown> }) => (r.data.findings as F[]).filter((f) => /apiserver_requested_deprecated_apis/.test(f.source));
    const r32 = await act('deprecations').run(ctx, { target_version: '1.32' });
    assert.is(r32.status, 'failed');
    assert.equal(fromMetric(r32).map((f) => `${f.api_version} ${f.kind} ${f.removed_in} → ${f.replacement}`).sort(), [
      'autoscaling/v2beta2 requests to horizontalpodautoscalers 1.26 → autoscaling/v2',
      'flowcontrol.apiserver.k8s.io/v1beta3 requests to flowschemas 1.32 → flowcontrol.apiserver.k8s.io/v1',
    ]);
    assert.match(r32.message!, /requests to flowschemas \(a client still calls it\) uses flowcontrol\.apiserver\.k8s\.io\/v1beta3 \(removed in 1\.32/);
    // At 1.31 the flowcontrol v1beta3 API is only deprecated, not gone: no blocker.
    const r31 = await act('deprecations').run(ctx, { target_version: '1.31' });
    assert.equal(fromMetric(r31).map((f) => f.api_version), ['autoscaling/v2beta2']);
  } finally {
    lab!.faults.deprecatedCalls.length = 0;
  }
  const quiet = await act('deprecations').run(ctx, { target_version: '1.24' });
  assert.is(quiet.status, 'ok', quiet.message);
  assert.match(quiet.message!, /the API server's record of deprecated API calls checked/);
});

// Last: worker-3 stays NotReady from here on (the neverReady fault).
test('wait_node times out saying what it last saw', async () => {
  if (skip) return;
  lab!.cluster.control.restartKubelet('worker-3', 'v1.31.1');
  const r = await act('wait_node').run(makeContext(lab!.kube), { node: 'worker-3', version: '1.31.1', timeout: '1s', interval: '100ms' });
  assert.is(r.status, 'failed');
  assert.match(r.message!, /worker-3 was not Ready at kubelet v1.31.1 within 1\.\ds; last seen: NotReady/);
});

test.run();
