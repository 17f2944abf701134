// The Deployment controller: one ReplicaSet per pod template (named by its hash), rolled like
// kube-controller-manager's RollingUpdate (maxSurge up, maxUnavailable down, 25% each by default)
// or Recreate, with the status `kubectl rollout status` reads.
import type { Workload } from '../types.js';
import { controllerOf, isoSeconds } from '../podutil.js';
import { type ControllerContext, stableHash } from './context.js';

type RsStatus = { replicas?: number; readyReplicas?: number; availableReplicas?: number };
const st = (rs: Workload): RsStatus => (rs.status ?? {}) as RsStatus;

/** An int-or-percent against a total; percentages round up for surge, down for unavailable. */
function resolve(v: unknown, total: number, roundUp: boolean): number {
  if (typeof v === 'string' && v.endsWith('%')) {
    const x = (Number(v.slice(0, -1)) * total) / 100;
    return roundUp ? Math.ceil(x) : Math.floor(x);
  }
  return Number(v ?? 0) || 0;
}

function scaleRs(ctx: ControllerContext, rs: Workload, replicas: number): Workload {
  return (rs.spec.replicas ?? 1) === replicas ? rs : ctx.store.update('replicasets', { ...rs, spec: { ...rs.spec, replicas } });
}

export function reconcileDeployments(ctx: ControllerContext): void {
  const rsAll = ctx.store.peek<Workload>('replicasets');
  for (const d of ctx.store.peek<Workload>('deployments')) {
    const hash = stableHash(d.spec.template);
    const rsName = `${d.metadata.name}-${hash}`;
    const replicas = d.spec.replicas ?? 1;
    const mine = rsAll.filter((rs) => controllerOf(rs)?.uid === d.metadata.uid);
    const olds = mine.filter((rs) => rs.metadata.name !== rsName);
    const strategy = (d.spec['strategy'] ?? {}) as { type?: string; rollingUpdate?: { maxSurge?: unknown; maxUnavailable?: unknown } };
    const recreate = strategy.type === 'Recreate';
    let maxSurge = recreate ? 0 : resolve(strategy.rollingUpdate?.maxSurge ?? '25%', replicas, true);
    let maxUnavailable = recreate ? replicas : resolve(strategy.rollingUpdate?.maxUnavailable ?? '25%', replicas, false);
    if (maxSurge === 0 && maxUnavailable === 0) maxUnavailable = 1;
    const oldSpec = olds.reduce((s, rs) => s + (rs.spec.replicas ?? 0), 0);
    const oldPods = olds.reduce((s, rs) => s + (st(rs).replicas ?? 0), 0);

    let current = mine.find((rs) => rs.metadata.name === rsName);
    if (!current) {
      const template = structuredClone(d.spec.template);
      template.metadata = { ...(template.metadata ?? {}), labels: { ...(template.metadata?.labels ?? {}), 'pod-template-hash': hash } };
      const revision = Math.max(0, ...mine.map((rs) => Number(rs.metadata.annotations?.['deployment.kubernetes.io/revision'] ?? 0))) + 1;
      const first = recreate ? (oldPods > 0 ? 0 : replicas) : Math.min(replicas, Math.max(0, replicas + maxSurge - oldSpec));
      current = ctx.store.create<Workload>('replicasets', {
        apiVersion: 'apps/v1', kind: 'ReplicaSet',
        metadata: {
          name: rsName, namespace: d.metadata.namespace!, labels: { ...(template.metadata.labels ?? {}) },
          annotations: { 'deployment.kubernetes.io/revision': String(revision), 'deployment.kubernetes.io/desired-replicas': String(replicas), 'deployment.kubernetes.io/max-replicas': String(replicas + maxSurge) },
          ownerReferences: [{ apiVersion: 'apps/v1', kind: 'Deployment', name: d.metadata.name, uid: d.metadata.uid!, controller: true, blockOwnerDeletion: true }],
        },
        spec: { replicas: first, selector: { matchLabels: { ...(d.spec.selector.matchLabels ?? {}), 'pod-template-hash': hash } }, template },
      });
    } else if (olds.every((rs) => (rs.spec.replicas ?? 0) === 0) && (!recreate || oldPods === 0)) {
      current = scaleRs(ctx, current, replicas); // no rollout in progress: follow spec.replicas
    } else if (recreate) {
      if (oldPods === 0) current = scaleRs(ctx, current, replicas);
    } else {
      // Surge: the new ReplicaSet may grow while all ReplicaSets together stay within replicas + maxSurge.
      const room = replicas + maxSurge - (oldSpec + (current.spec.replicas ?? 0));
      if (room > 0) current = scaleRs(ctx, current, Math.min(replicas, (current.spec.replicas ?? 0) + room));
    }

    // Scale old ReplicaSets down as far as availability allows (all at once under Recreate).
    const newUnavailable = Math.max(0, (current.spec.replicas ?? 0) - (st(current).readyReplicas ?? 0));
    const allSpec = oldSpec + (current.spec.replicas ?? 0);
    let down = recreate ? oldSpec : allSpec - (replicas - maxUnavailable) - newUnavailable;
    for (const old of olds) {
      if (down <= 0) break;
      const have = old.spec.replicas ?? 0;
      const cut = Math.min(have, down);
      if (cut > 0) scaleRs(ctx, old, have - cut);
      down -= cut;
    }

    const all = [current, ...olds];
    const total = all.reduce((s, rs) => s + (st(rs).replicas ?? 0), 0);
    const ready = all.reduce((s, rs) => s + (st(rs).readyReplicas ?? 0), 0);
    const updated = st(current).replicas ?? 0;
    const available = ready >= replicas - maxUnavailable;
    const complete = updated === replicas && total === replicas && (st(current).readyReplicas ?? 0) === replicas;
    const now = isoSeconds(ctx.timers.now());
    const prevConds = (d.status?.['conditions'] ?? []) as Array<{ type: string; status: string; reason: string; lastTransitionTime: string; lastUpdateTime?: string }>;
    const cond = (type: string, status: string, reason: string, message: string) => {
      const prev = prevConds.find((c) => c.type === type);
      const same = prev?.status === status && prev.reason === reason;
      return { type, status, reason, message, lastUpdateTime: same ? prev.lastUpdateTime ?? now : now, lastTransitionTime: prev?.status === status ? prev.lastTransitionTime : now };
    };
    const next = {
      ...(d.status ?? {}),
      observedGeneration: d.metadata.generation ?? 1,
      replicas: total, updatedReplicas: updated, readyReplicas: ready, availableReplicas: ready,
      ...(total - ready > 0 ? { unavailableReplicas: total - ready } : { unavailableReplicas: undefined }),
      conditions: [
        cond('Available', available ? 'True' : 'False', available ? 'MinimumReplicasAvailable' : 'MinimumReplicasUnavailable', available ? 'Deployment has minimum availability.' : 'Deployment does not have minimum availability.'),
        cond('Progressing', 'True', complete ? 'NewReplicaSetAvailable' : 'ReplicaSetUpdated', complete ? `ReplicaSet "${rsName}" has successfully progressed.` : `ReplicaSet "${rsName}" is progressing.`),
      ],
    };
    if (JSON.stringify(next) !== JSON.stringify(d.status ?? {})) ctx.store.update('deployments', { ...d, status: next });
  }
}
