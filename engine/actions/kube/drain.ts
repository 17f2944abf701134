// `drain`: cordon the node, decide which pods go (drain-filters.ts), evict them in parallel
// through the Eviction API honouring PodDisruptionBudgets (evict.ts), wait until they are gone.
// On any failure the node stays cordoned and the error names the pods and the PDBs holding them.
import type { Action, ActionResult } from '../action.js';
import { boolSchema, deadlineFor, durationSchema, intSchema, parseDuration, secs, toBool, toInt } from './common.js';
import { cordonMarkValue, cordonNode } from './cordon.js';
import { daemonSetsToCheck, decideDrain, refusalMessage, type DrainOptions } from './drain-filters.js';
import { evictAll } from './evict.js';

export interface DrainArgs {
  node: string;
  ignore_daemonsets?: boolean | string;
  delete_emptydir_data?: boolean | string;
  force?: boolean | string;
  /** Seconds; -1 = each pod's own terminationGracePeriodSeconds. */
  grace_period?: number | string;
  /** Duration bounding the whole drain (default 300s). */
  timeout?: string | number;
  /** Only pods matching this label selector are evicted. */
  pod_selector?: string;
  /** DELETE pods instead of evicting them (bypasses PodDisruptionBudgets). */
  disable_eviction?: boolean | string;
  /** Seconds: pods deleting for longer than this are not waited for. */
  skip_wait_for_delete_timeout?: number | string;
  /** Longest wait before asking again after a PodDisruptionBudget refused an eviction (default 5s,
   *  as kubectl); the drain asks sooner when a watch shows the PDB allowing a disruption again. */
  retry_interval?: string | number;
}

export const drain: Action<DrainArgs> = {
  name: 'drain',
  summary: 'Cordon a node and evict its pods through the Eviction API, honouring PodDisruptionBudgets (kubectl drain semantics)',
  changes: true,
  // No scalar shorthand: a drain's options matter too much to hide (`drain: worker-1` is an error).
  schema: {
    type: 'object',
    required: ['node'],
    additionalProperties: false,
    properties: {
      node: { type: 'string', minLength: 1 },
      ignore_daemonsets: boolSchema,
      delete_emptydir_data: boolSchema,
      force: boolSchema,
      grace_period: intSchema,
      timeout: durationSchema,
      pod_selector: { type: 'string' },
      disable_eviction: boolSchema,
      skip_wait_for_delete_timeout: intSchema,
      retry_interval: durationSchema,
    },
  },
  describe(a) {
    const flags = [
      toBool(a.ignore_daemonsets, true) ? 'ignore DaemonSets' : 'refuse DaemonSet pods',
      toBool(a.delete_emptydir_data, false) ? 'delete emptyDir data' : '',
      toBool(a.force, false) ? 'force' : '',
      a.grace_period !== undefined && String(a.grace_period) !== '-1' ? `grace ${String(a.grace_period)}s` : '',
      `timeout ${String(a.timeout ?? '300s')}`,
      a.pod_selector ? `pods ${a.pod_selector}` : '',
      toBool(a.disable_eviction, false) ? 'DELETE instead of evict' : '',
    ].filter(Boolean);
    return `drain node ${a.node} (${flags.join(', ')})`;
  },
  async run(ctx, a): Promise<ActionResult> {
    const started = ctx.clock.now();
    const opts: DrainOptions = {
      ignoreDaemonsets: toBool(a.ignore_daemonsets, true),
      deleteEmptydirData: toBool(a.delete_emptydir_data, false),
      force: toBool(a.force, false),
      skipWaitForDeleteTimeoutSeconds: toInt(a.skip_wait_for_delete_timeout, 0, 'skip_wait_for_delete_timeout'),
    };
    const grace = toInt(a.grace_period, -1, 'grace_period');
    const deadline = deadlineFor(ctx, parseDuration(a.timeout ?? '300s', 'timeout'));
    const kube = await ctx.kube();
    const node = a.node;
    const data = (extra: Record<string, unknown>) => ({ node, duration_ms: ctx.clock.now() - started, ...extra });

    const cordon = await cordonNode(kube, node, true, ctx.signal, { mark: cordonMarkValue(ctx) });
    if (cordon === 'missing') return { status: 'failed', message: `drain: node ${node} not found`, data: data({ evicted: [], skipped: [] }) };
    ctx.progress(cordon === 'changed' ? `node ${node} cordoned` : cordon === 'foreign' ? `node ${node} already cordoned, not by runbook (a keep_manual_cordon uncordon leaves it cordoned)` : `node ${node} already cordoned`);

    const pods = await kube.listPods({ node, labelSelector: a.pod_selector || undefined }, ctx.signal);
    const daemonSets = new Set<string>();
    await Promise.all(
      daemonSetsToCheck(pods).map(async (ds) => {
        if (await kube.getDaemonSet(ds.namespace, ds.name, ctx.signal)) daemonSets.add(`${ds.namespace}/${ds.name}`);
      }),
    );
    const decision = decideDrain(pods, opts, { now: ctx.clock.now(), daemonSets });
    const skipped = decision.skipped;
    if (decision.refused.length > 0) {
      return { status: 'failed', message: refusalMessage(node, decision.refused), data: data({ evicted: [], skipped, refused: decision.refused }) };
    }
    for (const w of decision.warnings) ctx.progress(`${w.pod}: ${w.warning}`);
    if (decision.evict.length === 0) {
      return { status: cordon === 'changed' ? 'changed' : 'ok', message: `node ${node} drained (no pods to evict)`, data: data({ evicted: [], skipped }) };
    }

    const useDelete = toBool(a.disable_eviction, false) || !(await kube.supportsEviction(ctx.signal));
    if (useDelete) ctx.progress(toBool(a.disable_eviction, false) ? 'disable_eviction: deleting pods (PodDisruptionBudgets are not consulted)' : 'the API server has no pods/eviction: deleting pods instead');
    ctx.progress(`evicting ${decision.evict.length} pods from ${node}`);
    const ends = await evictAll(kube, ctx.clock, ctx.signal, decision.evict, node, {
      gracePeriodSeconds: grace >= 0 ? grace : undefined,
      useDelete,
      deadline,
      skipWaitForDeleteTimeoutSeconds: opts.skipWaitForDeleteTimeoutSeconds,
      retryMs: parseDuration(a.retry_interval ?? '5s', 'retry_interval'),
      // With a watch the look-ups are event-driven and this is only the fallback (kubectl's 1 s).
      pollMs: kube.watch ? 1000 : 250,
    }, { progress: (m) => ctx.progress(m) });
    // Interrupted (Ctrl-C) before the deadline: propagate. Aborted at the deadline (the step's
    // timeout): report which pods are left and why, like our own timeout.
    if (ctx.signal.aborted && ctx.clock.now() < deadline - 100) throw ctx.signal.reason;

    const evicted = ends.filter((e) => e.state === 'gone').map((e) => e.pod);
    const failed = ends.flatMap((e) => (e.state === 'failed' ? [`${e.pod}: ${e.error}`] : []));
    const stuck = ends.flatMap((e) => (e.state === 'timeout' ? [e] : []));
    if (failed.length === 0 && stuck.length === 0) {
      return { status: 'changed', message: `node ${node} drained: ${evicted.length} pods evicted in ${secs(ctx.clock.now() - started)}`, data: data({ evicted, skipped }) };
    }
    const parts: string[] = [];
    if (stuck.length > 0) {
      const holders = [...new Set(stuck.flatMap((s) => s.blockedBy ?? []))];
      const list = stuck.map((s) => (s.phase === 'blocked' ? `${s.pod} (eviction refused${s.blockedBy?.length ? ` by PDB ${s.blockedBy.join(', ')}` : ''})` : `${s.pod} (still terminating)`));
      parts.push(`timed out after ${secs(ctx.clock.now() - started)} with ${stuck.length} pod${stuck.length === 1 ? '' : 's'} still on the node: ${list.join(', ')}${holders.length ? `; PodDisruptionBudgets holding them: ${holders.join(', ')}` : ''}`);
    }
    if (failed.length > 0) parts.push(`eviction failed for ${failed.join('; ')}`);
    return {
      status: 'failed',
      message: `drain ${node}: ${parts.join('; ')}. The node stays cordoned; check the PDBs (kubectl get pdb -A), then run again or uncordon ${node}.`,
      data: data({
        evicted,
        skipped,
        remaining: stuck.map((s) => ({ pod: s.pod, state: s.phase, pdbs: s.blockedBy ?? [], message: s.lastMessage })),
        failed: ends.flatMap((e) => (e.state === 'failed' ? [{ pod: e.pod, error: e.error }] : [])),
      }),
    };
  },
};
