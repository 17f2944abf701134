// `runbook validate FILE... [-i INVENTORY] [-e k=v]...`: every problem of every file as
// FILE:LINE:COL, exit 2. With -e, required params given on the command line count as given.
import { actionCatalog } from '../actions/registry.js';
import { formatProblem, type Problem } from '../model/errors.js';
import type { Step } from '../model/runbook.js';
import { parse } from './args.js';
import { EXIT, UsageError } from './errors.js';
import { loader } from './loader.js';

const countSteps = (steps: Step[]): number => steps.reduce((n, s) => n + (s.kind === 'block' ? countSteps([...s.block, ...s.rescue, ...s.always]) : 1), 0);

export async function validateCommand(argv: string[]): Promise<number> {
  const { values, positionals } = parse('validate', argv, { inventory: { type: 'string', short: 'i' }, extra: { type: 'string', short: 'e', multiple: true } });
  if (!positionals.length) throw new UsageError('validate: name at least one runbook file');
  const L = await loader();
  const ev = L.parseExtraVars(values.extra ?? []);
  const problems: Problem[] = [...ev.problems];
  let inv;
  if (values.inventory) {
    const r = await L.loadInventory(values.inventory);
    problems.push(...r.problems);
    inv = r.inventory;
  }
  const ok: string[] = [];
  for (const file of positionals) {
    const r = await L.loadRunbook(file, { actions: actionCatalog });
    const mine = [...r.problems];
    if (r.runbook && inv && !mine.length) mine.push(...L.checkRunbookAgainstInventory(r.runbook, inv, ev.vars));
    problems.push(...mine);
    if (r.runbook && !mine.length) ok.push(`${file}: ok (${r.runbook.phases.length} phase(s), ${r.runbook.phases.reduce((n, p) => n + countSteps(p.steps), 0)} step(s))`);
  }
  for (const line of ok) process.stdout.write(`${line}\n`);
  if (!problems.length) return EXIT.ok;
  for (const p of problems) process.stderr.write(`${formatProblem(p)}\n`);
  process.stderr.write(`${problems.length} problem(s).\n`);
  return EXIT.invalid;
}
