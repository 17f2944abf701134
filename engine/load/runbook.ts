// loadRunbook: read a runbook and everything it imports/includes (YAML with positions), validate
// against schemas/runbook.schema.json, normalise (defaults applied here, once), inline imports
// and includes, assign stable step ids, and hash every source for resume's change check.
import { createHash } from 'node:crypto';
import { existsSync, statSync } from 'node:fs';
import { basename, dirname, isAbsolute, join, relative, resolve } from 'node:path';
import type { ActionCatalog } from '../model/action-spec.js';
import type { Problem } from '../model/errors.js';
import type { Phase, Runbook, Step, Template } from '../model/runbook.js';
import { packageRoot } from '../paths.js';
import { isMap, type FileUnit, type LoadCtx } from './context.js';
import { normalizeParams } from './params.js';
import { normPhases, type RawPhase } from './phases.js';
import { schemaProblems, schemaValidator } from './schema.js';
import { loadYaml } from './source.js';
import { checkTemplates, normSteps } from './steps.js';
import semver from 'semver';

export interface LoadRunbookOptions {
  actions: ActionCatalog;
}

function isFile(p: string): boolean {
  try {
    return existsSync(p) && statSync(p).isFile();
  } catch {
    return false;
  }
}

/** Resolve an import/include: next to the including file; `lib/…` also under the nearest runbooks/ and the package's runbooks/. */
export function resolveRef(from: string, rel: string): string | undefined {
  const direct = isAbsolute(rel) ? rel : resolve(dirname(from), rel);
  if (isFile(direct)) return direct;
  if (!rel.startsWith('lib/')) return undefined;
  for (let dir = dirname(from); ; dir = dirname(dir)) {
    if (basename(dir) === 'runbooks' && isFile(join(dir, rel))) return join(dir, rel);
    if (dirname(dir) === dir) break;
  }
  const pkg = join(packageRoot(), 'runbooks', rel);
  return isFile(pkg) ? pkg : undefined;
}

/** Every import/include path written in a file (to read them all before normalising). */
function refsOf(value: Record<string, unknown>): string[] {
  const out: string[] = [];
  const steps = (list: unknown): void => {
    if (!Array.isArray(list)) return;
    for (const s of list) {
      if (!isMap(s)) continue;
      if (typeof s['include'] === 'string') out.push(s['include']);
      for (const k of ['block', 'rescue', 'always']) steps(s[k]);
    }
  };
  if (Array.isArray(value['phases'])) {
    for (const p of value['phases']) {
      if (!isMap(p)) continue;
      if (typeof p['import'] === 'string') out.push(p['import']);
      steps(p['steps']);
    }
  }
  steps(value['steps']);
  return out;
}

async function readUnits(top: string, ctx: LoadCtx, sources: Map<string, string>): Promise<void> {
  const queue = [top];
  // Bounded: each file is read once; a runbook tree of more than 500 files is refused.
  while (queue.length) {
    const file = queue.shift()!;
    if (ctx.units.has(file)) continue;
    if (ctx.units.size >= 500) {
      ctx.problems.push({ pos: { file: ctx.display(file), line: 1, col: 1 }, message: 'more than 500 runbook files imported; is there a runaway include?' });
      return;
    }
    const r = await loadYaml(file, file === top ? 'runbook' : 'imported file', ctx.display(file));
    ctx.problems.push(...r.problems);
    if (r.text !== undefined) sources.set(file, createHash('sha256').update(r.text).digest('hex'));
    if (!r.source) {
      ctx.units.set(file, null);
      continue;
    }
    const src = r.source;
    const validate = schemaValidator('runbook');
    if (!isMap(src.value)) {
      ctx.problems.push({ pos: src.pos([]), message: 'a runbook is a map with phases: (or steps: for a step library)' });
      ctx.units.set(file, null);
      continue;
    }
    if (!validate(src.value)) ctx.problems.push(...schemaProblems(validate.errors, src, [], undefined, ''));
    const value = src.value;
    const hasPhases = 'phases' in value;
    const hasSteps = 'steps' in value;
    if (hasPhases && hasSteps) ctx.problems.push({ pos: src.keyPos(['steps']), message: 'a file has phases: (a runbook) or steps: (a step library), not both' });
    if (!hasPhases && !hasSteps) ctx.problems.push({ pos: src.pos([]), message: 'a runbook needs phases: (or steps: for a step library used with include:)' });
    const params = normalizeParams(src, value['params'], ctx.problems);
    const vars = isMap(value['vars']) ? (value['vars'] as Record<string, Template>) : {};
    for (const k of Object.keys(vars)) {
      if (k in params) ctx.problems.push({ pos: src.keyPos(['vars', k]), message: `vars: "${k}" is also a param; a var would hide the value a caller gives — rename one` });
    }
    ctx.units.set(file, { file, src, value, params, vars, kind: hasSteps && !hasPhases ? 'steps' : 'phases' });
    for (const rel of refsOf(value)) {
      const target = ctx.resolve(file, rel);
      if (target && !ctx.units.has(target)) queue.push(target);
    }
  }
}

/** Assign stable ids: p<phase>.s<step>, then .block.N / .rescue.N / .always.N (.include.N for included steps). */
function assignIds(steps: Step[], prefix: string): void {
  steps.forEach((s, i) => {
    s.id = `${prefix}${i}`;
    if (s.kind === 'block') {
      assignIds(s.block, `${s.id}.${s.from ? 'include' : 'block'}.`);
      assignIds(s.rescue, `${s.id}.rescue.`);
      assignIds(s.always, `${s.id}.always.`);
    }
  });
}

function dedupeSort(problems: Problem[]): Problem[] {
  const seen = new Set<string>();
  return problems
    .filter((p) => {
      const k = `${p.pos.file}:${p.pos.line}:${p.pos.col}:${p.message}`;
      if (seen.has(k)) return false;
      seen.add(k);
      return true;
    })
    .sort((a, b) => (a.pos.file === b.pos.file ? a.pos.line - b.pos.line || a.pos.col - b.pos.col : 0));
}

/**
 * Load, validate and normalise a runbook. Every problem is collected (each at FILE:LINE:COL);
 * `runbook` is set only when there are none.
 */
export async function loadRunbook(file: string, opts: LoadRunbookOptions): Promise<{ runbook?: Runbook; problems: Problem[] }> {
  const top = resolve(file);
  // Positions name files as the user wrote the top one: relative stays relative (to the cwd).
  const display = (f: string) => (f === top ? file : isAbsolute(file) ? f : relative(process.cwd(), f));
  const ctx: LoadCtx = { actions: opts.actions, problems: [], units: new Map(), resolve: resolveRef, display };
  const sources = new Map<string, string>();
  await readUnits(top, ctx, sources);
  const unit = ctx.units.get(top);
  // Positions name the file as the user wrote it when it is the top file.
  if (!unit) return { problems: dedupeSort(ctx.problems) };

  let raw: RawPhase[];
  if (unit.kind === 'phases') raw = normPhases(unit, ctx, [top]);
  else {
    // A step library validated on its own: its steps as one phase on all hosts.
    const steps = normSteps(unit, ctx, ['steps'], unit.value['steps'], [top]);
    raw = [{ name: basename(top), hosts: 'all', serial: [{ kind: 'count', n: 1 }], maxFailPercentage: 0, become: false, vars: {}, tags: [], steps, pos: unit.src.pos([]) }];
  }
  checkTemplates(unit, ctx, ['vars'], unit.vars, 'vars', {});
  const phases: Phase[] = raw.map((p, index) => ({ ...p, index }));
  for (const p of phases) assignIds(p.steps, `p${p.index}.s`);

  const groups = new Set<string>();
  const positions: Record<string, import('../model/errors.js').SourcePos> = {};
  let clusterVersion: string | undefined;
  for (const u of ctx.units.values()) {
    const req = u && isMap(u.value['requires']) ? u.value['requires'] : undefined;
    if (!u || !req) continue;
    if (Array.isArray(req['groups'])) {
      req['groups'].forEach((g, i) => {
        if (typeof g !== 'string' || groups.has(g)) return;
        positions[`requires.groups.${groups.size}`] = u.src.pos(['requires', 'groups', i]);
        groups.add(g);
      });
    }
    if (typeof req['cluster_version'] === 'string') {
      if (!semver.validRange(req['cluster_version'])) {
        ctx.problems.push({ pos: u.src.pos(['requires', 'cluster_version']), message: `requires.cluster_version: "${req['cluster_version']}" is not a version range like ">=1.30.0 <1.31.0"` });
      } else if (u === unit) clusterVersion = req['cluster_version'];
    }
  }
  const problems = dedupeSort(ctx.problems);
  if (problems.length) return { problems };
  const name = typeof unit.value['runbook'] === 'string' ? unit.value['runbook'] : basename(top).replace(/\.ya?ml$/, '');
  const runbook: Runbook = {
    file,
    name,
    params: unit.params,
    requires: { groups: [...groups], ...(clusterVersion ? { clusterVersion } : {}) },
    vars: unit.vars,
    phases,
    positions,
    sources: [...sources].map(([f, sha256]) => ({ file: f, sha256 })),
    // (sources keep absolute paths: resume compares them from any directory)
  };
  if (typeof unit.value['description'] === 'string') runbook.description = unit.value['description'];
  return { runbook, problems: [] };
}
