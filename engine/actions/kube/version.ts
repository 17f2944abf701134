// `version`: the API server's version and every node's kubelet version, Ready and cordon state,
// as data for guards and for the version path. Read-only.
import type { Action, ActionResult } from '../action.js';

export const version: Action<Record<string, never>> = {
  name: 'version',
  summary: "The API server's version and each node's kubelet version, Ready and unschedulable",
  changes: false,
  schema: { type: 'object', additionalProperties: false, properties: {} },
  describe: () => 'read the cluster version and node versions',
  async run(ctx): Promise<ActionResult> {
    const kube = await ctx.kube();
    const [server, nodes] = await Promise.all([kube.serverVersion(ctx.signal), kube.listNodes(ctx.signal)]);
    const kubelets = [...new Set(nodes.map((n) => n.kubeletVersion))].sort();
    const notReady = nodes.filter((n) => !n.ready).map((n) => n.name);
    return {
      status: 'ok',
      message: `server ${server}; kubelets ${kubelets.join(', ') || 'none'}${notReady.length ? `; NotReady: ${notReady.join(', ')}` : ''}`,
      data: {
        server_version: server,
        server_minor: /^v?(\d+\.\d+)/.exec(server)?.[1] ?? null,
        kubelet_versions: kubelets,
        nodes: nodes.map((n) => ({ name: n.name, kubelet_version: n.kubeletVersion, ready: n.ready, unschedulable: n.unschedulable })),
        all_ready: notReady.length === 0,
      },
    };
  },
};
