// The `copy` action: a file from the operator's machine to the host over SFTP, SHA-256 checked on
// both ends, written atomically with mode 0600 unless told otherwise. Already identical (same
// checksum and mode) → ok without transferring, so re-runs and resumes report no change.
import { posix } from 'node:path';
import { quote } from 'shell-quote';
import type { Action, ActionResult } from '../action.js';
import { localPath, parseMode, pathWord, remotePath } from './paths.js';
import { sha256OfFile } from '../../hash.js';

export interface CopyArgs {
  src: string;
  dest: string;
  mode?: string | number;
}

export const copy: Action<CopyArgs> = {
  name: 'copy',
  summary: 'Copy a file from the operator\'s machine to the host (SFTP, SHA-256 verified, atomic)',
  changes: true,
  shellArgs: ['src', 'dest'],
  schema: {
    type: 'object',
    required: ['src', 'dest'],
    additionalProperties: false,
    properties: {
      src: { type: 'string', minLength: 1, description: 'File on the operator\'s machine (relative to the working directory)' },
      dest: { type: 'string', minLength: 1, description: 'Path on the host; a path ending in / keeps the source file name' },
      mode: { type: ['string', 'integer'], description: 'File mode on the host, e.g. "0644" (default 0600)' },
    },
  },
  describe(a) {
    return `copy ${a.src} → ${a.dest}${a.mode !== undefined ? ` (mode ${a.mode})` : ''}`;
  },
  async run(ctx, a): Promise<ActionResult> {
    const src = pathWord(a.src, 'src');
    const dst = pathWord(a.dest, 'dest');
    if ('error' in src) return { status: 'failed', message: src.error, data: {} };
    if ('error' in dst) return { status: 'failed', message: dst.error, data: {} };
    const mode = parseMode(a.mode) ?? (a.mode === undefined ? 0o600 : undefined);
    if (mode === undefined) return { status: 'failed', message: `mode ${JSON.stringify(a.mode)} is not an octal file mode like "0644"`, data: {} };
    const from = localPath(src.path);
    let dest = remotePath(dst.path);
    if (dest.endsWith('/')) dest = posix.join(dest, posix.basename(from));
    let local;
    try {
      local = await sha256OfFile(from);
    } catch (e) {
      return { status: 'failed', message: `cannot read ${from} on the operator's machine: ${(e as Error).message}`, data: {} };
    }
    const t = await ctx.transport();
    const timeoutMs = Math.max(1, ctx.deadline - ctx.clock.now());
    const become = ctx.become;
    // Already there? One round trip saves a transfer and keeps re-runs "ok".
    const probe = await t.exec(`sha256sum -- ${quote([dest])} 2>/dev/null && stat -c %a -- ${quote([dest])}`, { signal: ctx.signal, timeoutMs, ...(become ? { become } : {}) });
    const [sumLine, modeLine] = probe.stdout.split('\n');
    if (probe.exitCode === 0 && sumLine?.split(' ')[0] === local.sha256 && parseInt(modeLine ?? '', 8) === mode) {
      return { status: 'ok', message: `${dest} already has sha256 ${local.sha256.slice(0, 12)}…`, data: { dest, sha256: local.sha256, bytes: local.bytes, changed: false } };
    }
    ctx.progress(`uploading ${from} (${local.bytes} bytes) to ${dest}`);
    const r = await t.put(from, dest, { mode, signal: ctx.signal, timeoutMs, ...(become ? { become } : {}) });
    return { status: 'changed', message: `${dest}: ${r.bytes} bytes, sha256 ${r.sha256.slice(0, 12)}…`, data: { dest, sha256: r.sha256, bytes: r.bytes, changed: true } };
  },
};
