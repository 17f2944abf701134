// Time as a port, so tests of long waits can fast-forward (Temporal's lesson). Every wait in the
// engine goes through a Clock and takes an AbortSignal.

export interface Clock {
  /** Milliseconds since the epoch. */
  now(): number;
  /** Resolve after ms; reject with the signal's reason when aborted. */
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
}
