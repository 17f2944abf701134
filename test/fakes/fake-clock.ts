// A Clock that fast-forwards: each sleep is a virtual timer, and whenever the program is idle
// (nothing left in the microtask queue) the earliest timer fires and time jumps to it. Tests of
// retries, delays and timeouts take milliseconds. Use it with in-memory ports only: real I/O
// would let virtual timers (e.g. a step's timeout) fire while the I/O is still running.
import type { Clock } from '../../engine/ports/clock.js';

interface Timer {
  at: number;
  seq: number;
  resolve(): void;
}

export class FakeClock implements Clock {
  private t: number;
  private seq = 0;
  private timers: Timer[] = [];
  private scheduled = false;
  /** Every sleep asked for, in ms, in order (for assertions on delays). */
  readonly sleeps: number[] = [];

  constructor(start = Date.UTC(2026, 10, 25, 14, 32)) {
    this.t = start;
  }

  now(): number {
    return this.t;
  }

  sleep(ms: number, signal?: AbortSignal): Promise<void> {
    this.sleeps.push(ms);
    return new Promise<void>((resolve, reject) => {
      if (signal?.aborted) return reject(signal.reason);
      const timer: Timer = {
        at: this.t + Math.max(0, ms),
        seq: this.seq++,
        resolve: () => {
          signal?.removeEventListener('abort', onAbort);
          resolve();
        },
      };
      const onAbort = () => {
        this.timers = this.timers.filter((x) => x !== timer);
        reject(signal!.reason);
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      this.timers.push(timer);
      this.schedule();
    });
  }

  private schedule(): void {
    if (this.scheduled) return;
    this.scheduled = true;
    setImmediate(() => {
      this.scheduled = false;
      if (!this.timers.length) return;
      this.timers.sort((a, b) => a.at - b.at || a.seq - b.seq);
      const next = this.timers.shift()!;
      this.t = Math.max(this.t, next.at);
      next.resolve();
      if (this.timers.length) this.schedule();
    });
  }
}
