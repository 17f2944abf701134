// Normalising steps: exactly one action (or block/include), shorthand args expanded and checked
// against the action's schema, guards compiled, durations parsed, every default applied once.
import type { SourcePos } from '../model/errors.js';
import type { Loop, Step, Template } from '../model/runbook.js';
import { compileExpr, hasTemplate, TemplateError, templateRefs } from '../template/index.js';
import { ALWAYS_DEFINED, isMap, STEP_KEYS, type FileUnit, type LoadCtx } from './context.js';
import { parseDuration } from './duration.js';
import { bindWith, checkWith, layerVars } from './params.js';
import { argsValidator, schemaProblems } from './schema.js';
import type { DataPath } from './source.js';
import { didYouMean, nearest } from './suggest.js';

export const DEFAULT_TIMEOUT_MS = 600_000;
export const DEFAULT_DELAY_MS = 5_000;
/** Retries when `until` is given without `retries` (Ansible's default). */
export const DEFAULT_UNTIL_RETRIES = 3;

const stepKeys: ReadonlySet<string> = new Set(STEP_KEYS);

/** `when: [a, b]` → "(a) and (b)"; booleans become "true"/"false". */
export function exprText(v: unknown): string | undefined {
  if (typeof v === 'boolean') return String(v);
  if (typeof v === 'string') return v;
  if (Array.isArray(v)) return v.map((x) => `(${String(x)})`).join(' and ');
  return undefined;
}

/** Check an expression's syntax now, so a typo fails at validate, not mid-run. */
export function checkExpr(u: FileUnit, ctx: LoadCtx, path: DataPath, expr: string | undefined): void {
  if (expr === undefined) return;
  try {
    compileExpr(expr, u.src.textPos(path));
  } catch (e) {
    if (e instanceof TemplateError) ctx.problems.push(e.problem(u.src.pos(path)));
  }
}

/** Check every template string inside a value; record where each starts. */
export function checkTemplates(u: FileUnit, ctx: LoadCtx, path: DataPath, v: unknown, key: string, positions: Record<string, SourcePos>): void {
  if (typeof v === 'string') {
    if (!v.includes('{{')) return;
    const pos = u.src.textPos(path);
    positions[key] = pos;
    try {
      templateRefs(v, pos);
    } catch (e) {
      if (e instanceof TemplateError) ctx.problems.push(e.problem(pos));
    }
  } else if (Array.isArray(v)) v.forEach((x, i) => checkTemplates(u, ctx, [...path, i], x, `${key}.${i}`, positions));
  else if (isMap(v)) for (const [k, x] of Object.entries(v)) checkTemplates(u, ctx, [...path, k], x, `${key}.${k}`, positions);
}

function duration(u: FileUnit, ctx: LoadCtx, path: DataPath, v: unknown, dflt: number): number {
  if (v === undefined) return dflt;
  const ms = typeof v === 'string' || typeof v === 'number' ? parseDuration(v) : undefined;
  if (ms === undefined) return dflt; // the schema already reported it
  if (ms === 0 && path[path.length - 1] === 'timeout') {
    ctx.problems.push({ pos: u.src.pos(path), message: 'timeout must be more than 0 (every wait has a bound)' });
  }
  return ms;
}

function loopOf(r: Record<string, unknown>): Loop | undefined {
  if (r['loop'] === undefined) return undefined;
  return { items: r['loop'] as Template, var: typeof r['loop_var'] === 'string' ? r['loop_var'] : 'item' };
}

function tagsOf(v: unknown): string[] {
  return typeof v === 'string' ? [v] : Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : [];
}

/** Normalise a list of steps at `path` (ids are assigned later, once phases are flattened). */
export function normSteps(u: FileUnit, ctx: LoadCtx, path: DataPath, raw: unknown, stack: string[]): Step[] {
  if (!Array.isArray(raw)) return [];
  const out: Step[] = [];
  raw.forEach((r, i) => {
    const s = normStep(u, ctx, [...path, i], r, stack);
    if (s) out.push(s);
  });
  return out;
}

function normStep(u: FileUnit, ctx: LoadCtx, path: DataPath, raw: unknown, stack: string[]): Step | undefined {
  if (!isMap(raw)) return undefined; // schema reported it
  const src = u.src;
  const at = (k: string) => src.keyPos([...path, k]);
  const extra = Object.keys(raw).filter((k) => !stepKeys.has(k));
  const actions = extra.filter((k) => k in ctx.actions);
  for (const k of extra.filter((x) => !(x in ctx.actions))) {
    const asKey = nearest(k, STEP_KEYS);
    const asAction = nearest(k, Object.keys(ctx.actions));
    ctx.problems.push({
      pos: at(k),
      message: asKey && !asAction ? `unknown step key "${k}" (did you mean "${asKey}"?)` : `unknown action "${k}"${didYouMean(k, Object.keys(ctx.actions))}`,
    });
  }
  const structural = ['block', 'include'].filter((k) => k in raw);
  if (actions.length + structural.length > 1) {
    const second = [...actions, ...structural].sort((a, b) => at(a).line - at(b).line || at(a).col - at(b).col)[1]!;
    ctx.problems.push({ pos: at(second), message: `a step holds exactly one action, this one has ${[...actions, ...structural].map((k) => `"${k}"`).join(' and ')}; split it into separate steps` });
    return undefined;
  }
  if (actions.length + structural.length === 0) {
    if (extra.length === 0) ctx.problems.push({ pos: src.pos(path), message: `step has no action: add one action key (${Object.keys(ctx.actions).slice(0, 4).join(', ')}, … — \`runbook actions\` lists them), or block:/include:` });
    return undefined;
  }
  if (!('block' in raw)) {
    for (const k of ['rescue', 'always']) if (k in raw) ctx.problems.push({ pos: at(k), message: `"${k}" belongs to a block step; add block: or remove ${k}:` });
  }
  if ('with' in raw && !('include' in raw)) ctx.problems.push({ pos: at('with'), message: '"with" only goes with include: (use vars: for step variables)' });

  const positions: Record<string, SourcePos> = {};
  for (const k of ['when', 'unless', 'until'] as const) checkExpr(u, ctx, [...path, k], exprText(raw[k]));
  for (const k of ['name', 'skip_if', 'confirm', 'loop'] as const) checkTemplates(u, ctx, [...path, k], raw[k], k === 'skip_if' ? 'skipIf' : k, positions);
  for (const k of ['when', 'unless', 'until'] as const) if (raw[k] !== undefined) positions[k] = src.textPos([...path, k]);
  const vars = isMap(raw['vars']) ? (raw['vars'] as Record<string, Template>) : {};
  checkTemplates(u, ctx, [...path, 'vars'], vars, 'vars', positions);

  for (const k of ['register', 'loop_var'] as const) {
    const name = raw[k];
    if (typeof name === 'string' && (ALWAYS_DEFINED as readonly string[]).includes(name)) {
      ctx.problems.push({ pos: src.pos([...path, k]), message: `${k}: "${name}" is a built-in variable; choose another name` });
    }
  }
  const until = exprText(raw['until']);
  const retries = typeof raw['retries'] === 'number' ? raw['retries'] : until !== undefined ? DEFAULT_UNTIL_RETRIES : 0;
  const confirm = raw['confirm'] === true ? `Run "${String(raw['name'] ?? 'this step')}"?` : typeof raw['confirm'] === 'string' ? raw['confirm'] : undefined;
  const timeoutTemplate = typeof raw['timeout'] === 'string' && raw['timeout'].includes('{{') ? raw['timeout'] : undefined;
  checkTemplates(u, ctx, [...path, 'timeout'], timeoutTemplate, 'timeout', positions);
  const base = {
    id: '',
    name: typeof raw['name'] === 'string' ? raw['name'] : '',
    pos: src.pos(path),
    secret: raw['secret'] === true,
    retries,
    delayMs: duration(u, ctx, [...path, 'delay'], raw['delay'], DEFAULT_DELAY_MS),
    timeoutMs: duration(u, ctx, [...path, 'timeout'], raw['timeout'], DEFAULT_TIMEOUT_MS),
    ...(timeoutTemplate !== undefined ? { timeoutTemplate } : {}),
    tags: tagsOf(raw['tags']),
    ignoreErrors: raw['ignore_errors'] === true,
    idempotent: raw['idempotent'] === true,
    vars,
    positions,
    ...(exprText(raw['when']) !== undefined ? { when: exprText(raw['when']) } : {}),
    ...(exprText(raw['unless']) !== undefined ? { unless: exprText(raw['unless']) } : {}),
    ...(typeof raw['skip_if'] === 'string' ? { skipIf: raw['skip_if'] } : {}),
    ...(typeof raw['register'] === 'string' ? { register: raw['register'] } : {}),
    ...(until !== undefined ? { until } : {}),
    ...(confirm !== undefined ? { confirm } : {}),
    ...(typeof raw['become'] === 'boolean' ? { become: raw['become'] } : {}),
    ...(loopOf(raw) ? { loop: loopOf(raw) } : {}),
  };
  const changes = typeof raw['changes'] === 'boolean' ? raw['changes'] : undefined;

  if ('block' in raw) {
    const block = normSteps(u, ctx, [...path, 'block'], raw['block'], stack);
    const rescue = normSteps(u, ctx, [...path, 'rescue'], raw['rescue'], stack);
    const always = normSteps(u, ctx, [...path, 'always'], raw['always'], stack);
    if (Array.isArray(raw['block']) && raw['block'].length === 0) ctx.problems.push({ pos: src.pos([...path, 'block']), message: 'block has no steps' });
    const inner = [...block, ...rescue, ...always];
    return { ...base, name: base.name || 'block', kind: 'block', block, rescue, always, changes: changes ?? inner.some((s) => s.changes) };
  }
  if ('include' in raw) return normInclude(u, ctx, path, raw, base, changes, stack);

  const action = actions[0]!;
  const spec = ctx.actions[action]!;
  if (!base.name) ctx.problems.push({ pos: src.pos(path), message: `step "${action}" needs a name: (what it does, shown in plan and output)` });
  const args = normArgs(u, ctx, [...path, action], raw[action], action);
  checkTemplates(u, ctx, [...path, action], args === raw[action] ? args : raw[action], 'args', positions);
  if (typeof raw[action] !== 'object' && spec.shorthand && positions['args']) {
    positions[`args.${spec.shorthand}`] = positions['args'];
    delete positions['args'];
  }
  return { ...base, kind: 'action', action, args: args ?? {}, changes: changes ?? spec.changes };
}

/** Shorthand expansion and the action's own schema; template strings pass where a number/bool/duration is wanted. */
function normArgs(u: FileUnit, ctx: LoadCtx, path: DataPath, raw: unknown, action: string): Record<string, Template> | undefined {
  const spec = ctx.actions[action]!;
  let args: Record<string, Template>;
  if (raw === null || raw === undefined) args = {};
  else if (isMap(raw)) args = raw;
  else if (Array.isArray(raw)) {
    ctx.problems.push({ pos: u.src.pos(path), message: `${action}: arguments must be a map${spec.shorthand ? ` or a single ${spec.shorthand}` : ''}, not a list` });
    return undefined;
  } else if (spec.shorthand) args = { [spec.shorthand]: raw };
  else {
    ctx.problems.push({ pos: u.src.pos(path), message: `${action} takes a map of arguments (it has no shorthand form)` });
    return undefined;
  }
  const validate = argsValidator(spec.schema, action);
  if (!validate(args)) {
    const shorthand = !isMap(raw) && raw !== null && raw !== undefined;
    const skip = (p: Array<string | number>) => {
      let v: unknown = args;
      for (const s of p) v = isMap(v) || Array.isArray(v) ? (v as Record<string, unknown>)[s as string] : undefined;
      return typeof v === 'string' && hasTemplate(v);
    };
    // Problems inside shorthand args point at the scalar itself.
    const probs = schemaProblems(validate.errors, u.src, shorthand ? path : path, skip, `${action} arguments`);
    for (const p of probs) ctx.problems.push({ pos: p.pos, message: `${action}: ${p.message.replace(/^(args\.)?/, '')}` });
  }
  return args;
}

function normInclude(
  u: FileUnit,
  ctx: LoadCtx,
  path: DataPath,
  raw: Record<string, unknown>,
  base: Omit<Step, 'kind' | 'changes'> & { positions: Record<string, SourcePos> },
  changes: boolean | undefined,
  stack: string[],
): Step | undefined {
  const rel = String(raw['include']);
  const incPos = u.src.pos([...path, 'include']);
  const file = ctx.resolve(u.file, rel);
  if (!file) {
    ctx.problems.push({ pos: incPos, message: `include: no file "${rel}" (looked next to ${ctx.display(u.file)}${rel.startsWith('lib/') ? ' and in runbooks/lib/' : ''})` });
    return undefined;
  }
  if (stack.includes(file)) {
    ctx.problems.push({ pos: incPos, message: `include cycle: ${[...stack, file].map(ctx.display).join(' → ')}` });
    return undefined;
  }
  const target = ctx.units.get(file);
  if (!target) return undefined; // unreadable: reported with the target's own position
  if (target.kind !== 'steps') {
    ctx.problems.push({ pos: incPos, message: `include: ${rel} is a runbook with phases; include takes a step library (a file with steps:) — use import: at phase level` });
    return undefined;
  }
  const withValues = isMap(raw['with']) ? raw['with'] : {};
  checkWith(target.params, withValues, {
    keyPos: (k) => u.src.keyPos([...path, 'with', k]),
    valuePos: (k) => u.src.pos([...path, 'with', k]),
    usePos: incPos,
    raw: (k) => u.src.rawText([...path, 'with', k]),
    target: rel,
  }, ctx.problems);
  checkTemplates(u, ctx, [...path, 'with'], withValues, 'vars', base.positions);
  const block = normSteps(target, ctx, ['steps'], target.value['steps'], [...stack, file]);
  // The library's defaults and vars are bound here, below the caller's with: and the step's vars.
  const defaults: Record<string, Template> = {};
  for (const p of Object.values(target.params)) if (p.default !== undefined) defaults[p.name] = p.default as Template;
  const bound = bindWith(withValues, (k) => u.src.pos([...path, 'with', k]), ctx.problems);
  const vars = { ...layerVars({ ...defaults, ...target.vars }, bound), ...base.vars } as Record<string, Template>;
  return {
    ...base,
    name: base.name || `include ${rel}`,
    kind: 'block',
    block,
    rescue: [],
    always: [],
    vars,
    from: ctx.display(file),
    changes: changes ?? block.some((s) => s.changes),
  };
}
