// Integration tests of cordon, uncordon and drain against the lab's API server through the real
// client-node adapter: filters refuse before any eviction, PDB-blocked pods wait and time out
// cleanly with the PDB named, a drain evicts and waits by UID.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { kubeActions } from '../../engine/actions/kube/index.js';
import { labAvailable, makeContext, startLab, type Lab } from './harness.js';

const act = (n: string) => kubeActions.find((a) => a.name === n)!;
let lab: Lab | undefined;
const skip = !(await labAvailable());

/** A schedulable worker hosting a pod whose name starts with prefix (placement is the lab's choice). */
async function nodeWith(prefix: string): Promise<string> {
  const nodes = new Map((await lab!.kube.listNodes()).map((n) => [n.name, n]));
  const p = (await lab!.kube.listPods({ namespace: 'default' })).find((x) => x.name.startsWith(prefix) && !x.deleting && x.nodeName && !nodes.get(x.nodeName)?.unschedulable);
  assert.ok(p, `a pod ${prefix}* on a schedulable node`);
  return p!.nodeName!;
}

test.before(async () => {
  if (!skip) lab = await startLab({ faults: { pdbBlocked: [] } });
});
test.after(async () => {
  await lab?.stop();
});

test('cordon and uncordon are idempotent: changed, then ok', async () => {
  if (skip) return console.log('SKIP: engine/lab/cluster is not built');
  const ctx = makeContext(lab!.kube);
  assert.is((await act('cordon').run(ctx, { node: 'worker-3' })).status, 'changed');
  assert.is((await lab!.kube.getNode('worker-3'))!.unschedulable, true);
  assert.is((await act('cordon').run(ctx, { node: 'worker-3' })).status, 'ok');
  assert.is((await act('uncordon').run(ctx, { node: 'worker-3' })).status, 'changed');
  assert.is((await lab!.kube.getNode('worker-3'))!.unschedulable, false);
  assert.is((await act('uncordon').run(ctx, { node: 'worker-3' })).status, 'ok');
  const missing = await act('cordon').run(ctx, { node: 'nope' });
  assert.is(missing.status, 'failed');
  assert.match(missing.message!, /node nope not found/);
});

test('drain refuses emptyDir pods before evicting anything and leaves the node cordoned', async () => {
  if (skip) return;
  const ctx = makeContext(lab!.kube);
  const node = await nodeWith('cache-');
  const before = await lab!.kube.listPods({ node });
  const r = await act('drain').run(ctx, { node, timeout: '10s' });
  assert.is(r.status, 'failed');
  assert.match(r.message!, /default\/cache-[a-z0-9-]+: uses emptyDir volume scratch/);
  assert.match(r.message!, /Nothing was evicted/);
  assert.equal((r.data.evicted as string[]).length, 0);
  const after = await lab!.kube.listPods({ node });
  assert.equal(after.map((p) => p.uid).sort(), before.map((p) => p.uid).sort());
  assert.is((await lab!.kube.getNode(node))!.unschedulable, true);
  await act('uncordon').run(ctx, { node });
});

test('drain with a PDB at disruptionsAllowed 0 waits, names the PDB, times out and stays cordoned', async () => {
  if (skip) return;
  lab!.faults.pdbBlocked.push('default/web');
  try {
    const ctx = makeContext(lab!.kube);
    const node = await nodeWith('web-');
    const webPod = (await lab!.kube.listPods({ node })).find((p) => p.name.startsWith('web-'))!;
    const t0 = Date.now();
    const r = await act('drain').run(ctx, { node, delete_emptydir_data: true, timeout: '2s' });
    const took = Date.now() - t0;
    assert.is(r.status, 'failed');
    assert.ok(took >= 1900 && took < 5000, `bounded by the timeout, took ${took} ms`);
    assert.match(r.message!, new RegExp(`timed out .* default/${webPod.name} \\(eviction refused by PDB default/web\\)`));
    assert.match(r.message!, /PodDisruptionBudgets holding them: default\/web/);
    assert.match(r.message!, /stays cordoned/);
    assert.ok(ctx.progressLog.some((m) => /PDB default\/web blocks default\/web-/.test(m)), ctx.progressLog.join('\n'));
    const remaining = r.data.remaining as Array<{ pod: string; pdbs: string[] }>;
    assert.equal(remaining.map((x) => x.pod), [`default/${webPod.name}`]);
    assert.equal(remaining[0]!.pdbs, ['default/web']);
    // The others went; the web pod is still there, and the node is still cordoned.
    assert.ok(await lab!.kube.getPod('default', webPod.name));
    assert.is((await lab!.kube.getNode(node))!.unschedulable, true);
  } finally {
    lab!.faults.pdbBlocked.length = 0;
  }
});

test('drain evicts, waits for each pod by UID (a StatefulSet pod comes back under its name) and reports', async () => {
  if (skip) return;
  const ctx = makeContext(lab!.kube);
  const node = await nodeWith('db-');
  const r = await act('drain').run(ctx, { node, delete_emptydir_data: true, grace_period: 0, timeout: '20s' });
  assert.is(r.status, 'changed', r.message);
  const evicted = r.data.evicted as string[];
  assert.ok(evicted.some((p) => /^default\/db-\d$/.test(p)), evicted.join());
  const skipped = r.data.skipped as Array<{ pod: string; reason: string }>;
  assert.ok(skipped.some((s) => s.pod.startsWith('kube-system/kube-proxy-') && s.reason === 'DaemonSet-managed'));
  assert.is(typeof r.data.duration_ms, 'number');
  const left = (await lab!.kube.listPods({ node })).filter((p) => !p.owners.some((o) => o.kind === 'DaemonSet'));
  assert.equal(left.map((p) => p.name), []);
  // Again: nothing left to evict, node already cordoned → ok.
  const again = await act('drain').run(ctx, { node, delete_emptydir_data: true, timeout: '5s' });
  assert.is(again.status, 'ok');
  await act('uncordon').run(ctx, { node });
});

test('drain without ignore_daemonsets refuses DaemonSet pods', async () => {
  if (skip) return;
  const ctx = makeContext(lab!.kube);
  const r = await act('drain').run(ctx, { node: 'worker-3', ignore_daemonsets: false, delete_emptydir_data: true, timeout: '5s' });
  assert.is(r.status, 'failed');
  assert.match(r.message!, /kube-system\/kube-proxy-[a-z0-9]+.*managed by DaemonSet/);
  await act('uncordon').run(ctx, { node: 'worker-3' });
});

test('without the eviction subresource the drain deletes pods (PDBs are not consulted) and says so', async () => {
  if (skip) return;
  const deleted: string[] = [];
  const real = lab!.kube;
  const noEviction = new Proxy(real, {
    get(target, prop, recv) {
      if (prop === 'supportsEviction') return async () => false;
      if (prop === 'evictPod') return async () => assert.unreachable('must not evict');
      if (prop === 'deletePod') return async (ns: string, name: string, o: { gracePeriodSeconds?: number }, sig?: AbortSignal) => (deleted.push(`${ns}/${name}`), target.deletePod(ns, name, o, sig));
      const v = Reflect.get(target, prop, recv);
      return typeof v === 'function' ? v.bind(target) : v;
    },
  });
  lab!.faults.pdbBlocked.push('default/web');
  let node = '';
  try {
    const ctx = makeContext(noEviction);
    node = await nodeWith('web-');
    const r = await act('drain').run(ctx, { node, delete_emptydir_data: true, timeout: '20s' });
    assert.is(r.status, 'changed', r.message);
    assert.equal([...deleted].sort(), [...(r.data.evicted as string[])].sort());
    assert.ok(deleted.some((p) => p.startsWith('default/web-')), 'the PDB-protected pod went too');
    assert.ok(ctx.progressLog.some((m) => /no pods\/eviction: deleting pods instead/.test(m)), ctx.progressLog.join('\n'));
  } finally {
    lab!.faults.pdbBlocked.length = 0;
    await act('uncordon').run(makeContext(real), { node });
  }
});

// Last: its two drains move pods the tests above pick nodes by.
test('a node an operator cordoned before the run stays cordoned after drain and a keep_manual_cordon uncordon; one runbook cordoned is given back', async () => {
  if (skip) return;
  const ctx = makeContext(lab!.kube, { runDir: '/tmp/.runbook/runs/20261125-2031-ab12' });
  // The operator's cordon: the patch `kubectl cordon` sends, no runbook mark.
  await lab!.kube.patchNodeUnschedulable('worker-3', true);
  const d = await act('drain').run(ctx, { node: 'worker-3', timeout: '60s', delete_emptydir_data: true });
  assert.is(d.status === 'failed', false, d.message);
  assert.ok(ctx.progressLog.some((m) => /already cordoned, not by runbook/.test(m)), ctx.progressLog.join('\n'));
  const kept = await act('uncordon').run(ctx, { node: 'worker-3', keep_manual_cordon: true });
  assert.is(kept.status, 'ok');
  assert.match(kept.message!, /worker-3 stays cordoned: it was cordoned before this run, not by runbook/);
  assert.is((await lab!.kube.getNode('worker-3'))!.unschedulable, true);
  // Plain uncordon is kubectl's: it gives the node back whoever cordoned it.
  assert.is((await act('uncordon').run(ctx, { node: 'worker-3' })).status, 'changed');

  // Cordoned by runbook's drain: marked with the run id in the same patch, and given back.
  await act('drain').run(ctx, { node: 'worker-3', timeout: '60s', delete_emptydir_data: true });
  const marked = (await lab!.kube.getNode('worker-3'))!;
  assert.is(marked.unschedulable, true);
  assert.is(marked.annotations?.['runbook.dev/cordoned-by'], '20261125-2031-ab12');
  assert.is((await act('uncordon').run(ctx, { node: 'worker-3', keep_manual_cordon: true })).status, 'changed');
  const back = (await lab!.kube.getNode('worker-3'))!;
  assert.is(back.unschedulable, false);
  assert.is(back.annotations?.['runbook.dev/cordoned-by'], undefined, 'the mark goes with the cordon');
});

test.run();
