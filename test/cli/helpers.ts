// Running the real `runbook` command as a child process in a scratch directory (its journals go
// to <dir>/.runbook/runs), with a bound on every wait and every process stopped by its PID.
import { spawn, type ChildProcess } from 'node:child_process';
import { copyFileSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { packageRoot } from '../../engine/paths.js';
import type { RunEvent } from '../../engine/model/events.js';

export const BIN = join(packageRoot(), 'engine', 'cli', 'runbook.mjs');
export const FIXTURES = join(packageRoot(), 'test', 'fixtures', 'exec');

export interface CliResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

export function startCli(args: string[], cwd: string, env: Record<string, string> = {}): ChildProcess {
  return spawn(process.execPath, [BIN, ...args], { cwd, env: { ...process.env, FORCE_COLOR: '0', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
}

export function waitCli(child: ChildProcess, timeoutMs = 60_000): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    let stdout = '';
    let stderr = '';
    child.stdout!.setEncoding('utf8').on('data', (d: string) => { stdout += d; });
    child.stderr!.setEncoding('utf8').on('data', (d: string) => { stderr += d; });
    const t = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`runbook did not finish within ${timeoutMs} ms\nstdout: ${stdout}\nstderr: ${stderr}`));
    }, timeoutMs);
    child.on('close', (code, signal) => {
      clearTimeout(t);
      resolve({ code, signal, stdout, stderr });
    });
  });
}

export function runCli(args: string[], cwd: string, env: Record<string, string> = {}, timeoutMs?: number): Promise<CliResult> {
  return waitCli(startCli(args, cwd, env), timeoutMs);
}

/** A scratch directory with copies of the named fixtures (so a test may change them). */
export function scratch(fixtures: string[] = []): string {
  const dir = mkdtempSync(join(tmpdir(), 'runbook-cli-'));
  for (const f of [...fixtures, 'inventory.yaml']) copyFileSync(join(FIXTURES, f), join(dir, f));
  return dir;
}

export function cleanup(dir: string): void {
  rmSync(dir, { recursive: true, force: true });
}

/** Lines in a count file (0 when it does not exist). */
export function count(dir: string, name: string): number {
  const p = join(dir, name);
  return existsSync(p) ? readFileSync(p, 'utf8').split('\n').filter(Boolean).length : 0;
}

/** Poll for a file (bounded). */
export async function waitForFile(path: string, timeoutMs = 30_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!existsSync(path) || readFileSync(path, 'utf8').trim() === '') {
    if (Date.now() > until) throw new Error(`${path} did not appear within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** Stop a process group by its leader's PID (the orphaned step of a killed run). */
export function killGroup(pid: number): void {
  try { process.kill(-pid, 'SIGKILL'); } catch { /* already gone */ }
}

export { isRunning as alive } from '../helpers/process.js';

export function runIds(dir: string): string[] {
  const runs = join(dir, '.runbook', 'runs');
  return existsSync(runs) ? readdirSync(runs).sort() : [];
}

export function journal(dir: string, id: string): RunEvent[] {
  return readFileSync(join(dir, '.runbook', 'runs', id, 'events.jsonl'), 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l) as RunEvent);
}
