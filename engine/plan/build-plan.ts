// buildPlan: the whole run as data — phases × batches × hosts × steps, every command rendered
// for its host with run-time values shown as ⟨register.x⟩. Pure: it gets only the actions'
// describe functions, so it has no way to run anything.
import type { Host, Inventory } from '../model/inventory.js';
import type { Runbook, Step, Template } from '../model/runbook.js';
import type { HostSelector, RenderOptions, TemplateEngine } from './deps.js';
import { expandPhases } from './phases.js';
import { serialText } from './batches.js';
import { buildScope } from './scope.js';
import { loopItems, stepKey } from './steps.js';

/** What plan may know of an action: how to describe it, never how to run it. */
export interface Describer {
  name: string;
  changes: boolean;
  shellArgs?: string[];
  // Each action knows its own argument type; plan hands it the rendered args.
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  describe(args: any): string;
}

export interface PlanStep {
  key: string;
  name: string;
  /** Action name, or 'block'. */
  action: string;
  /** The rendered command or action description ('' for blocks). */
  describe: string;
  changes: boolean;
  when?: string;
  unless?: string;
  skipIf?: string;
  confirm?: string;
  register?: string;
  tags: string[];
  become: boolean;
  /** Loop items shown when known only at run time. */
  loop?: string;
  /** A template that could not be rendered for this host. */
  error?: string;
  block?: { block: PlanStep[]; rescue: PlanStep[]; always: PlanStep[] };
}

export interface PlanHost {
  host: string;
  steps: PlanStep[];
}

export interface PlanPhase {
  index: number;
  name: string;
  iteration?: { index: number; item: unknown };
  serial: string;
  maxFailPercentage: number;
  hosts: string[];
  batches: PlanHost[][];
  problem?: string;
  /** Why the phase will not run (its `when:` is false). */
  skipped?: string;
  /** A `when:` known only at run time. */
  condition?: string;
}

export interface Plan {
  runbook: string;
  inventory: string;
  vars: Record<string, unknown>;
  phases: PlanPhase[];
}

export interface PlanInput {
  runbook: Runbook;
  inventory: Inventory;
  extraVars: Record<string, unknown>;
  limit?: string;
  actions: ReadonlyMap<string, Describer>;
  templates: TemplateEngine;
  selectHosts: HostSelector;
}

const PLACEHOLDER: RenderOptions = { runtime: 'placeholder' };

/** Stand-ins for every registered result and `set` fact, so templates over them render as ⟨…⟩. */
function runtimeStandIns(t: TemplateEngine, steps: Step[], out: Record<string, unknown> = {}): Record<string, unknown> {
  for (const s of steps) {
    if (s.register) out[s.register] = t.runtimeValue(`register.${s.register}`);
    if (s.kind === 'action' && s.action === 'set') for (const k of Object.keys(s.args)) out[k] = t.runtimeValue(`facts.${k}`);
    if (s.kind === 'block') runtimeStandIns(t, [...s.block, ...s.rescue, ...s.always], out);
  }
  return out;
}

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
export function buildPlan(input: PlanInput): Plan {
  const runtime = runtimeStandIns(input.templates, input.runbook.phases.flatMap((p) => p.steps));
  const runs = expandPhases({ ...input, runId: '⟨run_id⟩', runDir: '⟨run_dir⟩', check: false }, PLACEHOLDER);
  return {
    runbook: input.runbook.file,
    inventory: input.inventory.file,
    vars: input.extraVars,
    phases: runs.map((r) => {
      const p: PlanPhase = {
        index: r.phase.index,
        name: r.phase.name,
        serial: serialText(r.phase.serial),
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
