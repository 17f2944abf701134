// Run ids: UTC date and minute plus 4 random hex digits, e.g. 20261125-1432-ab12 (sortable).
import { randomBytes } from 'node:crypto';

export function newRunId(nowMs: number): string {
  const d = new Date(nowMs);
  const p = (n: number) => String(n).padStart(2, '0');
  return `${d.getUTCFullYear()}${p(d.getUTCMonth() + 1)}${p(d.getUTCDate())}-${p(d.getUTCHours())}${p(d.getUTCMinutes())}-${randomBytes(2).toString('hex')}`;
}

export const RUN_ID = /^\d{8}-\d{4}-[0-9a-f]{4}$/;
