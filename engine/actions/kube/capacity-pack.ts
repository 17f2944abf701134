// Would these pods fit elsewhere? A pure first-fit-decreasing packing of pod requests (cpu,
// memory, nvidia.com/gpu) onto nodes' free capacity, honouring nodeSelector and NoSchedule /
// NoExecute taints. The scheduler is smarter (affinity, spreading); this is the pre-drain check
// nobody else does, and errs on the side of "does not fit" only for what it models.
import type { NodeInfo, PodInfo, Resources, Taint, Toleration } from '../../ports/kube.js';

export interface NodeRoom {
  name: string;
  labels: Record<string, string>;
  taints: Taint[];
  free: Resources;
}

export interface Placement {
  placed: Array<{ pod: string; node: string }>;
  unplaced: Array<{ pod: string; reason: string }>;
}

export function tolerates(tols: Toleration[], t: Taint): boolean {
  return tols.some((tol) => {
    if (tol.effect && tol.effect !== t.effect) return false;
    if (tol.operator === 'Exists') return !tol.key || tol.key === t.key;
    return tol.key === t.key && (tol.value ?? '') === (t.value ?? '');
  });
}

const hardTaints = (n: NodeRoom) => n.taints.filter((t) => t.effect === 'NoSchedule' || t.effect === 'NoExecute');

/** Free capacity of each node: allocatable minus the requests of its unfinished pods. */
export function freeCapacity(nodes: NodeInfo[], pods: PodInfo[]): NodeRoom[] {
  return nodes.map((n) => {
    const used = pods.filter((p) => p.nodeName === n.name && p.phase !== 'Succeeded' && p.phase !== 'Failed');
    const free = { ...n.allocatable };
    for (const p of used) {
      free.cpuMilli -= p.requests.cpuMilli;
      free.memoryBytes -= p.requests.memoryBytes;
      free.gpus -= p.requests.gpus;
    }
    return { name: n.name, labels: n.labels, taints: n.taints, free };
  });
}

function fitsOn(p: PodInfo, n: NodeRoom): string | undefined {
  for (const [k, v] of Object.entries(p.nodeSelector)) if (n.labels[k] !== v) return `nodeSelector ${k}=${v}`;
  const t = hardTaints(n).find((x) => !tolerates(p.tolerations, x));
  if (t) return `taint ${t.key}${t.value ? `=${t.value}` : ''}:${t.effect}`;
  if (p.requests.gpus > n.free.gpus) return `nvidia.com/gpu ${p.requests.gpus} > free ${n.free.gpus}`;
  if (p.requests.cpuMilli > n.free.cpuMilli) return `cpu ${p.requests.cpuMilli}m > free ${n.free.cpuMilli}m`;
  if (p.requests.memoryBytes > n.free.memoryBytes) return `memory ${Math.ceil(p.requests.memoryBytes / 2 ** 20)}Mi > free ${Math.floor(n.free.memoryBytes / 2 ** 20)}Mi`;
  return undefined;
}

/** Place the biggest pods first (GPUs, then cpu, then memory) on the first node they fit. */
export function packPods(pods: PodInfo[], rooms: NodeRoom[]): Placement {
  const nodes = rooms.map((r) => ({ ...r, free: { ...r.free } }));
  const order = [...pods].sort((a, b) => b.requests.gpus - a.requests.gpus || b.requests.cpuMilli - a.requests.cpuMilli || b.requests.memoryBytes - a.requests.memoryBytes);
  const out: Placement = { placed: [], unplaced: [] };
  for (const p of order) {
    const ref = `${p.namespace}/${p.name}`;
    const why: string[] = [];
    const target = nodes.find((n) => {
      const no = fitsOn(p, n);
      if (no) why.push(`${n.name}: ${no}`);
      return !no;
    });
    if (!target) {
      out.unplaced.push({ pod: ref, reason: nodes.length === 0 ? 'no other schedulable Ready node' : why.join('; ') });
      continue;
    }
    target.free.cpuMilli -= p.requests.cpuMilli;
    target.free.memoryBytes -= p.requests.memoryBytes;
    target.free.gpus -= p.requests.gpus;
    out.placed.push({ pod: ref, node: target.name });
  }
  return out;
}
