// `capacity_check`: would the pods a drain of this node — or of its whole batch, drained at the
// same time (with_hosts) — evicts fit on the other schedulable, Ready nodes (cpu, memory,
// nvidia.com/gpu requests; nodeSelector; taints)? Read-only.
import type { Action, ActionContext, ActionResult } from '../action.js';
import { controllerOf } from './drain-filters.js';
import { freeCapacity, packPods } from './capacity-pack.js';

interface CapacityArgs {
  node: string;
  /**
   * Inventory names of the hosts drained together with this one (`{{batch_hosts}}`, this host
   * included): their pods must fit beside each other on the nodes outside the batch.
   */
  with_hosts?: string[] | string;
}

/** Node names of the batch's hosts (their `node_name` var, else the host name). */
function batchNodes(ctx: ActionContext, node: string, hosts: CapacityArgs['with_hosts']): string[] {
  const list = typeof hosts === 'string' ? hosts.split(/[\s,]+/).filter(Boolean) : hosts ?? [];
  const hostvars = (ctx.vars?.['hostvars'] ?? {}) as Record<string, { node_name?: unknown } | undefined>;
  const names = list.map((h) => (typeof hostvars[h]?.node_name === 'string' ? (hostvars[h]!.node_name as string) : h));
  return [...new Set([node, ...names])];
}

export const capacityCheck: Action<CapacityArgs> = {
  name: 'capacity_check',
  summary: "Check that a node's evictable pods (with with_hosts: its whole batch's) fit on the remaining schedulable nodes (cpu, memory, GPUs)",
  changes: false,
  shorthand: 'node',
  schema: {
    type: 'object',
    required: ['node'],
    additionalProperties: false,
    properties: {
      node: { type: 'string', minLength: 1 },
      with_hosts: { anyOf: [{ type: 'array', items: { type: 'string' } }, { type: 'string' }] },
    },
  },
  describe: (a) => `check the pods of node ${a.node}${a.with_hosts !== undefined ? ` and the rest of its batch (${Array.isArray(a.with_hosts) ? a.with_hosts.join(', ') : String(a.with_hosts)})` : ''} fit on the other nodes`,
  async run(ctx, a): Promise<ActionResult> {
    const kube = await ctx.kube();
    const [nodes, pods] = await Promise.all([kube.listNodes(ctx.signal), kube.listPods({}, ctx.signal)]);
    if (!nodes.some((n) => n.name === a.node)) return { status: 'failed', message: `capacity_check: node ${a.node} not found`, data: { node: a.node } };
    const leaving = new Set(batchNodes(ctx, a.node, a.with_hosts));
    const evictable = pods.filter(
      (p) =>
        p.nodeName !== undefined &&
        leaving.has(p.nodeName) &&
        p.phase !== 'Succeeded' &&
        p.phase !== 'Failed' &&
        !p.deleting &&
        controllerOf(p)?.kind !== 'DaemonSet' &&
        !Object.prototype.hasOwnProperty.call(p.annotations, 'kubernetes.io/config.mirror'),
    );
    const targets = nodes.filter((n) => !leaving.has(n.name) && n.ready && !n.unschedulable);
    const rooms = freeCapacity(targets, pods);
    const placement = packPods(evictable, rooms);
    const others = [...leaving].filter((n) => n !== a.node);
    const whose = others.length ? `${a.node} and its batch (${others.join(', ')})` : a.node;
    const data = {
      node: a.node,
      batch: [...leaving],
      pods: evictable.length,
      targets: rooms.map((r) => ({ node: r.name, free_cpu_m: r.free.cpuMilli, free_memory_mi: Math.floor(r.free.memoryBytes / 2 ** 20), free_gpus: r.free.gpus })),
      placed: placement.placed,
      unplaced: placement.unplaced,
    };
    if (placement.unplaced.length === 0) {
      return { status: 'ok', message: `the ${evictable.length} evictable pods of ${whose} fit on ${targets.length} other nodes`, data };
    }
    return {
      status: 'failed',
      message: `${placement.unplaced.length} of ${evictable.length} pods of ${whose} would not fit elsewhere: ${placement.unplaced.map((u) => `${u.pod} (${u.reason})`).join('; ')}`,
      data,
    };
  },
};
