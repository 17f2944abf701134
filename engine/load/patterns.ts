// Host patterns as Ansible users write them: all, group, host, group[0], group[1:3], a:b (union),
// a:!b (minus), a:&b (intersection), globs (web*), ~regex; --limit intersects. Inventory order.
import type { Inventory } from '../model/inventory.js';
import { didYouMean } from './suggest.js';

type Term = { op: 'union' | 'and' | 'not'; text: string };

/** Split on `:` and `,` outside brackets (so `g[1:3]` stays whole). */
function split(pattern: string): string[] | string {
  const out: string[] = [];
  let cur = '';
  let depth = 0;
  for (const ch of pattern) {
    if (ch === '[') depth++;
    if (ch === ']') depth--;
    if (depth < 0) return `unbalanced "]" in "${pattern}"`;
    if ((ch === ':' || ch === ',') && depth === 0) {
      out.push(cur.trim());
      cur = '';
    } else cur += ch;
  }
  if (depth !== 0) return `unbalanced "[" in "${pattern}"`;
  out.push(cur.trim());
  return out;
}

function globRe(glob: string): RegExp {
  return new RegExp(`^${glob.replace(/[.+^${}()|\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.')}$`);
}

/** The hosts one term names, or why it names none. */
function resolveTerm(text: string, inv: Inventory): { hosts: string[]; problem?: string } {
  const names = inv.hosts.map((h) => h.name);
  const sub = text.startsWith('~') ? null : /^(.+?)\[(-?\d*)(?::(-?\d*))?\]$/.exec(text);
  let base = text;
  let slice: [number, number | undefined] | undefined;
  if (sub) {
    base = sub[1]!;
    if (sub[2] === '' && sub[3] === undefined) return { hosts: [], problem: `"${text}": empty index` };
    const start = sub[2] === '' ? 0 : Number(sub[2]);
    // Ansible's subscripts: [i] one host, [i:j] i through j inclusive, [i:] to the end.
    slice = sub[3] === undefined ? [start, start] : [start, sub[3] === '' ? undefined : Number(sub[3])];
  } else if (/[[\]]/.test(text) && !text.startsWith('~')) {
    return { hosts: [], problem: `"${text}": a subscript is [N], [N:M], [N:] or [:M] with whole numbers` };
  }
  let hosts: string[];
  if (base.startsWith('~')) {
    let re: RegExp;
    try {
      re = new RegExp(base.slice(1));
    } catch (e) {
      return { hosts: [], problem: `"${base}": bad regular expression: ${(e as Error).message}` };
    }
    hosts = names.filter((n) => re.test(n));
  } else if (base === 'all' || base === '*') hosts = names;
  else if (inv.groups[base]) hosts = inv.groups[base]!.hosts;
  else if (names.includes(base)) hosts = [base];
  else if (base === 'localhost' || base === '127.0.0.1') hosts = ['localhost'];
  else if (/[*?]/.test(base)) {
    const re = globRe(base);
    const set = new Set(names.filter((n) => re.test(n)));
    for (const g of Object.values(inv.groups)) if (re.test(g.name)) for (const h of g.hosts) set.add(h);
    hosts = names.filter((n) => set.has(n));
  } else {
    return { hosts: [], problem: `no group or host named "${base}"${didYouMean(base, [...Object.keys(inv.groups), ...names])}` };
  }
  if (slice) {
    const [s, e] = slice;
    const n = hosts.length;
    const from = s < 0 ? n + s : s;
    const to = e === undefined ? n - 1 : e < 0 ? n + e : e;
    if (from < 0 || from >= n) return { hosts: [], problem: `"${text}": index ${s} is out of range (${base} has ${n} host${n === 1 ? '' : 's'})` };
    hosts = hosts.slice(from, Math.min(to, n - 1) + 1);
  }
  return { hosts };
}

function evaluate(pattern: string, inv: Inventory): { hosts: string[]; problem?: string } {
  if (!pattern.trim()) return { hosts: [], problem: 'empty host pattern' };
  const parts = split(pattern);
  if (typeof parts === 'string') return { hosts: [], problem: parts };
  const terms: Term[] = [];
  for (const p of parts) {
    if (!p) return { hosts: [], problem: `empty term in host pattern "${pattern}" (two separators in a row?)` };
    if (p.startsWith('!')) terms.push({ op: 'not', text: p.slice(1) });
    else if (p.startsWith('&')) terms.push({ op: 'and', text: p.slice(1) });
    else terms.push({ op: 'union', text: p });
    if (!terms[terms.length - 1]!.text) return { hosts: [], problem: `"${p}" needs a group or host after it` };
  }
  // Like Ansible: unions first, then intersections, then exclusions; only & and ! means all first.
  const order = [...terms.filter((t) => t.op === 'union'), ...terms.filter((t) => t.op === 'and'), ...terms.filter((t) => t.op === 'not')];
  if (!order.some((t) => t.op === 'union')) order.unshift({ op: 'union', text: 'all' });
  let set = new Set<string>();
  for (const t of order) {
    const r = resolveTerm(t.text, inv);
    if (r.problem) return { hosts: [], problem: r.problem };
    if (t.op === 'union') for (const h of r.hosts) set.add(h);
    else if (t.op === 'and') {
      const keep = new Set(r.hosts);
      set = new Set([...set].filter((h) => keep.has(h)));
    }
    else for (const h of r.hosts) set.delete(h);
  }
  const order2 = inv.hosts.map((h) => h.name);
  const out = order2.filter((n) => set.has(n));
  if (set.has('localhost') && !order2.includes('localhost')) out.push('localhost');
  return { hosts: out };
}

/**
 * The hosts a pattern selects, in inventory order, intersected with `limit` when given. An
 * unknown name or a malformed pattern gives `problem` (and no hosts); a pattern over empty
 * groups gives no hosts and no problem.
 */
export function selectHosts(pattern: string, inv: Inventory, limit?: string): { hosts: string[]; problem?: string } {
  const r = evaluate(pattern, inv);
  if (r.problem || limit === undefined || limit === '') return r;
  const l = evaluate(limit, inv);
  if (l.problem) return { hosts: [], problem: `--limit: ${l.problem}` };
  const allowed = new Set(l.hosts);
  return { hosts: r.hosts.filter((h) => allowed.has(h)) };
}
