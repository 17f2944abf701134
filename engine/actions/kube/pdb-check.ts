// `pdb_check`: every PodDisruptionBudget, the pods its selector matches, and whether it would
// block a drain — so a pre-flight step can stop with the blockers named before any change.
import type { Action, ActionResult } from '../action.js';
import { boolSchema, toBool } from './common.js';
import { judgePdb } from './pdb-math.js';

export interface PdbCheckArgs {
  namespace?: string;
  fail_on_block?: boolean | string;
}

export const pdbCheck: Action<PdbCheckArgs> = {
  name: 'pdb_check',
  summary: 'List PodDisruptionBudgets that would block a drain (minAvailable ≥ healthy pods, maxUnavailable 0, no disruptions allowed)',
  changes: false,
  schema: { type: 'object', additionalProperties: false, properties: { namespace: { type: 'string' }, fail_on_block: boolSchema } },
  describe: (a) => `check PodDisruptionBudgets in ${a.namespace ? `namespace ${a.namespace}` : 'all namespaces'} for drain blockers`,
  async run(ctx, a): Promise<ActionResult> {
    const kube = await ctx.kube();
    const [pdbs, pods] = await Promise.all([kube.listPdbs(a.namespace || undefined, ctx.signal), kube.listPods({ namespace: a.namespace || undefined }, ctx.signal)]);
    const verdicts = pdbs.map((b) => {
      const v = judgePdb(b, pods);
      return {
        pdb: v.pdb,
        min_available: b.minAvailable ?? null,
        max_unavailable: b.maxUnavailable ?? null,
        pods: v.pods,
        healthy: v.healthy,
        desired_healthy: v.numbers.desiredHealthy,
        disruptions_allowed: b.status.disruptionsAllowed,
        blocks: v.blocks,
      };
    });
    const blocking = verdicts.filter((v) => v.blocks.length > 0);
    const data = { pdbs: verdicts, blocking: blocking.map((b) => b.pdb) };
    if (blocking.length === 0) return { status: 'ok', message: `${pdbs.length} PodDisruptionBudgets, none would block a drain`, data };
    const msg = `${blocking.length} PodDisruptionBudget${blocking.length === 1 ? '' : 's'} would block a drain: ${blocking.map((b) => `${b.pdb} (${b.blocks.join('; ')})`).join(', ')}`;
    return toBool(a.fail_on_block, true)
      ? { status: 'failed', message: `${msg}. Scale the workloads up or relax the budgets before upgrading.`, data }
      : { status: 'ok', message: msg, data };
  },
};
