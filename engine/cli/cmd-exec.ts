// `runbook exec FILE (-i INVENTORY | --lab) ...`: validate, journal, run; exit 0/1/2/3/130.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FileJournal, type RunInputs } from '../adapters/file-journal.js';
import { newRunId } from '../exec/run-id.js';
import { csv, EXEC_OPTIONS, parse } from './args.js';
import { UsageError } from './errors.js';
import { loadInputs } from './inputs.js';
import { recordInputs, runsDir } from './journal-files.js';
import { askPassword } from './prompt.js';
import { runWithJournal } from './run.js';

export async function becomePassword(ask: boolean | undefined): Promise<string | undefined> {
  const env = process.env['RUNBOOK_BECOME_PASSWORD'];
  if (env !== undefined) return env;
  return ask ? askPassword('BECOME password: ') : undefined;
}

export async function execCommand(argv: string[]): Promise<number> {
  const { values, positionals } = parse('exec', argv, EXEC_OPTIONS);
  if (positionals.length !== 1) throw new UsageError('exec: name exactly one runbook file');
  if (!values.inventory === !values.lab) throw new UsageError('exec: give either -i INVENTORY or --lab');
  const options: RunInputs['options'] = {
    check: !!values.check,
    ...(values.limit ? { limit: values.limit } : {}),
    tags: csv(values.tags),
    skipTags: csv(values['skip-tags']),
    yes: !!values.yes,
    askBecomePass: !!values['ask-become-pass'],
    json: !!values.json,
  };
  const password = await becomePassword(values['ask-become-pass']);
  let lab: { dir: string; inventory: string; stop(): Promise<void> } | undefined;
  try {
    let inventory = values.inventory;
    if (values.lab) {
      const { startLab } = await import('../lab/index.js');
      lab = await startLab({ dir: mkdtempSync(join(tmpdir(), 'runbook-lab-')) });
      inventory = lab.inventory;
    }
    const loaded = await loadInputs({ file: positionals[0]!, inventory: inventory!, extra: values.extra ?? [], ...(values.limit ? { limit: values.limit } : {}) });
    const runId = newRunId(Date.now());
    const inputs = recordInputs({ runId, runbook: loaded.runbook, inventoryFile: inventory!, ...(lab ? { lab: lab.dir } : {}), extraVars: loaded.extraVars, options });
    const journal = FileJournal.create(runsDir(), inputs);
    return await runWithJournal({
      ...loaded,
      runId,
      journal,
      options,
      ...(password !== undefined ? { becomePassword: password } : {}),
      ...(lab
        ? {
            epilogue: `Lab records (commands, API writes, availability): ${lab.dir}`,
            resumeHint: `fix the cause, then rehearse again: runbook exec ${positionals[0]} --lab (a lab run cannot be resumed: its lab stopped with it)`,
          }
        : {}),
    });
  } finally {
    await lab?.stop();
  }
}
