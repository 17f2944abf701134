// Ansible INI inventories as they are: [group], [group:children], [group:vars], host lines with
// key=value settings, host ranges (web[01:03]), `host:port`, comments — positions on every token.
import type { Problem, SourcePos } from '../model/errors.js';
import type { Inventory } from '../model/inventory.js';
import { ansibleSettings, plainSettings, type PosValue } from './inventory-ansible-vars.js';
import { InventoryBuilder } from './inventory-build.js';

interface Token {
  text: string;
  col: number;
}

/** Split a line like shlex: whitespace-separated, quotes group, `#` after whitespace starts a comment. */
function tokens(line: string): Token[] {
  const out: Token[] = [];
  let i = 0;
  while (i < line.length) {
    while (i < line.length && /\s/.test(line[i]!)) i++;
    if (i >= line.length || line[i] === '#' || line[i] === ';') break;
    const start = i;
    let text = '';
    while (i < line.length && !/\s/.test(line[i]!)) {
      const q = line[i];
      if (q === '"' || q === "'") {
        const end = line.indexOf(q, i + 1);
        text += q + (end < 0 ? line.slice(i + 1) : line.slice(i + 1, end)) + q;
        i = end < 0 ? line.length : end + 1;
      } else text += line[i++];
    }
    out.push({ text, col: start + 1 });
  }
  return out;
}

/** An INI value as Ansible reads it: quoted → string, numbers, True/False → booleans, else the text. */
export function iniValue(raw: string): unknown {
  const t = raw.trim();
  if (/^(".*"|'.*')$/.test(t)) return t.slice(1, -1);
  if (/^-?\d+$/.test(t)) return Number(t);
  if (/^-?\d+\.\d+$/.test(t)) return Number(t);
  if (t === 'True' || t === 'true') return true;
  if (t === 'False' || t === 'false') return false;
  return t;
}

/** web[01:03].x → web01.x, web02.x, web03.x; [a:c] letters; [1:9:2] with a step. */
export function expandRange(pattern: string): string[] | string {
  const m = /^(.*?)\[([0-9a-zA-Z]+):([0-9a-zA-Z]+)(?::(\d+))?\](.*)$/.exec(pattern);
  if (!m) return [pattern];
  const [, pre, a, b, stepText, post] = m as unknown as [string, string, string, string, string | undefined, string];
  const step = stepText ? Number(stepText) : 1;
  const rest = expandRange(post);
  if (typeof rest === 'string') return rest;
  const out: string[] = [];
  if (/^\d+$/.test(a) && /^\d+$/.test(b)) {
    const width = a.startsWith('0') ? a.length : 0;
    if (Number(b) < Number(a)) return `range [${a}:${b}] goes backwards`;
    if ((Number(b) - Number(a)) / step > 10000) return `range [${a}:${b}] is over 10000 hosts`;
    for (let n = Number(a); n <= Number(b); n += step) for (const r of rest) out.push(`${pre}${String(n).padStart(width, '0')}${r}`);
  } else if (/^[a-z]$/i.test(a) && /^[a-z]$/i.test(b)) {
    for (let c = a.charCodeAt(0); c <= b.charCodeAt(0); c += step) for (const r of rest) out.push(`${pre}${String.fromCharCode(c)}${r}`);
  } else return `range [${a}:${b}] mixes numbers and letters`;
  return out;
}

/** Parse an Ansible INI inventory. */
export function readIni(file: string, text: string): { inventory?: Inventory; problems: Problem[] } {
  const b = new InventoryBuilder(file, 'ansible-ini');
  const problems = b.problems;
  const groupVars = new Map<string, Record<string, PosValue>>();
  let section: { name: string; kind: 'hosts' | 'vars' | 'children' } = { name: 'ungrouped', kind: 'hosts' };
  const lines = text.split(/\r?\n/);
  lines.forEach((line, idx) => {
    const lineNo = idx + 1;
    const at = (col: number): SourcePos => ({ file, line: lineNo, col });
    const trimmed = line.trim();
    if (!trimmed || trimmed.startsWith('#') || trimmed.startsWith(';')) return;
    const head = /^\s*\[([^\]]*)\]\s*(?:[#;].*)?$/.exec(line);
    if (head) {
      const [name, kind, ...more] = head[1]!.trim().split(':');
      const col = line.indexOf('[') + 2;
      if (!name || more.length || (kind !== undefined && kind !== 'vars' && kind !== 'children')) {
        problems.push({ pos: at(col), message: `section [${head[1]}] is not [group], [group:vars] or [group:children]` });
        section = { name: '\0bad', kind: 'hosts' };
        return;
      }
      if (!/^[A-Za-z0-9_.-]+$/.test(name)) problems.push({ pos: at(col), message: `group name "${name}" may only hold letters, digits, _ . -` });
      section = { name, kind: (kind ?? 'hosts') as 'hosts' | 'vars' | 'children' };
      b.group(name, at(col));
      return;
    }
    if (trimmed.startsWith('[')) {
      problems.push({ pos: at(line.indexOf('[') + 1), message: 'section header is missing its closing "]"' });
      return;
    }
    if (section.name === '\0bad') return;
    if (section.kind === 'vars') {
      const eq = line.indexOf('=');
      const col = line.search(/\S/) + 1;
      if (eq < 0) {
        problems.push({ pos: at(col), message: `[${section.name}:vars] lines are key=value, not "${trimmed}"` });
        return;
      }
      const key = line.slice(0, eq).trim();
      if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(key)) {
        problems.push({ pos: at(col), message: `"${key}" is not a variable name` });
        return;
      }
      const valueCol = eq + 2 + (line.slice(eq + 1).length - line.slice(eq + 1).trimStart().length);
      const vars = groupVars.get(section.name) ?? {};
      vars[key] = { value: iniValue(line.slice(eq + 1).replace(/\s+[#;].*$/, '')), pos: at(valueCol) };
      groupVars.set(section.name, vars);
      return;
    }
    const toks = tokens(line);
    if (!toks.length) return;
    if (section.kind === 'children') {
      if (toks.length > 1) problems.push({ pos: at(toks[1]!.col), message: `[${section.name}:children] lines name one group each` });
      b.group(toks[0]!.text, at(toks[0]!.col));
      b.child(section.name, toks[0]!.text, at(toks[0]!.col));
      return;
    }
    const [first, ...rest] = toks as [Token, ...Token[]];
    const vars: Record<string, PosValue> = {};
    for (const t of rest) {
      const eq = t.text.indexOf('=');
      if (eq <= 0) {
        problems.push({ pos: at(t.col), message: `expected key=value after the host name, got "${t.text}"` });
        continue;
      }
      vars[t.text.slice(0, eq)] = { value: iniValue(t.text.slice(eq + 1)), pos: at(t.col + eq + 1) };
    }
    let name = first.text;
    const portM = /^([^:[\]]+):(\d+)$/.exec(name) ?? /^\[([^\]]+)\]:(\d+)$/.exec(name);
    if (portM) {
      name = portM[1]!;
      if (!vars['ansible_port']) vars['ansible_port'] = { value: Number(portM[2]), pos: at(first.col + portM[1]!.length + 1) };
    }
    const names = expandRange(name);
    if (typeof names === 'string') {
      problems.push({ pos: at(first.col), message: `host pattern "${name}": ${names}` });
      return;
    }
    const settings = ansibleSettings(vars, problems);
    const written = Object.fromEntries(Object.entries(vars).map(([k, v]) => [k, { value: v.value, key: k, pos: v.pos }]));
    for (const n of names) b.host(section.name === 'ungrouped' ? undefined : section.name, n, at(first.col), settings, written);
  });
  for (const [g, vars] of groupVars) {
    const grp = b.group(g, vars[Object.keys(vars)[0]!]!.pos);
    grp.vars = Object.fromEntries(Object.entries(vars).map(([k, v]) => [k, v.value]));
    grp.settings = plainSettings(ansibleSettings(vars, problems));
  }
  const inventory = b.finish();
  return problems.length ? { problems } : { inventory, problems };
}
