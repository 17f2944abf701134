// `serial` → batch sizes: a count, a percentage of the phase's hosts (rounded down, min 1) or a
// ramp of them; the last entry repeats until every host is in a batch (Ansible's semantics).
import type { SerialEntry } from '../model/runbook.js';

/** Sizes of consecutive batches covering `total` hosts. */
export function batchSizes(total: number, serial: SerialEntry[]): number[] {
  if (total <= 0) return [];
  const entries = serial.length ? serial : [{ kind: 'count', n: 1 } as SerialEntry];
  const size = (e: SerialEntry) => Math.max(1, e.kind === 'count' ? e.n : Math.floor((total * e.pct) / 100));
  const out: number[] = [];
  let left = total;
  for (let i = 0; left > 0; i++) {
    const n = Math.min(left, size(entries[Math.min(i, entries.length - 1)]!));
    out.push(n);
    left -= n;
  }
  return out;
}

/** Split items into consecutive batches per `serial`. */
export function splitBatches<T>(items: T[], serial: SerialEntry[]): T[][] {
  const out: T[][] = [];
  let at = 0;
  for (const n of batchSizes(items.length, serial)) {
    out.push(items.slice(at, at + n));
    at += n;
  }
  return out;
}

/** `serial` as the runbook author wrote it, for plan output: "1", "25%", "[1, 25%, 100%]". */
export function serialText(serial: SerialEntry[]): string {
  const one = (e: SerialEntry) => (e.kind === 'count' ? String(e.n) : `${e.pct}%`);
  return serial.length === 1 ? one(serial[0]!) : `[${serial.map(one).join(', ')}]`;
}
