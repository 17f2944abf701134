// Turns the outputs of the benchmarks written before bench/lib existed into result rows:
// ssh-fanout (bench/results/ssh-fanout.json) and drain (a JSON summary on stdout).
import type { ResultRow } from './result.js';
import { fmtMs, fmtRatio, pairedRatios, spread } from './stats.js';

interface FanoutSample { wallS: number; cpuS: number; ok: boolean }
interface FanoutSize { n: number; samples: Record<string, FanoutSample[]>; labels: Record<string, string> }
export interface FanoutJson { date: string; rounds: number; cli: string | null; results: FanoutSize[] }

const wallsMs = (xs: FanoutSample[] | undefined): number[] => (xs ?? []).map((s) => (s.ok ? s.wallS * 1000 : NaN));
const cpu = (xs: FanoutSample[] | undefined): string => {
  const s = spread((xs ?? []).filter((x) => x.ok).map((x) => x.cpuS));
  return s.n ? `, ${s.median.toFixed(2)} CPU-s` : '';
};

export function fanoutRows(j: FanoutJson, ansibleMissing: string | undefined): ResultRow[] {
  const rows: ResultRow[] = [];
  for (const r of j.results) {
    // Without the CLI the benchmark measured the engine's SSH pool only; say so in the row.
    const me = r.samples.runbook ? 'runbook' : 'pool';
    const meLabel = r.labels[me] ?? me;
    const mine = wallsMs(r.samples[me]);
    const judged = r.n === 100;
    const ans = r.samples.ansible;
    const ansRatio = spread(pairedRatios(wallsMs(ans), mine));
    rows.push({
      work: `SSH fan-out, 2 commands × ${r.n} hosts`,
      runbook: `${meLabel}: ${fmtMs(spread(mine))}${cpu(r.samples[me])}`,
      alternative: ans ? `ansible-playbook (pipelining, ControlPersist, forks=N): ${fmtMs(spread(wallsMs(ans)))}${cpu(ans)}` : 'ansible-playbook',
      ratio: ans ? ansRatio : null,
      ratioOf: 'ansible / runbook (× faster)',
      target: judged ? '≥ 3× faster' : 'curve only',
      met: ans && judged && ansRatio.n ? ansRatio.median >= 3 : null,
      ...(ans ? {} : { note: `not run: ${ansibleMissing ?? 'ansible-playbook missing'}` }),
    });
    const ssh2 = wallsMs(r.samples.ssh2);
    const floorRatio = spread(pairedRatios(mine, ssh2));
    rows.push({
      work: `SSH fan-out, 2 commands × ${r.n} hosts`,
      runbook: `${meLabel}: ${fmtMs(spread(mine))}`,
      alternative: `bare ssh2 script (the floor): ${fmtMs(spread(ssh2))}${cpu(r.samples.ssh2)}`,
      ratio: floorRatio.n ? floorRatio : null,
      ratioOf: 'runbook / ssh2',
      target: judged ? '≤ 1.15×' : 'curve only',
      met: judged && floorRatio.n ? floorRatio.median <= 1.15 : null,
    });
    if (me === 'runbook' && r.samples.pool) {
      const pool = spread(pairedRatios(wallsMs(r.samples.pool), ssh2));
      rows.push({
        work: `SSH fan-out, 2 commands × ${r.n} hosts (transport only)`,
        runbook: `${r.labels.pool}: ${fmtMs(spread(wallsMs(r.samples.pool)))}`,
        alternative: `bare ssh2 script: ${fmtMs(spread(ssh2))}`,
        ratio: pool.n ? pool : null,
        ratioOf: 'pool / ssh2',
        target: 'for information',
        met: null,
      });
    }
  }
  return rows;
}

export interface DrainJson {
  pods: number;
  rounds: number;
  time_scale: number;
  runs_ms: { runbook: number[]; 'runbook-cold': number[]; kubectl: number[] };
  process_cpu_s_median?: { 'runbook-cold': number | null; kubectl: number | null };
}

export function drainRows(j: DrainJson): ResultRow[] {
  // Each round ran every contender once, so index i of each list is round i: pair by index.
  const k = spread(j.runs_ms.kubectl);
  const row = (key: 'runbook' | 'runbook-cold', label: string): ResultRow => {
    const r = spread(pairedRatios(j.runs_ms[key], j.runs_ms.kubectl));
    return {
      work: `drain a node with ${j.pods} pods (lab, time scale ${j.time_scale})`,
      runbook: `${label}: ${fmtMs(spread(j.runs_ms[key]))}`,
      alternative: `kubectl.1.33 drain: ${fmtMs(k)}`,
      ratio: r,
      ratioOf: 'runbook / kubectl',
      target: '≤ 1.0×',
      met: r.n ? r.median <= 1.0 : null,
    };
  };
  return [row('runbook', 'drain action in the engine process'), row('runbook-cold', 'drain in a new node process')];
}

/** The last top-level JSON object printed on stdout (the drain bench prints logs on stderr). */
export function lastJsonObject(stdout: string): unknown {
  const start = stdout.lastIndexOf('\n{');
  const text = start >= 0 ? stdout.slice(start + 1) : stdout.trim().startsWith('{') ? stdout.trim() : '';
  return text ? JSON.parse(text) : undefined;
}

export { fmtRatio };
