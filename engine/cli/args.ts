// Command-line parsing with node:util parseArgs: one option table per command, unknown flags
// and missing values reported as usage errors (exit 2).
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { UsageError } from './errors.js';

type Options = NonNullable<ParseArgsConfig['options']>;

export const RUN_OPTIONS = {
  inventory: { type: 'string', short: 'i' },
  extra: { type: 'string', short: 'e', multiple: true },
  limit: { type: 'string' },
  json: { type: 'boolean' },
} as const satisfies Options;

export const EXEC_OPTIONS = {
  ...RUN_OPTIONS,
  lab: { type: 'boolean' },
  check: { type: 'boolean' },
  yes: { type: 'boolean', short: 'y' },
  tags: { type: 'string', multiple: true },
  'skip-tags': { type: 'string', multiple: true },
  'ask-become-pass': { type: 'boolean', short: 'K' },
} as const satisfies Options;

export const RESUME_OPTIONS = {
  extra: { type: 'string', short: 'e', multiple: true },
  json: { type: 'boolean' },
  yes: { type: 'boolean', short: 'y' },
  'allow-changed': { type: 'boolean' },
  'mark-done': { type: 'string', multiple: true },
  rerun: { type: 'string', multiple: true },
  'ask-become-pass': { type: 'boolean', short: 'K' },
} as const satisfies Options;

export function parse<O extends Options>(command: string, argv: string[], options: O) {
  try {
    return parseArgs({ args: argv, options, allowPositionals: true, strict: true });
  } catch (e) {
    throw new UsageError(`${command}: ${(e as Error).message.replace(/\. To specify a positional.*$/s, '')}`);
  }
}

/** `--tags a,b --tags c` → [a, b, c]. */
export function csv(values: string[] | undefined): string[] {
  return (values ?? []).flatMap((v) => v.split(',')).map((v) => v.trim()).filter(Boolean);
}

export const USAGE = `runbook — declarative runbooks for zero-downtime kubeadm upgrades

Usage:
  runbook validate FILE... [-i INVENTORY] [-e k=v]...
  runbook plan FILE -i INVENTORY [-e k=v]... [--limit PATTERN] [--json]
  runbook exec FILE (-i INVENTORY | --lab) [-e k=v]... [--limit PATTERN] [--check] [--yes]
               [--json] [--tags T,...] [--skip-tags T,...] [--ask-become-pass]
  runbook resume [RUN_ID] [--allow-changed] [--mark-done STEP@HOST] [--rerun STEP@HOST] [-e k=v]...
  runbook status [RUN_ID] [--json]
  runbook actions
  runbook lab up|down|status [--dir DIR] [--json]
  runbook --version | --help

Exit codes: 0 done; 1 a step failed (resumable: runbook resume ID); 2 invalid input (nothing ran);
3 refused (a precondition, a lock, changed inputs, a step that needs a decision); 130 interrupted.
Journals: .runbook/runs/<id>/ (inputs.json, events.jsonl, report.md).
Become password: RUNBOOK_BECOME_PASSWORD, or --ask-become-pass.
`;
