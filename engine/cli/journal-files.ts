// Where journals live and how a run's inputs are recorded and checked again on resume.
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { DEFAULT_RUNS_DIR, listRuns, type RunInputs } from '../adapters/file-journal.js';
import { redactVarsByName, SECRET_NAME } from '../exec/redact.js';
import type { Runbook } from '../model/runbook.js';
import { UsageError } from './errors.js';

/** The journals directory: $RUNBOOK_RUNS_DIR or .runbook/runs under the working directory. */
export function runsDir(): string {
  return resolve(process.env['RUNBOOK_RUNS_DIR'] || DEFAULT_RUNS_DIR);
}

export function sha256File(file: string): string | undefined {
  if (!existsSync(file)) return undefined;
  return createHash('sha256').update(readFileSync(file)).digest('hex');
}

/** The run directory for an id (or the latest run), with a clear error when there is none. */
export function findRun(id: string | undefined): { id: string; dir: string } {
  const base = runsDir();
  const runs = listRuns(base);
  if (!runs.length) throw new UsageError(`no runs under ${base} (runs are recorded by \`runbook exec\`)`);
  const pick = id ?? runs.at(-1)!;
  if (!runs.includes(pick)) throw new UsageError(`no run ${pick} under ${base}; runs: ${runs.slice(-5).join(', ')}`);
  return { id: pick, dir: join(base, pick) };
}

export function recordInputs(a: {
  runId: string;
  runbook: Runbook;
  inventoryFile: string;
  lab?: string;
  extraVars: Record<string, unknown>;
  options: RunInputs['options'];
}): RunInputs {
  const invFile = resolve(a.inventoryFile);
  return {
    version: 1,
    runId: a.runId,
    createdAt: new Date().toISOString(),
    cwd: process.cwd(),
    // Absolute, so `resume` works from any directory.
    runbook: resolve(a.runbook.file),
    sources: a.runbook.sources.map((s) => ({ file: resolve(s.file), sha256: s.sha256 })),
    inventory: a.lab ? { lab: a.lab } : { file: invFile, sha256: sha256File(invFile) ?? '' },
    extraVars: redactVarsByName(a.extraVars),
    secretVars: Object.keys(a.extraVars).filter((k) => SECRET_NAME.test(k)),
    options: a.options,
  };
}

/** Files that changed (or vanished) since the run recorded them. */
export function changedFiles(inputs: RunInputs): string[] {
  const files = [...inputs.sources];
  if ('file' in inputs.inventory) files.push(inputs.inventory);
  return files.filter((f) => sha256File(f.file) !== f.sha256).map((f) => f.file);
}
