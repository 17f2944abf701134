// `pods`: list pods (namespace / node / selector) and check none is in a bad state; with a
// timeout it waits until they are, listing again when a watch of those pods reports a change (at
// most every second — a cluster-wide list is not cheap —, at least every 2 s). Read-only. Used by post-upgrade checks and the GPU procedure.
import { KubeError } from '../../model/errors.js';
import type { Action, ActionResult } from '../action.js';
import { deadlineFor, durationSchema, intSchema, optDuration, parseDuration, secs, sleepUntil, toInt } from './common.js';
import { wakeOn, type Waker } from './watch.js';
import { podProblem, podSummary, type Expectation } from './pod-health.js';

export interface PodsArgs {
  namespace?: string;
  node?: string;
  selector?: string;
  expect?: Expectation;
  /** How long a pod may be not Ready / Pending before it counts as bad (default 30s). */
  grace?: string | number;
  /** Wait up to this long for every pod to be fine; unset = check once. */
  timeout?: string | number;
  /** Fail when fewer pods than this match (default 0). */
  min_pods?: number | string;
}

export const pods: Action<PodsArgs> = {
  name: 'pods',
  summary: 'Check that the pods in a namespace / on a node / matching a selector are healthy (optionally waiting)',
  changes: false,
  schema: {
    type: 'object',
    additionalProperties: false,
    properties: {
      namespace: { type: 'string' },
      node: { type: 'string' },
      selector: { type: 'string' },
      expect: { enum: ['healthy', 'running', 'any'] },
      grace: durationSchema,
      timeout: durationSchema,
      min_pods: intSchema,
    },
  },
  describe(a) {
    const where = [a.namespace ? `namespace ${a.namespace}` : 'all namespaces', a.node ? `node ${a.node}` : '', a.selector ? `selector ${a.selector}` : ''].filter(Boolean).join(', ');
    return `check pods (${where}) are ${a.expect ?? 'healthy'}${a.timeout ? `, waiting up to ${String(a.timeout)}` : ''}`;
  },
  async run(ctx, a): Promise<ActionResult> {
    const started = ctx.clock.now();
    const expect = a.expect ?? 'healthy';
    const graceMs = parseDuration(a.grace ?? '30s', 'grace');
    const waitMs = optDuration(a.timeout, 'timeout');
    const minPods = toInt(a.min_pods, 0, 'min_pods');
    const deadline = deadlineFor(ctx, waitMs ?? 0);
    const kube = await ctx.kube();
    let lastMsg = '';
    // Opened once a first look found something to wait for.
    let waker: Waker | undefined;
    let listedAt = 0;
    const nextLook = async (): Promise<boolean> => {
      waker ??= wakeOn(kube, ctx.clock, { group: '', version: 'v1', plural: 'pods', namespace: a.namespace || undefined, fieldSelector: a.node ? `spec.nodeName=${a.node}` : undefined, labelSelector: a.selector || undefined }, () => true, ctx.signal);
      const left = deadline - ctx.clock.now();
      if (left <= 0) return false;
      await waker.wait(Math.min(2000, left));
      // A burst of pod changes (a rollout) is one look, not one per event.
      const gap = 1000 - (ctx.clock.now() - listedAt);
      if (gap > 0 && !ctx.signal.aborted) await ctx.clock.sleep(Math.min(gap, Math.max(0, deadline - ctx.clock.now())), ctx.signal);
      if (ctx.signal.aborted) throw ctx.signal.reason;
      return ctx.clock.now() < deadline;
    };
    try {
      return await look();
    } finally {
      waker?.close();
    }

    async function look(): Promise<ActionResult> {
      for (let i = 0; i < 1_000_000; i++) {
        listedAt = ctx.clock.now();
        let list;
        try {
          list = await kube.listPods({ namespace: a.namespace || undefined, node: a.node || undefined, labelSelector: a.selector || undefined }, ctx.signal);
        } catch (e) {
          // While waiting, an API server that is restarting (control-plane upgrade) is worth waiting
          // for; bad credentials, an interrupt or a one-shot check are not.
          const auth = e instanceof KubeError && (e.status === 401 || e.status === 403);
          if (!waitMs || auth || ctx.signal.aborted) throw e;
          lastMsg = `cannot list pods yet: ${(e as Error).message}`;
          ctx.progress(lastMsg);
          if (!(await sleepUntil(ctx, 2000, deadline))) return { status: 'failed', message: `after ${secs(ctx.clock.now() - started)}: ${lastMsg}`, data: { pods: [], bad: [], count: 0 } };
          continue;
        }
        const now = ctx.clock.now();
        const bad = list.flatMap((p) => {
          const why = podProblem(p, expect, now, graceMs);
          return why ? [{ pod: `${p.namespace}/${p.name}`, reason: why }] : [];
        });
        const tooFew = list.length < minPods;
        const data = { pods: list.map(podSummary), bad, count: list.length };
        if (bad.length === 0 && !tooFew) {
          return { status: 'ok', message: `${list.length} pods ${expect === 'any' ? 'found' : expect}${waitMs ? ` after ${secs(now - started)}` : ''}`, data };
        }
        const msg = tooFew ? `only ${list.length} pods match, expected at least ${minPods}` : `${bad.length} of ${list.length} pods not ${expect}: ${bad.map((b) => `${b.pod} (${b.reason})`).join(', ')}`;
        if (msg !== lastMsg) ctx.progress(msg);
        lastMsg = msg;
        if (!waitMs || !(await nextLook())) {
          return { status: 'failed', message: waitMs ? `after ${secs(ctx.clock.now() - started)}: ${msg}` : msg, data };
        }
      }
      return { status: 'failed', message: lastMsg, data: {} };
    }
  },
};
