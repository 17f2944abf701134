// The scheduler: places each pending pod on a Ready, schedulable node whose labels match its
// nodeSelector, whose NoSchedule/NoExecute taints it tolerates, and that has free cpu, memory and
// nvidia.com/gpu; spreads replicas of one controller across nodes, then prefers the emptiest node.
import type { Node, Pod, PodSpec, Taint, Toleration } from '../types.js';
import { controllerOf, isNodeReady, isTerminal, isoSeconds } from '../podutil.js';
import { milliCpu, parseQuantity } from '../quantity.js';
import type { ControllerContext } from './context.js';

function tolerates(tols: Toleration[] | undefined, t: Taint): boolean {
  return (tols ?? []).some((tol) => {
    if (tol.effect && tol.effect !== t.effect) return false;
    if (tol.operator === 'Exists') return !tol.key || tol.key === t.key;
    return tol.key === t.key && (tol.value ?? '') === (t.value ?? '');
  });
}

/** Whether a pod with this spec may run on the node (ignoring resources). */
export function schedulable(n: Node, spec: PodSpec, opts: { ignoreCordon?: boolean; ignoreReady?: boolean } = {}): boolean {
  if (!opts.ignoreReady && !isNodeReady(n)) return false;
  if (!opts.ignoreCordon && n.spec.unschedulable) return false;
  for (const [k, v] of Object.entries(spec.nodeSelector ?? {})) if (n.metadata.labels?.[k] !== v) return false;
  for (const t of n.spec.taints ?? []) if (t.effect !== 'PreferNoSchedule' && !tolerates(spec.tolerations, t)) return false;
  return true;
}

export interface PodRequests { cpu: number; memory: number; gpu: number }

export function requestsOf(spec: PodSpec): PodRequests {
  const r: PodRequests = { cpu: 0, memory: 0, gpu: 0 };
  for (const c of spec.containers) {
    const req = c.resources?.requests ?? {};
    const lim = c.resources?.limits ?? {};
    r.cpu += milliCpu(req['cpu']);
    r.memory += parseQuantity(req['memory']);
    // Extended resources are requested through limits; requests default to them.
    r.gpu += parseQuantity(req['nvidia.com/gpu'] ?? lim['nvidia.com/gpu']);
  }
  return r;
}

function freeOn(n: Node, pods: Pod[]): PodRequests {
  const a = n.status.allocatable;
  const free: PodRequests = { cpu: milliCpu(a['cpu']), memory: parseQuantity(a['memory']), gpu: parseQuantity(a['nvidia.com/gpu']) };
  // Terminating pods hold their resources until they are gone, as on a real node.
  for (const p of pods) {
    if (p.spec.nodeName !== n.metadata.name || isTerminal(p)) continue;
    const r = requestsOf(p.spec);
    free.cpu -= r.cpu; free.memory -= r.memory; free.gpu -= r.gpu;
  }
  return free;
}

export function schedulePending(ctx: ControllerContext): void {
  const nodes = ctx.store.peek<Node>('nodes');
  const pods = ctx.store.peek<Pod>('pods');
  for (const pod of pods) {
    if (pod.spec.nodeName || pod.metadata.deletionTimestamp || isTerminal(pod)) continue;
    const need = requestsOf(pod.spec);
    const owner = controllerOf(pod)?.uid;
    const fits = nodes.filter((n) => {
      if (!schedulable(n, pod.spec)) return false;
      const f = freeOn(n, pods);
      return f.cpu >= need.cpu && f.memory >= need.memory && f.gpu >= need.gpu;
    });
    if (fits.length === 0) {
      const cond = { type: 'PodScheduled', status: 'False' as const, reason: 'Unschedulable', message: `0/${nodes.length} nodes are available.`, lastProbeTime: null, lastTransitionTime: isoSeconds(ctx.timers.now()) };
      if (!pod.status.conditions?.some((c) => c.type === 'PodScheduled')) ctx.store.update('pods', { ...pod, status: { ...pod.status, conditions: [cond] } });
      continue;
    }
    const score = (n: Node) => {
      const siblings = owner ? pods.filter((p) => p.spec.nodeName === n.metadata.name && controllerOf(p)?.uid === owner && !p.metadata.deletionTimestamp).length : 0;
      const load = pods.filter((p) => p.spec.nodeName === n.metadata.name).length;
      return siblings * 1000 + load;
    };
    const best = [...fits].sort((a, b) => score(a) - score(b) || a.metadata.name.localeCompare(b.metadata.name))[0]!;
    const placed: Pod = {
      ...pod,
      spec: { ...pod.spec, nodeName: best.metadata.name },
      status: { ...pod.status, conditions: [{ type: 'PodScheduled', status: 'True', lastProbeTime: null, lastTransitionTime: isoSeconds(ctx.timers.now()) }] },
    };
    ctx.store.update('pods', placed);
    pods[pods.indexOf(pod)] = placed; // later pods in this pass see the space it takes
  }
}
