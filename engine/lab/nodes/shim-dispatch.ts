// Runs one shim call (a tool invoked on a node) in the lab process and streams its answer back
// in the line protocol the shim script reads: `o <base64>` stdout, `e <base64>` stderr, `x <code>`.
import type { ServerResponse } from 'node:http';
import { aptCache, aptGet, aptMark } from './handlers/apt.js';
import { df } from './handlers/df.js';
import { etcdctl } from './handlers/etcdctl.js';
import { kubeadm } from './handlers/kubeadm.js';
import { kubelet, systemctl } from './handlers/systemd.js';
import type { NodesContext, ShimHandler } from './handlers/types.js';

export const HANDLERS: Record<string, ShimHandler> = {
  'apt-get': aptGet,
  'apt-mark': aptMark,
  'apt-cache': aptCache,
  kubeadm,
  kubelet,
  systemctl,
  etcdctl,
  df,
};

/** The JSON body a shim posts. */
export interface ShimRequest {
  node: string;
  tool: string;
  argv: string[];
  cwd: string;
  env?: Record<string, string>;
}

export function isShimRequest(v: unknown): v is ShimRequest {
  const r = v as ShimRequest;
  return !!r && typeof r.node === 'string' && typeof r.tool === 'string' && Array.isArray(r.argv)
    && r.argv.every((a) => typeof a === 'string') && typeof r.cwd === 'string';
}

/** Answer one shim call; `signal` aborts when the shim process went away. */
export async function dispatchShim(ctx: NodesContext, req: ShimRequest, res: ServerResponse, signal: AbortSignal): Promise<void> {
  res.writeHead(200, { 'content-type': 'text/plain; charset=utf-8' });
  const send = (tag: string, text: string): void => { if (!res.writableEnded) res.write(`${tag} ${Buffer.from(text).toString('base64')}\n`); };
  const io = { out: (t: string) => send('o', t), err: (t: string) => send('e', t), signal };
  const node = ctx.nodes.get(req.node);
  const handler = HANDLERS[req.tool];
  let code: number;
  if (!node) { io.err(`lab: no node named ${req.node} in this lab\n`); code = 127; }
  else if (!handler) { io.err(`lab: ${req.tool}: no such shim\n`); code = 127; }
  else {
    try {
      code = await handler({ ctx, node, argv: req.argv, cwd: req.cwd, env: req.env ?? {}, io });
    } catch (e) {
      // A handler bug must show up at the terminal, not as a silent hang.
      io.err(`lab: internal error in the ${req.tool} shim on ${req.node} (this is a bug): ${(e as Error).stack ?? e}\n`);
      code = 70;
    }
  }
  if (!res.writableEnded) res.end(`x ${code}\n`);
}
