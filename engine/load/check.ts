// Checks that need the inventory and -e: required groups exist, phase patterns resolve,
// required params are given, and every template and guard reads only defined variables.
import { readFileSync } from 'node:fs';
import type { Problem, SourcePos } from '../model/errors.js';
import type { Inventory } from '../model/inventory.js';
import type { Phase, Runbook, Step } from '../model/runbook.js';
import { exprNames, HELPER_NAMES, render, runtimeLabel, runtimeValue, TemplateError, templateRefs } from '../template/index.js';
import { offsetPos } from '../template/errors.js';
import { ALWAYS_DEFINED, isMap } from './context.js';
import { paramValueProblem } from './params.js';
import { selectHosts } from './patterns.js';
import { readSerial } from './serial.js';
import { timeoutValue } from './duration.js';
import { didYouMean } from './suggest.js';

/** Names registered anywhere in the runbook (`register:`, and facts named by `set:`): run-time values. */
export function runtimeNames(rb: Runbook): Set<string> {
  const out = new Set<string>();
  const walk = (steps: Step[]) => {
    for (const s of steps) {
      if (s.register) out.add(s.register);
      if (s.kind === 'block') [s.block, s.rescue, s.always].forEach(walk);
      else if (s.action === 'set' && isMap(s.args)) {
        for (const [k, v] of Object.entries(s.args)) {
          out.add(k);
          if ((k === 'facts' || k === 'vars') && isMap(v)) for (const f of Object.keys(v)) out.add(f);
        }
      }
    }
  };
  for (const p of rb.phases) walk(p.steps);
  return out;
}

const texts = new Map<string, string[] | null>();
function fileLines(file: string): string[] | null {
  if (!texts.has(file)) {
    try {
      texts.set(file, readFileSync(file, 'utf8').split('\n'));
    } catch {
      texts.set(file, null);
    }
  }
  return texts.get(file)!;
}

/**
 * Where a variable of a template is in the file. Folded and multi-line scalars do not keep the
 * template's line breaks, so find the same occurrence of the text in the file from the start.
 */
function refPos(start: SourcePos | undefined, src: string, ref: { line: number; column: number; path: string }): SourcePos | undefined {
  if (!start) return undefined;
  if (!src.includes('\n') && ref.line === 1) {
    const direct = offsetPos(start, ref.line, ref.column);
    const lines = fileLines(start.file);
    if (!lines || lines[start.line - 1]?.slice(direct!.col - 1).startsWith(ref.path)) return direct;
  }
  const lines = fileLines(start.file);
  if (!lines) return offsetPos(start, ref.line, ref.column);
  const tLines = src.split('\n');
  const idx = tLines.slice(0, ref.line - 1).reduce((n, l) => n + l.length + 1, 0) + ref.column;
  let k = 0;
  for (let i = src.indexOf(ref.path); i >= 0 && i < idx; i = src.indexOf(ref.path, i + 1)) k++;
  for (let ln = start.line - 1, from = start.col - 1; ln < lines.length && ln < start.line + tLines.length * 2 + 50; ln++, from = 0) {
    let i = lines[ln]!.indexOf(ref.path, from);
    while (i >= 0) {
      if (k === 0) return { file: start.file, line: ln + 1, col: i + 1 };
      k--;
      i = lines[ln]!.indexOf(ref.path, i + 1);
    }
  }
  return offsetPos(start, ref.line, ref.column);
}

class Checker {
  readonly problems: Problem[] = [];
  constructor(private readonly rb: Runbook) {}

  template(v: unknown, pos: SourcePos | undefined, fallback: SourcePos, known: Set<string>): void {
    if (typeof v === 'string') {
      if (!v.includes('{{')) return;
      let refs;
      try {
        refs = templateRefs(v, pos);
      } catch (e) {
        if (e instanceof TemplateError) this.problems.push(e.problem(pos ?? fallback));
        return;
      }
      for (const h of refs.helpers) {
        if (!HELPER_NAMES.has(h.name)) this.problems.push({ pos: refPos(pos, v, h) ?? fallback, message: `unknown template helper "${h.name}"${didYouMean(h.name, HELPER_NAMES)}` });
      }
      for (const n of refs.names) {
        if (!known.has(n.name)) this.problems.push({ pos: refPos(pos, v, n) ?? fallback, message: undefinedMsg(n.path, n.name, known) });
      }
    } else if (Array.isArray(v)) v.forEach((x) => this.template(x, pos, fallback, known));
    else if (isMap(v)) for (const x of Object.values(v)) this.template(x, pos, fallback, known);
  }

  /** Templates inside a structure, each at its own recorded position (`key.sub.0`). */
  tree(v: unknown, key: string, positions: Record<string, SourcePos> | undefined, fallback: SourcePos, known: Set<string>): void {
    if (typeof v === 'string') this.template(v, positions?.[key], fallback, known);
    else if (Array.isArray(v)) v.forEach((x, i) => this.tree(x, `${key}.${i}`, positions, fallback, known));
    else if (isMap(v)) for (const [k, x] of Object.entries(v)) this.tree(x, `${key}.${k}`, positions, fallback, known);
  }

  expr(e: string | undefined, pos: SourcePos | undefined, fallback: SourcePos, known: Set<string>): void {
    if (e === undefined) return;
    try {
      for (const n of exprNames(e, pos)) {
        if (!known.has(n)) this.problems.push({ pos: pos ?? fallback, message: `${undefinedMsg(n, n, known)} in expression "${e}"` });
      }
    } catch (err) {
      if (err instanceof TemplateError) this.problems.push(err.problem(pos ?? fallback));
    }
  }

  steps(steps: Step[], outer: Set<string>): void {
    for (const s of steps) {
      const known = new Set(outer);
      if (s.loop) {
        this.tree(s.loop.items, 'loop', s.positions, s.pos, outer);
        known.add(s.loop.var);
      }
      // A step's vars see the scope around the step (and each other: they are rendered together).
      for (const k of Object.keys(s.vars)) known.add(k);
      this.tree(s.vars, 'vars', s.positions, s.pos, known);
      this.template(s.name, s.positions?.['name'], s.pos, known);
      this.expr(s.when, s.positions?.['when'], s.pos, known);
      this.expr(s.unless, s.positions?.['unless'], s.pos, known);
      this.expr(s.until, s.positions?.['until'], s.pos, new Set([...known, 'result']));
      this.template(s.skipIf, s.positions?.['skipIf'], s.pos, known);
      this.template(s.confirm, s.positions?.['confirm'], s.pos, known);
      this.template(s.timeoutTemplate, s.positions?.['timeout'], s.pos, known);
      if (s.kind === 'block') [s.block, s.rescue, s.always].forEach((l) => this.steps(l, known));
      else {
        this.tree(s.args, 'args', s.positions, s.pos, known);
        if (s.action === 'assert') {
          const that = s.args['that'];
          for (const e of Array.isArray(that) ? that : [that]) if (typeof e === 'string' && !e.includes('{{')) this.expr(e, s.positions?.['args.that'], s.pos, known);
        }
      }
    }
  }

  phase(p: Phase, base: Set<string>): void {
    const known = new Set(base);
    if (p.loop) {
      this.tree(p.loop.items, 'loop', p.positions, p.pos, base);
      known.add(p.loop.var);
    }
    for (const k of Object.keys(p.vars)) known.add(k);
    this.tree(p.vars, 'vars', p.positions, p.pos, known);
    this.template(p.hosts, p.positions?.['hosts'], p.pos, known);
    this.template(p.name, p.positions?.['name'], p.pos, known);
    if (p.serialTemplate !== undefined) this.template(p.serialTemplate, p.positions?.['serial'], p.pos, known);
    this.expr(p.when, p.positions?.['when'], p.pos, known);
    this.steps(p.steps, known);
    void this.rb;
  }
}

function undefinedMsg(path: string, name: string, known: Set<string>): string {
  return `undefined variable "${path}"${didYouMean(name, known)} — not a param, var, inventory var, -e value or registered result`;
}

/**
 * What a value rendered before the run still lacks: 'run-time' when it holds a stand-in (a host
 * var, a registered result), 'template' when it holds a var's own unrendered template (vars
 * are rendered together only when the run builds its scopes), else undefined.
 */
function unknownYet(v: unknown): 'run-time' | 'template' | undefined {
  if ((typeof v === 'string' && v.includes('⟨')) || runtimeLabel(v) !== undefined) return 'run-time';
  return typeof v === 'string' && v.includes('{{') ? 'template' : undefined;
}

/**
 * A templated `serial` rendered from what is known before any host runs (params, -e, inventory
 * `all` vars): a value that is no batch size, or one that would come from a host var or a
 * registered result, is reported now rather than when the phase starts.
 */
function checkSerial(c: Checker, p: Phase, scope: Record<string, unknown>): void {
  const pos = p.positions?.['serial'] ?? p.pos;
  let v: unknown;
  try {
    v = render(p.serialTemplate, { ...scope, ...p.vars }, { pos, runtime: 'placeholder' });
  } catch {
    return; // reported by the template checks
  }
  const yet = unknownYet(v);
  if (yet === 'template') return;
  const r = yet
    ? { error: `${p.serialTemplate} is known only when hosts run (a host var or registered result); batches are cut before that: give it with -e, a param default or an inventory \`vars:\` entry` }
    : readSerial(v);
  if ('error' in r) c.problems.push({ pos, message: `phase "${p.name}": serial: ${r.error}` });
}

/**
 * Templated step timeouts that read only what is known before the run (params, -e, inventory
 * `all` vars): one that is no duration is reported now, not when its step starts half-way
 * through the upgrade. One that reads a host var or a registered result is checked on the host.
 */
function checkTimeouts(c: Checker, steps: Step[], scope: Record<string, unknown>): void {
  for (const s of steps) {
    const inner = Object.keys(s.vars).length ? { ...scope, ...s.vars } : scope;
    if (s.timeoutTemplate !== undefined) {
      const pos = s.positions?.['timeout'] ?? s.pos;
      try {
        const v = render(s.timeoutTemplate, inner, { pos, runtime: 'placeholder' });
        const r = unknownYet(v) ? 0 : timeoutValue(v);
        if (typeof r !== 'number') c.problems.push({ pos, message: `step "${s.name}": ${r.error}` });
      } catch {
        /* reported by the template checks */
      }
    }
    if (s.kind === 'block') [s.block, s.rescue, s.always].forEach((l) => checkTimeouts(c, l, inner));
  }
}

/**
 * Validate a runbook against an inventory and -e values. Every problem is an error. A phase whose
 * pattern names existing but empty groups selects no hosts and is not an error (plan shows it as
 * skipped); a pattern naming a group or host that does not exist is.
 */
export function checkRunbookAgainstInventory(rb: Runbook, inv: Inventory, extraVars: Record<string, unknown>): Problem[] {
  const top = { file: rb.file, line: 1, col: 1 };
  const c = new Checker(rb);
  rb.requires.groups.forEach((g, i) => {
    if (!inv.groups[g]) {
      c.problems.push({ pos: rb.positions?.[`requires.groups.${i}`] ?? top, message: `the runbook requires group "${g}", which ${inv.file} does not have${didYouMean(g, Object.keys(inv.groups))}` });
    }
  });
  const hostVarNames = new Set(inv.hosts.flatMap((h) => Object.keys(h.vars)));
  for (const p of Object.values(rb.params)) {
    if (p.name in extraVars) {
      const why = paramValueProblem(p, extraVars[p.name]);
      if (why) c.problems.push({ pos: p.pos, message: `-e ${p.name}: ${why}` });
      continue;
    }
    const everyHost = inv.hosts.length > 0 && inv.hosts.every((h) => p.name in h.vars);
    if (p.required && p.default === undefined && !(p.name in inv.vars) && !everyHost) {
      c.problems.push({ pos: p.pos, message: `param "${p.name}" is required: give it with -e ${p.name}=… or as an inventory var` });
    }
  }
  const base = new Set<string>([
    ...ALWAYS_DEFINED, ...Object.keys(rb.params), ...Object.keys(rb.vars), ...Object.keys(inv.vars),
    ...hostVarNames, ...Object.keys(extraVars), ...runtimeNames(rb),
  ]);
  c.tree(rb.vars, 'vars', undefined, top, base);
  // Phase patterns: rendered with what is known before any host runs.
  const scope: Record<string, unknown> = { ...inv.vars, ...extraVars };
  for (const p of Object.values(rb.params)) if (p.default !== undefined && !(p.name in scope)) scope[p.name] = p.default;
  for (const [k, v] of Object.entries(rb.vars)) if (!(k in scope)) scope[k] = v;
  for (const n of base) if (!(n in scope)) scope[n] = runtimeValue(n);
  for (const p of rb.phases) {
    const before = c.problems.length;
    c.phase(p, base);
    if (c.problems.length > before) continue;
    if (p.serialTemplate !== undefined) checkSerial(c, p, scope);
    checkTimeouts(c, p.steps, { ...scope, ...p.vars });
    let pattern = p.hosts;
    if (p.hosts.includes('{{')) {
      try {
        const r = render(p.hosts, { ...scope, ...p.vars }, { pos: p.positions?.['hosts'] ?? p.pos, runtime: 'placeholder' });
        if (typeof r !== 'string' || r.includes('⟨')) continue; // decided at run time
        pattern = r;
      } catch {
        continue; // reported by the template checks or decided at run time
      }
    }
    const sel = selectHosts(pattern, inv);
    if (sel.problem) c.problems.push({ pos: p.positions?.['hosts'] ?? p.pos, message: `phase "${p.name}": hosts: ${sel.problem}` });
  }
  return c.problems;
}
