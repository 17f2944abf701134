// Runs one command as a child process and measures it: wall time, CPU seconds (user+sys) and
// peak RSS. Uses GNU time (/usr/bin/time) when present; otherwise, for a node child, a preload
// module (rusage-preload.ts) that writes the child's own process.resourceUsage() at exit; otherwise
// wall time only. Every run is bounded: on timeout the child's whole process group is killed.
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

export interface Timed {
  wallMs: number;
  /** user+sys CPU seconds of the child (and what it waited for); NaN when unknown. */
  cpuS: number;
  /** Peak resident set size in KiB; NaN when unknown. */
  maxRssKB: number;
  code: number | null;
  timedOut: boolean;
  /** Last ~4 KB of stdout+stderr, for error messages. */
  tail: string;
  /** Byte count of stdout (to see that the command really printed its output). */
  stdoutBytes: number;
}

export interface RunOpts {
  cwd?: string;
  env?: NodeJS.ProcessEnv;
  timeoutMs: number;
}

const GNU_TIME = '/usr/bin/time';
const PRELOAD = pathToFileURL(join(import.meta.dirname, 'rusage-preload.js')).href;

export function hasGnuTime(): boolean {
  return existsSync(GNU_TIME);
}

export function runTimed(argv: string[], opts: RunOpts): Promise<Timed> {
  const tmp = mkdtempSync(join(tmpdir(), 'runbook-bench-time-'));
  const out = join(tmp, 'rusage');
  let cmd = argv;
  const env: NodeJS.ProcessEnv = { ...process.env, ...opts.env };
  const how: 'gnu' | 'preload' | 'none' = hasGnuTime() ? 'gnu' : argv[0] === process.execPath ? 'preload' : 'none';
  if (how === 'gnu') cmd = [GNU_TIME, '-o', out, '-f', '%e %U %S %M', ...argv];
  else if (how === 'preload') {
    cmd = [argv[0]!, '--import', PRELOAD, ...argv.slice(1)];
    env.RUNBOOK_BENCH_RUSAGE = out;
  }
  return new Promise((resolve) => {
    const t0 = process.hrtime.bigint();
    // Own process group, so a timeout kills GNU time, node and anything node started.
    const child = spawn(cmd[0]!, cmd.slice(1), { cwd: opts.cwd, env, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
    let tail = '';
    let stdoutBytes = 0;
    const keep = (d: Buffer) => { tail = (tail + d.toString()).slice(-4096); };
    child.stdout.on('data', (d: Buffer) => { stdoutBytes += d.length; keep(d); });
    child.stderr.on('data', keep);
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      try { process.kill(-child.pid!, 'SIGKILL'); } catch { /* already gone */ }
    }, opts.timeoutMs);
    const done = (code: number | null) => {
      clearTimeout(timer);
      const wallMs = Number(process.hrtime.bigint() - t0) / 1e6;
      let cpuS = NaN;
      let maxRssKB = NaN;
      try {
        const text = readFileSync(out, 'utf8').trim();
        if (how === 'gnu') {
          // GNU time writes "Command exited with non-zero status N" first when the child fails.
          const [, u, s, m] = (text.split('\n').pop() ?? '').split(/\s+/).map(Number);
          cpuS = u! + s!;
          maxRssKB = m!;
        } else if (how === 'preload') {
          const r = JSON.parse(text) as { maxRSS: number; userCPUTime: number; systemCPUTime: number };
          cpuS = (r.userCPUTime + r.systemCPUTime) / 1e6;
          maxRssKB = r.maxRSS;
        }
      } catch { /* no figures: killed, or no way to measure */ }
      rmSync(tmp, { recursive: true, force: true });
      resolve({ wallMs, cpuS, maxRssKB, code, timedOut, tail, stdoutBytes });
    };
    child.on('error', (e) => { tail += `\n${e.message}`; done(null); });
    child.on('close', (code) => done(code));
  });
}
