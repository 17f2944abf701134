// `serial` values as runbooks write them — a count (2), a percentage ("25%") or a ramp list of
// them — read in this one place: at load for literal values, and per phase run for a templated
// `serial: "{{worker_batch}}"` once its template is rendered.
import type { SerialEntry } from '../model/runbook.js';

const PERCENT = /^\s*\d+(\.\d+)?\s*%\s*$/;

/** One entry, or why it is not one. */
export function serialEntry(x: unknown): SerialEntry | { error: string } {
  if (typeof x === 'number' && Number.isInteger(x) && x >= 1) return { kind: 'count', n: x };
  if (typeof x === 'string' && /^\s*\d+\s*$/.test(x) && Number(x) >= 1) return { kind: 'count', n: Number(x) };
  if (typeof x === 'string' && PERCENT.test(x)) {
    const pct = Number(x.replace('%', '').trim());
    if (pct > 0 && pct <= 100) return { kind: 'percent', pct };
    return { error: `${x} is not a percentage between 1% and 100%` };
  }
  return { error: `${JSON.stringify(x)} is not a count of at least 1 or a percentage such as "25%"` };
}

/** A whole rendered `serial` value: one entry or a non-empty list of them. */
export function readSerial(v: unknown): SerialEntry[] | { error: string } {
  const list = Array.isArray(v) ? v : [v];
  if (!list.length) return { error: 'an empty list (give at least one batch size)' };
  const out: SerialEntry[] = [];
  for (const x of list) {
    const e = serialEntry(x);
    if ('error' in e) return e;
    out.push(e);
  }
  return out;
}
