// The `fetch` action: a file from the host to the operator's machine over SFTP, SHA-256 checked on
// both ends (design.md §2: the etcd snapshot leaves the control-plane node verified). Read-only
// for the cluster, so it also runs under --check. Default destination: <run dir>/fetched/<host>/.
import { join, posix } from 'node:path';
import type { Action, ActionResult } from '../action.js';
import { localPath, parseMode, pathWord, remotePath } from './paths.js';

export interface FetchArgs {
  src: string;
  dest?: string;
  mode?: string | number;
}

export const fetchAction: Action<FetchArgs> = {
  name: 'fetch',
  summary: 'Copy a file from the host to the operator\'s machine (SFTP, SHA-256 verified)',
  changes: false,
  shellArgs: ['src', 'dest'],
  schema: {
    type: 'object',
    required: ['src'],
    additionalProperties: false,
    properties: {
      src: { type: 'string', minLength: 1, description: 'Path on the host' },
      dest: { type: 'string', minLength: 1, description: 'Path on the operator\'s machine; ending in / keeps the file name (default <run dir>/fetched/<host>/)' },
      mode: { type: ['string', 'integer'], description: 'Mode of the local file (default 0600)' },
    },
  },
  describe(a) {
    return `fetch ${a.src} → ${a.dest ?? '<run dir>/fetched/<host>/'}`;
  },
  async run(ctx, a): Promise<ActionResult> {
    const src = pathWord(a.src, 'src');
    if ('error' in src) return { status: 'failed', message: src.error, data: {} };
    let dest: string;
    if (a.dest === undefined) {
      dest = join(ctx.runDir, 'fetched', ctx.host.name, posix.basename(src.path));
    } else {
      const d = pathWord(a.dest, 'dest');
      if ('error' in d) return { status: 'failed', message: d.error, data: {} };
      dest = localPath(d.path);
      if (d.path.endsWith('/')) dest = join(dest, posix.basename(src.path));
    }
    const mode = parseMode(a.mode) ?? (a.mode === undefined ? 0o600 : undefined);
    if (mode === undefined) return { status: 'failed', message: `mode ${JSON.stringify(a.mode)} is not an octal file mode like "0600"`, data: {} };
    const t = await ctx.transport();
    const become = ctx.become;
    ctx.progress(`downloading ${src.path} to ${dest}`);
    const r = await t.get(remotePath(src.path), dest, { mode, signal: ctx.signal, timeoutMs: Math.max(1, ctx.deadline - ctx.clock.now()), ...(become ? { become } : {}) });
    return { status: 'ok', message: `${dest}: ${r.bytes} bytes, sha256 ${r.sha256.slice(0, 12)}…`, data: { dest, sha256: r.sha256, bytes: r.bytes } };
  },
};
