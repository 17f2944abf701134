// Wake-ups from a watch (engine/actions/kube/watch.ts) in virtual time: a matching event ends a
// wait at once and is not lost between waits, waiters on one collection share one stream, a refused
// watch is not asked again (waits sleep their interval), a stream the server keeps ending is
// restarted at most once a second, and the last waiter to leave closes it.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { named, wakeOn } from '../../engine/actions/kube/watch.js';
import { KubeError } from '../../engine/model/errors.js';
import type { KubeClient, WatchEvent, WatchTarget } from '../../engine/ports/kube.js';
import { FakeClock } from './fake-kube.js';

const NODES: WatchTarget = { group: '', version: 'v1', plural: 'nodes' };
const modified = (name: string): WatchEvent => ({ type: 'MODIFIED', object: { metadata: { name } } });

/** A client whose watches stay open until aborted (or end at once with `endAtOnce`), or are refused. */
class WatchingKube {
  readonly calls: WatchTarget[] = [];
  readonly open = new Set<(e: WatchEvent) => void>();
  refuse?: KubeError;
  endAtOnce = false;
  watch(t: WatchTarget, onEvent: (e: WatchEvent) => void, signal: AbortSignal): Promise<void> {
    this.calls.push(t);
    if (this.refuse) return Promise.reject(this.refuse);
    if (this.endAtOnce) return Promise.resolve();
    this.open.add(onEvent);
    return new Promise((resolve) => signal.addEventListener('abort', () => { this.open.delete(onEvent); resolve(); }, { once: true }));
  }
  emit(e: WatchEvent): void {
    for (const h of this.open) h(e);
  }
}
const asKube = (k: WatchingKube | object) => k as unknown as KubeClient;

test('a matching event ends a wait at once; a waiter on another name sleeps its interval; both share one stream', async () => {
  const clock = new FakeClock();
  const kube = new WatchingKube();
  const signal = new AbortController().signal;
  const a = wakeOn(asKube(kube), clock, NODES, named('a'), signal);
  const b = wakeOn(asKube(kube), clock, NODES, named('b'), signal);
  const t0 = clock.now();
  const woke: Record<string, number> = {};
  const pa = a.wait(60_000).then(() => (woke.a = clock.now() - t0));
  const pb = b.wait(60_000).then(() => (woke.b = clock.now() - t0));
  kube.emit(modified('a'));
  await Promise.all([pa, pb]);
  assert.equal(woke, { a: 0, b: 60_000 });
  assert.is(kube.calls.length, 1, 'one stream for both waiters');
  a.close();
  assert.is(kube.open.size, 1, 'still open for b');
  b.close();
  assert.is(kube.open.size, 0, 'the last waiter closed the stream');
});

test('an event that arrives between two waits ends the next wait at once', async () => {
  const clock = new FakeClock();
  const kube = new WatchingKube();
  const w = wakeOn(asKube(kube), clock, NODES, named('a'), new AbortController().signal);
  kube.emit(modified('a'));
  const t0 = clock.now();
  await w.wait(30_000);
  assert.is(clock.now(), t0);
  await w.wait(30_000);
  assert.is(clock.now() - t0, 30_000, 'one event, one early wake-up');
  w.close();
});

test('a refused watch is not asked again: waits sleep their interval, poke still wakes them', async () => {
  const clock = new FakeClock();
  const kube = new WatchingKube();
  kube.refuse = new KubeError(403, 'Forbidden', 'cannot watch nodes: user "x" is not allowed to (403 Forbidden)');
  const signal = new AbortController().signal;
  const w = wakeOn(asKube(kube), clock, NODES, named('a'), signal);
  const t0 = clock.now();
  await w.wait(2000);
  await w.wait(2000);
  assert.is(clock.now() - t0, 4000);
  const again = wakeOn(asKube(kube), clock, NODES, named('a'), signal);
  const p = again.wait(5000);
  again.poke();
  await p;
  assert.is(clock.now() - t0, 4000);
  assert.is(kube.calls.length, 1);
  w.close();
  again.close();
});

test('a stream the server keeps ending is started again at most once a second', async () => {
  const clock = new FakeClock();
  const kube = new WatchingKube();
  kube.endAtOnce = true;
  const w = wakeOn(asKube(kube), clock, NODES, named('a'), new AbortController().signal);
  for (let i = 0; i < 10; i++) await w.wait(1000);
  w.close();
  assert.ok(kube.calls.length >= 5 && kube.calls.length <= 11, `${kube.calls.length} watches in 10 s`);
});

test('without watch support a wait is a sleep; an aborted signal ends it', async () => {
  const clock = new FakeClock();
  const ac = new AbortController();
  const w = wakeOn(asKube({}), clock, NODES, named('a'), ac.signal);
  const t0 = clock.now();
  await w.wait(1500);
  assert.is(clock.now() - t0, 1500);
  ac.abort(new Error('stop'));
  await w.wait(10_000);
  assert.is(clock.now() - t0, 1500);
});

test.run();
