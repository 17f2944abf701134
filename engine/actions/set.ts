// The `set` action: set variables (facts) for the host; later steps see them above registered
// results. Changes nothing outside the run, so it runs under --check.
import type { Action, ActionResult } from './action.js';

export const set: Action<Record<string, unknown>> = {
  name: 'set',
  summary: 'Set variables for this host for the rest of the run (Ansible set_fact)',
  changes: false,
  schema: { type: 'object', minProperties: 1, additionalProperties: true, propertyNames: { pattern: '^[A-Za-z_][A-Za-z0-9_]*$' } },
  describe(a) {
    return `set ${Object.entries(a).map(([k, v]) => `${k}=${typeof v === 'string' ? v : JSON.stringify(v)}`).join(' ')}`;
  },
  async run(_ctx, a): Promise<ActionResult> {
    return { status: 'ok', data: { ...a }, facts: { ...a } };
  },
};
