// In-memory test doubles for the evict loop: a KubeClient whose pods and eviction answers a test
// scripts, and a clock whose sleeps complete in virtual time once the program is idle (so a
// 5-second PDB retry takes microseconds). Only what evict.ts uses is implemented.
import type { Clock } from '../../engine/ports/clock.js';
import type { EvictOutcome, KubeClient, PdbInfo, PodInfo } from '../../engine/ports/kube.js';

/** Virtual time: the earliest pending sleep fires whenever the event loop has nothing else to do. */
export class FakeClock implements Clock {
  private t = 1_000_000;
  private timers: Array<{ at: number; resolve: () => void }> = [];
  private pumping = false;
  now(): number {
    return this.t;
  }
  sleep(ms: number, signal?: AbortSignal): Promise<void> {
    if (signal?.aborted) return Promise.reject(signal.reason);
    return new Promise((resolve) => {
      this.timers.push({ at: this.t + Math.max(0, ms), resolve });
      this.pump();
    });
  }
  private pump(): void {
    if (this.pumping) return;
    this.pumping = true;
    setImmediate(() => {
      this.pumping = false;
      if (this.timers.length === 0) return;
      this.timers.sort((a, b) => a.at - b.at);
      const next = this.timers.shift()!;
      this.t = Math.max(this.t, next.at);
      next.resolve();
      if (this.timers.length) this.pump();
    });
  }
}

type Answer = EvictOutcome | Error | ((pod: PodInfo) => EvictOutcome | Error);

export class FakeKube implements Partial<KubeClient> {
  readonly userName = 'tester';
  readonly pods = new Map<string, PodInfo>();
  /** Per pod name, the answers to successive evictions (the last one repeats). */
  readonly answers = new Map<string, Answer[]>();
  readonly evictions: Array<{ pod: string; at: number; grace?: number }> = [];
  pdbs: PdbInfo[] = [];
  /** What happens to an evicted pod: deleted at once (default) or after terminatingMs of virtual time. */
  constructor(private readonly clock: FakeClock, private readonly terminatingMs = 0) {}

  add(p: PodInfo): void {
    this.pods.set(`${p.namespace}/${p.name}`, p);
  }

  async evictPod(namespace: string, name: string, opts: { gracePeriodSeconds?: number }): Promise<EvictOutcome> {
    const key = `${namespace}/${name}`;
    this.evictions.push({ pod: key, at: this.clock.now(), grace: opts.gracePeriodSeconds });
    const pod = this.pods.get(key);
    if (!pod) return { status: 'gone', message: 'not found' };
    const queue = this.answers.get(name) ?? [];
    let a: Answer = queue.length > 1 ? queue.shift()! : queue[0] ?? { status: 'evicted', message: 'ok' };
    if (typeof a === 'function') a = a(pod);
    if (a instanceof Error) throw a;
    if (a.status === 'evicted') this.remove(key);
    return a;
  }

  async deletePod(namespace: string, name: string): Promise<'deleted' | 'gone'> {
    const key = `${namespace}/${name}`;
    if (!this.pods.has(key)) return 'gone';
    this.remove(key);
    return 'deleted';
  }

  async listPods(opts: { node?: string }): Promise<PodInfo[]> {
    return [...this.pods.values()].filter((p) => !opts.node || p.nodeName === opts.node);
  }

  async listPdbs(): Promise<PdbInfo[]> {
    return this.pdbs;
  }

  private remove(key: string): void {
    const p = this.pods.get(key)!;
    this.pods.set(key, { ...p, deleting: true, deletionTimestamp: this.clock.now() });
    const gone = () => {
      if (this.pods.get(key)?.uid === p.uid) this.pods.delete(key);
    };
    if (this.terminatingMs <= 0) gone();
    else void this.clock.sleep(this.terminatingMs).then(gone);
  }
}

export const asKube = (f: FakeKube) => f as unknown as KubeClient;
