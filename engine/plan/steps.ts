// Helpers shared by plan and exec for walking steps: journal keys, tag selection, loop items.
import type { Loop, Step } from '../model/runbook.js';
import type { TemplateEngine, RenderOptions } from './deps.js';

/**
 * The journal key of one execution of a step: its id, plus `#i` for the i-th iteration of a
 * looping phase and `[j]` for the j-th item of a looping step. Never contains '@' (STEP@HOST).
 */
export function stepKey(stepId: string, phaseIter?: number, loopIndex?: number): string {
  return `${stepId}${phaseIter !== undefined ? `#${phaseIter}` : ''}${loopIndex !== undefined ? `[${loopIndex}]` : ''}`;
}

export interface TagFilter {
  tags: string[];
  skipTags: string[];
}

/**
 * Whether a step with these (inherited + own) tags runs: `--skip-tags` wins; with `--tags`, a step
 * runs if it shares a tag or is tagged `always`; untagged steps run only without `--tags`.
 */
export function selectedByTags(stepTags: string[], f: TagFilter): boolean {
  if (stepTags.some((t) => f.skipTags.includes(t))) return false;
  if (!f.tags.length || f.tags.includes('all')) return true;
  return stepTags.includes('always') || stepTags.some((t) => f.tags.includes(t));
}

/** Whether any action step inside (a block's children included) is selected. */
export function anySelected(step: Step, inherited: string[], f: TagFilter): boolean {
  const tags = [...inherited, ...step.tags];
  if (step.kind === 'action') return selectedByTags(tags, f);
  if (tags.some((t) => f.skipTags.includes(t))) return false;
  return [...step.block, ...step.rescue, ...step.always].some((s) => anySelected(s, tags, f));
}

export type LoopItems = { kind: 'items'; items: unknown[] } | { kind: 'runtime'; text: string };

/**
 * The items of a `loop:`: a list (each item rendered), a template rendering to a list
 * (`"{{groups.workers}}"`), or a bare expression evaluated to a list. In placeholder mode a value
 * known only at run time gives 'runtime'.
 */
export function loopItems(t: TemplateEngine, loop: Loop, scope: Record<string, unknown>, opts: RenderOptions = {}): LoopItems {
  if (Array.isArray(loop.items)) return { kind: 'items', items: loop.items.map((i) => t.render(i, scope, opts)) };
  if (typeof loop.items !== 'string') throw new Error(`loop: expected a list or an expression, got ${JSON.stringify(loop.items)}`);
  const src = loop.items;
  let v: unknown;
  try {
    v = src.includes('{{') ? t.render(src, scope, opts) : t.evalExpr(src, scope);
  } catch (e) {
    if (opts.runtime === 'placeholder') return { kind: 'runtime', text: `⟨${src}⟩` };
    throw e;
  }
  if (opts.runtime === 'placeholder' && (v === undefined || (typeof v === 'string' && v.includes('⟨')) || t.runtimeLabel?.(v))) {
    return { kind: 'runtime', text: typeof v === 'string' ? v : `⟨${src}⟩` };
  }
  if (!Array.isArray(v)) throw new Error(`loop: ${src} is ${v === undefined ? 'undefined' : JSON.stringify(v)}, not a list`);
  return { kind: 'items', items: v };
}
