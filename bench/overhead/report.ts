// The engine-overhead benchmark's details table (bench/results.md): the wall time, the exact
// irreducible waits and what each kind of wait contributes, the regression cross-check between two
// time scales, and where the run's steps spent their time (from its journal).
import type { Timed } from '../lib/proc.js';
import { fmtMs, fmtRatio, median, spread } from '../lib/stats.js';
import type { ActionTime } from './journal.js';
import { WAIT_KINDS, type WaitFigures, type WaitKind } from './records.js';

export interface One {
  scale: number;
  t: Timed;
  /** CPU seconds of this process (the lab: API server, controllers, SSH servers, shim endpoint). */
  labCpuS: number;
  waits: WaitFigures;
  byAction: ActionTime[];
}

const KIND_TEXT: Record<WaitKind, string> = {
  'kubelet-restart': 'kubelet restarts (NotReady → Ready)',
  tool: 'simulated tool durations (kubeadm upgrade apply/node, etcdctl snapshot save)',
  'pod-termination': 'pod terminations (eviction accepted → pod gone)',
  'pdb-block': 'PDB blocks (first 429 → the PDB allows a disruption again)',
  'pod-run': 'one-off pod runs (created → finished: the DNS check pod)',
  'pod-start': 'pod starts a `pods` step waited for (created → Ready, inside that step)',
};

const s = (ms: number): string => `${(ms / 1000).toFixed(2)} s`;

export function details(pairs: Array<{ high: One; low?: One }>, sHigh: number, sLow: number | undefined): string {
  const n = pairs.length;
  const hi = pairs.map((p) => p.high);
  const w0 = hi[0]!.waits;
  const rows = [
    `| figure (time scale ${sHigh} unless said) | median (min–max) over ${n} run(s) |`, '|---|---|',
    `| wall of the upgrade (\`runbook exec\` start to exit) | ${fmtMs(spread(hi.map((o) => o.t.wallMs)))} |`,
    `| **irreducible waits**: union of the lab's recorded waits inside the run (judged) | ${fmtMs(spread(hi.map((o) => o.waits.irreducibleMs)))} |`,
    `| wall / irreducible waits | ${fmtRatio(spread(hi.map((o) => o.t.wallMs / o.waits.irreducibleMs)))} |`,
    `| wall − irreducible waits (the engine's own time, SSH, shims, kubectl, poll intervals) | ${fmtMs(spread(hi.map((o) => o.t.wallMs - o.waits.irreducibleMs)))} |`,
    ...WAIT_KINDS.map((k) => `| of which ${KIND_TEXT[k]}: ${w0.byKind[k].count} intervals, union alone / not covered by other kinds | ${s(median(hi.map((o) => o.waits.byKind[k].unionMs)))} / ${s(median(hi.map((o) => o.waits.byKind[k].onlyMs)))} |`),
    `| waits still open when the run ended (clipped) | ${w0.openAtEnd} |`,
    `| nodes out of service, Σ cordon→uncordon | ${fmtMs(spread(hi.map((o) => o.waits.outOfServiceMs)))} |`,
    `| engine process CPU / lab process CPU (API server, controllers, SSH servers, shims) | ${median(hi.map((o) => o.t.cpuS)).toFixed(1)} / ${median(hi.map((o) => o.labCpuS)).toFixed(1)} CPU-s |`,
    `| commands run over SSH | ${w0.commands} |`,
    `| evictions (2xx) / refused by a PDB (429) | ${w0.evictions} / ${w0.evictions429} |`,
  ];
  const lows = pairs.flatMap((p) => (p.low ? [{ high: p.high, low: p.low }] : []));
  if (sLow !== undefined && lows.length) {
    const per = lows.map(({ high, low }) => {
      const W = (high.t.wallMs - low.t.wallMs) / (sHigh - sLow);
      return { W, E: high.t.wallMs - sHigh * W };
    });
    rows.push(
      `| wall at time scale ${sLow} / its irreducible waits | ${fmtMs(spread(lows.map((p) => p.low.t.wallMs)))} / ${fmtMs(spread(lows.map((p) => p.low.waits.irreducibleMs)))} |`,
      `| W: simulated time waited on, by regression between the scales | ${fmtMs(spread(per.map((p) => p.W)))} simulated |`,
      `| E: the intercept (engine + SSH + shims + kubectl + anything not scaled) | ${fmtMs(spread(per.map((p) => p.E)))} |`,
    );
  }
  const by = hi[0]!.byAction.slice(0, 8).map((a) => `${a.action} ${(a.ms / 1000).toFixed(1)} s (${a.steps} steps)`).join(', ');
  return [...rows, '', `Where the wall time went at scale ${sHigh} (first run, summed step durations from the run's journal; steps of one batch overlap): ${by}.`].join('\n');
}
