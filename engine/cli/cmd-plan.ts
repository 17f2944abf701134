// `runbook plan FILE -i INVENTORY [-e k=v]... [--limit P] [--json]`: the rendered plan; nothing
// is contacted (buildPlan gets only the actions' describe functions).
import { allActions } from '../actions/registry.js';
import { Redactor, redactVarsByName } from '../exec/redact.js';
import { buildPlan } from '../plan/build-plan.js';
import { writePlanJson, writePlanText } from '../plan/render-plan.js';
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
  const write = (chunk: string) => void process.stdout.write(chunk);
  if (values.json) writePlanJson(safe, write, redact);
  else writePlanText(safe, write, redact);
  return EXIT.ok;
}
