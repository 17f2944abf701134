// JSON objects from the API server → the port's plain domain types (ports/kube.ts). Quantities
// ("250m", "1Gi") become numbers here, once.
import type { ContainerState, LeaseInfo, NodeInfo, OwnerRef, PdbInfo, PodInfo, Resources, SecretInfo, Taint, Toleration } from '../../ports/kube.js';

/* eslint-disable @typescript-eslint/no-explicit-any -- raw API JSON is walked defensively here, in one place */
type J = any;

const BIN: Record<string, number> = { Ki: 2 ** 10, Mi: 2 ** 20, Gi: 2 ** 30, Ti: 2 ** 40, Pi: 2 ** 50, Ei: 2 ** 60 };
const DEC: Record<string, number> = { n: 1e-9, u: 1e-6, m: 1e-3, '': 1, k: 1e3, K: 1e3, M: 1e6, G: 1e9, T: 1e12, P: 1e15, E: 1e18 };

/** A resource.Quantity as a number of base units ("1Gi" → 1073741824, "250m" → 0.25). */
export function parseQuantity(q: unknown): number {
  if (typeof q === 'number') return q;
  if (typeof q !== 'string' || q === '') return 0;
  const m = /^([+-]?[0-9.]+(?:[eE][+-]?[0-9]+)?)(Ki|Mi|Gi|Ti|Pi|Ei|n|u|m|k|K|M|G|T|P|E)?$/.exec(q.trim());
  if (!m) return 0;
  const n = Number(m[1]);
  const suffix = m[2] ?? '';
  return n * (BIN[suffix] ?? DEC[suffix] ?? 1);
}

export function resources(list: J): Resources {
  return {
    cpuMilli: Math.round(parseQuantity(list?.cpu) * 1000),
    memoryBytes: Math.round(parseQuantity(list?.memory)),
    gpus: Math.round(parseQuantity(list?.['nvidia.com/gpu'])),
  };
}

function ms(t: unknown): number | undefined {
  if (typeof t !== 'string') return undefined;
  const v = Date.parse(t);
  return Number.isNaN(v) ? undefined : v;
}

/** Requests as the scheduler counts them: sum of containers, at least the largest init container. */
function podRequests(spec: J): Resources {
  const sum: Resources = { cpuMilli: 0, memoryBytes: 0, gpus: 0 };
  for (const c of spec?.containers ?? []) {
    const r = resources(c?.resources?.requests ?? c?.resources?.limits);
    sum.cpuMilli += r.cpuMilli;
    sum.memoryBytes += r.memoryBytes;
    sum.gpus += r.gpus;
  }
  for (const c of spec?.initContainers ?? []) {
    const r = resources(c?.resources?.requests ?? c?.resources?.limits);
    sum.cpuMilli = Math.max(sum.cpuMilli, r.cpuMilli);
    sum.memoryBytes = Math.max(sum.memoryBytes, r.memoryBytes);
    sum.gpus = Math.max(sum.gpus, r.gpus);
  }
  return sum;
}

export function decodePod(o: J): PodInfo {
  const md = o?.metadata ?? {};
  const spec = o?.spec ?? {};
  const st = o?.status ?? {};
  const ready = (st.conditions ?? []).find((c: J) => c?.type === 'Ready');
  const containers: ContainerState[] = (st.containerStatuses ?? []).map((c: J) => ({
    name: String(c?.name ?? ''),
    ready: c?.ready === true,
    restartCount: Number(c?.restartCount ?? 0),
    waitingReason: c?.state?.waiting?.reason,
    terminatedReason: c?.state?.terminated?.reason,
  }));
  return {
    name: String(md.name ?? ''),
    namespace: String(md.namespace ?? 'default'),
    uid: String(md.uid ?? ''),
    nodeName: spec.nodeName || undefined,
    phase: String(st.phase ?? 'Unknown'),
    labels: { ...(md.labels ?? {}) },
    annotations: { ...(md.annotations ?? {}) },
    owners: (md.ownerReferences ?? []).map((r: J): OwnerRef => ({ apiVersion: r.apiVersion, kind: r.kind, name: r.name, uid: r.uid, controller: r.controller })),
    deleting: !!md.deletionTimestamp,
    deletionTimestamp: ms(md.deletionTimestamp),
    emptyDirVolumes: (spec.volumes ?? []).filter((v: J) => v && v.emptyDir).map((v: J) => String(v.name)),
    ready: ready?.status === 'True',
    readyChangedAt: ms(ready?.lastTransitionTime),
    createdAt: ms(md.creationTimestamp),
    containers,
    requests: podRequests(spec),
    nodeSelector: { ...(spec.nodeSelector ?? {}) },
    tolerations: (spec.tolerations ?? []) as Toleration[],
    images: [...(spec.initContainers ?? []), ...(spec.containers ?? [])].map((c: J) => String(c?.image ?? '')).filter(Boolean),
    terminationGracePeriodSeconds: spec.terminationGracePeriodSeconds,
  };
}

export function decodeNode(o: J): NodeInfo {
  const md = o?.metadata ?? {};
  const ready = (o?.status?.conditions ?? []).find((c: J) => c?.type === 'Ready');
  return {
    name: String(md.name ?? ''),
    uid: String(md.uid ?? ''),
    labels: { ...(md.labels ?? {}) },
    unschedulable: o?.spec?.unschedulable === true,
    ...(md.annotations && typeof md.annotations === 'object' ? { annotations: { ...md.annotations } } : {}),
    ready: ready?.status === 'True',
    readyReason: ready ? [ready.reason, ready.message].filter(Boolean).join(': ') || undefined : 'no Ready condition',
    kubeletVersion: String(o?.status?.nodeInfo?.kubeletVersion ?? ''),
    allocatable: resources(o?.status?.allocatable ?? o?.status?.capacity),
    taints: (o?.spec?.taints ?? []) as Taint[],
  };
}

export function decodePdb(o: J): PdbInfo {
  const md = o?.metadata ?? {};
  const spec = o?.spec ?? {};
  const st = o?.status ?? {};
  return {
    name: String(md.name ?? ''),
    namespace: String(md.namespace ?? 'default'),
    selector: spec.selector ?? null,
    minAvailable: spec.minAvailable,
    maxUnavailable: spec.maxUnavailable,
    generation: md.generation,
    status: {
      currentHealthy: Number(st.currentHealthy ?? 0),
      desiredHealthy: Number(st.desiredHealthy ?? 0),
      expectedPods: Number(st.expectedPods ?? 0),
      disruptionsAllowed: Number(st.disruptionsAllowed ?? 0),
      observedGeneration: st.observedGeneration,
    },
  };
}

export function decodeSecret(o: J): SecretInfo {
  return {
    name: String(o?.metadata?.name ?? ''),
    namespace: String(o?.metadata?.namespace ?? ''),
    labels: { ...(o?.metadata?.labels ?? {}) },
    type: o?.type,
    data: { ...(o?.data ?? {}) },
  };
}

export function decodeLease(o: J): LeaseInfo {
  const spec = o?.spec ?? {};
  return {
    name: String(o?.metadata?.name ?? ''),
    namespace: String(o?.metadata?.namespace ?? ''),
    holderIdentity: spec.holderIdentity ?? undefined,
    leaseDurationSeconds: spec.leaseDurationSeconds ?? undefined,
    acquireTime: ms(spec.acquireTime),
    renewTime: ms(spec.renewTime),
    leaseTransitions: spec.leaseTransitions ?? undefined,
    resourceVersion: o?.metadata?.resourceVersion,
  };
}

/** MicroTime as the API wants it (RFC 3339 with microseconds). */
function microTime(t: number | undefined): string | undefined {
  return t === undefined ? undefined : new Date(t).toISOString().replace(/\.(\d{3})Z$/, '.$1000Z');
}

export function encodeLease(l: LeaseInfo): J {
  return {
    apiVersion: 'coordination.k8s.io/v1',
    kind: 'Lease',
    metadata: { name: l.name, namespace: l.namespace, ...(l.resourceVersion ? { resourceVersion: l.resourceVersion } : {}) },
    spec: {
      holderIdentity: l.holderIdentity,
      leaseDurationSeconds: l.leaseDurationSeconds,
      acquireTime: microTime(l.acquireTime),
      renewTime: microTime(l.renewTime),
      leaseTransitions: l.leaseTransitions,
    },
  };
}
