// The drain's decisions, as pure functions (kubectl pkg/drain/filters.go semantics): which pods
// on the node are evicted, which are skipped and why, and which stop the drain. Tested without a
// server; the drain action fetches the facts (pods, which DaemonSets exist) and does the rest.
import type { PodInfo } from '../../ports/kube.js';
import { podRef } from './common.js';

export interface DrainOptions {
  /** DaemonSet-managed pods are skipped (true) or stop the drain (false). */
  ignoreDaemonsets: boolean;
  /** Pods with emptyDir volumes may be evicted (their data is lost). */
  deleteEmptydirData: boolean;
  /** Pods without a controller (and pods of a missing DaemonSet) may be evicted. */
  force: boolean;
  /** Pods deleting for longer than this many seconds are skipped; 0 = never skip. */
  skipWaitForDeleteTimeoutSeconds: number;
}

/** What a filter says about one pod. The first filter that does not say "evict" decides. */
export type Verdict =
  | { kind: 'evict'; warning?: string }
  | { kind: 'skip'; reason: string }
  | { kind: 'refuse'; reason: string };

export interface DrainFacts {
  /** now, ms since epoch (for skip_wait_for_delete_timeout). */
  now: number;
  /** "namespace/name" of DaemonSets that exist (looked up for DaemonSet-owned running pods). */
  daemonSets: Set<string>;
}

export interface DrainDecision {
  evict: PodInfo[];
  skipped: Array<{ pod: string; reason: string }>;
  refused: Array<{ pod: string; reason: string }>;
  warnings: Array<{ pod: string; warning: string }>;
}

type Filter = (pod: PodInfo, o: DrainOptions, f: DrainFacts) => Verdict;

const EVICT: Verdict = { kind: 'evict' };
const finished = (p: PodInfo) => p.phase === 'Succeeded' || p.phase === 'Failed';
export const controllerOf = (p: PodInfo) => p.owners.find((o) => o.controller === true);

const skipDeleted: Filter = (p, o, f) =>
  o.skipWaitForDeleteTimeoutSeconds > 0 && p.deletionTimestamp !== undefined && (f.now - p.deletionTimestamp) / 1000 > o.skipWaitForDeleteTimeoutSeconds
    ? { kind: 'skip', reason: `deleting for more than ${o.skipWaitForDeleteTimeoutSeconds}s (skip_wait_for_delete_timeout)` }
    : EVICT;

const daemonSet: Filter = (p, o, f) => {
  const c = controllerOf(p);
  if (!c || c.kind !== 'DaemonSet' || finished(p)) return EVICT;
  if (!f.daemonSets.has(`${p.namespace}/${c.name}`)) {
    return o.force
      ? { kind: 'evict', warning: `its DaemonSet ${p.namespace}/${c.name} is missing (evicted because of force)` }
      : { kind: 'refuse', reason: `its DaemonSet ${p.namespace}/${c.name} is missing (use force: true to evict it)` };
  }
  return o.ignoreDaemonsets
    ? { kind: 'skip', reason: 'DaemonSet-managed' }
    : { kind: 'refuse', reason: `managed by DaemonSet ${c.name} (use ignore_daemonsets: true)` };
};

const mirror: Filter = (p) =>
  Object.prototype.hasOwnProperty.call(p.annotations, 'kubernetes.io/config.mirror') ? { kind: 'skip', reason: 'mirror (static) pod' } : EVICT;

const localStorage: Filter = (p, o) => {
  if (p.emptyDirVolumes.length === 0 || finished(p)) return EVICT;
  return o.deleteEmptydirData
    ? { kind: 'evict', warning: `emptyDir data deleted (${p.emptyDirVolumes.join(', ')})` }
    : { kind: 'refuse', reason: `uses emptyDir volume ${p.emptyDirVolumes.join(', ')} (use delete_emptydir_data: true; its data will be lost)` };
};

const unreplicated: Filter = (p, o) => {
  if (finished(p) || controllerOf(p)) return EVICT;
  return o.force
    ? { kind: 'evict', warning: 'has no controller and will not come back (evicted because of force)' }
    : { kind: 'refuse', reason: 'has no controller, nothing would recreate it (use force: true)' };
};

/** kubectl's order: deleted-too-long, DaemonSet, mirror, emptyDir, unmanaged. */
export const FILTERS: ReadonlyArray<Filter> = [skipDeleted, daemonSet, mirror, localStorage, unreplicated];

export function judgePod(pod: PodInfo, o: DrainOptions, f: DrainFacts): Verdict {
  let last: Verdict = EVICT;
  const warnings: string[] = [];
  for (const filter of FILTERS) {
    last = filter(pod, o, f);
    if (last.kind !== 'evict') return last;
    if (last.warning) warnings.push(last.warning);
  }
  return warnings.length ? { kind: 'evict', warning: warnings.join('; ') } : EVICT;
}

/** Sort every pod on the node into evict / skip / refuse. Any refusal stops the drain. */
export function decideDrain(pods: PodInfo[], o: DrainOptions, f: DrainFacts): DrainDecision {
  const d: DrainDecision = { evict: [], skipped: [], refused: [], warnings: [] };
  for (const pod of pods) {
    const v = judgePod(pod, o, f);
    const ref = podRef(pod);
    if (v.kind === 'evict') {
      d.evict.push(pod);
      if (v.warning) d.warnings.push({ pod: ref, warning: v.warning });
    } else if (v.kind === 'skip') d.skipped.push({ pod: ref, reason: v.reason });
    else d.refused.push({ pod: ref, reason: v.reason });
  }
  return d;
}

/** DaemonSets whose existence the filters need: controllers of running DaemonSet pods. */
export function daemonSetsToCheck(pods: PodInfo[]): Array<{ namespace: string; name: string }> {
  const seen = new Map<string, { namespace: string; name: string }>();
  for (const p of pods) {
    const c = controllerOf(p);
    if (c?.kind === 'DaemonSet' && !finished(p)) seen.set(`${p.namespace}/${c.name}`, { namespace: p.namespace, name: c.name });
  }
  return [...seen.values()];
}

/** The refusal message: every pod and why, grouped by reason. */
export function refusalMessage(node: string, refused: DrainDecision['refused']): string {
  const byReason = new Map<string, string[]>();
  for (const r of refused) byReason.set(r.reason, [...(byReason.get(r.reason) ?? []), r.pod]);
  const parts = [...byReason].map(([reason, pods]) => `${pods.join(', ')}: ${reason}`);
  return `cannot drain ${node}: ${refused.length} pod${refused.length === 1 ? '' : 's'} cannot be evicted — ${parts.join('; ')}. Nothing was evicted; the node stays cordoned (uncordon it, or fix the arguments and run again).`;
}
