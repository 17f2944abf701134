// The run journal on disk: .runbook/runs/<id>/ (0700) with inputs.json, events.jsonl (append-only,
// group-committed: a step start is on disk before the step runs, so a crash loses nothing resume
// needs) and report.md (0600).
import { closeSync, existsSync, fsync, fsyncSync, mkdirSync, openSync, readdirSync, readFileSync, rmSync, writeFileSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import type { RunEvent, RunEventKind } from '../model/events.js';

/** What a run was started with, enough for `resume` to start it again the same way. */
export interface RunInputs {
  version: 1;
  runId: string;
  createdAt: string;
  /** Working directory the paths below are relative to (they are stored absolute anyway). */
  cwd: string;
  runbook: string;
  /** Every runbook file read (imports, includes) with its SHA-256. */
  sources: Array<{ file: string; sha256: string }>;
  inventory: { file: string; sha256: string } | { lab: string };
  /** -e variables; secret-looking names have ‹redacted› values and are listed in secretVars. */
  extraVars: Record<string, unknown>;
  secretVars: string[];
  options: { check: boolean; limit?: string; tags: string[]; skipTags: string[]; yes: boolean; askBecomePass: boolean; json: boolean };
}

/** Whether an event must be on disk before the run goes on (the resume decisions rest on these). */
const DURABLE: { [K in RunEventKind]: boolean } = {
  'run.start': true,
  'phase.start': false,
  'phase.skip': false,
  'batch.start': false,
  'step.start': true,
  'step.output': false,
  'step.progress': false,
  'step.end': true,
  warning: false,
  'run.end': true,
};

export const DEFAULT_RUNS_DIR = join('.runbook', 'runs');

export class FileJournal {
  private fd: number | undefined;
  /** Non-durable lines appended but not yet written (written at the next tick, durable line or barrier). */
  private buf: string[] = [];
  private scheduled = false;
  /** A durable event was appended since the last fsync began. */
  private needSync = false;
  private syncing: Promise<void> | undefined;
  private queued: Promise<void> | undefined;

  private constructor(readonly dir: string) {
    this.fd = openSync(join(dir, 'events.jsonl'), 'a', 0o600);
  }

  /** Create the run's directory and write its inputs. */
  static create(runsDir: string, inputs: RunInputs): FileJournal {
    const dir = join(runsDir, inputs.runId);
    mkdirSync(runsDir, { recursive: true, mode: 0o700 });
    mkdirSync(dir, { mode: 0o700 });
    writeFileSync(join(dir, 'inputs.json'), `${JSON.stringify(inputs, null, 2)}\n`, { mode: 0o600 });
    return new FileJournal(dir);
  }

  /** Re-open an existing run's journal to append to it (resume, --mark-done). */
  static open(dir: string): FileJournal {
    return new FileJournal(dir);
  }

  /**
   * Record an event. A durable kind (DURABLE) is written at once, with every line queued before
   * it, and fsync'd by the next barrier: the caller reports the event (stdout, --json) only after
   * this returns, so whatever the operator or a supervisor has seen is in the file even if the
   * process is SIGKILLed the next instant (a written line survives the process; only a machine
   * crash needs the fsync). Output and progress lines are written together at the end of the
   * tick, so a fan-out's chatter costs one write, not one per line.
   */
  append(e: RunEvent): void {
    if (this.fd === undefined) return;
    this.buf.push(`${JSON.stringify(e)}\n`);
    if (DURABLE[e.kind]) {
      this.needSync = true;
      this.writeOut();
      return;
    }
    if (!this.scheduled) {
      this.scheduled = true;
      setImmediate(() => {
        this.scheduled = false;
        this.writeOut();
      });
    }
  }

  /**
   * Resolve once every event appended so far is on disk. Concurrent callers share one fsync
   * (group commit), which runs off the event loop so SSH traffic keeps flowing meanwhile.
   */
  durable(): Promise<void> {
    this.writeOut();
    if (!this.needSync || this.fd === undefined) return this.syncing ?? Promise.resolve();
    if (!this.syncing) {
      this.needSync = false;
      const fd = this.fd;
      this.syncing = new Promise<void>((res, rej) => fsync(fd, (err) => (err ? rej(err) : res()))).finally(() => {
        this.syncing = undefined;
      });
      return this.syncing;
    }
    // An fsync is under way and may have started before these lines were written: one more
    // after it covers everyone who arrives meanwhile.
    this.queued ??= this.syncing.then(() => {
      this.queued = undefined;
      return this.durable();
    });
    return this.queued;
  }

  private writeOut(): void {
    if (this.fd === undefined || this.buf.length === 0) return;
    writeSync(this.fd, this.buf.join(''));
    this.buf = [];
  }

  writeFile(name: string, text: string): void {
    writeFileSync(join(this.dir, name), text, { mode: 0o600 });
  }

  /** Write what is queued, fsync and close (a run's end). */
  close(): void {
    if (this.fd === undefined) return;
    this.writeOut();
    fsyncSync(this.fd);
    closeSync(this.fd);
    this.fd = undefined;
  }
}

/** The journal's events; a torn last line (the process died mid-write) is ignored. */
export function readEvents(dir: string): RunEvent[] {
  const p = join(dir, 'events.jsonl');
  if (!existsSync(p)) return [];
  const out: RunEvent[] = [];
  for (const line of readFileSync(p, 'utf8').split('\n')) {
    if (!line.trim()) continue;
    try {
      out.push(JSON.parse(line) as RunEvent);
    } catch {
      /* torn write at a crash */
    }
  }
  return out;
}

export function readInputs(dir: string): RunInputs {
  return JSON.parse(readFileSync(join(dir, 'inputs.json'), 'utf8')) as RunInputs;
}

/** Run ids under runsDir, oldest first (ids sort by time). */
export function listRuns(runsDir: string): string[] {
  if (!existsSync(runsDir)) return [];
  return readdirSync(runsDir, { withFileTypes: true })
    .filter((d) => d.isDirectory() && existsSync(join(runsDir, d.name, 'inputs.json')))
    .map((d) => d.name)
    .sort();
}

function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Take the run's lock file (run.lock with our PID) so two processes never append to one journal
 * (say, two `runbook resume` at once). A lock whose process is gone is taken over. Returns the
 * PID holding it when refused, else a release function.
 */
export function lockRun(dir: string): { release: () => void } | { heldBy: number } {
  const p = join(dir, 'run.lock');
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const fd = openSync(p, 'wx', 0o600);
      writeSync(fd, `${process.pid}\n`);
      closeSync(fd);
      return { release: () => rmSync(p, { force: true }) };
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
      const pid = Number(readFileSync(p, 'utf8').trim());
      if (pid && pid !== process.pid && pidAlive(pid)) return { heldBy: pid };
      rmSync(p, { force: true }); // stale: its process died (crash, SIGKILL)
    }
  }
  return { heldBy: 0 };
}
