// The `assert` action: every expression in `that` must be true over the step's variables
// (same expression library as when/unless). Read-only, so it runs under --check.
import type { Action, ActionResult } from './action.js';

export interface AssertArgs {
  that: string | string[];
  fail_msg?: string;
  success_msg?: string;
}

export const assert: Action<AssertArgs> = {
  name: 'assert',
  summary: 'Check that expressions hold (e.g. node_count > 2); fails with fail_msg otherwise',
  shorthand: 'that',
  changes: false,
  schema: {
    type: 'object',
    required: ['that'],
    additionalProperties: false,
    properties: {
      that: { oneOf: [{ type: 'string', minLength: 1 }, { type: 'array', items: { type: 'string', minLength: 1 }, minItems: 1 }] },
      fail_msg: { type: 'string' },
      success_msg: { type: 'string' },
    },
  },
  describe(a) {
    const list = Array.isArray(a.that) ? a.that : [a.that];
    return `assert ${list.join(' and ')}`;
  },
  async run(ctx, a): Promise<ActionResult> {
    const list = Array.isArray(a.that) ? a.that : [a.that];
    if (!ctx.evaluate) throw new Error('assert: the executor gave no expression evaluator — this is a bug');
    for (const expr of list) {
      let v: unknown;
      try {
        v = ctx.evaluate(expr);
      } catch (e) {
        return { status: 'failed', message: `cannot evaluate ${JSON.stringify(expr)}: ${(e as Error).message}`, data: { failed_expr: expr } };
      }
      if (!v) {
        const msg = a.fail_msg ?? `assertion failed: ${expr}`;
        return { status: 'failed', message: msg, data: { failed_expr: expr, msg } };
      }
    }
    return { status: 'ok', message: a.success_msg, data: { msg: a.success_msg ?? 'all assertions passed' } };
  },
};
