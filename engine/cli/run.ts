// Running a loaded runbook with a journal and reporters: shared by `exec` and `resume`.
// Owns SIGINT (first: stop the running step and end the run as interrupted; second: exit now),
// writes report.md at the end, and turns the run's status into the exit code.
import { relative } from 'node:path';
import { openConsoleReporter } from '../adapters/console-reporter.js';
import { FileJournal, lockRun, readEvents } from '../adapters/file-journal.js';
import { markdownReport } from '../adapters/markdown-report.js';
import { ndjsonReporter } from '../adapters/ndjson-reporter.js';
import { execute } from '../exec/executor.js';
import type { ResumeState } from '../exec/resume-state.js';
import type { RunEvent } from '../model/events.js';
import { InterruptedError, RefusedError } from '../model/errors.js';
import { EXIT } from './errors.js';
import type { Loaded } from './inputs.js';
import { makeConfirm } from './prompt.js';
import { makePorts, routingPool } from './wiring.js';
import type { RunInputs } from '../adapters/file-journal.js';

export interface RunRequest extends Loaded {
  runId: string;
  journal: FileJournal;
  options: RunInputs['options'];
  becomePassword?: string;
  resume?: ResumeState;
  /** Printed after the run (e.g. where the lab's records are). */
  epilogue?: string;
  /** Replaces `runbook resume ID` in the closing hint (a lab run cannot be resumed). */
  resumeHint?: string;
  /** The run's lock when the caller took it already (resume, before --mark-done writes). */
  lock?: { release: () => void };
}

/** The run's lock, or a refusal naming the process that holds it. */
export function takeRunLock(dir: string, runId: string): { release: () => void } {
  const lock = lockRun(dir);
  if ('heldBy' in lock) throw new RefusedError(`run ${runId} is in progress in another process (pid ${lock.heldBy})`, `wait for it to end, or stop it first (kill -INT ${lock.heldBy})`);
  return lock;
}

export async function runWithJournal(req: RunRequest): Promise<number> {
  const human = req.options.json ? process.stderr : process.stdout;
  const con = await openConsoleReporter({ stream: human });
  const lock = req.lock ?? takeRunLock(req.journal.dir, req.runId);
  const nd = req.options.json ? ndjsonReporter() : undefined;
  const emit = (e: RunEvent) => {
    req.journal.append(e);
    con(e);
    nd?.(e);
  };
  const interrupt = new AbortController();
  // The first SIGINT/SIGTERM stops the running step and ends the run as interrupted; main.ts
  // exits at once on a second one.
  const onSignal = (sig: NodeJS.Signals) => {
    if (interrupt.signal.aborted) return;
    process.stderr.write(`\nrunbook: ${sig}: stopping the running step (again to exit at once)…\n`);
    interrupt.abort(new InterruptedError(`interrupted by ${sig}`));
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  const pool = routingPool(req.inventory, req.becomePassword);
  const ports = makePorts({ inventory: req.inventory, pool, selectHosts: req.selectHosts, emit, durable: () => req.journal.durable(), confirm: makeConfirm(req.options.yes, () => con.close()) });
  try {
    const summary = await execute(ports, {
      runId: req.runId,
      runDir: req.journal.dir,
      runbook: req.runbook,
      inventory: req.inventory,
      extraVars: req.extraVars,
      ...(req.options.limit ? { limit: req.options.limit } : {}),
      check: req.options.check,
      tags: req.options.tags,
      skipTags: req.options.skipTags,
      ...(req.becomePassword !== undefined ? { becomePassword: req.becomePassword } : {}),
      signal: interrupt.signal,
      ...(req.resume ? { resume: req.resume } : {}),
      ...(req.resumeHint ? { resumeHint: req.resumeHint } : {}),
    });
    con.close();
    await req.journal.durable(); // the report reads the journal back: everything must be written
    req.journal.writeFile('report.md', markdownReport(readEvents(req.journal.dir)));
    const rel = relative(process.cwd(), req.journal.dir) || req.journal.dir;
    human.write(`Journal: ${rel}/ (events.jsonl, report.md)\n`);
    if (req.epilogue) human.write(`${req.epilogue}\n`);
    const code = { ok: EXIT.ok, failed: EXIT.failed, refused: EXIT.refused, interrupted: EXIT.interrupted } as const;
    return code[summary.status];
  } finally {
    con.close();
    req.journal.close();
    lock.release();
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    await pool.closeAll().catch(() => undefined);
  }
}
