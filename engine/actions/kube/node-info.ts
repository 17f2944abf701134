// `node_info`: one node as the API sees it — found, Ready, kubelet version, cordoned — as data for
// guards (`unless: node_now.ready and node_now.kubelet_version == 'v' + target_version`). One GET
// through the engine's client, where a `kubectl get node` guard on the node starts a kubectl
// (~100–150 ms each). Re-run on resume, so a guard never decides from a state read before the crash.
import type { Action, ActionResult } from '../action.js';

export interface NodeInfoArgs {
  node: string;
}

export const nodeInfo: Action<NodeInfoArgs> = {
  name: 'node_info',
  summary: "Read one node's state (found, Ready, kubelet version, cordoned) for guards",
  changes: false,
  shorthand: 'node',
  onResume: 'rerun',
  schema: { type: 'object', required: ['node'], additionalProperties: false, properties: { node: { type: 'string', minLength: 1 } } },
  describe: (a) => `read the state of node ${a.node}`,
  async run(ctx, a): Promise<ActionResult> {
    const kube = await ctx.kube();
    const n = await kube.getNode(a.node, ctx.signal);
    if (!n) return { status: 'ok', message: `node ${a.node} not found`, data: { node: a.node, found: false, ready: false, kubelet_version: '', unschedulable: false } };
    return {
      status: 'ok',
      message: `node ${a.node}: ${n.ready ? 'Ready' : 'NotReady'}, kubelet ${n.kubeletVersion || 'unknown'}${n.unschedulable ? ', cordoned' : ''}`,
      data: { node: a.node, found: true, ready: n.ready, kubelet_version: n.kubeletVersion, unschedulable: n.unschedulable },
    };
  },
};
