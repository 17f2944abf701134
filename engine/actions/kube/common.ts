// Helpers shared by the Kubernetes actions: argument coercion (rendered templates arrive as
// strings), durations, deadline-bounded sleeps through ctx.clock, and label selectors.
import { parseDuration as loadDuration } from '../../load/duration.js';
import type { ActionContext } from '../action.js';
import type { LabelSelector } from '../../ports/kube.js';

/** "300s", "5m", "1h30m", "250ms" or a number of milliseconds (the project's one duration syntax,
 *  engine/load/duration.ts) → milliseconds; anything else is an error naming the argument. */
export function parseDuration(v: unknown, what: string): number {
  const ms = typeof v === 'number' || typeof v === 'string' ? loadDuration(v) : undefined;
  if (ms === undefined) throw new Error(`${what}: "${String(v)}" is not a duration (like 300s, 5m, 1h30m)`);
  return ms;
}

export function optDuration(v: unknown, what: string): number | undefined {
  return v === undefined || v === null || v === '' ? undefined : parseDuration(v, what);
}

export function toBool(v: unknown, dflt: boolean): boolean {
  if (v === undefined || v === null || v === '') return dflt;
  if (typeof v === 'boolean') return v;
  return /^(true|yes|1|on)$/i.test(String(v));
}

export function toInt(v: unknown, dflt: number, what: string): number {
  if (v === undefined || v === null || v === '') return dflt;
  const n = Number(v);
  if (!Number.isInteger(n)) throw new Error(`${what}: "${String(v)}" is not an integer`);
  return n;
}

/** The earlier of the step's deadline and now + ms. */
export function deadlineFor(ctx: ActionContext, ms: number | undefined): number {
  return ms === undefined ? ctx.deadline : Math.min(ctx.deadline, ctx.clock.now() + ms);
}

/** Sleep ms, but never past the deadline; false when the deadline has been reached. */
export async function sleepUntil(ctx: ActionContext, ms: number, deadline: number): Promise<boolean> {
  const left = deadline - ctx.clock.now();
  if (left <= 0) return false;
  await ctx.clock.sleep(Math.min(ms, left), ctx.signal);
  return ctx.clock.now() < deadline;
}

/** metav1.LabelSelector semantics: {} matches everything; requirements are ANDed. */
export function selectorMatches(sel: LabelSelector | null | undefined, labels: Record<string, string>): boolean {
  if (!sel) return false;
  for (const [k, v] of Object.entries(sel.matchLabels ?? {})) if (labels[k] !== v) return false;
  for (const r of sel.matchExpressions ?? []) {
    const has = Object.prototype.hasOwnProperty.call(labels, r.key);
    const val = labels[r.key];
    switch (r.operator) {
      case 'In':
        if (!has || !(r.values ?? []).includes(val!)) return false;
        break;
      case 'NotIn':
        if (has && (r.values ?? []).includes(val!)) return false;
        break;
      case 'Exists':
        if (!has) return false;
        break;
      case 'DoesNotExist':
        if (has) return false;
        break;
      default:
        return false;
    }
  }
  return true;
}

/** "a=b,c!=d,e" style selector string → a matcher (the subset kubectl -l accepts most). */
export function parseSelectorString(s: string): LabelSelector {
  const sel: LabelSelector = { matchLabels: {}, matchExpressions: [] };
  // Commas inside "in (a,b)" belong to the value list, not the requirement list.
  for (const part of s.split(/,(?![^()]*\))/).map((p) => p.trim()).filter(Boolean)) {
    let m: RegExpExecArray | null;
    if ((m = /^([^!=\s]+)\s*!=\s*(.*)$/.exec(part))) sel.matchExpressions!.push({ key: m[1]!, operator: 'NotIn', values: [m[2]!] });
    else if ((m = /^([^!=\s]+)\s*==?\s*(.*)$/.exec(part))) sel.matchLabels![m[1]!] = m[2]!;
    else if ((m = /^([^\s]+)\s+(in|notin)\s*\((.*)\)$/.exec(part))) sel.matchExpressions!.push({ key: m[1]!, operator: m[2] === 'in' ? 'In' : 'NotIn', values: m[3]!.split(/\s*,\s*/) });
    else if ((m = /^!(\S+)$/.exec(part))) sel.matchExpressions!.push({ key: m[1]!, operator: 'DoesNotExist' });
    else sel.matchExpressions!.push({ key: part, operator: 'Exists' });
  }
  return sel;
}

export const podRef = (p: { namespace: string; name: string }) => `${p.namespace}/${p.name}`;

/** Seconds, for messages: 1234 → "1.2s". */
export const secs = (ms: number) => `${(ms / 1000).toFixed(ms < 10_000 ? 1 : 0)}s`;

/** JSON Schema fragments. Template strings ("{{x}}") pass the loader's check and are coerced here
 *  after rendering; literal values must already be right. */
export const durationSchema = { anyOf: [{ type: 'string', pattern: '^\\s*(\\d+|(\\d+(\\.\\d+)?(ms|s|m|h|d))+)\\s*$' }, { type: 'number', minimum: 0 }] };
export const boolSchema = { anyOf: [{ type: 'boolean' }, { type: 'string', pattern: '^(true|false|yes|no)$' }] };
export const intSchema = { anyOf: [{ type: 'integer' }, { type: 'string', pattern: '^-?\\d+$' }] };
