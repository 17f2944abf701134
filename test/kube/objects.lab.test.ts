// Integration tests of the changing helpers against the lab: apply/delete of a ConfigMap, a
// one-off pod with its logs (deleted afterwards), and the run lock (Lease).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { kubeActions } from '../../engine/actions/kube/index.js';
import { RefusedError } from '../../engine/model/errors.js';
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

test('apply creates then replaces a ConfigMap; delete removes it and is ok when it is gone', async () => {
  if (skip) return console.log('SKIP: engine/lab/cluster is not built');
  const ctx = makeContext(lab!.kube);
  const cm = 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: runbook-check\n  namespace: default\ndata:\n  k: one\n';
  const c = await act('apply').run(ctx, { manifest: cm });
  assert.is(c.status, 'changed');
  assert.is(c.data.action, 'created');
  const r = await act('apply').run(ctx, { manifest: { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'runbook-check', namespace: 'default' }, data: { k: 'two' } } });
  assert.is(r.data.action, 'replaced');
  const got = await lab!.kube.getObject({ apiVersion: 'v1', kind: 'ConfigMap', name: 'runbook-check', namespace: 'default' });
  assert.equal((got as { data?: unknown }).data, { k: 'two' });
  assert.is((await act('delete').run(ctx, { kind: 'ConfigMap', name: 'runbook-check', namespace: 'default' })).status, 'changed');
  const again = await act('delete').run(ctx, { kind: 'ConfigMap', name: 'runbook-check', namespace: 'default' });
  assert.is(again.status, 'ok');
  assert.match(again.message!, /already gone/);
  assert.is(act('apply').describe({ manifest: cm }), 'apply ConfigMap/default/runbook-check');
});

test('run_pod runs to completion, returns the logs and deletes the pod', async () => {
  if (skip) return;
  const ctx = makeContext(lab!.kube);
  const r = await act('run_pod').run(ctx, { name: 'dns-check', image: 'busybox:1.36', command: 'echo Name: kubernetes.default', timeout: '20s' });
  assert.is(r.status, 'changed', r.message);
  assert.is(r.data.phase, 'Succeeded');
  assert.match(r.data.logs as string, /Name: kubernetes.default/);
  assert.equal(ctx.outputLog, ['Name: kubernetes.default']);
  const left = (await lab!.kube.listPods({ namespace: 'default' })).filter((p) => p.name.startsWith('dns-check-') && !p.deleting);
  assert.equal(left, []);
});

test('lock: taken, refused to a second holder naming holder and since, released at the end, taken over on request', async () => {
  if (skip) return;
  const a = makeContext(lab!.kube, { runDir: '/tmp/.runbook/runs/run-a' });
  const b = makeContext(lab!.kube, { runDir: '/tmp/.runbook/runs/run-b' });
  const c = makeContext(lab!.kube, { runDir: '/tmp/.runbook/runs/run-c' });
  try {
    const taken = await act('lock').run(a, { ttl: '3s' });
    assert.is(taken.status, 'changed');
    assert.match(taken.data.holder as string, /@.+\/run-a$/);
    try {
      await act('lock').run(b, { ttl: '3s' });
      assert.unreachable('the second run must be refused');
    } catch (e) {
      assert.instance(e, RefusedError);
      assert.match((e as Error).message, /locked by .+\/run-a since \d{4}-\d\d-\d\dT/);
      assert.match((e as RefusedError).hint ?? '', /take_over: true/);
    }
    // Still held after more than the ttl: the background renewal keeps it alive.
    await new Promise((r) => setTimeout(r, 3500));
    const late = await act('lock').run(b, { ttl: '3s' }).then(() => 'taken', (e: Error) => e.message);
    assert.match(late, /locked by/);
    const lease = await lab!.kube.getLease('kube-system', 'runbook-upgrade');
    assert.ok(lease!.renewTime! > lease!.acquireTime!, 'renewed');
    await a.runDeferred();
    assert.is(await lab!.kube.getLease('kube-system', 'runbook-upgrade'), undefined);
    // Now b gets it; c takes it over explicitly.
    assert.is((await act('lock').run(b, { ttl: '30s' })).status, 'changed');
    const over = await act('lock').run(c, { ttl: '30s', take_over: true });
    assert.match(over.message!, /taken over from .+\/run-b/);
    await b.runDeferred(); // b no longer holds it: its release must not delete c's lease
    assert.match((await lab!.kube.getLease('kube-system', 'runbook-upgrade'))!.holderIdentity!, /run-c$/);
  } finally {
    // Always stop the renewal loops, or a failed assertion leaves them running forever.
    for (const x of [a, b, c]) await x.runDeferred();
  }
});

test('lock: an expired lease of a dead run is taken without take_over', async () => {
  if (skip) return;
  const past = Date.now() - 120_000;
  await lab!.kube.createLease({ name: 'runbook-upgrade', namespace: 'kube-system', holderIdentity: 'ghost@gone/run-x', leaseDurationSeconds: 60, acquireTime: past, renewTime: past });
  const ctx = makeContext(lab!.kube, { runDir: '/tmp/.runbook/runs/run-d' });
  try {
    const r = await act('lock').run(ctx, {});
    assert.match(r.message!, /taken \(the previous lease was expired\)/);
    assert.is(r.data.previous_holder, 'ghost@gone/run-x');
  } finally {
    await ctx.runDeferred();
  }
});

test.run();
