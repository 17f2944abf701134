// `cordon` and `uncordon`: mark a node (un)schedulable with the strategic-merge patch kubectl
// sends; idempotent (ok when nothing to do, changed otherwise). A cordon made by runbook carries
// an annotation in the same patch, so `uncordon` with keep_manual_cordon (the shipped node
// cycle) gives back only the nodes runbook took, and leaves one an operator had cordoned before
// the upgrade cordoned — kubectl cordon/uncordon keep no such record (lessons.md, lesson 3).
import { basename } from 'node:path';
import type { KubeClient } from '../../ports/kube.js';
import type { Action, ActionContext, ActionResult } from '../action.js';
import { boolSchema, toBool } from './common.js';

/** Set on a node when runbook cordons it (value: the run id), removed when runbook uncordons it. */
export const CORDON_MARK = 'runbook.dev/cordoned-by';

/**
 * 'foreign': cordon found the node already cordoned by someone else (not by runbook), or
 * uncordon with keepManual left such a node cordoned.
 */
export type CordonOutcome = 'changed' | 'ok' | 'foreign' | 'missing';

/** The run's id, the value of the cordon mark (which run took the node out). */
export function cordonMarkValue(ctx: Pick<ActionContext, 'runDir'>): string {
  return basename(ctx.runDir) || 'runbook';
}

/** Cordon (with the mark) or uncordon (removing it); 'missing' when the node does not exist. */
export async function cordonNode(kube: KubeClient, node: string, unschedulable: boolean, signal?: AbortSignal, o: { mark?: string; keepManual?: boolean } = {}): Promise<CordonOutcome> {
  const n = await kube.getNode(node, signal);
  if (!n) return 'missing';
  const marked = n.annotations?.[CORDON_MARK] !== undefined;
  if (unschedulable) {
    if (n.unschedulable) return marked ? 'ok' : 'foreign';
    await kube.patchNodeUnschedulable(node, true, signal, o.mark !== undefined ? { [CORDON_MARK]: o.mark } : undefined);
    return 'changed';
  }
  if (!n.unschedulable) {
    // Schedulable already (uncordoned by hand?): drop a stale mark, or a later manual cordon would pass for ours.
    if (marked) await kube.patchNodeUnschedulable(node, false, signal, { [CORDON_MARK]: null });
    return 'ok';
  }
  if (o.keepManual && !marked) return 'foreign';
  await kube.patchNodeUnschedulable(node, false, signal, marked ? { [CORDON_MARK]: null } : undefined);
  return 'changed';
}

interface CordonArgs {
  node: string;
  keep_manual_cordon?: boolean | string;
}

function make(name: 'cordon' | 'uncordon', unschedulable: boolean): Action<CordonArgs> {
  return {
    name,
    summary: unschedulable
      ? 'Mark a node unschedulable (kubectl cordon), marked as cordoned by this run'
      : 'Mark a node schedulable again (kubectl uncordon); with keep_manual_cordon, only a node runbook cordoned',
    changes: true,
    shorthand: 'node',
    schema: {
      type: 'object',
      required: ['node'],
      additionalProperties: false,
      properties: { node: { type: 'string', minLength: 1 }, ...(unschedulable ? {} : { keep_manual_cordon: boolSchema }) },
    },
    describe: (a) => `${name} node ${a.node}${!unschedulable && toBool(a.keep_manual_cordon, false) ? ' (unless someone else cordoned it)' : ''}`,
    async run(ctx, a): Promise<ActionResult> {
      const kube = await ctx.kube();
      const r = await cordonNode(kube, a.node, unschedulable, ctx.signal, { mark: cordonMarkValue(ctx), keepManual: toBool(a.keep_manual_cordon, false) });
      if (r === 'missing') return { status: 'failed', message: `${name}: node ${a.node} not found`, data: { node: a.node } };
      const data = { node: a.node, unschedulable: unschedulable || r === 'foreign', changed: r === 'changed', cordoned_by_someone_else: r === 'foreign' };
      if (r === 'foreign' && !unschedulable) {
        const message = `node ${a.node} stays cordoned: it was cordoned before this run, not by runbook (no ${CORDON_MARK} annotation); uncordon it yourself (kubectl uncordon ${a.node}) when it should take pods again`;
        ctx.progress(message);
        return { status: 'ok', message, data };
      }
      const verb = unschedulable ? 'cordoned' : 'uncordoned';
      return { status: r === 'changed' ? 'changed' : 'ok', message: r === 'changed' ? `node ${a.node} ${verb}` : `node ${a.node} already ${verb}`, data };
    },
  };
}

export const cordon = make('cordon', true);
export const uncordon = make('uncordon', false);
