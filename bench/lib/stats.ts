// Statistics for paired benchmark runs: medians, min–max spread, per-pair ratios, formatting.
// Every figure in bench/results.md goes through here so all benchmarks round the same way.

export interface Spread {
  median: number;
  min: number;
  max: number;
  n: number;
}

export function median(xs: number[]): number {
  if (xs.length === 0) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

export function spread(xs: number[]): Spread {
  const ok = xs.filter((x) => Number.isFinite(x));
  if (ok.length === 0) return { median: NaN, min: NaN, max: NaN, n: 0 };
  return { median: median(ok), min: Math.min(...ok), max: Math.max(...ok), n: ok.length };
}

/** Ratio a[i]/b[i] of each pair (runs of the same round), so machine load hits both sides alike. */
export function pairedRatios(a: number[], b: number[]): number[] {
  const n = Math.min(a.length, b.length);
  const out: number[] = [];
  for (let i = 0; i < n; i++) if (Number.isFinite(a[i]!) && Number.isFinite(b[i]!) && b[i]! > 0) out.push(a[i]! / b[i]!);
  return out;
}

/** "1.23 s (1.10–1.50)" or "123 ms (110–150)" for a spread of milliseconds. */
export function fmtMs(s: Spread): string {
  if (s.n === 0) return '—';
  if (s.median >= 1000) return `${(s.median / 1000).toFixed(2)} s (${(s.min / 1000).toFixed(2)}–${(s.max / 1000).toFixed(2)})`;
  return `${s.median.toFixed(0)} ms (${s.min.toFixed(0)}–${s.max.toFixed(0)})`;
}

/** "0.85× (0.80–0.92×)" */
export function fmtRatio(s: Spread): string {
  if (s.n === 0) return '—';
  if (s.n === 1) return `${s.median.toFixed(2)}×`;
  return `${s.median.toFixed(2)}× (${s.min.toFixed(2)}–${s.max.toFixed(2)}×)`;
}

export function fmtMB(kb: number): string {
  return Number.isFinite(kb) ? `${(kb / 1024).toFixed(0)} MB` : '—';
}
