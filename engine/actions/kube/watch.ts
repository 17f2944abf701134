// Wake-ups from the API's watch: a wait ends as soon as an event arrives that may change its
// answer, instead of after a fixed poll interval. The watch is only a hint: callers re-read what
// they wait for after each wake-up and still poll at their interval, so a dropped or refused watch
// (or a client without one) costs latency, never correctness. One stream per collection and client
// is shared by every waiter on it (a wide wait opens one, not one per host); it is restarted at
// most once a second while anyone waits and closed when the last waiter leaves.
import type { Clock } from '../../ports/clock.js';
import type { KubeClient, WatchEvent, WatchTarget } from '../../ports/kube.js';

export interface Waker {
  /** Resolves after ms, or as soon as a matching event arrived (also one that came since the last
   *  wait). Never rejects: callers check their own deadline and signal. */
  wait(ms: number): Promise<void>;
  /** Wake the current (or the next) wait from here, e.g. when the caller learned something itself. */
  poke(): void;
  /** Leave the stream (the last waiter closes it). Also happens when the caller's signal aborts. */
  close(): void;
}

/** Streams started no closer together than this (a watch the server keeps ending must not spin). */
const MIN_RESTART_MS = 1000;

interface Sub {
  match(e: WatchEvent): boolean;
  wake(): void;
}

class Stream {
  readonly subs = new Set<Sub>();
  private stop = new AbortController();
  private running = false;
  /** The server refused to watch (403, 404, 405…): the waiters poll, nobody asks again. */
  private refused = false;

  constructor(private readonly kube: KubeClient, private readonly clock: Clock, private readonly target: WatchTarget, private readonly onIdle: () => void) {}

  add(s: Sub): void {
    this.subs.add(s);
    if (!this.running && !this.refused) void this.loop();
  }

  remove(s: Sub): void {
    this.subs.delete(s);
    if (this.subs.size > 0) return;
    this.stop.abort();
    this.onIdle();
  }

  private async loop(): Promise<void> {
    this.running = true;
    this.stop = new AbortController();
    const signal = this.stop.signal;
    try {
      // Bounded by the waiters' own deadlines (they leave) and by this count (~28 h at 1/s).
      for (let i = 0; i < 100_000 && this.subs.size > 0 && !signal.aborted; i++) {
        const started = this.clock.now();
        try {
          await this.kube.watch!(this.target, (e) => {
            for (const s of this.subs) if (s.match(e)) s.wake();
          }, signal);
        } catch (e) {
          const status = (e as { status?: number }).status;
          if (status !== undefined && status >= 400 && status < 500 && status !== 408 && status !== 410 && status !== 429) {
            this.refused = true;
            return;
          }
        }
        const gap = MIN_RESTART_MS - (this.clock.now() - started);
        if (gap > 0 && this.subs.size > 0) await this.clock.sleep(gap, signal).catch(() => undefined);
      }
    } finally {
      this.running = false;
    }
  }
}

const streams = new WeakMap<KubeClient, Map<string, Stream>>();

/**
 * Wait on a collection: wait(ms) ends early when an event `match` accepts arrives. Without watch
 * support in the client, wait(ms) is a sleep through the clock that only poke() shortens.
 */
export function wakeOn(kube: KubeClient, clock: Clock, target: WatchTarget, match: (e: WatchEvent) => boolean, signal: AbortSignal): Waker {
  let pending = false;
  let wakeNow: (() => void) | undefined;
  const wake = () => {
    pending = true;
    wakeNow?.();
  };
  let leave = () => {};
  if (kube.watch) {
    let byKey = streams.get(kube);
    if (!byKey) streams.set(kube, (byKey = new Map()));
    const map = byKey;
    const key = JSON.stringify([target.group, target.version, target.plural, target.namespace ?? '', target.fieldSelector ?? '', target.labelSelector ?? '']);
    let stream = map.get(key);
    if (!stream) {
      const created: Stream = new Stream(kube, clock, target, () => {
        if (map.get(key) === created) map.delete(key);
      });
      map.set(key, (stream = created));
    }
    const sub: Sub = { match, wake };
    const s = stream;
    s.add(sub);
    leave = () => s.remove(sub);
  }
  let closed = false;
  const close = () => {
    if (closed) return;
    closed = true;
    signal.removeEventListener('abort', close);
    leave();
    wakeNow?.();
  };
  signal.addEventListener('abort', close, { once: true });
  if (signal.aborted) close();
  return {
    close,
    poke: wake,
    wait(ms: number): Promise<void> {
      // Closed by the caller's signal: nothing to wait for; closed by hand: a plain sleep.
      if (closed) return signal.aborted ? Promise.resolve() : clock.sleep(ms, signal).catch(() => undefined);
      if (pending) {
        pending = false;
        return Promise.resolve();
      }
      // The sleep ends with a wake-up or close() (which the caller's signal triggers).
      const timer = new AbortController();
      return new Promise<void>((resolve) => {
        const done = () => {
          if (wakeNow === done) wakeNow = undefined;
          pending = false;
          timer.abort();
          resolve();
        };
        wakeNow = done;
        clock.sleep(ms, timer.signal).then(done, done);
      });
    },
  };
}

/** Wake on events of objects with this name (in this namespace, if given). */
export const named = (name: string, namespace?: string) => (e: WatchEvent): boolean =>
  e.object.metadata?.name === name && (namespace === undefined || e.object.metadata?.namespace === namespace);
