// What every controller gets: the store, simulated timers, faults, a deterministic random source
// and a way to ask for another reconcile.
import type { LabFaults } from '../../contract.js';
import type { Pod, PodDisruptionBudget } from '../types.js';
import type { Store } from '../store.js';
import type { ScaledTimers } from '../timers.js';

export interface ControllerContext {
  store: Store;
  timers: ScaledTimers;
  faults: LabFaults;
  /** While seeding the initial cluster, pods start at once and no timers are armed. */
  instant: boolean;
  /** Deterministic pseudo-random numbers in [0, 1) (names, IPs, start jitter). */
  random(): number;
  /** The API server's version, e.g. "v1.30.4" (mirror pod images follow it). */
  serverVersion(): string;
  /** Ask the controller manager for another pass soon. */
  kick(): void;
  /** Where the API records the waits it imposes on clients (records.ts Recorder); unset in bare tests. */
  waits?: WaitRecorder;
}

/** The waits the eviction API starts (records.ts ends them). */
export interface WaitRecorder {
  evicted(pod: Pod): void;
  pdbRefused(pdb: PodDisruptionBudget): void;
}

const ALPHABET = 'bcdfghjklmnpqrstvwxz2456789';

/** A random suffix like the API server's generateName ("x7k2p"). */
export function randomSuffix(ctx: ControllerContext, n = 5): string {
  let s = '';
  for (let i = 0; i < n; i++) s += ALPHABET[Math.floor(ctx.random() * ALPHABET.length)];
  return s;
}

/** A stable hash of a value in the same alphabet, like pod-template-hash. */
export function stableHash(value: unknown, n = 10): string {
  let h = 2166136261;
  for (const ch of JSON.stringify(value)) h = Math.imul(h ^ ch.charCodeAt(0), 16777619) >>> 0;
  let s = '';
  for (let i = 0; i < n; i++) {
    s += ALPHABET[h % ALPHABET.length];
    h = Math.imul(h ^ (h >>> 13), 2246822519) >>> 0;
  }
  return s;
}

/** A seeded PRNG (mulberry32) so a lab's names are reproducible. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
