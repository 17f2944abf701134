// Runs the compiled `runbook` CLI (node dist/engine/cli/main.js) as a child process for the
// reliability tests, reads its --json event stream as it arrives, and can send it a signal at a
// chosen event — the way an operator's Ctrl-C or a crash would hit a real run. Every child is
// bounded by a timeout and stopped by its PID.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { packageRoot } from '../../engine/paths.js';
import type { RunEvent } from '../../engine/model/events.js';

export interface EngineResult {
  /** Exit code, or null when a signal ended the process. */
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  /** Every event parsed from stdout (--json runs). */
  events: RunEvent[];
  /** The event the signal was sent at, when one was. */
  signalledAt?: RunEvent;
  timedOut: boolean;
  ms: number;
}

/** Decides, per event, whether to send the signal now (once). */
export type Trigger = (e: RunEvent) => boolean;

export interface EngineOptions {
  cwd: string;
  env?: Record<string, string>;
  timeoutMs?: number;
  /** Send `signal` the first time trigger(event) is true, after delayMs. */
  trigger?: Trigger;
  signal?: NodeJS.Signals;
  delayMs?: number;
  /** Awaited after the trigger (and delay) before the signal is sent, e.g. "until the node is cordoned". */
  gate?: () => Promise<void>;
  /** Called for every event (e.g. to set a lab fault at the right moment). */
  onEvent?: (e: RunEvent, child: ChildProcess) => void;
  /** Extra node flags (e.g. a heap limit for the bad-input tests). */
  nodeArgs?: string[];
  /** A command that runs node, e.g. ['/usr/bin/time', '-f', '%M'] (it gets the signals then). */
  prefix?: string[];
}

export function compiledCli(): string | undefined {
  const p = join(packageRoot(), 'dist/engine/cli/main.js');
  return existsSync(p) ? p : undefined;
}

/** `node dist/engine/cli/main.js ARGS…`; resolves when the process has exited. */
export function runEngine(args: string[], o: EngineOptions): Promise<EngineResult> {
  const cli = compiledCli();
  if (!cli) throw new Error('dist/engine/cli/main.js is missing: run `npx tsc -p .` first');
  const started = Date.now();
  const argv = [process.execPath, ...(o.nodeArgs ?? []), cli, ...args];
  const cmd = [...(o.prefix ?? []), ...argv];
  const child = spawn(cmd[0]!, cmd.slice(1), {
    cwd: o.cwd,
    env: { ...process.env, FORCE_COLOR: '0', ...o.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  let pending = '';
  const events: RunEvent[] = [];
  let signalledAt: RunEvent | undefined;
  let timedOut = false;
  const fire = (e: RunEvent) => {
    signalledAt = e;
    const send = () => {
      if (child.exitCode === null && child.signalCode === null) child.kill(o.signal ?? 'SIGKILL');
    };
    void (async () => {
      if (o.delayMs) await new Promise((r) => setTimeout(r, o.delayMs));
      if (o.gate) await o.gate().catch(() => undefined);
      send();
    })();
  };
  child.stdout!.on('data', (d: Buffer) => {
    const s = d.toString();
    stdout += s;
    pending += s;
    for (let nl = pending.indexOf('\n'); nl >= 0; nl = pending.indexOf('\n')) {
      const line = pending.slice(0, nl);
      pending = pending.slice(nl + 1);
      if (!line.startsWith('{')) continue;
      let e: RunEvent;
      try {
        e = JSON.parse(line) as RunEvent;
      } catch {
        continue; // a human line on stdout: not an event
      }
      events.push(e);
      o.onEvent?.(e, child);
      if (!signalledAt && o.trigger?.(e)) fire(e);
    }
  });
  child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  if (process.env['RUNBOOK_RELIABILITY_VERBOSE']) child.on('close', (c, sg) => console.log(`[engine] ${args.slice(0, 2).join(' ')} → ${c ?? sg} in ${Date.now() - started} ms`));
  const timer = setTimeout(() => {
    timedOut = true;
    child.kill('SIGKILL');
  }, o.timeoutMs ?? 180_000);
  return new Promise((resolve) => {
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr, events, ...(signalledAt ? { signalledAt } : {}), timedOut, ms: Date.now() - started });
    });
  });
}

/** A trigger on `kind` of the step whose name matches `name` on `host`; `nth` counts matches (1-based). */
export function at(kind: 'step.start' | 'step.end', name: RegExp, host: string, nth = 1): Trigger {
  let seen = 0;
  return (e) => e.kind === kind && e.host === host && name.test(e.stepName) && ++seen === nth;
}

/** Resolves once check() is true, polling every 25 ms for at most timeoutMs (then rejects). */
export async function until(check: () => boolean, timeoutMs = 15_000, what = 'condition'): Promise<void> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    if (check()) return;
    if (Date.now() > end) throw new Error(`${what} not reached within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

/** The last lines of a result, for assertion messages. */
export function tail(r: Pick<EngineResult, 'stdout' | 'stderr'>, chars = 4000): string {
  const human = r.stdout.split('\n').filter((l) => !l.startsWith('{')).join('\n');
  return `--- stdout (non-event lines) ---\n${human.slice(-chars / 2)}\n--- stderr ---\n${r.stderr.slice(-chars)}`;
}
