// `wait_node`: wait until a node is Ready (or NotReady) and, optionally, its kubelet reports a
// given version. Reads the Node, then watches it and reads again on each change (polling at
// `interval` as well, so a lost watch costs latency only); reports every change; the timeout
// error says what was last seen.
import { KubeError } from '../../model/errors.js';
import type { NodeInfo } from '../../ports/kube.js';
import type { Action, ActionResult } from '../action.js';
import { boolSchema, deadlineFor, durationSchema, parseDuration, secs, toBool } from './common.js';
import { named, wakeOn, type Waker } from './watch.js';

export interface WaitNodeArgs {
  node: string;
  ready?: boolean | string;
  /** kubelet version, "1.31.2" or "v1.31.2". */
  version?: string;
  timeout?: string | number;
  /** Longest time between two reads of the Node (default 2s); a watch wakes the wait sooner. */
  interval?: string | number;
}

const norm = (v: string) => (v.startsWith('v') ? v : `v${v}`);

function describeNode(n: NodeInfo | undefined): string {
  if (!n) return 'not found';
  return `${n.ready ? 'Ready' : `NotReady${n.readyReason ? ` (${n.readyReason})` : ''}`}, kubelet ${n.kubeletVersion || 'unknown'}${n.unschedulable ? ', cordoned' : ''}`;
}

export const waitNode: Action<WaitNodeArgs> = {
  name: 'wait_node',
  summary: 'Wait until a node is Ready and its kubelet runs the given version',
  changes: false,
  shorthand: 'node',
  schema: {
    type: 'object',
    required: ['node'],
    additionalProperties: false,
    properties: { node: { type: 'string', minLength: 1 }, ready: boolSchema, version: { type: 'string' }, timeout: durationSchema, interval: durationSchema },
  },
  describe: (a) => `wait until node ${a.node} is ${toBool(a.ready, true) ? 'Ready' : 'NotReady'}${a.version ? ` at kubelet ${norm(a.version)}` : ''} (timeout ${String(a.timeout ?? '300s')})`,
  async run(ctx, a): Promise<ActionResult> {
    const started = ctx.clock.now();
    const wantReady = toBool(a.ready, true);
    const want = a.version ? norm(a.version) : undefined;
    const deadline = deadlineFor(ctx, parseDuration(a.timeout ?? '300s', 'timeout'));
    const interval = parseDuration(a.interval ?? '2s', 'interval');
    const kube = await ctx.kube();
    let last = '';
    let node: NodeInfo | undefined;
    // Opened only once the first read says "not yet": a node already there costs one GET.
    let waker: Waker | undefined;
    const sleep = async (): Promise<boolean> => {
      const left = deadline - ctx.clock.now();
      if (left <= 0) return false;
      waker ??= wakeOn(kube, ctx.clock, { group: '', version: 'v1', plural: 'nodes', fieldSelector: `metadata.name=${a.node}` }, named(a.node), ctx.signal);
      await waker.wait(Math.min(interval, left));
      if (ctx.signal.aborted) throw ctx.signal.reason;
      return ctx.clock.now() < deadline;
    };
    try {
      return await poll();
    } finally {
      waker?.close();
    }

    async function poll(): Promise<ActionResult> {
      for (let i = 0; i < 1_000_000; i++) {
        try {
          node = await kube.getNode(a.node, ctx.signal);
        } catch (e) {
          // Credentials will not get better by waiting; an unreachable server (restarting) might.
          if (ctx.signal.aborted || (e instanceof KubeError && (e.status === 401 || e.status === 403))) throw e;
          // The API server itself may be restarting during a control-plane upgrade: keep waiting.
          const seen = `API unreachable: ${(e as Error).message}`;
          if (seen !== last) ctx.progress(`node ${a.node}: ${seen}`);
          last = seen;
          if (!(await sleep())) break;
          continue;
        }
        const seen = describeNode(node);
        if (seen !== last) ctx.progress(`node ${a.node}: ${seen}`);
        last = seen;
        if (node && node.ready === wantReady && (!want || node.kubeletVersion === want)) {
          return {
            status: 'ok',
            message: `node ${a.node} is ${seen} after ${secs(ctx.clock.now() - started)}`,
            data: { node: a.node, ready: node.ready, kubelet_version: node.kubeletVersion, unschedulable: node.unschedulable, waited_ms: ctx.clock.now() - started },
          };
        }
        if (!(await sleep())) break;
      }
      return {
        status: 'failed',
        message: `node ${a.node} was not ${wantReady ? 'Ready' : 'NotReady'}${want ? ` at kubelet ${want}` : ''} within ${secs(ctx.clock.now() - started)}; last seen: ${last || 'nothing'}. Check the kubelet on the node (journalctl -u kubelet).`,
        data: { node: a.node, ready: node?.ready ?? false, kubelet_version: node?.kubeletVersion ?? '', last_seen: last, waited_ms: ctx.clock.now() - started },
      };
    }
  },
};
