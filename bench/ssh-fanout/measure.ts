// Runs one contender as a child process and measures wall time and controller CPU (user+sys of
// the child and every descendant it waited for, from bash's `times`). Output goes to a log file.
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';

export interface Sample {
  wallS: number;
  cpuS: number;
  ok: boolean;
}

function seconds(t: string): number {
  const m = /(\d+)m([\d.]+)s/.exec(t);
  return m ? Number(m[1]) * 60 + Number(m[2]) : NaN;
}

/** Run argv under bash in cwd (runbook's journal lands there), output to logFile; resolves with wall and CPU seconds. Bounded by timeoutMs. */
export function measure(argv: string[], logFile: string, env: NodeJS.ProcessEnv, timeoutMs: number, cwd: string): Promise<Sample> {
  return new Promise((resolve) => {
    const script = '"$@" >"$RUNBOOK_BENCH_LOG" 2>&1; rc=$?; times; exit $rc';
    const started = process.hrtime.bigint();
    const child = spawn('bash', ['-c', script, 'bash', ...argv], { cwd, env: { ...env, RUNBOOK_BENCH_LOG: logFile }, stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('close', (code) => {
      clearTimeout(timer);
      const wallS = Number(process.hrtime.bigint() - started) / 1e9;
      // `times` prints the shell's own times, then its children's: "0m1.2s 0m0.3s".
      const kids = out.trim().split('\n').pop() ?? '';
      const [u, s] = kids.split(/\s+/);
      const ok = code === 0;
      if (!ok) process.stderr.write(`  ${argv.join(' ')} failed (exit ${code}); log ${logFile}:\n${readFileSync(logFile, 'utf8').split('\n').slice(-8).join('\n')}\n`);
      resolve({ wallS, cpuS: seconds(u ?? '') + seconds(s ?? ''), ok });
    });
  });
}
