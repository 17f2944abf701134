// What the lab's records (engine/lab/contract.ts LabRecords) tell about the waits of one upgrade:
// kubelet restarts (NotReady → Ready per node: exact, the lab records both ends), how long each
// node was out of service, how many commands, evictions and PDB refusals (429) the run made.
// Pod start delays, termination grace and kubeadm's/etcdctl's simulated durations are not
// recorded as intervals: modelledMs adds them from the lab's constants (below) per recorded
// event — a lower bound; run.ts also measures the waits by the time-scale regression.
import type { LabRecords } from '../../engine/lab/contract.js';

export interface WaitFigures {
  /** Σ NotReady→Ready of every kubelet restart, real ms. */
  restartMs: number;
  restarts: number;
  /** Σ cordon→uncordon per node, real ms (the node's whole upgrade window). */
  outOfServiceMs: number;
  commands: number;
  /** Commands that ran a simulated-duration tool (kubeadm upgrade, etcdctl snapshot). */
  simulatedTools: number;
  evictions: number;
  evictions429: number;
  /** First to last recorded command, real ms. */
  spanMs: number;
  /** Drains that evicted at least one pod (the run waited for their termination). */
  drainsWithEvictions: number;
  /** Drains that met a PDB refusal (the run waited for a replacement pod to start). */
  drainsWith429: number;
  /** Simulated ms of the recorded kubeadm/etcdctl commands (lab constants, see SIM_MS). */
  toolSimMs: number;
  /** Lower bound of the irreducible waits at this scale, real ms: restarts + scale × (tools + grace + starts). */
  modelledMs: number;
}

/**
 * Simulated durations of the lab's shims as engine/lab/nodes/handlers/{kubeadm,etcdctl}.ts sleep
 * them (2026-11-25): apply = prepull 250 + 3 static pods × 250; `upgrade node` = 3 × 250 on a
 * control-plane node, 100 on a worker; `snapshot save` = 150. The lab does not record them;
 * see bench/README.md for what it should record instead.
 */
const SIM_MS = { apply: 1000, nodeControlPlane: 750, nodeWorker: 100, snapshotSave: 150 };
/** Default pod termination (min(grace 30 s, stop-seconds 1 s)) and the shortest pod start delay (1–2 s). */
const POD_STOP_MS = 1000;
const POD_START_MIN_MS = 1000;

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

/** [cordon, uncordon] windows, one per node upgrade. */
function windows(r: LabRecords): Array<[number, number]> {
  const open = new Map<string, number>();
  const out: Array<[number, number]> = [];
  for (const e of [...r.nodeEvents].sort((a, b) => a.ts - b.ts)) {
    if (e.event === 'cordon' && !open.has(e.node)) open.set(e.node, e.ts);
    else if (e.event === 'uncordon' && open.has(e.node)) {
      out.push([open.get(e.node)!, e.ts]);
      open.delete(e.node);
    }
  }
  return out;
}

export function waitFigures(r: LabRecords, scale: number, controlPlane: (node: string) => boolean): WaitFigures {
  const restarts = intervals(r, 'notready', 'ready');
  const oos = intervals(r, 'cordon', 'uncordon');
  const ev = r.apiWrites.filter((w) => w.method === 'POST' && /\/eviction$/.test(w.path));
  const ts = r.commands.map((c) => c.ts);
  const ok = r.commands.filter((c) => c.exitCode === 0);
  const toolSimMs = ok.filter((c) => /kubeadm upgrade apply\b/.test(c.command)).length * SIM_MS.apply
    + ok.filter((c) => /kubeadm upgrade node\b/.test(c.command)).reduce((a, c) => a + (controlPlane(c.node) ? SIM_MS.nodeControlPlane : SIM_MS.nodeWorker), 0)
    + ok.filter((c) => /etcdctl\b.*snapshot save\b/.test(c.command)).length * SIM_MS.snapshotSave;
  const inWin = (w: [number, number], ok2: (s: number) => boolean) => ev.some((e) => e.ts >= w[0] && e.ts <= w[1] && ok2(e.status));
  const wins = windows(r);
  const drainsWithEvictions = wins.filter((w) => inWin(w, (s) => s < 300)).length;
  const drainsWith429 = wins.filter((w) => inWin(w, (s) => s === 429)).length;
  const restartMs = restarts.reduce((a, b) => a + b, 0);
  return {
    drainsWithEvictions,
    drainsWith429,
    toolSimMs,
    modelledMs: restartMs + scale * (toolSimMs + drainsWithEvictions * POD_STOP_MS + drainsWith429 * POD_START_MIN_MS),
    restartMs,
    restarts: restarts.length,
    outOfServiceMs: oos.reduce((a, b) => a + b, 0),
    commands: r.commands.length,
    simulatedTools: r.commands.filter((c) => /kubeadm upgrade (apply|node)|etcdctl (snapshot|endpoint)/.test(c.command)).length,
    evictions: ev.filter((w) => w.status < 300).length,
    evictions429: ev.filter((w) => w.status === 429).length,
    spanMs: ts.length ? Math.max(...ts) - Math.min(...ts) : 0,
  };
}
