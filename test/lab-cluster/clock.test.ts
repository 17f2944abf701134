// Simulated time goes through an injectable clock: with a fake clock a test fast-forwards a
// kubelet restart (3 s) and a vLLM pod's slow start (20 s) in no real time.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { createCluster } from '../../engine/lab/cluster/index.js';
import type { TimerClock } from '../../engine/lab/cluster/timers.js';
import type { Pod, Workload } from '../../engine/lab/cluster/types.js';
import { defaultNodes, noFaults } from './support.js';

/** A clock whose timers fire only when the test advances it. */
class FakeClock implements TimerClock {
  private t = Date.parse('2026-11-25T12:00:00Z');
  private seq = 0;
  private timers = new Map<number, { at: number; fn: () => void }>();
  now(): number { return this.t; }
  setTimeout(fn: () => void, ms: number): unknown { const id = ++this.seq; this.timers.set(id, { at: this.t + ms, fn }); return id; }
  clearTimeout(h: unknown): void { this.timers.delete(h as number); }
  pending(): number { return this.timers.size; }
  /** Move time forward by ms, firing due timers in order (bounded). */
  advance(ms: number): void {
    const end = this.t + ms;
    for (let i = 0; i < 100_000; i++) {
      const next = [...this.timers.entries()].filter(([, v]) => v.at <= end).sort((a, b) => a[1].at - b[1].at || a[0] - b[0])[0];
      if (!next) break;
      this.timers.delete(next[0]);
      this.t = next[1].at;
      next[1].fn();
    }
    this.t = end;
  }
}

test('a kubelet restart and a vLLM start take their simulated time, fast-forwarded', async () => {
  const clock = new FakeClock();
  const cluster = createCluster({ version: '1.30.4', nodes: defaultNodes(), timeScale: 1, faults: noFaults(), clock });
  try {
    const ctl = cluster.control;
    ctl.restartKubelet('gpu-1', '1.31.0');
    clock.advance(2999);
    assert.is(ctl.nodes().find((n) => n.name === 'gpu-1')!.ready, false, 'still NotReady just before 3 s');
    clock.advance(1);
    const gpu1 = ctl.nodes().find((n) => n.name === 'gpu-1')!;
    assert.is(gpu1.ready, true);
    assert.is(gpu1.kubeletVersion, 'v1.31.0');

    const vllm = cluster.store.get<Workload>('deployments', 'inference', 'vllm')!;
    cluster.store.update('deployments', { ...vllm, spec: { ...vllm.spec, replicas: 3 } });
    clock.advance(100);
    const fresh = () => cluster.store.list<Pod>('pods', 'inference').filter((p) => p.status.phase !== 'Running');
    assert.is(fresh().length, 1, 'the third replica is created and placed');
    assert.ok(fresh()[0]!.spec.nodeName?.startsWith('gpu-'));
    clock.advance(19_000);
    assert.is(fresh().length, 1, 'not Running after 19 s');
    clock.advance(1_000);
    assert.is(fresh().length, 0, 'Running after 20 s');
  } finally {
    await cluster.stop();
  }
  assert.is(clock.pending(), 0, 'stop() cleared every timer');
});

test.run();
