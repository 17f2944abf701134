// buildPlan: the whole run as data — phases × batches × hosts × steps, every command rendered
// for its host with run-time values shown as ⟨register.x⟩. Pure: it gets only the actions'
// describe functions, so it has no way to run anything. Equal results are shared objects: a step
// that renders the same on many hosts is one PlanStep in every host's list (plan-steps.ts).
import type { Inventory } from '../model/inventory.js';
import type { Runbook, Step } from '../model/runbook.js';
import type { HostSelector, RenderOptions, TemplateEngine } from './deps.js';
import { expandPhases } from './phases.js';
import { serialText } from './batches.js';
import { Interner, planSteps } from './plan-steps.js';
import { PlanScopes } from './scope-cache.js';

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
export function runtimeStandIns(t: TemplateEngine, steps: Step[], out: Record<string, unknown> = {}): Record<string, unknown> {
  for (const s of steps) {
    if (s.register) out[s.register] = t.runtimeValue(`register.${s.register}`);
    if (s.kind === 'action' && s.action === 'set') for (const k of Object.keys(s.args)) out[k] = t.runtimeValue(`facts.${k}`);
    if (s.kind === 'block') runtimeStandIns(t, [...s.block, ...s.rescue, ...s.always], out);
  }
  return out;
}

/**
 * What plan renders in place of run-time values: registered results, `set` facts, and
 * batch_hosts — the planner shares a step's rendering between hosts of different batches, so the
 * batch shows as known at run time (the plan lists the batches above their steps).
 */
export function planStandIns(t: TemplateEngine, rb: Runbook): Record<string, unknown> {
  return { batch_hosts: t.runtimeValue('batch_hosts'), ...runtimeStandIns(t, rb.phases.flatMap((p) => p.steps)) };
}

/** The plan of a run; throws nothing for per-host template problems (they are shown in place). */
export function buildPlan(input: PlanInput): Plan {
  const runtime = planStandIns(input.templates, input.runbook);
  const run = { runbook: input.runbook, inventory: input.inventory, extraVars: input.extraVars, runId: '⟨run_id⟩', runDir: '⟨run_dir⟩', check: false };
  const runs = expandPhases({ ...input, ...run }, PLACEHOLDER);
  // One stand-in for `facts` (a new one per host would make every host's scope look different).
  const scopes = new PlanScopes(input.templates, { ...run, runtime, facts: input.templates.runtimeValue('facts') }, PLACEHOLDER);
  const intern = new Interner();
  const varies = { n: 0 };
  return {
    runbook: input.runbook.file,
    inventory: input.inventory.file,
    vars: input.extraVars,
    phases: runs.map((r) => {
      const ctx = scopes.root(r.vars);
      const p: PlanPhase = {
        index: r.phase.index,
        name: r.name,
        serial: serialText(r.serial),
        maxFailPercentage: r.phase.maxFailPercentage,
        hosts: r.hosts.map((h) => h.name),
        batches: r.batches.map((batch) =>
          batch.map((host) => ({
            host: host.name,
            steps: planSteps({ input, scopes, intern, varies, ctx, host, become: r.phase.become || host.become, tags: r.phase.tags, ...(r.iter !== undefined ? { phaseIter: r.iter } : {}) }, r.phase.steps),
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
