// `runbook resume [ID]`: continue a run from its journal. Refuses (exit 3) when a source file
// changed (unless --allow-changed) or when a step was in flight and cannot safely run again;
// --mark-done / --rerun STEP@HOST record the operator's decision for such a step.
import { FileJournal, readEvents, readInputs, type RunInputs } from '../adapters/file-journal.js';
import { inFlight, refKey, resumeStateFrom } from '../exec/resume-state.js';
import { RefusedError } from '../model/errors.js';
import type { RunEvent } from '../model/events.js';
import { parse, RESUME_OPTIONS } from './args.js';
import { becomePassword } from './cmd-exec.js';
import { EXIT, UsageError } from './errors.js';
import { loadInputs } from './inputs.js';
import { changedFiles, findRun } from './journal-files.js';
import { runWithJournal, takeRunLock } from './run.js';

function parseRef(s: string, flag: string): string {
  const at = s.lastIndexOf('@');
  if (at <= 0 || at === s.length - 1) throw new UsageError(`${flag} ${s}: expected STEP@HOST, e.g. p1.s3@worker-2`);
  return s;
}

/** Record --mark-done decisions in the journal as step.end ok, so this and later resumes skip them. */
function markDone(journal: FileJournal, events: RunEvent[], refs: string[]): void {
  for (const ref of refs) {
    const start = [...events].reverse().find((e) => e.kind === 'step.start' && refKey(e.step, e.host) === ref);
    if (!start || start.kind !== 'step.start') throw new UsageError(`--mark-done ${ref}: the journal has no such step on that host (see \`runbook status\`)`);
    const { kind: _k, ts: _t, changes: _c, ...stepRef } = start;
    journal.append({ kind: 'step.end', ts: Date.now(), status: 'ok', duration_ms: 0, message: 'marked done by the operator', ...stepRef });
  }
}

export async function resumeCommand(argv: string[]): Promise<number> {
  const { values, positionals } = parse('resume', argv, RESUME_OPTIONS);
  if (positionals.length > 1) throw new UsageError('resume: at most one run id');
  const { id, dir } = findRun(positionals[0]);
  const inputs: RunInputs = readInputs(dir);
  if ('lab' in inputs.inventory) {
    throw new RefusedError(`run ${id} ran against a lab that stopped with it (${inputs.inventory.lab})`, `start a new rehearsal: runbook exec ${inputs.runbook} --lab`);
  }
  const changed = changedFiles(inputs);
  if (changed.length && !values['allow-changed']) {
    throw new RefusedError(
      `files changed since run ${id} started:\n${changed.map((f) => `  ${f}`).join('\n')}`,
      `review the changes; to continue with them anyway: runbook resume ${id} --allow-changed`,
    );
  }
  const events = readEvents(dir);
  const lastEnd = [...events].reverse().find((e) => e.kind === 'run.end' || e.kind === 'run.start');
  if (lastEnd?.kind === 'run.end' && lastEnd.status === 'ok') {
    process.stderr.write(`runbook: run ${id} already finished successfully; nothing to resume.\n`);
    return EXIT.ok;
  }
  const marks = (values['mark-done'] ?? []).map((r) => parseRef(r, '--mark-done'));
  const reruns = (values.rerun ?? []).map((r) => parseRef(r, '--rerun'));

  // -e values that were secret were not journaled: they must be given again.
  const extra = values.extra ?? [];
  const missing = inputs.secretVars.filter((k) => !extra.some((e) => e.startsWith(`${k}=`)));
  if (missing.length) throw new UsageError(`run ${id} was started with secret variables that are not journaled; give them again: ${missing.map((k) => `-e ${k}=…`).join(' ')}`);
  const keep = Object.fromEntries(Object.entries(inputs.extraVars).filter(([k]) => !inputs.secretVars.includes(k)));

  const loaded = await loadInputs({ file: inputs.runbook, inventory: inputs.inventory.file, extra, extraVars: keep, ...(inputs.options.limit ? { limit: inputs.options.limit } : {}) });
  const lock = takeRunLock(dir, id);
  const journal = FileJournal.open(dir);
  try {
    markDone(journal, events, marks);
  } catch (e) {
    journal.close();
    lock.release();
    throw e;
  }
  await journal.durable(); // the marks are read back just below
  const state = resumeStateFrom(id, readEvents(dir), reruns);
  const flying = inFlight(state);
  if (flying.length) process.stderr.write(`runbook: in flight when run ${id} stopped: ${flying.map((f) => `${f.ref} (${f.stepName})`).join(', ')}\n`);
  const password = await becomePassword(values['ask-become-pass']);
  const options = { ...inputs.options, yes: inputs.options.yes || !!values.yes, json: !!values.json };
  return runWithJournal({ ...loaded, runId: id, journal, lock, options, resume: state, ...(password !== undefined ? { becomePassword: password } : {}) });
}
