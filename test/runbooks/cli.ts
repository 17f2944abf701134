// Runs the real `runbook` CLI for the runbook tests: the compiled one when the tests run from
// dist/, else the TypeScript source through tsx (development). Bounded by a timeout.
import { spawn, spawnSync } from 'node:child_process';
import { closeSync, existsSync, openSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { packageRoot } from '../../engine/paths.js';
import * as load from '../../engine/load/index.js';

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

const fromDist = fileURLToPath(import.meta.url).includes(`${join('dist', 'test')}`);

/** `runbook ARGS…` in the package root; stdout/stderr captured. */
export function runCli(args: string[], opts: { timeoutMs?: number; env?: Record<string, string>; cwd?: string; stdoutFile?: string } = {}): CliResult {
  const root = packageRoot();
  const compiled = join(root, 'dist/engine/cli/main.js');
  const argv = fromDist && existsSync(compiled) ? [compiled, ...args] : ['--import', pathToFileURL(join(root, 'node_modules/tsx/dist/loader.mjs')).href, join(root, 'engine/cli/main.ts'), ...args];
  // A large stdout goes to a file: the CLI exits right after writing, and a pipe may not be drained.
  const fd = opts.stdoutFile ? openSync(opts.stdoutFile, 'w') : undefined;
  try {
    const r = spawnSync(process.execPath, argv, {
      cwd: opts.cwd ?? root,
      encoding: 'utf8',
      timeout: opts.timeoutMs ?? 60_000,
      env: { ...process.env, FORCE_COLOR: '0', ...opts.env },
      maxBuffer: 64 * 1024 * 1024,
      ...(fd !== undefined ? { stdio: ['ignore', fd, 'pipe'] as ['ignore', number, 'pipe'] } : {}),
    });
    const stdout = opts.stdoutFile ? readFileSync(opts.stdoutFile, 'utf8') : (r.stdout ?? '');
    return { code: r.status, stdout, stderr: r.stderr ?? '' };
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

/** Why `runbook validate -i` cannot run yet, or undefined once the inventory loader exists. */
export function inventoryLoaderMissing(): string | undefined {
  return 'loadInventory' in load ? undefined : 'engine/load does not export loadInventory yet (issue 2)';
}

/**
 * `runbook ARGS…` as a child process without blocking this process's event loop (a lab started
 * in this process must keep answering while the CLI runs). Killed by PID after timeoutMs.
 */
export function runCliAsync(args: string[], opts: { timeoutMs?: number; env?: Record<string, string>; cwd?: string } = {}): Promise<CliResult & { timedOut: boolean }> {
  const root = packageRoot();
  const compiled = join(root, 'dist/engine/cli/main.js');
  const argv = fromDist && existsSync(compiled) ? [compiled, ...args] : ['--import', pathToFileURL(join(root, 'node_modules/tsx/dist/loader.mjs')).href, join(root, 'engine/cli/main.ts'), ...args];
  return new Promise((resolve) => {
    const child = spawn(process.execPath, argv, { cwd: opts.cwd ?? root, env: { ...process.env, FORCE_COLOR: '0', ...opts.env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    let timedOut = false;
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, opts.timeoutMs ?? 300_000);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr, timedOut });
    });
  });
}
