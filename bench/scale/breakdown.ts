// Where `runbook plan` spends its time, in one process: loading (runbook, inventory, checks),
// building the plan, writing it (text or --json) to /dev/null — as engine/cli/cmd-plan.ts does
// it, with the same redaction. For profiles of the part after loading; run.ts times the real CLI.
// --whole writes as cmd-plan did before writePlanText/writePlanJson: the plan redacted whole
// (Redactor.deep), rendered into one string, written at once.
// Usage: node dist/bench/scale/breakdown.js INVENTORY [--json] [--whole] [--runbook FILE] [--rounds N]
import { openSync, writeSync, closeSync } from 'node:fs';
import { join } from 'node:path';
import { allActions } from '../../engine/actions/registry.js';
import { loadInputs } from '../../engine/cli/inputs.js';
import { Redactor, redactVarsByName } from '../../engine/exec/redact.js';
import { packageRoot } from '../../engine/paths.js';
import { buildPlan } from '../../engine/plan/build-plan.js';
import { renderPlanText, writePlanJson, writePlanText } from '../../engine/plan/render-plan.js';
import * as template from '../../engine/template/index.js';

const argv = process.argv.slice(2);
const opt = (name: string) => {
  const i = argv.indexOf(name);
  return i >= 0 ? argv[i + 1] : undefined;
};
const inventory = argv.find((a, i) => !a.startsWith('--') && !argv[i - 1]?.startsWith('--'));
if (!inventory) throw new Error('usage: node dist/bench/scale/breakdown.js INVENTORY [--json] [--runbook FILE] [--rounds N]');
const runbook = opt('--runbook') ?? join(packageRoot(), 'runbooks', 'upgrade-1.31.yaml');
const json = argv.includes('--json');
const whole = argv.includes('--whole');
const rounds = Number(opt('--rounds') ?? 1);
const actions = new Map(allActions.map((a) => [a.name, a]));
// Wall and CPU (user+system, steadier on a shared machine) since a mark.
const mark = () => ({ wall: performance.now(), cpu: process.cpuUsage() });
const ms = (m: ReturnType<typeof mark>) => {
  const c = process.cpuUsage(m.cpu);
  return `${(performance.now() - m.wall).toFixed(0)} ms (CPU ${((c.user + c.system) / 1000).toFixed(0)} ms)`;
};
const mb = (b: number) => `${(b / 1048576).toFixed(0)} MB`;

for (let r = 0; r < rounds; r++) {
  let t = mark();
  const loaded = await loadInputs({ file: runbook, inventory, extra: [] });
  const load = ms(t);
  t = mark();
  const plan = buildPlan({ ...loaded, actions, templates: template });
  const build = ms(t);
  const heap = process.memoryUsage().heapUsed;
  t = mark();
  const redactor = new Redactor();
  redactor.addVarsByName(loaded.extraVars);
  redactor.addVarsByName(loaded.inventory.vars);
  for (const h of loaded.inventory.hosts) redactor.addVarsByName(h.vars);
  const fd = openSync('/dev/null', 'w');
  let bytes = 0;
  const write = (c: string) => {
    bytes += Buffer.byteLength(c);
    writeSync(fd, c);
  };
  if (whole) {
    const safe = redactor.deep({ ...plan, vars: redactVarsByName(plan.vars) });
    write(json ? `${JSON.stringify(safe, null, 2)}\n` : renderPlanText(safe));
  } else (json ? writePlanJson : writePlanText)({ ...plan, vars: redactVarsByName(plan.vars) }, write, (s) => redactor.text(s));
  closeSync(fd);
  process.stdout.write(`round ${r + 1}: load ${load}, build ${build} (heap ${mb(heap)}), write ${ms(t)} (${mb(bytes)} ${json ? 'JSON' : 'text'}${whole ? ', whole' : ', chunks'}); peak RSS so far ${mb(process.resourceUsage().maxRSS * 1024)}\n`);
}
