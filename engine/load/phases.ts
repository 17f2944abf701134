// Normalising phases: serial forms, failure threshold, become, vars and tags applied once;
// `import:` inlines another runbook's phases with its params bound from `with:`.
import type { SourcePos } from '../model/errors.js';
import type { Phase, SerialEntry, Step, Template } from '../model/runbook.js';
import { isMap, type FileUnit, type LoadCtx } from './context.js';
import { bindWith, checkWith, layerVars } from './params.js';
import { serialEntry } from './serial.js';
import type { DataPath } from './source.js';
import { checkExpr, checkTemplates, exprText, normSteps } from './steps.js';

/** A phase before its index and step ids are assigned. */
export type RawPhase = Omit<Phase, 'index'>;

const IMPORT_KEYS = new Set(['import', 'with', 'when', 'tags', 'name']);

function serialOf(u: FileUnit, ctx: LoadCtx, path: DataPath, v: unknown): SerialEntry[] {
  const one = (x: unknown, p: DataPath): SerialEntry | undefined => {
    const e = serialEntry(x);
    if (!('error' in e)) return e;
    // Other shapes were reported by the schema; a percentage out of range is only caught here.
    if (typeof x === 'string' && x.includes('%')) ctx.problems.push({ pos: u.src.pos(p), message: `serial: ${e.error}` });
    return undefined;
  };
  if (v === undefined || (typeof v === 'string' && v.includes('{{'))) return [{ kind: 'count', n: 1 }];
  const list = Array.isArray(v) ? v.map((x, i) => one(x, [...path, i])) : [one(v, path)];
  const ok = list.filter((x): x is SerialEntry => !!x);
  return ok.length ? ok : [{ kind: 'count', n: 1 }];
}

function tagsOf(v: unknown): string[] {
  return typeof v === 'string' ? [v] : Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : [];
}

/** Add tags to every step, depth first (phase and import tags apply to all their steps). */
function addTags(steps: Step[], tags: string[]): void {
  if (!tags.length) return;
  for (const s of steps) {
    s.tags = [...new Set([...tags, ...s.tags])];
    if (s.kind === 'block') for (const l of [s.block, s.rescue, s.always]) addTags(l, tags);
  }
}

/** Normalise the phases of a runbook file (recursing into imports). */
export function normPhases(u: FileUnit, ctx: LoadCtx, stack: string[]): RawPhase[] {
  const raw = u.value['phases'];
  if (!Array.isArray(raw)) return [];
  const out: RawPhase[] = [];
  raw.forEach((r, i) => {
    if (!isMap(r)) return;
    const path = ['phases', i];
    if ('import' in r) out.push(...importPhases(u, ctx, path, r, stack));
    else {
      const p = normPhase(u, ctx, path, r, stack);
      if (p) out.push(p);
    }
  });
  return out;
}

function normPhase(u: FileUnit, ctx: LoadCtx, path: DataPath, r: Record<string, unknown>, stack: string[]): RawPhase | undefined {
  const src = u.src;
  let ok = true;
  for (const k of ['name', 'hosts', 'steps']) {
    if (r[k] === undefined) {
      ctx.problems.push({ pos: src.pos(path), message: `phase needs "${k}:"${k === 'steps' ? ' (the steps to run)' : k === 'hosts' ? ' (a host pattern such as all or workers:!gpu)' : ''}` });
      ok = false;
    }
  }
  if ('with' in r) ctx.problems.push({ pos: src.keyPos([...path, 'with']), message: '"with" only goes with import: (use vars: for phase variables)' });
  if (Array.isArray(r['steps']) && r['steps'].length === 0) ctx.problems.push({ pos: src.pos([...path, 'steps']), message: 'phase has no steps' });
  const positions: Record<string, SourcePos> = {};
  checkTemplates(u, ctx, [...path, 'hosts'], r['hosts'], 'hosts', positions);
  if (r['hosts'] !== undefined) positions['hosts'] = src.textPos([...path, 'hosts']);
  checkTemplates(u, ctx, [...path, 'name'], r['name'], 'name', positions);
  checkTemplates(u, ctx, [...path, 'loop'], r['loop'], 'loop', positions);
  const serialTemplate = typeof r['serial'] === 'string' && r['serial'].includes('{{') ? r['serial'] : undefined;
  checkTemplates(u, ctx, [...path, 'serial'], serialTemplate, 'serial', positions);
  const vars = isMap(r['vars']) ? (r['vars'] as Record<string, Template>) : {};
  checkTemplates(u, ctx, [...path, 'vars'], vars, 'vars', positions);
  const when = exprText(r['when']);
  checkExpr(u, ctx, [...path, 'when'], when);
  if (when !== undefined) positions['when'] = src.textPos([...path, 'when']);
  const steps = normSteps(u, ctx, [...path, 'steps'], r['steps'], stack);
  const tags = tagsOf(r['tags']);
  addTags(steps, tags);
  if (!ok) return undefined;
  const mfp = r['max_fail_percentage'];
  return {
    name: String(r['name']),
    hosts: Array.isArray(r['hosts']) ? r['hosts'].map(String).join(':') : String(r['hosts']),
    serial: serialOf(u, ctx, [...path, 'serial'], r['serial']),
    ...(serialTemplate !== undefined ? { serialTemplate } : {}),
    maxFailPercentage: typeof mfp === 'number' ? mfp : 0,
    ...(r['preflight'] === true ? { preflight: true } : {}),
    become: r['become'] === true,
    vars,
    tags,
    steps,
    pos: src.pos(path),
    positions,
    ...(when !== undefined ? { when } : {}),
    ...(r['loop'] !== undefined ? { loop: { items: r['loop'] as Template, var: typeof r['loop_var'] === 'string' ? r['loop_var'] : 'item' } } : {}),
  };
}

function importPhases(u: FileUnit, ctx: LoadCtx, path: DataPath, r: Record<string, unknown>, stack: string[]): RawPhase[] {
  const src = u.src;
  for (const k of Object.keys(r)) {
    if (!IMPORT_KEYS.has(k)) ctx.problems.push({ pos: src.keyPos([...path, k]), message: `"${k}" cannot go with import: (allowed: ${[...IMPORT_KEYS].join(', ')}); set it in the imported file or pass a param` });
  }
  const rel = String(r['import']);
  const at = src.pos([...path, 'import']);
  const file = ctx.resolve(u.file, rel);
  if (!file) {
    ctx.problems.push({ pos: at, message: `import: no file "${rel}" (looked next to ${ctx.display(u.file)}${rel.startsWith('lib/') ? ' and in runbooks/lib/' : ''})` });
    return [];
  }
  if (stack.includes(file)) {
    ctx.problems.push({ pos: at, message: `import cycle: ${[...stack, file].map(ctx.display).join(' → ')}` });
    return [];
  }
  const target = ctx.units.get(file);
  if (!target) return [];
  if (target.kind !== 'phases') {
    ctx.problems.push({ pos: at, message: `import: ${rel} is a step library (steps:); include it inside a phase's steps with include:` });
    return [];
  }
  const withValues = isMap(r['with']) ? r['with'] : {};
  checkWith(target.params, withValues, {
    keyPos: (k) => src.keyPos([...path, 'with', k]),
    valuePos: (k) => src.pos([...path, 'with', k]),
    usePos: at,
    raw: (k) => src.rawText([...path, 'with', k]),
    target: rel,
  }, ctx.problems);
  const positions: Record<string, SourcePos> = {};
  checkTemplates(u, ctx, [...path, 'with'], withValues, 'vars', positions);
  const when = exprText(r['when']);
  checkExpr(u, ctx, [...path, 'when'], when);
  if (when !== undefined) positions['when'] = src.textPos([...path, 'when']);
  const bound = bindWith(withValues, (k) => src.pos([...path, 'with', k]), ctx.problems);
  const defaults: Record<string, unknown> = {};
  for (const p of Object.values(target.params)) if (p.default !== undefined) defaults[p.name] = p.default;
  const layer = layerVars({ ...defaults, ...target.vars }, bound) as Record<string, Template>;
  const tags = tagsOf(r['tags']);
  return normPhases(target, ctx, [...stack, file]).map((p) => {
    addTags(p.steps, tags);
    const w = when === undefined ? p.when : p.when === undefined ? when : `(${when}) and (${p.when})`;
    return {
      ...p,
      vars: { ...layer, ...p.vars },
      tags: [...new Set([...tags, ...p.tags])],
      positions: { ...positions, ...p.positions },
      from: p.from ?? ctx.display(file),
      ...(w !== undefined ? { when: w } : {}),
    };
  });
}
