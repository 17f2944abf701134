// Simulated time for the cluster: every delay is given in simulated milliseconds and multiplied by
// the time scale; every timer is tracked so stop() can clear them all (nothing keeps the process
// alive after a lab stops). The underlying clock is injectable for tests.

export interface TimerClock {
  now(): number;
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

export const realClock: TimerClock = {
  now: () => Date.now(),
  setTimeout: (fn, ms) => setTimeout(fn, ms),
  clearTimeout: (h) => clearTimeout(h as ReturnType<typeof setTimeout>),
};

export class ScaledTimers {
  private readonly live = new Map<number, unknown>();
  private seq = 0;
  private stopped = false;

  constructor(readonly clock: TimerClock, readonly timeScale: number) {}

  now(): number {
    return this.clock.now();
  }

  /** Run fn after simMs of simulated time (simMs × timeScale real ms). Returns a cancel function. */
  after(simMs: number, fn: () => void): () => void {
    return this.afterReal(Math.max(0, simMs * this.timeScale), fn);
  }

  /** Run fn after ms of real time (for things clients wait on in real time, e.g. watch limits). */
  afterReal(ms: number, fn: () => void): () => void {
    if (this.stopped) return () => {};
    const id = ++this.seq;
    const h = this.clock.setTimeout(() => {
      this.live.delete(id);
      if (!this.stopped) fn();
    }, Math.round(ms));
    this.live.set(id, h);
    return () => {
      const handle = this.live.get(id);
      if (handle !== undefined) {
        this.clock.clearTimeout(handle);
        this.live.delete(id);
      }
    };
  }

  pending(): number {
    return this.live.size;
  }

  /** Clear every timer; later after() calls do nothing. */
  stop(): void {
    this.stopped = true;
    for (const h of this.live.values()) this.clock.clearTimeout(h);
    this.live.clear();
  }
}
