// Durations as runbooks write them ("30s", "5m", "1h30m", "250ms", or a number of milliseconds),
// parsed in this one place into milliseconds.

const UNIT_MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/** Milliseconds for "30s" / "5m" / "1h30m" / "250ms" / 1500; undefined if it is not a duration. */
export function parseDuration(s: string | number): number | undefined {
  if (typeof s === 'number') return Number.isFinite(s) && s >= 0 ? Math.round(s) : undefined;
  if (typeof s !== 'string') return undefined;
  const t = s.trim();
  if (/^\d+$/.test(t)) return Number(t);
  if (!/^(\d+(\.\d+)?(ms|s|m|h|d))+$/.test(t)) return undefined;
  let total = 0;
  for (const m of t.matchAll(/(\d+(?:\.\d+)?)(ms|s|m|h|d)/g)) total += Number(m[1]) * UNIT_MS[m[2]!]!;
  return Math.round(total);
}

/** "1h30m" style text for a number of milliseconds (for messages and plan output). */
export function formatDuration(ms: number): string {
  if (ms < 1000) return `${ms}ms`;
  const parts: string[] = [];
  let rest = Math.round(ms / 1000);
  for (const [u, n] of [['h', 3600], ['m', 60], ['s', 1]] as const) {
    if (rest >= n) {
      parts.push(`${Math.floor(rest / n)}${u}`);
      rest %= n;
    }
  }
  return parts.join('');
}

/** A rendered `timeout: "{{…}}"` as milliseconds, or why it is not a step's bound. */
export function timeoutValue(v: unknown): number | { error: string } {
  const ms = typeof v === 'string' || typeof v === 'number' ? parseDuration(v) : undefined;
  if (ms === undefined) return { error: `timeout: ${JSON.stringify(v)} is not a duration like "30s", "5m", "1h30m" or a number of milliseconds` };
  if (ms === 0) return { error: 'timeout: 0 — it must be more than 0 (every wait has a bound)' };
  return ms;
}
