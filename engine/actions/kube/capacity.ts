// `capacity_check`: would the pods a drain of this node evicts fit on the other schedulable,
// Ready nodes (cpu, memory, nvidia.com/gpu requests; nodeSelector; taints)? Read-only.
import type { Action, ActionResult } from '../action.js';
import { controllerOf } from './drain-filters.js';
import { freeCapacity, packPods } from './capacity-pack.js';

export const capacityCheck: Action<{ node: string }> = {
  name: 'capacity_check',
  summary: "Check that a node's evictable pods fit on the remaining schedulable nodes (cpu, memory, GPUs)",
  changes: false,
  shorthand: 'node',
  schema: { type: 'object', required: ['node'], additionalProperties: false, properties: { node: { type: 'string', minLength: 1 } } },
  describe: (a) => `check the pods of node ${a.node} fit on the other nodes`,
  async run(ctx, a): Promise<ActionResult> {
    const kube = await ctx.kube();
    const [nodes, pods] = await Promise.all([kube.listNodes(ctx.signal), kube.listPods({}, ctx.signal)]);
    if (!nodes.some((n) => n.name === a.node)) return { status: 'failed', message: `capacity_check: node ${a.node} not found`, data: { node: a.node } };
    const evictable = pods.filter(
      (p) =>
        p.nodeName === a.node &&
        p.phase !== 'Succeeded' &&
        p.phase !== 'Failed' &&
        !p.deleting &&
        controllerOf(p)?.kind !== 'DaemonSet' &&
        !Object.prototype.hasOwnProperty.call(p.annotations, 'kubernetes.io/config.mirror'),
    );
    const targets = nodes.filter((n) => n.name !== a.node && n.ready && !n.unschedulable);
    const rooms = freeCapacity(targets, pods);
    const placement = packPods(evictable, rooms);
    const data = {
      node: a.node,
      pods: evictable.length,
      targets: rooms.map((r) => ({ node: r.name, free_cpu_m: r.free.cpuMilli, free_memory_mi: Math.floor(r.free.memoryBytes / 2 ** 20), free_gpus: r.free.gpus })),
      placed: placement.placed,
      unplaced: placement.unplaced,
    };
    if (placement.unplaced.length === 0) {
      return { status: 'ok', message: `the ${evictable.length} evictable pods of ${a.node} fit on ${targets.length} other nodes`, data };
    }
    return {
      status: 'failed',
      message: `${placement.unplaced.length} of ${evictable.length} pods of ${a.node} would not fit elsewhere: ${placement.unplaced.map((u) => `${u.pod} (${u.reason})`).join('; ')}`,
      data,
    };
  },
};
