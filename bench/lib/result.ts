// The result shape every benchmark of bench/ hands to the orchestrator (bench/run.ts), which turns
// the rows into bench/results.md. A benchmark writes bench/results/<name>.json in this shape; the
// orchestrator adapts the older outputs (ssh-fanout, drain) into it.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { packageRoot } from '../../engine/paths.js';
import type { Spread } from './stats.js';

/** met: true/false against the target; null when the figure could not be judged (not run, failed). */
export interface ResultRow {
  work: string;
  /** runbook's figure as text, e.g. "0.41 s (0.38–0.50)". */
  runbook: string;
  /** The alternative (name and figure), e.g. "kubectl drain 19.1 s". */
  alternative: string;
  /** The paired ratio the target is judged on (null: no ratio, the target is absolute). */
  ratio: Spread | null;
  /** How the ratio is formed, e.g. "runbook / kubectl". */
  ratioOf?: string;
  target: string;
  met: boolean | null;
  /** "not run: <reason>" or other remarks shown beside the row. */
  note?: string;
}

export interface BenchResult {
  name: string;
  date: string;
  rows: ResultRow[];
  /** Extra markdown (curves, breakdowns) shown under the table in results.md. */
  details?: string;
  /** Raw figures for whoever wants to re-analyse them. */
  raw?: unknown;
}

export function resultsDir(): string {
  return join(packageRoot(), 'bench', 'results');
}

export function writeResult(r: BenchResult): string {
  const dir = resultsDir();
  mkdirSync(dir, { recursive: true });
  const file = join(dir, `${r.name}.json`);
  writeFileSync(file, `${JSON.stringify(r, null, 2)}\n`);
  return file;
}

/** Command-line options shared by the benchmarks: --pairs N, --quick. */
export function benchArgs(argv = process.argv.slice(2), defaults = { pairs: 5, quickPairs: 2 }): { pairs: number; quick: boolean; get(name: string): string | undefined } {
  const get = (name: string): string | undefined => {
    const i = argv.indexOf(`--${name}`);
    return i >= 0 ? argv[i + 1] : undefined;
  };
  const quick = argv.includes('--quick');
  const p = Number(get('pairs'));
  const pairs = Number.isInteger(p) && p > 0 ? p : quick ? defaults.quickPairs : defaults.pairs;
  return { pairs, quick, get };
}
