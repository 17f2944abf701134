// The disruption controller: keeps every PDB's status (expectedPods, desiredHealthy,
// currentHealthy, disruptionsAllowed, disruptedPods, the DisruptionAllowed condition) as
// kube-controller-manager computes it, and honours the pdbBlocked fault.
import type { KObject, Pod, PodDisruptionBudget, Workload } from '../types.js';
import { controllerOf, isDeleting, isPodReady, isoSeconds } from '../podutil.js';
import { pdbNumbers, type PdbStatusNumbers } from '../pdb.js';
import { selectorMatcher } from '../selectors.js';
import type { ControllerContext } from './context.js';
import type { Store } from '../store.js';

/** How long an eviction keeps a pod out of currentHealthy if it does not disappear (DeletionTimeout). */
export const DISRUPTED_POD_TIMEOUT_MS = 2 * 60 * 1000;

export function pdbKey(pdb: KObject): string {
  return `${pdb.metadata.namespace}/${pdb.metadata.name}`;
}

export function matchingPods(pdb: PodDisruptionBudget, pods: Pod[]): Pod[] {
  const m = selectorMatcher(pdb.spec.selector);
  return pods.filter((p) => p.metadata.namespace === pdb.metadata.namespace && m(p.metadata.labels));
}

/** Sum of spec.replicas over the controllers of the pods (a ReplicaSet counts through its Deployment). */
function controllerReplicas(store: Store, pods: Pod[]): number {
  const seen = new Map<string, number>();
  for (const p of pods) {
    const ref = controllerOf(p);
    if (!ref) continue;
    const ns = p.metadata.namespace;
    if (ref.kind === 'ReplicaSet') {
      const rs = store.peekOne<Workload>('replicasets', ns, ref.name);
      const dref = rs ? controllerOf(rs) : undefined;
      const d = dref?.kind === 'Deployment' ? store.peekOne<Workload>('deployments', ns, dref.name) : undefined;
      if (d) seen.set(d.metadata.uid!, d.spec.replicas ?? 1);
      else if (rs) seen.set(rs.metadata.uid!, rs.spec.replicas ?? 1);
    } else if (ref.kind === 'StatefulSet') {
      const sts = store.peekOne<Workload>('statefulsets', ns, ref.name);
      if (sts) seen.set(sts.metadata.uid!, sts.spec.replicas ?? 1);
    }
  }
  let sum = 0;
  for (const v of seen.values()) sum += v;
  return sum;
}

/** The numbers for one PDB against the current pods, with disruptedPods trimmed to the live ones. */
export function computePdb(ctx: Pick<ControllerContext, 'store' | 'timers' | 'faults'>, pdb: PodDisruptionBudget, pods: Pod[]): { numbers: PdbStatusNumbers; disrupted: Record<string, string> } {
  const matching = matchingPods(pdb, pods);
  const now = ctx.timers.now();
  const disrupted: Record<string, string> = {};
  for (const [name, ts] of Object.entries(pdb.status?.disruptedPods ?? {})) {
    const p = matching.find((x) => x.metadata.name === name);
    // Dropped once the pod is deleting or gone, or after the timeout (scaled like all lab time).
    if (p && !isDeleting(p) && now - Date.parse(ts) < DISRUPTED_POD_TIMEOUT_MS * ctx.timers.timeScale) disrupted[name] = ts;
  }
  const healthy = matching.filter((p) => isPodReady(p) && !isDeleting(p) && !(p.metadata.name in disrupted)).length;
  const numbers = pdbNumbers({
    minAvailable: pdb.spec.minAvailable, maxUnavailable: pdb.spec.maxUnavailable,
    matchingPods: matching.length, controllerReplicas: controllerReplicas(ctx.store, matching), healthyPods: healthy,
  });
  if (ctx.faults.pdbBlocked.includes(pdbKey(pdb))) numbers.disruptionsAllowed = 0;
  return { numbers, disrupted };
}

export function reconcilePdbs(ctx: ControllerContext): void {
  const pods = ctx.store.peek<Pod>('pods');
  for (const pdb of ctx.store.peek<PodDisruptionBudget>('poddisruptionbudgets')) {
    const { numbers, disrupted } = computePdb(ctx, pdb, pods);
    const allowed = numbers.disruptionsAllowed > 0;
    const prev = (pdb.status?.conditions ?? []).find((c) => c['type'] === 'DisruptionAllowed');
    const status = allowed ? 'True' : 'False';
    const cond = {
      type: 'DisruptionAllowed', status, reason: allowed ? 'SufficientPods' : 'InsufficientPods', message: '',
      observedGeneration: pdb.metadata.generation ?? 1,
      lastTransitionTime: prev && prev['status'] === status ? prev['lastTransitionTime'] : isoSeconds(ctx.timers.now()),
    };
    const next = { observedGeneration: pdb.metadata.generation ?? 1, ...(Object.keys(disrupted).length ? { disruptedPods: disrupted } : {}), ...numbers, conditions: [cond] };
    if (JSON.stringify(next) !== JSON.stringify(pdb.status ?? {})) ctx.store.update('poddisruptionbudgets', { ...pdb, status: next });
  }
}
