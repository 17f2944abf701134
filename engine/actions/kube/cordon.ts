// `cordon` and `uncordon`: mark a node (un)schedulable with the strategic-merge patch kubectl
// sends; idempotent (ok when nothing to do, changed otherwise).
import type { KubeClient } from '../../ports/kube.js';
import type { Action, ActionResult } from '../action.js';

/** Cordon or uncordon; 'missing' when the node does not exist. */
export async function cordonNode(kube: KubeClient, node: string, unschedulable: boolean, signal?: AbortSignal): Promise<'changed' | 'ok' | 'missing'> {
  const n = await kube.getNode(node, signal);
  if (!n) return 'missing';
  if (n.unschedulable === unschedulable) return 'ok';
  await kube.patchNodeUnschedulable(node, unschedulable, signal);
  return 'changed';
}

function make(name: 'cordon' | 'uncordon', unschedulable: boolean): Action<{ node: string }> {
  return {
    name,
    summary: unschedulable ? 'Mark a node unschedulable (kubectl cordon)' : 'Mark a node schedulable again (kubectl uncordon)',
    changes: true,
    shorthand: 'node',
    schema: { type: 'object', required: ['node'], additionalProperties: false, properties: { node: { type: 'string', minLength: 1 } } },
    describe: (a) => `${name} node ${a.node}`,
    async run(ctx, a): Promise<ActionResult> {
      const kube = await ctx.kube();
      const r = await cordonNode(kube, a.node, unschedulable, ctx.signal);
      if (r === 'missing') return { status: 'failed', message: `${name}: node ${a.node} not found`, data: { node: a.node } };
      const verb = unschedulable ? 'cordoned' : 'uncordoned';
      return {
        status: r,
        message: r === 'changed' ? `node ${a.node} ${verb}` : `node ${a.node} already ${verb}`,
        data: { node: a.node, unschedulable, changed: r === 'changed' },
      };
    },
  };
}

export const cordon = make('cordon', true);
export const uncordon = make('uncordon', false);
