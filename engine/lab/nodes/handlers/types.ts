// What every shim handler receives: the node it runs on, its argv, and a way to talk back.
import { isAbsolute, join, resolve } from 'node:path';
import type { LabClusterControl, LabWait } from '../../contract.js';
import type { NodeState } from '../node-state.js';

export interface ShimIO {
  out(text: string): void;
  err(text: string): void;
  /** Aborted when the command's SSH channel closed (the shim process was killed). */
  signal: AbortSignal;
}

export interface NodesContext {
  control: LabClusterControl;
  nodes: ReadonlyMap<string, NodeState>;
  /** Multiplier on every simulated duration. */
  timeScale: number;
  /** Where simSleep records each simulated duration (LabRecords.waits); unset: not recorded. */
  waits?: LabWait[];
}

export interface ShimCall {
  ctx: NodesContext;
  node: NodeState;
  /** Arguments after the tool's name. */
  argv: string[];
  /** The shim's working directory (an absolute path on this machine). */
  cwd: string;
  /** The caller's environment variables the tool reads (ETCDCTL_*, KUBECONFIG). */
  env: Record<string, string>;
  io: ShimIO;
  /** The tool's name as invoked (kubeadm, etcdctl, …), for records. */
  tool?: string;
}

/** Runs one tool invocation; resolves with its exit code. */
export type ShimHandler = (call: ShimCall) => Promise<number> | number;

/**
 * A path argument as the node sees it. Paths already under the node root (`{{node_root}}/...`)
 * and relative paths are used as they are; any other absolute path is taken inside the node root,
 * so a runbook that forgot `{{node_root}}` can never touch this machine's real /etc or /var.
 */
export function nodePath(call: Pick<ShimCall, 'node' | 'cwd'>, p: string): string {
  const root = call.node.root;
  if (!isAbsolute(p)) return resolve(call.cwd, p);
  const abs = resolve(p);
  if (abs === root || abs.startsWith(root + '/')) return abs;
  return join(root, abs);
}

/**
 * Sleep for a simulated duration (scaled), ending early when the command is interrupted. The
 * interval is recorded as a `tool` wait: the caller of the command had to sit through it.
 */
export function simSleep(call: Pick<ShimCall, 'ctx' | 'node' | 'argv' | 'tool' | 'io'>, ms: number): Promise<void> {
  const { ctx, io: { signal } } = call;
  const scaled = Math.max(0, Math.round(ms * ctx.timeScale));
  return new Promise((res) => {
    if (signal.aborted || scaled === 0) return res();
    const rec = ctx.waits ? { kind: 'tool' as const, start: Date.now(), node: call.node.name, what: [call.tool ?? '', ...call.argv].join(' ').trim() } : undefined;
    if (rec) ctx.waits!.push(rec);
    const t = setTimeout(done, scaled);
    function done(): void {
      clearTimeout(t);
      signal.removeEventListener('abort', done);
      if (rec) (rec as LabWait).end = Date.now();
      res();
    }
    signal.addEventListener('abort', done, { once: true });
  });
}
