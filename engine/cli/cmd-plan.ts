// `runbook plan FILE -i INVENTORY [-e k=v]... [--limit P] [--json]`: the rendered plan; nothing
// is contacted (buildPlan gets only the actions' describe functions).
import { allActions } from '../actions/registry.js';
import { Redactor, redactVarsByName } from '../exec/redact.js';
import { buildPlan } from '../plan/build-plan.js';
import { planJsonChunks, planTextChunks } from '../plan/render-plan.js';
import * as template from '../template/index.js';
import { parse, RUN_OPTIONS } from './args.js';
import { EXIT, UsageError } from './errors.js';
import { loadInputs } from './inputs.js';

export async function planCommand(argv: string[]): Promise<number> {
  const { values, positionals } = parse('plan', argv, RUN_OPTIONS);
  if (positionals.length !== 1) throw new UsageError('plan: name exactly one runbook file');
  if (!values.inventory) throw new UsageError('plan: -i INVENTORY is required');
  const loaded = await loadInputs({ file: positionals[0]!, inventory: values.inventory, extra: values.extra ?? [], ...(values.limit ? { limit: values.limit } : {}) });
  const plan = buildPlan({
    ...loaded,
    ...(values.limit ? { limit: values.limit } : {}),
    actions: new Map(allActions.map((a) => [a.name, a])),
    templates: template,
  });
  // Secrets never printed: values of secret-named vars are replaced in every string of the plan,
  // as it is written (a 1,000-host plan is ~8 MB of text, ~17 MB of JSON: never copied or held whole).
  const redactor = new Redactor();
  redactor.addVarsByName(loaded.extraVars);
  redactor.addVarsByName(loaded.inventory.vars);
  for (const h of loaded.inventory.hosts) redactor.addVarsByName(h.vars);
  const safe = { ...plan, vars: redactVarsByName(plan.vars) };
  const redact = (s: string) => redactor.text(s);
  // Through a pipe Node buffers whatever the reader has not taken yet; waiting for 'drain' between
  // chunks keeps `plan | less` at 5,000 hosts near the memory of a plan written to a file.
  const out = process.stdout;
  for (const chunk of values.json ? planJsonChunks(safe, redact) : planTextChunks(safe, redact)) {
    if (out.destroyed) break; // the reader went away (`plan | head`): nothing more to say
    if (!out.write(chunk)) await drained(out);
  }
  return EXIT.ok;
}

/** Resolves once the stream takes more, or can take nothing any more (closed, or EPIPE, which main
 * already swallows): never waits for a reader that went away. */
function drained(out: NodeJS.WriteStream): Promise<void> {
  return new Promise<void>((resolve) => {
    const done = (): void => {
      out.off('drain', done).off('close', done).off('error', done);
      resolve();
    };
    out.on('drain', done).on('close', done).on('error', done);
  });
}
