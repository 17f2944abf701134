// The plan as buildPlan made it before plans shared work between hosts (commit e042952): every
// step rendered for every host with a fresh scope; and its text as renderPlanText wrote it then.
// Kept only to show that the shared plan, written in chunks, is the same plan, byte for byte.
import type { Host } from '../../engine/model/inventory.js';
import type { Step, Template } from '../../engine/model/runbook.js';
import { planStandIns, type Plan, type PlanHost, type PlanInput, type PlanPhase, type PlanStep } from '../../engine/plan/build-plan.js';
import type { RenderOptions } from '../../engine/plan/deps.js';
import { expandPhases } from '../../engine/plan/phases.js';
import { field } from '../../engine/plan/render-plan.js';
import { serialText } from '../../engine/plan/batches.js';
import { buildScope } from '../../engine/plan/scope.js';
import { loopItems, stepKey } from '../../engine/plan/steps.js';

const PLACEHOLDER: RenderOptions = { runtime: 'placeholder' };

interface Walk {
  runtime: Record<string, unknown>;
  facts: unknown;
  input: PlanInput;
  host: Host;
  phaseIter?: number;
  become: boolean;
  layers: Array<Record<string, Template>>;
  tags: string[];
  /**
   * The scope of `layers` on this host, built once: most steps add no variables of their own, and
   * rebuilding the same scope for each of them was most of plan's time (1,000 hosts × 90 steps).
   */
  scope?: Record<string, unknown>;
}

function scopeOf(w: Walk, layers: Array<Record<string, Template>>): Record<string, unknown> {
  return buildScope(w.input.templates, { ...w.input, runId: '⟨run_id⟩', runDir: '⟨run_dir⟩', check: false, host: w.host, templateLayers: layers, runtime: w.runtime, facts: w.facts }, PLACEHOLDER);
}

function planStep(w: Walk, step: Step, loop?: { index: number; var: string; item: unknown }): PlanStep {
  const { input, host } = w;
  const own = loop ? { ...step.vars, [loop.var]: loop.item } : step.vars;
  const layers = [...w.layers, own];
  const become = step.become ?? w.become;
  const base: PlanStep = {
    key: stepKey(step.id, w.phaseIter, loop?.index),
    name: step.name,
    action: step.kind === 'action' ? step.action : 'block',
    describe: '',
    changes: step.changes,
    tags: [...w.tags, ...step.tags],
    become,
  };
  if (step.when) base.when = step.when;
  if (step.unless) base.unless = step.unless;
  if (step.confirm) base.confirm = step.confirm;
  if (step.register) base.register = step.register;
  try {
    const scope = Object.keys(own).length === 0 ? (w.scope ??= scopeOf(w, w.layers)) : scopeOf(w, layers);
    if (step.skipIf) base.skipIf = String(input.templates.render(step.skipIf, scope, { ...PLACEHOLDER, shell: true, pos: step.positions?.['skipIf'] ?? step.pos }));
    if (step.kind === 'block') {
      const inner: Walk = { ...w, layers, become, tags: base.tags, scope };
      base.block = {
        block: planSteps(inner, step.block),
        rescue: planSteps(inner, step.rescue),
        always: planSteps(inner, step.always),
      };
    } else {
      const action = input.actions.get(step.action);
      if (!action) throw new Error(`unknown action ${step.action}`);
      const args: Record<string, unknown> = {};
      for (const [k, v] of Object.entries(step.args)) {
        args[k] = input.templates.render(v, scope, { ...PLACEHOLDER, shell: action.shellArgs?.includes(k) ?? false, pos: step.positions?.[`args.${k}`] ?? step.pos });
      }
      base.describe = action.describe(args);
    }
  } catch (e) {
    base.error = (e as Error).message;
  }
  return base;
}

function planSteps(w: Walk, steps: Step[]): PlanStep[] {
  const out: PlanStep[] = [];
  for (const step of steps) {
    if (!step.loop) {
      out.push(planStep(w, step));
      continue;
    }
    const scope = scopeOf(w, [...w.layers, step.vars]);
    let li;
    try {
      li = loopItems(w.input.templates, step.loop, scope, PLACEHOLDER);
    } catch (e) {
      out.push({ ...planStep(w, step, { index: 0, var: step.loop.var, item: '⟨?⟩' }), error: (e as Error).message });
      continue;
    }
    if (li.kind === 'runtime') {
      out.push({ ...planStep(w, step, { index: 0, var: step.loop.var, item: `⟨${step.loop.var}⟩` }), key: stepKey(step.id, w.phaseIter), loop: li.text });
    } else {
      li.items.forEach((item, index) => out.push(planStep(w, step, { index, var: step.loop!.var, item })));
    }
  }
  return out;
}

/** The plan of a run; throws nothing for per-host template problems (they are shown in place). */
export function referencePlan(input: PlanInput): Plan {
  const runtime = planStandIns(input.templates, input.runbook);
  const runs = expandPhases({ ...input, runId: '⟨run_id⟩', runDir: '⟨run_dir⟩', check: false }, PLACEHOLDER);
  return {
    runbook: input.runbook.file,
    inventory: input.inventory.file,
    vars: input.extraVars,
    phases: runs.map((r) => {
      const p: PlanPhase = {
        index: r.phase.index,
        name: r.name,
        serial: serialText(r.serial),
        maxFailPercentage: r.phase.maxFailPercentage,
        hosts: r.hosts.map((h) => h.name),
        batches: r.batches.map((batch) =>
          batch.map((host) => ({
            host: host.name,
            steps: planSteps({ runtime, facts: input.templates.runtimeValue('facts'), input, host, become: r.phase.become || host.become, layers: [r.vars], tags: r.phase.tags, ...(r.iter !== undefined ? { phaseIter: r.iter } : {}) }, r.phase.steps),
          })),
        ),
      };
      if (r.iter !== undefined) p.iteration = { index: r.iter, item: r.item };
      if (r.problem) p.problem = r.problem;
      if (r.skipped) p.skipped = r.skipped;
      if (r.condition) p.condition = r.condition;
      return p;
    }),
  };
}

// The text, as renderPlanText made it from a plan held (and redacted) whole.
function stepLines(s: PlanStep, indent: string, out: string[]): void {
  const flags = [
    s.changes ? '' : 'read-only',
    s.become ? 'sudo' : '',
    s.register ? `register ${s.register}` : '',
    s.tags.length ? `tags ${s.tags.join(',')}` : '',
  ].filter(Boolean);
  out.push(`${indent}${s.key}  ${s.name}${flags.length ? `  [${flags.join('; ')}]` : ''}`);
  const sub = `${indent}    `;
  if (s.when) out.push(field(sub, 'when', s.when));
  if (s.unless) out.push(field(sub, 'unless', s.unless));
  if (s.loop) out.push(field(sub, 'loop', s.loop));
  if (s.confirm) out.push(field(sub, 'confirm', s.confirm));
  if (s.skipIf) out.push(field(sub, 'skip if', s.skipIf));
  if (s.error) out.push(field(sub, '!! cannot render', s.error));
  if (s.block) {
    for (const part of ['block', 'rescue', 'always'] as const) {
      if (!s.block[part].length) continue;
      out.push(`${sub}${part}:`);
      for (const c of s.block[part]) stepLines(c, `${sub}  `, out);
    }
  } else if (s.describe) {
    for (const line of s.describe.replace(/\s+$/, '').split('\n')) out.push(`${sub}${s.action === 'sh' ? '$ ' : ''}${line}`);
  }
}

function hostBlock(steps: PlanStep[], indent: string): string[] {
  const out: string[] = [];
  for (const s of steps) stepLines(s, indent, out);
  return out;
}

function groupHosts(batch: PlanHost[]): Array<{ hosts: string[]; lines: string[] }> {
  const groups: Array<{ hosts: string[]; lines: string[]; text: string }> = [];
  for (const h of batch) {
    const lines = hostBlock(h.steps, '      ');
    const text = lines.join('\n');
    const g = groups.find((x) => x.text === text);
    if (g) g.hosts.push(h.host);
    else groups.push({ hosts: [h.host], lines, text });
  }
  return groups;
}

/** Plan text, one line per fact; ends with a newline. */
export function referenceText(plan: Plan): string {
  const out: string[] = [`Plan for ${plan.runbook} on ${plan.inventory}`];
  for (const p of plan.phases) {
    const iter = p.iteration ? ` [${p.iteration.index}: ${JSON.stringify(p.iteration.item)}]` : '';
    if (p.skipped) {
      out.push('', `Phase ${p.index + 1}${iter}: ${p.name}   (skipped: ${p.skipped})`);
      continue;
    }
    out.push('', `Phase ${p.index + 1}${iter}: ${p.name}   (hosts: ${p.hosts.length ? p.hosts.join(', ') : 'none'}; serial ${p.serial}; max fail ${p.maxFailPercentage}%)`);
    if (p.condition) out.push(`  only if ${p.condition} (known at run time)`);
    if (p.problem) out.push(`  !! ${p.problem}`);
    p.batches.forEach((batch, bi) => {
      out.push(`  Batch ${bi + 1}/${p.batches.length}: ${batch.map((h) => h.host).join(', ')}`);
      for (const g of groupHosts(batch)) {
        out.push(`    ${g.hosts.length > 1 ? `hosts ${g.hosts.join(', ')}` : `host ${g.hosts[0]}`}:`);
        out.push(...g.lines);
      }
    });
  }
  out.push('', `${plan.phases.length} phase(s). Values shown as ⟨…⟩ are known only at run time. Nothing was contacted.`);
  return `${out.join('\n')}\n`;
}
