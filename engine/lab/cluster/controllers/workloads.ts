// The workload controllers (Deployments are in deployments.ts): ReplicaSets and StatefulSets
// keep their replica count (an evicted pod comes back with a new uid; a StatefulSet's under the
// same name once the old one is gone), DaemonSets keep one pod per matching node and roll a
// changed template one node at a time.
import type { Node, Pod, Workload } from '../types.js';
import { controllerOf, isDeleting, isPodReady, isTerminal, isoSeconds } from '../podutil.js';
import { schedulable } from './scheduler.js';
import { type ControllerContext, randomSuffix, stableHash } from './context.js';
import { podFromTemplate, createPod } from './pods.js';

function ownedPods(pods: Pod[], uid: string): Pod[] {
  return pods.filter((p) => controllerOf(p)?.uid === uid);
}

function setStatus(ctx: ControllerContext, resource: string, w: Workload, status: Record<string, unknown>): void {
  const next = { ...(w.status ?? {}), ...status, observedGeneration: w.metadata.generation ?? 1 };
  if (JSON.stringify(next) !== JSON.stringify(w.status ?? {})) ctx.store.update(resource, { ...w, status: next });
}

function counts(pods: Pod[]) {
  const active = pods.filter((p) => !isDeleting(p) && !isTerminal(p));
  const ready = active.filter(isPodReady).length;
  return { active, ready };
}

export function reconcileReplicaSets(ctx: ControllerContext): void {
  const pods = ctx.store.peek<Pod>('pods');
  for (const rs of ctx.store.peek<Workload>('replicasets')) {
    const want = rs.spec.replicas ?? 1;
    const { active, ready } = counts(ownedPods(pods, rs.metadata.uid!));
    for (let i = active.length; i < want; i++) createPod(ctx, podFromTemplate(rs, rs.spec.template, `${rs.metadata.name}-${randomSuffix(ctx)}`));
    if (active.length > want) {
      // Scale down unscheduled and unready pods first, as the ReplicaSet controller ranks them.
      const victims = [...active].sort((a, b) => Number(isPodReady(a)) - Number(isPodReady(b)) || Number(!!a.spec.nodeName) - Number(!!b.spec.nodeName)).slice(0, active.length - want);
      for (const v of victims) ctx.store.update('pods', { ...v, metadata: { ...v.metadata, deletionTimestamp: isoSeconds(ctx.timers.now()), deletionGracePeriodSeconds: v.spec.terminationGracePeriodSeconds ?? 30 } });
    }
    setStatus(ctx, 'replicasets', rs, { replicas: active.length, fullyLabeledReplicas: active.length, readyReplicas: ready, availableReplicas: ready });
  }
}

export function reconcileStatefulSets(ctx: ControllerContext): void {
  const pods = ctx.store.peek<Pod>('pods');
  for (const sts of ctx.store.peek<Workload>('statefulsets')) {
    const want = sts.spec.replicas ?? 1;
    const mine = ownedPods(pods, sts.metadata.uid!);
    for (let i = 0; i < want; i++) {
      const name = `${sts.metadata.name}-${i}`;
      // Same name, new uid: only once the old pod is completely gone.
      if (!pods.some((p) => p.metadata.name === name && p.metadata.namespace === sts.metadata.namespace)) {
        createPod(ctx, podFromTemplate(sts, sts.spec.template, name, { labels: { 'statefulset.kubernetes.io/pod-name': name, 'apps.kubernetes.io/pod-index': String(i), 'controller-revision-hash': `${sts.metadata.name}-${stableHash(sts.spec.template)}` } }));
      }
    }
    const rev = `${sts.metadata.name}-${stableHash(sts.spec.template)}`;
    // RollingUpdate: replace the highest-ordinal outdated pod once every pod is Ready.
    const outdated = mine.filter((p) => !isDeleting(p) && p.metadata.labels?.['controller-revision-hash'] !== rev);
    if (outdated.length > 0 && mine.length >= want && !mine.some((p) => isDeleting(p) || !isPodReady(p))) {
      const p = outdated.sort((a, b) => b.metadata.name.localeCompare(a.metadata.name, undefined, { numeric: true }))[0]!;
      ctx.store.update('pods', { ...p, metadata: { ...p.metadata, deletionTimestamp: isoSeconds(ctx.timers.now()), deletionGracePeriodSeconds: p.spec.terminationGracePeriodSeconds ?? 30 } });
    }
    const { active, ready } = counts(mine);
    const updatedCount = active.filter((p) => p.metadata.labels?.['controller-revision-hash'] === rev).length;
    setStatus(ctx, 'statefulsets', sts, { replicas: active.length, readyReplicas: ready, currentReplicas: updatedCount, updatedReplicas: updatedCount, availableReplicas: ready, currentRevision: updatedCount === active.length && active.length >= want ? rev : String(sts.status?.['currentRevision'] ?? rev), updateRevision: rev, collisionCount: 0 });
  }
}

export function reconcileDaemonSets(ctx: ControllerContext): void {
  const pods = ctx.store.peek<Pod>('pods');
  const nodes = ctx.store.peek<Node>('nodes');
  for (const ds of ctx.store.peek<Workload>('daemonsets')) {
    const mine = ownedPods(pods, ds.metadata.uid!);
    // DaemonSet pods tolerate cordons and NotReady nodes (the controller adds those tolerations).
    const wanted = nodes.filter((n) => schedulable(n, ds.spec.template.spec, { ignoreCordon: true, ignoreReady: true }));
    for (const n of wanted) {
      if (!mine.some((p) => p.spec.nodeName === n.metadata.name && !isDeleting(p))) {
        createPod(ctx, podFromTemplate(ds, ds.spec.template, `${ds.metadata.name}-${randomSuffix(ctx)}`, { nodeName: n.metadata.name, labels: { 'controller-revision-hash': stableHash(ds.spec.template) } }));
      }
    }
    for (const p of mine) {
      if (!isDeleting(p) && !wanted.some((n) => n.metadata.name === p.spec.nodeName)) ctx.store.update('pods', { ...p, metadata: { ...p.metadata, deletionTimestamp: isoSeconds(ctx.timers.now()), deletionGracePeriodSeconds: 0 } });
    }
    // RollingUpdate with maxUnavailable 1: replace one outdated pod once every other pod is Ready.
    const hash = stableHash(ds.spec.template);
    const outdated = mine.filter((p) => !isDeleting(p) && p.metadata.labels?.['controller-revision-hash'] !== hash);
    const busy = mine.some((p) => isDeleting(p) || !isPodReady(p));
    if (outdated.length > 0 && !busy) {
      const p = outdated[0]!;
      ctx.store.update('pods', { ...p, metadata: { ...p.metadata, deletionTimestamp: isoSeconds(ctx.timers.now()), deletionGracePeriodSeconds: p.spec.terminationGracePeriodSeconds ?? 30 } });
    }
    const { active, ready } = counts(mine);
    setStatus(ctx, 'daemonsets', ds, { desiredNumberScheduled: wanted.length, currentNumberScheduled: active.length, updatedNumberScheduled: active.filter((p) => p.metadata.labels?.['controller-revision-hash'] === hash).length, numberReady: ready, numberAvailable: ready, numberMisscheduled: 0, ...(wanted.length - ready > 0 ? { numberUnavailable: wanted.length - ready } : { numberUnavailable: undefined }) });
  }
}
