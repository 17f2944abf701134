// The workload controllers: Deployments own one ReplicaSet per template, ReplicaSets and
// StatefulSets keep their replica count (an evicted pod comes back with a new uid; a StatefulSet's
// under the same name once the old one is gone), DaemonSets keep one pod per matching node.
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

export function reconcileDeployments(ctx: ControllerContext): void {
  const rsAll = ctx.store.list<Workload>('replicasets');
  for (const d of ctx.store.list<Workload>('deployments')) {
    const hash = stableHash(d.spec.template);
    const rsName = `${d.metadata.name}-${hash}`;
    const replicas = d.spec.replicas ?? 1;
    const mine = rsAll.filter((rs) => controllerOf(rs)?.uid === d.metadata.uid);
    let current = mine.find((rs) => rs.metadata.name === rsName);
    if (!current) {
      const template = structuredClone(d.spec.template);
      template.metadata = { ...(template.metadata ?? {}), labels: { ...(template.metadata?.labels ?? {}), 'pod-template-hash': hash } };
      current = ctx.store.create<Workload>('replicasets', {
        apiVersion: 'apps/v1', kind: 'ReplicaSet',
        metadata: {
          name: rsName, namespace: d.metadata.namespace!, labels: { ...(template.metadata.labels ?? {}) },
          annotations: { 'deployment.kubernetes.io/revision': String(mine.length + 1) },
          ownerReferences: [{ apiVersion: 'apps/v1', kind: 'Deployment', name: d.metadata.name, uid: d.metadata.uid!, controller: true, blockOwnerDeletion: true }],
        },
        spec: { replicas, selector: { matchLabels: { ...(d.spec.selector.matchLabels ?? {}), 'pod-template-hash': hash } }, template },
      });
    } else if (current.spec.replicas !== replicas) {
      current = ctx.store.update('replicasets', { ...current, spec: { ...current.spec, replicas } });
    }
    // Template changes replace the old ReplicaSet's pods (a recreate, not a rolling update — see report).
    for (const old of mine) if (old.metadata.name !== rsName && (old.spec.replicas ?? 0) !== 0) ctx.store.update('replicasets', { ...old, spec: { ...old.spec, replicas: 0 } });
    const st = (current.status ?? {}) as { replicas?: number; readyReplicas?: number };
    const ready = st.readyReplicas ?? 0;
    const available = ready >= replicas;
    const now = isoSeconds(ctx.timers.now());
    const prevConds = ((d.status?.['conditions'] ?? []) as Array<{ type: string; status: string; lastTransitionTime: string }>);
    const cond = (type: string, status: string, reason: string, message: string) => {
      const prev = prevConds.find((c) => c.type === type);
      return { type, status, reason, message, lastUpdateTime: prev?.status === status ? (prev as { lastUpdateTime?: string }).lastUpdateTime ?? now : now, lastTransitionTime: prev?.status === status ? prev.lastTransitionTime : now };
    };
    setStatus(ctx, 'deployments', d, {
      replicas: st.replicas ?? 0, updatedReplicas: st.replicas ?? 0, readyReplicas: ready, availableReplicas: ready,
      ...(replicas - ready > 0 ? { unavailableReplicas: replicas - ready } : { unavailableReplicas: undefined }),
      conditions: [
        cond('Available', available ? 'True' : 'False', available ? 'MinimumReplicasAvailable' : 'MinimumReplicasUnavailable', available ? 'Deployment has minimum availability.' : 'Deployment does not have minimum availability.'),
        cond('Progressing', 'True', 'NewReplicaSetAvailable', `ReplicaSet "${rsName}" has successfully progressed.`),
      ],
    });
  }
}

export function reconcileReplicaSets(ctx: ControllerContext): void {
  const pods = ctx.store.list<Pod>('pods');
  for (const rs of ctx.store.list<Workload>('replicasets')) {
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
  const pods = ctx.store.list<Pod>('pods');
  for (const sts of ctx.store.list<Workload>('statefulsets')) {
    const want = sts.spec.replicas ?? 1;
    const mine = ownedPods(pods, sts.metadata.uid!);
    for (let i = 0; i < want; i++) {
      const name = `${sts.metadata.name}-${i}`;
      // Same name, new uid: only once the old pod is completely gone.
      if (!pods.some((p) => p.metadata.name === name && p.metadata.namespace === sts.metadata.namespace)) {
        createPod(ctx, podFromTemplate(sts, sts.spec.template, name, { labels: { 'statefulset.kubernetes.io/pod-name': name, 'apps.kubernetes.io/pod-index': String(i), 'controller-revision-hash': `${sts.metadata.name}-${stableHash(sts.spec.template)}` } }));
      }
    }
    const { active, ready } = counts(mine);
    const rev = `${sts.metadata.name}-${stableHash(sts.spec.template)}`;
    setStatus(ctx, 'statefulsets', sts, { replicas: active.length, readyReplicas: ready, currentReplicas: active.length, updatedReplicas: active.length, availableReplicas: ready, currentRevision: rev, updateRevision: rev, collisionCount: 0 });
  }
}

export function reconcileDaemonSets(ctx: ControllerContext): void {
  const pods = ctx.store.list<Pod>('pods');
  const nodes = ctx.store.list<Node>('nodes');
  for (const ds of ctx.store.list<Workload>('daemonsets')) {
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
    const { active, ready } = counts(mine);
    setStatus(ctx, 'daemonsets', ds, { desiredNumberScheduled: wanted.length, currentNumberScheduled: active.length, updatedNumberScheduled: active.length, numberReady: ready, numberAvailable: ready, numberMisscheduled: 0, ...(wanted.length - ready > 0 ? { numberUnavailable: wanted.length - ready } : { numberUnavailable: undefined }) });
  }
}
