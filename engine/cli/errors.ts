// CLI-level errors and the one mapping from error classes to exit codes (design.md §8).
import { formatProblem, InputError, InterruptedError, RefusedError } from '../model/errors.js';
import { TemplateError } from '../template/errors.js';

/** Bad command line (unknown flag, missing file argument). Exit 2. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

export const EXIT = { ok: 0, failed: 1, invalid: 2, refused: 3, interrupted: 130 } as const;

/** Print an error for the person at the terminal and return its exit code. */
export function reportError(e: unknown, write: (s: string) => void): number {
  if (e instanceof InputError) {
    for (const p of e.problems) write(`${formatProblem(p)}\n`);
    write(`${e.problems.length} problem(s); nothing was run.\n`);
    return EXIT.invalid;
  }
  if (e instanceof UsageError) {
    write(`runbook: ${e.message}\nSee \`runbook --help\`.\n`);
    return EXIT.invalid;
  }
  if (e instanceof TemplateError) {
    // Outside a step (phase hosts, vars, loops): the inputs cannot be rendered, e.g. an
    // upgrade_path that refuses a downgrade given with -e. Nothing was run.
    write(`${e.message}\nNothing was run; fix the value or the template and try again.\n`);
    return EXIT.invalid;
  }
  if (e instanceof RefusedError) {
    write(`runbook: refused: ${e.message}\n${e.hint ? `Next: ${e.hint}\n` : ''}`);
    return EXIT.refused;
  }
  if (e instanceof InterruptedError) {
    write(`runbook: ${e.message}\n`);
    return EXIT.interrupted;
  }
  const err = e as Error;
  write(`runbook: internal error (this is a bug): ${err?.stack ?? String(e)}\n`);
  return EXIT.failed;
}
