// What the lab's records (engine/lab/contract.ts LabRecords) tell about the waits of one upgrade.
// The judged lower bound is exact: the union of the waits the lab recorded as intervals
// (LabRecords.waits: kubelet restarts, simulated tool durations, pod terminations after an
// eviction, PDB blocks, one-off pod runs, and pod starts only where a `pods` step waited for that
// pod), each clipped to the run, overlaps counted once. The rest are counts for the report
// (commands, evictions, 429s, time nodes spent out of service).
import type { LabRecords, LabWait } from '../../engine/lab/contract.js';
import type { PodsStep } from './journal.js';

export type WaitKind = LabWait['kind'];
export const WAIT_KINDS: WaitKind[] = ['kubelet-restart', 'tool', 'pod-termination', 'pdb-block', 'pod-run', 'pod-start'];

export interface KindFigures {
  /** Intervals of this kind inside the run. */
  count: number;
  /** Their summed length, overlaps counted each time, real ms. */
  sumMs: number;
  /** The union of this kind alone, real ms. */
  unionMs: number;
  /** What this kind adds to the union of the other kinds (its share nothing else covers), real ms. */
  onlyMs: number;
}

export interface WaitFigures {
  /** The judged bound: union of every recorded wait inside the run, real ms. */
  irreducibleMs: number;
  byKind: Record<WaitKind, KindFigures>;
  /** Waits still open at the end of the run (clipped to its end): should be 0 after a good run. */
  openAtEnd: number;
  /** Σ NotReady→Ready of every kubelet restart, real ms (from nodeEvents). */
  restartMs: number;
  restarts: number;
  /** Σ cordon→uncordon per node, real ms (the node's whole upgrade window). */
  outOfServiceMs: number;
  commands: number;
  evictions: number;
  evictions429: number;
  /** First to last recorded command, real ms. */
  spanMs: number;
}

type Interval = [number, number];

/** Total length of a set of intervals, overlaps counted once. */
export function unionMs(intervals: Interval[]): number {
  const xs = intervals.filter(([a, b]) => b > a).sort((p, q) => p[0] - q[0]);
  let total = 0;
  let cur: Interval | undefined;
  for (const [a, b] of xs) {
    if (!cur || a > cur[1]) {
      if (cur) total += cur[1] - cur[0];
      cur = [a, b];
    } else if (b > cur[1]) cur[1] = b;
  }
  if (cur) total += cur[1] - cur[0];
  return total;
}

/** A wait clipped to the run [start, end]; an open wait ends with the run. */
function clip(w: LabWait, run: { start: number; end: number }): Interval | undefined {
  const a = Math.max(w.start, run.start);
  const b = Math.min(w.end ?? run.end, run.end);
  return b > a ? [a, b] : undefined;
}

/** Pair each node's events in time order: a → b intervals (a 'notready' with the next 'ready'). */
function intervals(r: LabRecords, from: string, to: string): number[] {
  const open = new Map<string, number>();
  const out: number[] = [];
  for (const e of [...r.nodeEvents].sort((a, b) => a.ts - b.ts)) {
    if (e.event === from && !open.has(e.node)) open.set(e.node, e.ts);
    else if (e.event === to && open.has(e.node)) {
      out.push(e.ts - open.get(e.node)!);
      open.delete(e.node);
    }
  }
  return out;
}

/**
 * A pod's start is a wait of the run only inside a `pods` step that returned that pod, and only if
 * the pod was Ready before the step ended (the step could not have ended sooner): the part of
 * [created, Ready] within [step start, step end]. Elsewhere nobody waited for it.
 */
function podStartsWaitedFor(waits: LabWait[], steps: PodsStep[]): LabWait[] {
  const out: LabWait[] = [];
  for (const w of waits) {
    if (w.kind !== 'pod-start' || w.end === undefined) continue;
    for (const s of steps) {
      if (!s.pods.includes(w.pod ?? '') || w.end > s.end) continue;
      const start = Math.max(w.start, s.start);
      if (w.end > start) out.push({ ...w, start, end: w.end });
    }
  }
  return out;
}

/** run: the `runbook exec` child's start and end (ms since epoch, the lab's clock); podsSteps from its journal. */
export function waitFigures(r: LabRecords, run: { start: number; end: number }, podsSteps: PodsStep[] = []): WaitFigures {
  const waits = [...(r.waits ?? []).filter((w) => w.kind !== 'pod-start'), ...podStartsWaitedFor(r.waits ?? [], podsSteps)];
  const inRun = waits.flatMap((w) => {
    const iv = clip(w, run);
    return iv ? [{ w, iv }] : [];
  });
  const all = inRun.map((x) => x.iv);
  const irreducibleMs = unionMs(all);
  const byKind = Object.fromEntries(WAIT_KINDS.map((k) => {
    const mine = inRun.filter((x) => x.w.kind === k).map((x) => x.iv);
    const others = inRun.filter((x) => x.w.kind !== k).map((x) => x.iv);
    return [k, { count: mine.length, sumMs: mine.reduce((s, [a, b]) => s + b - a, 0), unionMs: unionMs(mine), onlyMs: irreducibleMs - unionMs(others) }];
  })) as Record<WaitKind, KindFigures>;
  const restarts = intervals(r, 'notready', 'ready');
  const oos = intervals(r, 'cordon', 'uncordon');
  const ev = r.apiWrites.filter((w) => w.method === 'POST' && /\/eviction$/.test(w.path));
  const ts = r.commands.map((c) => c.ts);
  return {
    irreducibleMs,
    byKind,
    openAtEnd: waits.filter((w) => w.end === undefined && w.start < run.end).length,
    restartMs: restarts.reduce((a, b) => a + b, 0),
    restarts: restarts.length,
    outOfServiceMs: oos.reduce((a, b) => a + b, 0),
    commands: r.commands.length,
    evictions: ev.filter((w) => w.status < 300).length,
    evictions429: ev.filter((w) => w.status === 429).length,
    spanMs: ts.length ? Math.max(...ts) - Math.min(...ts) : 0,
  };
}
