// Runs one shim call (a tool invoked on a node) in the lab process and streams its answer back
// in the line protocol the shim script reads: `o <text>` stdout, `e <text>` stderr, `x <code>`.
// <text> is base64 for the node forwarder, or escaped for bash's `printf %b` (no process per line).
import type { ServerResponse } from 'node:http';
import { aptCache, aptGet, aptMark } from './handlers/apt.js';
import { df } from './handlers/df.js';
import { dnf, rpm } from './handlers/dnf.js';
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
  dnf,
  yum: dnf,
  rpm,
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

/**
 * The bash forwarder's body: NUL-terminated fields `cwd, argc, argv…, KEY=VALUE…` (bash can send
 * any argv that way with printf; node and tool come in the query string).
 */
export function parseNulBody(node: string, tool: string, body: Buffer): ShimRequest | undefined {
  const f = body.toString('utf8').split('\0');
  if (f.at(-1) === '') f.pop();
  const n = Number(f[1]);
  if (f.length < 2 || !Number.isInteger(n) || n < 0 || f.length < 2 + n) return undefined;
  const env: Record<string, string> = {};
  for (const kv of f.slice(2 + n)) { const i = kv.indexOf('='); if (i > 0) env[kv.slice(0, i)] = kv.slice(i + 1); }
  return { node, tool, cwd: f[0]!, argv: f.slice(2, 2 + n), env };
}

export type ShimEncoding = 'base64' | 'printf';

/** Text as one line for bash's `printf %b`: backslashes doubled, control characters as \0ooo. */
export function printfEscape(text: string): string {
  return text.replace(/[\\\x00-\x1f\x7f]/g, (c) => (c === '\\' ? '\\\\' : c === '\n' ? '\\n' : `\\0${c.charCodeAt(0).toString(8).padStart(3, '0')}`));
}

/** Answer one shim call; `signal` aborts when the shim process went away. */
export async function dispatchShim(ctx: NodesContext, req: ShimRequest, res: ServerResponse, signal: AbortSignal, enc: ShimEncoding = 'base64'): Promise<void> {
  res.writeHead(200, { 'content-type': 'text/plain; charset=utf-8' });
  const encode = (text: string): string => (enc === 'printf' ? printfEscape(text) : Buffer.from(text).toString('base64'));
  const send = (tag: string, text: string): void => { if (!res.writableEnded && text) res.write(`${tag} ${encode(text)}\n`); };
  const io = { out: (t: string) => send('o', t), err: (t: string) => send('e', t), signal };
  const node = ctx.nodes.get(req.node);
  const handler = HANDLERS[req.tool];
  let code: number;
  if (!node) { io.err(`lab: no node named ${req.node} in this lab\n`); code = 127; }
  else if (!handler) { io.err(`lab: ${req.tool}: no such shim\n`); code = 127; }
  else {
    try {
      code = await handler({ ctx, node, argv: req.argv, cwd: req.cwd, env: req.env ?? {}, io, tool: req.tool });
    } catch (e) {
      // A handler bug must show up at the terminal, not as a silent hang.
      io.err(`lab: internal error in the ${req.tool} shim on ${req.node} (this is a bug): ${(e as Error).stack ?? e}\n`);
      code = 70;
    }
  }
  if (!res.writableEnded) res.end(`x ${code}\n`);
}
