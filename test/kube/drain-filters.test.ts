// Unit tests of the drain's decisions (kubectl filter order and semantics), no server.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { decideDrain, judgePod, refusalMessage, type DrainOptions } from '../../engine/actions/kube/drain-filters.js';
import { dsOwned, pod } from './pods.js';

const defaults: DrainOptions = { ignoreDaemonsets: true, deleteEmptydirData: false, force: false, skipWaitForDeleteTimeoutSeconds: 0 };
const facts = { now: 1_000_000, daemonSets: new Set(['kube-system/kube-proxy']) };

test('a ReplicaSet pod is evicted', () => {
  assert.equal(judgePod(pod('web-1'), defaults, facts), { kind: 'evict' });
});

test('DaemonSet pods are skipped with ignore_daemonsets and refused without it', () => {
  const p = pod('kube-proxy-x', { namespace: 'kube-system', owners: dsOwned('kube-proxy') });
  assert.equal(judgePod(p, defaults, facts), { kind: 'skip', reason: 'DaemonSet-managed' });
  const v = judgePod(p, { ...defaults, ignoreDaemonsets: false }, facts);
  assert.is(v.kind, 'refuse');
  assert.match((v as { reason: string }).reason, /ignore_daemonsets/);
});

test('a pod of a missing DaemonSet is refused unless force, even with ignore_daemonsets', () => {
  const p = pod('orphan-x', { owners: dsOwned('gone-ds') });
  const v = judgePod(p, defaults, facts);
  assert.is(v.kind, 'refuse');
  assert.match((v as { reason: string }).reason, /DaemonSet default\/gone-ds is missing/);
  assert.is(judgePod(p, { ...defaults, force: true }, facts).kind, 'evict');
});

test('a finished DaemonSet pod is evicted (deleted) like any finished pod', () => {
  assert.is(judgePod(pod('ds-done', { owners: dsOwned('gone-ds'), phase: 'Succeeded' }), defaults, facts).kind, 'evict');
});

test('mirror pods are skipped, even without a controller', () => {
  const p = pod('kube-apiserver-cp1', { owners: [], annotations: { 'kubernetes.io/config.mirror': 'abc' } });
  assert.equal(judgePod(p, defaults, facts), { kind: 'skip', reason: 'mirror (static) pod' });
});

test('emptyDir on a running pod is refused unless delete_emptydir_data', () => {
  const p = pod('cache-1', { emptyDirVolumes: ['scratch'] });
  const v = judgePod(p, defaults, facts);
  assert.is(v.kind, 'refuse');
  assert.match((v as { reason: string }).reason, /emptyDir volume scratch/);
  const ok = judgePod(p, { ...defaults, deleteEmptydirData: true }, facts);
  assert.is(ok.kind, 'evict');
  assert.match((ok as { warning?: string }).warning ?? '', /emptyDir data deleted/);
});

test('emptyDir on a completed pod does not stop the drain', () => {
  assert.is(judgePod(pod('job-1', { emptyDirVolumes: ['tmp'], phase: 'Succeeded' }), defaults, facts).kind, 'evict');
});

test('unmanaged pods are refused unless force; completed unmanaged pods are deleted', () => {
  const bare = pod('bare', { owners: [] });
  assert.is(judgePod(bare, defaults, facts).kind, 'refuse');
  assert.is(judgePod(bare, { ...defaults, force: true }, facts).kind, 'evict');
  assert.is(judgePod(pod('bare-done', { owners: [], phase: 'Failed' }), defaults, facts).kind, 'evict');
});

test('an owner that is not the controller does not count as a controller', () => {
  const p = pod('half', { owners: [{ apiVersion: 'v1', kind: 'ConfigMap', name: 'x' }] });
  assert.is(judgePod(p, defaults, facts).kind, 'refuse');
});

test('the first refusing filter wins: DaemonSet before emptyDir', () => {
  const p = pod('ds-with-emptydir', { owners: dsOwned('gone-ds'), emptyDirVolumes: ['x'] });
  assert.match((judgePod(p, defaults, facts) as { reason: string }).reason, /DaemonSet/);
});

test('pods deleting longer than skip_wait_for_delete_timeout are skipped', () => {
  const p = pod('stuck', { deleting: true, deletionTimestamp: facts.now - 120_000 });
  assert.is(judgePod(p, { ...defaults, skipWaitForDeleteTimeoutSeconds: 60 }, facts).kind, 'skip');
  assert.is(judgePod(p, defaults, facts).kind, 'evict');
});

test('decideDrain sorts pods and the refusal message names every pod and why', () => {
  const d = decideDrain(
    [pod('web-1'), pod('kube-proxy-a', { namespace: 'kube-system', owners: dsOwned('kube-proxy') }), pod('bare', { owners: [] }), pod('cache', { emptyDirVolumes: ['d'] })],
    defaults,
    facts,
  );
  assert.equal(d.evict.map((p) => p.name), ['web-1']);
  assert.equal(d.skipped, [{ pod: 'kube-system/kube-proxy-a', reason: 'DaemonSet-managed' }]);
  assert.equal(d.refused.map((r) => r.pod), ['default/bare', 'default/cache']);
  const msg = refusalMessage('w1', d.refused);
  assert.match(msg, /default\/bare: has no controller/);
  assert.match(msg, /default\/cache: uses emptyDir/);
  assert.match(msg, /stays cordoned/);
});

test.run();
