// `runbook plan FILE -i INVENTORY [-e k=v]... [--limit P] [--json]`: the rendered plan; nothing
// is contacted (buildPlan gets only the actions' describe functions).
import { allActions } from '../actions/registry.js';
import { buildPlan } from '../plan/build-plan.js';
import { renderPlanText } from '../plan/render-plan.js';
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
  process.stdout.write(values.json ? `${JSON.stringify(plan, null, 2)}\n` : renderPlanText(plan));
  return EXIT.ok;
}
