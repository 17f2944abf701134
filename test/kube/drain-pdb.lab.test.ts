// A drain under a PodDisruptionBudget that allows one disruption: pods leave one at a time and
// the workload never drops below minAvailable (the lab records every moment below the budget).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { kubeActions } from '../../engine/actions/kube/index.js';
import { labAvailable, makeContext, startLab, type Lab } from './harness.js';

const act = (n: string) => kubeActions.find((a) => a.name === n)!;
const skip = !(await labAvailable());
let lab: Lab | undefined;

test.before(async () => {
  if (!skip) lab = await startLab({ workloads: 'none' });
});
test.after(async () => {
  await lab?.stop();
});

test('with a PDB allowing 1 disruption the drain goes one pod at a time and never below minAvailable', async () => {
  if (skip) return console.log('SKIP: engine/lab/cluster is not built');
  const kube = lab!.kube;
  const ctx = makeContext(kube, { timeoutMs: 60_000 });
  // Pin all 4 replicas to worker-1: schedule while the other workers are cordoned.
  for (const n of ['cp-1', 'worker-2', 'worker-3']) await act('cordon').run(ctx, { node: n });
  const labels = { app: 'api' };
  await act('apply').run(ctx, {
    manifest: {
      apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'api', namespace: 'default' },
      spec: {
        replicas: 4, selector: { matchLabels: labels },
        template: { metadata: { labels, annotations: { 'lab.runbook.dev/start-seconds': '15' } }, spec: { containers: [{ name: 'api', image: 'nginx:1.27', resources: { requests: { cpu: '100m', memory: '64Mi' } } }] } },
      },
    },
  });
  await act('apply').run(ctx, { manifest: { apiVersion: 'policy/v1', kind: 'PodDisruptionBudget', metadata: { name: 'api', namespace: 'default' }, spec: { minAvailable: 3, selector: { matchLabels: labels } } } });
  const ready = await act('pods').run(ctx, { namespace: 'default', selector: 'app=api', timeout: '20s', min_pods: 4, grace: '0s' });
  assert.is(ready.status, 'ok', ready.message);
  assert.equal(new Set((ready.data.pods as Array<{ node: string }>).map((p) => p.node)), new Set(['worker-1']));
  for (const n of ['worker-2', 'worker-3']) await act('uncordon').run(ctx, { node: n });
  const pdb = (await kube.listPdbs('default')).find((b) => b.name === 'api')!;
  assert.is(pdb.status.disruptionsAllowed, 1);

  const r = await act('drain').run(ctx, { node: 'worker-1', timeout: '40s', retry_interval: '200ms', grace_period: 0 });
  assert.is(r.status, 'changed', r.message);
  assert.is((r.data.evicted as string[]).length, 4);
  // Every eviction after the first had to wait for the budget: the PDB was named while waiting.
  assert.ok(ctx.progressLog.some((m) => /PDB default\/api blocks/.test(m)), ctx.progressLog.join('\n'));
  const avail = lab!.cluster.records().availability['default/api'];
  assert.ok(avail, 'the lab tracked the api budget');
  assert.is(avail.momentsBelow, 0);
  assert.ok(avail.minHealthy >= 3, `lowest healthy count ${avail.minHealthy}`);
  const onOthers = await act('pods').run(ctx, { namespace: 'default', selector: 'app=api', timeout: '20s', min_pods: 4, grace: '0s' });
  assert.is(onOthers.status, 'ok', onOthers.message);
  assert.not.ok((onOthers.data.pods as Array<{ node: string }>).some((p) => p.node === 'worker-1'));
});

test('a refused eviction is asked again as soon as the PDB allows it, not after the retry interval', async () => {
  if (skip) return console.log('SKIP: engine/lab/cluster is not built');
  const kube = lab!.kube;
  const ctx = makeContext(kube, { timeoutMs: 60_000 });
  // worker-1 is cordoned by the test above: pin 3 replicas to worker-2 the same way.
  for (const n of ['cp-1', 'worker-3']) await act('cordon').run(ctx, { node: n });
  const labels = { app: 'queue' };
  await act('apply').run(ctx, {
    manifest: {
      apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'queue', namespace: 'default' },
      spec: {
        replicas: 3, selector: { matchLabels: labels },
        template: { metadata: { labels, annotations: { 'lab.runbook.dev/start-seconds': '15' } }, spec: { containers: [{ name: 'q', image: 'nginx:1.27', resources: { requests: { cpu: '100m', memory: '64Mi' } } }] } },
      },
    },
  });
  await act('apply').run(ctx, { manifest: { apiVersion: 'policy/v1', kind: 'PodDisruptionBudget', metadata: { name: 'queue', namespace: 'default' }, spec: { maxUnavailable: 1, selector: { matchLabels: labels } } } });
  const ready = await act('pods').run(ctx, { namespace: 'default', selector: 'app=queue', timeout: '20s', min_pods: 3, grace: '0s' });
  assert.is(ready.status, 'ok', ready.message);
  for (const n of ['worker-3']) await act('uncordon').run(ctx, { node: n });

  // A retry interval longer than the drain's timeout: only the watch of the PDB can finish it.
  const r = await act('drain').run(ctx, { node: 'worker-2', timeout: '30s', retry_interval: '10m', grace_period: 0, pod_selector: 'app=queue' });
  assert.is(r.status, 'changed', r.message);
  assert.is((r.data.evicted as string[]).length, 3);
  assert.ok(ctx.progressLog.some((m) => /PDB default\/queue blocks/.test(m)), ctx.progressLog.join('\n'));
  assert.is(lab!.cluster.records().availability['default/queue']?.momentsBelow, 0);
});

test.run();
