// The drain's evict-and-wait loop in virtual time: 429s retried at the interval until the
// deadline, 404 is gone, other errors fail only that pod, a recreated pod (same name, new UID)
// counts as gone, and the deadline bounds everything.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { evictAll, type EvictOptions } from '../../engine/actions/kube/evict.js';
import { KubeError } from '../../engine/model/errors.js';
import { asKube, FakeClock, FakeKube } from './fake-kube.js';
import { pdb, pod } from './pods.js';

const opts = (clock: FakeClock, over: Partial<EvictOptions> = {}): EvictOptions => ({ useDelete: false, deadline: clock.now() + 60_000, skipWaitForDeleteTimeoutSeconds: 0, retryMs: 5000, pollMs: 1000, ...over });
const blocked = { status: 'blocked' as const, reason: 'DisruptionBudget' as const, message: 'Cannot evict pod as it would violate the pod\'s disruption budget.', pdb: 'web' };

test('evicted pods are waited for until they are gone; the grace period is passed on', async () => {
  const clock = new FakeClock();
  const kube = new FakeKube(clock, 3000);
  kube.add(pod('a'));
  kube.add(pod('b'));
  const progress: string[] = [];
  const ends = await evictAll(asKube(kube), clock, new AbortController().signal, [...kube.pods.values()], 'w1', opts(clock, { gracePeriodSeconds: 120 }), { progress: (m) => progress.push(m) });
  assert.equal(ends, [{ pod: 'default/a', state: 'gone' }, { pod: 'default/b', state: 'gone' }]);
  assert.equal(kube.evictions.map((e) => e.grace), [120, 120]);
  assert.is(progress.at(-1), '0 of 2 pods left on w1');
});

test('a 429 is retried every retry interval until the PDB lets the pod go, naming the PDB meanwhile', async () => {
  const clock = new FakeClock();
  const kube = new FakeKube(clock);
  kube.add(pod('web-1'));
  kube.answers.set('web-1', [blocked, blocked, blocked, { status: 'evicted', message: 'ok' }]);
  const progress: string[] = [];
  const t0 = clock.now();
  const ends = await evictAll(asKube(kube), clock, new AbortController().signal, [...kube.pods.values()], 'w1', opts(clock), { progress: (m) => progress.push(m) });
  assert.equal(ends, [{ pod: 'default/web-1', state: 'gone' }]);
  assert.equal(kube.evictions.map((e) => e.at - t0), [0, 5000, 10000, 15000]);
  assert.ok(progress.includes('1 of 1 pods left on w1; PDB default/web blocks default/web-1'), progress.join('\n'));
});

test('a PDB that never allows it: the loop stops at the deadline and names the PDB (found by selector when the 429 does not say)', async () => {
  const clock = new FakeClock();
  const kube = new FakeKube(clock);
  kube.add(pod('web-1', { labels: { app: 'web' } }));
  kube.add(pod('db-0'));
  kube.pdbs = [pdb('web-pdb')];
  kube.answers.set('web-1', [{ status: 'blocked', message: 'Too Many Requests' }]);
  const t0 = clock.now();
  const ends = await evictAll(asKube(kube), clock, new AbortController().signal, [...kube.pods.values()], 'w1', opts(clock, { deadline: t0 + 12_000 }), { progress: () => undefined });
  assert.equal(ends[1], { pod: 'default/db-0', state: 'gone' });
  assert.equal(ends[0], { pod: 'default/web-1', state: 'timeout', phase: 'blocked', blockedBy: ['default/web-pdb'], lastMessage: 'Too Many Requests' });
  assert.ok(clock.now() - t0 <= 12_000, 'never past the deadline');
  assert.is(kube.evictions.filter((e) => e.pod === 'default/web-1').length, 3); // 0 s, 5 s, 10 s
});

test('404 means already gone; a 500 fails that pod only', async () => {
  const clock = new FakeClock();
  const kube = new FakeKube(clock);
  kube.add(pod('ok'));
  kube.add(pod('multi'));
  kube.answers.set('multi', [new KubeError(500, 'InternalError', 'cannot evict pods/multi -n default: 500 InternalError: This pod has more than one PodDisruptionBudget')]);
  const ghost = pod('ghost');
  const ends = await evictAll(asKube(kube), clock, new AbortController().signal, [...kube.pods.values(), ghost], 'w1', opts(clock), { progress: () => undefined });
  assert.equal(ends[0], { pod: 'default/ok', state: 'gone' });
  assert.is(ends[1]!.state, 'failed');
  assert.match((ends[1] as { error: string }).error, /more than one PodDisruptionBudget/);
  assert.equal(ends[2], { pod: 'default/ghost', state: 'gone' });
});

test('a pod recreated under the same name with a new UID counts as gone', async () => {
  const clock = new FakeClock();
  const kube = new FakeKube(clock, 60_000); // the old pod would take a minute to terminate…
  const old = pod('db-0', { uid: 'uid-old' });
  kube.add(old);
  kube.answers.set('db-0', [
    () => {
      // …but the StatefulSet controller already replaced it under the same name.
      kube.pods.set('default/db-0', pod('db-0', { uid: 'uid-new' }));
      return { status: 'evicted', message: 'ok' };
    },
  ]);
  const t0 = clock.now();
  const ends = await evictAll(asKube(kube), clock, new AbortController().signal, [old], 'w1', opts(clock), { progress: () => undefined });
  assert.equal(ends, [{ pod: 'default/db-0', state: 'gone' }]);
  assert.ok(clock.now() - t0 < 5000);
});

test('pods still terminating at the deadline are reported as terminating, not blocked', async () => {
  const clock = new FakeClock();
  const kube = new FakeKube(clock, 600_000);
  kube.add(pod('slow'));
  const ends = await evictAll(asKube(kube), clock, new AbortController().signal, [...kube.pods.values()], 'w1', opts(clock, { deadline: clock.now() + 10_000 }), { progress: () => undefined });
  assert.equal(ends, [{ pod: 'default/slow', state: 'timeout', phase: 'terminating', blockedBy: undefined, lastMessage: undefined }]);
});

test('without the eviction subresource pods are deleted and PDBs are not asked', async () => {
  const clock = new FakeClock();
  const kube = new FakeKube(clock);
  kube.add(pod('web-1'));
  kube.answers.set('web-1', [blocked]);
  const ends = await evictAll(asKube(kube), clock, new AbortController().signal, [...kube.pods.values()], 'w1', opts(clock, { useDelete: true }), { progress: () => undefined });
  assert.equal(ends, [{ pod: 'default/web-1', state: 'gone' }]);
  assert.is(kube.evictions.length, 0);
});

test.run();
