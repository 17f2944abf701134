// Label and field selectors: the query-string forms (`app=web,tier!=db,env in (a,b)`,
// `spec.nodeName=w1`) and the LabelSelector objects PDBs and workloads carry.
import type { KObject, LabelSelector } from './types.js';

type Req = { key: string; op: 'eq' | 'ne' | 'in' | 'notin' | 'exists' | 'absent'; values: string[] };
export type Matcher = (labels: Record<string, string> | undefined) => boolean;

function splitTop(s: string): string[] {
  const out: string[] = [];
  let depth = 0, cur = '';
  for (const ch of s) {
    if (ch === '(') depth++;
    if (ch === ')') depth--;
    if (ch === ',' && depth === 0) { out.push(cur); cur = ''; } else cur += ch;
  }
  if (cur.trim()) out.push(cur);
  return out.map((x) => x.trim()).filter(Boolean);
}

/** Parse a labelSelector query; throws Error with the offending part on bad syntax. */
export function parseLabelSelector(q: string): Matcher {
  const reqs: Req[] = [];
  for (const part of splitTop(q)) {
    let m: RegExpExecArray | null;
    if ((m = /^([^\s!=]+)\s+(in|notin)\s+\(([^)]*)\)$/.exec(part))) reqs.push({ key: m[1]!, op: m[2] as 'in' | 'notin', values: m[3]!.split(',').map((v) => v.trim()).filter(Boolean) });
    else if ((m = /^([^\s!=]+)\s*!=\s*(\S*)$/.exec(part))) reqs.push({ key: m[1]!, op: 'ne', values: [m[2]!] });
    else if ((m = /^([^\s!=]+)\s*==?\s*(\S*)$/.exec(part))) reqs.push({ key: m[1]!, op: 'eq', values: [m[2]!] });
    else if ((m = /^!\s*([^\s!=]+)$/.exec(part))) reqs.push({ key: m[1]!, op: 'absent', values: [] });
    else if ((m = /^([^\s!=(),]+)$/.exec(part))) reqs.push({ key: m[1]!, op: 'exists', values: [] });
    else throw new Error(`unable to parse requirement: ${JSON.stringify(part)}`);
  }
  return (labels) => reqs.every((r) => matchReq(r, labels ?? {}));
}

function matchReq(r: Req, labels: Record<string, string>): boolean {
  const has = Object.prototype.hasOwnProperty.call(labels, r.key);
  const v = labels[r.key];
  switch (r.op) {
    case 'eq': return has && v === r.values[0];
    case 'ne': return !has || v !== r.values[0];
    case 'in': return has && r.values.includes(v!);
    case 'notin': return !has || !r.values.includes(v!);
    case 'exists': return has;
    case 'absent': return !has;
  }
}

/** A LabelSelector object; an empty selector matches everything, a missing one nothing (PDB rule). */
export function selectorMatcher(sel: LabelSelector | undefined): Matcher {
  if (!sel) return () => false;
  const reqs: Req[] = [];
  for (const [k, v] of Object.entries(sel.matchLabels ?? {})) reqs.push({ key: k, op: 'eq', values: [v] });
  for (const e of sel.matchExpressions ?? []) {
    const op = e.operator === 'In' ? 'in' : e.operator === 'NotIn' ? 'notin' : e.operator === 'Exists' ? 'exists' : 'absent';
    reqs.push({ key: e.key, op, values: e.values ?? [] });
  }
  return (labels) => reqs.every((r) => matchReq(r, labels ?? {}));
}

function fieldValue(obj: KObject, path: string): string | undefined {
  let cur: unknown = obj;
  for (const p of path.split('.')) {
    if (cur === null || typeof cur !== 'object') return undefined;
    cur = (cur as Record<string, unknown>)[p];
  }
  if (cur === undefined || cur === null) return '';
  return typeof cur === 'object' ? undefined : String(cur);
}

/** Parse a fieldSelector query (`spec.nodeName=w1,status.phase!=Succeeded`). */
export function parseFieldSelector(q: string): (obj: KObject) => boolean {
  const reqs = splitTop(q).map((part) => {
    const m = /^([\w.]+)\s*(==|=|!=)\s*(.*)$/.exec(part);
    if (!m) throw new Error(`invalid selector: ${JSON.stringify(part)}; can't understand`);
    return { path: m[1]!, ne: m[2] === '!=', value: m[3]! };
  });
  return (obj) => reqs.every((r) => (fieldValue(obj, r.path) === r.value) !== r.ne);
}
