// Planning one host's steps: each step rendered for the host, with run-time values as ⟨…⟩.
// A step reads a few names (its skip_if and arguments); every host that gives those names the same
// values — and shares the scope of the other names (scope-cache.ts) — gets the very same PlanStep.
// At 1,000 hosts most steps are rendered once, not 1,000 times, and the plan holds one copy.
import type { Host } from '../model/inventory.js';
import type { Step } from '../model/runbook.js';
import type { Describer, PlanInput, PlanStep } from './build-plan.js';
import type { RenderOptions } from './deps.js';
import { valuesKey, type Context, type PlanScopes } from './scope-cache.js';
import { loopItems, stepKey } from './steps.js';

const PLACEHOLDER: RenderOptions = { runtime: 'placeholder' };

const ID = Symbol('plan-id');
let nextId = 1;
/**
 * A distinct number per PlanStep or list of them, kept on the object itself under a symbol that
 * is not enumerable: JSON, Object.entries and spreads (`{ ...step, error }`) never see or copy it.
 * (A WeakMap did the same at ~0.5 µs a lookup, 100,000 lookups at 1,000 hosts.)
 */
function idOf(o: object): number {
  const id = (o as Record<symbol, number | undefined>)[ID];
  if (id !== undefined) return id;
  Object.defineProperty(o, ID, { value: nextId });
  return nextId++;
}

/** Shares equal results: identical lists of steps and identical blocks become one object. */
export class Interner {
  private readonly lists = new Map<string, PlanStep[]>();
  private readonly steps = new Map<string, PlanStep>();

  list(steps: PlanStep[]): PlanStep[] {
    const key = steps.map(idOf).join(',');
    const hit = this.lists.get(key);
    if (hit) return hit;
    this.lists.set(key, steps);
    return steps;
  }

  step(key: string, s: PlanStep): PlanStep {
    const hit = this.steps.get(key);
    if (hit) return hit;
    this.steps.set(key, s);
    return s;
  }
}

export interface Walk {
  input: PlanInput;
  scopes: PlanScopes;
  intern: Interner;
  ctx: Context;
  host: Host;
  phaseIter?: number;
  become: boolean;
  tags: string[];
  /**
   * Counts steps whose rendering may differ between the hosts of a family (see shareKey). A block
   * whose whole subtree added nothing here is the same for every host of its family: planned once.
   */
  varies: { n: number };
}

/** Names a step's own templates read (skip_if, and an action's arguments); blocks: skip_if only. */
const stepReadsCache = new WeakMap<Step, { names: string[]; exact: boolean }>();
function stepReads(w: Walk, step: Step): { names: string[]; exact: boolean } {
  let r = stepReadsCache.get(step);
  if (!r) {
    const reads = w.input.templates.templateReads!;
    const parts: unknown[] = [step.skipIf ?? '', ...(step.kind === 'action' ? Object.values(step.args) : [])];
    const names = new Set<string>();
    let exact = true;
    for (const p of parts) {
      const x = reads(p);
      exact &&= x.exact;
      for (const n of x.names) names.add(n);
    }
    stepReadsCache.set(step, (r = { names: [...names], exact }));
  }
  return r;
}

/**
 * The key under which this host's rendering of the step can be shared, or undefined when it cannot
 * (a template that may read more than its names, a scope that fails on this host, or a name derived
 * from the host's own name: different on every host anyway). Hosts of one family agree on every
 * name outside `dependent`, so the key holds only the values of the dependent names the step reads.
 */
function shareKey(w: Walk, c: Context, step: Step, become: boolean): string | undefined {
  if (!w.scopes.sharing) return undefined;
  const r = stepReads(w, step);
  if (!r.exact) return undefined;
  const f = w.scopes.family(c, w.host);
  if (!f.exact) return undefined;
  // A scope that fails on this host fails its steps: rendered (and failed) per host.
  if (w.scopes.base(c, w.host, f).error !== undefined) return undefined;
  const vals: unknown[] = [];
  let scope: Record<string, unknown> | undefined;
  for (const n of r.names) {
    if (!f.dependent.has(n)) continue;
    if (f.unique.has(n)) return undefined;
    if (f.hostWins.has(n)) vals.push(w.scopes.hostValue(f, w.host, n));
    else vals.push((scope ??= w.scopes.scope(c, w.host))[n]);
  }
  // The same for every host of the family: nothing host-dependent read, one base scope for all.
  if (vals.length === 0 && f.readByTemplates.length === 0) return `${f.id}|${become ? 1 : 0}|`;
  w.varies.n++;
  return `${f.id}|${become ? 1 : 0}|${valuesKey(vals)}`;
}

function header(w: Walk, step: Step, key: string, become: boolean): PlanStep {
  const s: PlanStep = {
    key,
    name: step.name,
    action: step.kind === 'action' ? step.action : 'block',
    describe: '',
    changes: step.changes,
    tags: [...w.tags, ...step.tags],
    become,
  };
  if (step.when) s.when = step.when;
  if (step.unless) s.unless = step.unless;
  if (step.confirm) s.confirm = step.confirm;
  if (step.register) s.register = step.register;
  return s;
}

function renderAction(w: Walk, c: Context, step: Step & { kind: 'action' }, s: PlanStep): PlanStep {
  const { input } = w;
  try {
    const scope = w.scopes.scope(c, w.host);
    if (step.skipIf) s.skipIf = String(input.templates.render(step.skipIf, scope, { ...PLACEHOLDER, shell: true, pos: step.positions?.['skipIf'] ?? step.pos }));
    const action: Describer | undefined = input.actions.get(step.action);
    if (!action) throw new Error(`unknown action ${step.action}`);
    const args: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(step.args)) {
      args[k] = input.templates.render(v, scope, { ...PLACEHOLDER, shell: action.shellArgs?.includes(k) ?? false, pos: step.positions?.[`args.${k}`] ?? step.pos });
    }
    s.describe = action.describe(args);
  } catch (e) {
    s.error = (e as Error).message;
  }
  return s;
}

function planBlock(w: Walk, c: Context, step: Step & { kind: 'block' }, s: PlanStep): PlanStep {
  try {
    if (w.scopes.sharing) {
      // The block's scope is needed only for its skip_if, but its errors are the block's.
      const b = w.scopes.base(c, w.host);
      if (b.error !== undefined) throw b.error;
    }
    if (step.skipIf || !w.scopes.sharing) {
      const scope = w.scopes.scope(c, w.host);
      if (step.skipIf) s.skipIf = String(w.input.templates.render(step.skipIf, scope, { ...PLACEHOLDER, shell: true, pos: step.positions?.['skipIf'] ?? step.pos }));
    }
    const inner: Walk = { ...w, ctx: c, become: s.become, tags: s.tags };
    s.block = {
      block: planSteps(inner, step.block),
      rescue: planSteps(inner, step.rescue),
      always: planSteps(inner, step.always),
    };
  } catch (e) {
    s.error = (e as Error).message;
  }
  const parts = s.block ? `${idOf(s.block.block)},${idOf(s.block.rescue)},${idOf(s.block.always)}` : '-';
  return w.intern.step(`${idOf(step)}|${s.key}|${s.become ? 1 : 0}|${s.skipIf?.length ?? -1}:${s.skipIf ?? ''}|${s.error?.length ?? -1}:${s.error ?? ''}|${parts}`, s);
}

function planStep(w: Walk, step: Step, loop?: { index: number; var: string; item: unknown }): PlanStep {
  const c = loop ? w.ctx.loopChild(step, step.vars, loop.var, loop.index, loop.item) : Object.keys(step.vars).length === 0 ? w.ctx : w.ctx.child(step.vars);
  const become = step.become ?? w.become;
  const key = stepKey(step.id, w.phaseIter, loop?.index);
  const share = shareKey(w, c, step, become);
  if (share === undefined) w.varies.n++;
  if (step.kind === 'block') {
    const memo = c.memo.get(step) as Map<string, PlanStep> | undefined;
    const hit = share === undefined ? undefined : memo?.get(share);
    if (hit) return hit;
    const before = w.varies.n;
    const s = planBlock(w, c, step, header(w, step, key, become));
    // Nothing inside varied between hosts: every host of the family gets this very block.
    if (share !== undefined && w.varies.n === before) {
      if (memo) memo.set(share, s);
      else c.memo.set(step, new Map([[share, s]]));
    }
    return s;
  }
  if (share === undefined) return renderAction(w, c, step, header(w, step, key, become));
  let memo = c.memo.get(step) as Map<string, PlanStep> | undefined;
  if (!memo) c.memo.set(step, (memo = new Map()));
  let s = memo.get(share);
  if (!s) memo.set(share, (s = renderAction(w, c, step, header(w, step, key, become))));
  return s;
}

/** The host's plan of these steps (loops expanded); equal lists are one shared array. */
export function planSteps(w: Walk, steps: Step[]): PlanStep[] {
  const out: PlanStep[] = [];
  for (const step of steps) {
    if (!step.loop) {
      out.push(planStep(w, step));
      continue;
    }
    // Loop items may differ between hosts: never part of a block planned once for all.
    w.varies.n++;
    // As before: a scope that cannot be built here is the phase's error, not the step's.
    const scope = w.scopes.scope(w.ctx.child(step.vars), w.host);
    let li;
    try {
      li = loopItems(w.input.templates, step.loop, scope, PLACEHOLDER);
    } catch (e) {
      const inner = planStep(w, step, { index: 0, var: step.loop.var, item: '⟨?⟩' });
      const error = (e as Error).message;
      out.push(w.intern.step(`err|${idOf(inner)}|${error}`, { ...inner, error }));
      continue;
    }
    if (li.kind === 'runtime') {
      const inner = planStep(w, step, { index: 0, var: step.loop.var, item: `⟨${step.loop.var}⟩` });
      const key = stepKey(step.id, w.phaseIter);
      out.push(w.intern.step(`rt|${idOf(inner)}|${key}|${li.text}`, { ...inner, key, loop: li.text }));
    } else {
      li.items.forEach((item, index) => out.push(planStep(w, step, { index, var: step.loop!.var, item })));
    }
  }
  return w.intern.list(out);
}
