// Typed parameters: normalising `params:` declarations and checking values given for them
// (an import's `with:`, -e, inventory vars, defaults) against type and pattern.
import type { Problem, SourcePos } from '../model/errors.js';
import type { ParamSpec, ParamType } from '../model/runbook.js';
import { hasTemplate, templateRefs } from '../template/index.js';
import { parseDuration } from './duration.js';
import { readSerial } from './serial.js';
import type { YamlSource } from './source.js';
import { didYouMean, nearest } from './suggest.js';

const VERSION = /^v?\d+\.\d+(\.\d+)?([-+][0-9A-Za-z.-]+)?$/;

/** Why a value does not fit a param, or undefined if it fits. Template strings fit (checked at run time). */
export function paramValueProblem(spec: Pick<ParamSpec, 'name' | 'type' | 'pattern'>, v: unknown, written?: string): string | undefined {
  if (typeof v === 'string' && hasTemplate(v)) return undefined;
  const what = `param "${spec.name}" (${spec.type})`;
  const got = Array.isArray(v) ? 'a list' : v === null ? 'nothing' : typeof v === 'object' ? 'a map' : `${typeof v} ${JSON.stringify(v)}`;
  switch (spec.type) {
    case 'string':
      if (typeof v !== 'string') return `${what} must be a string, got ${got}`;
      break;
    case 'int':
      if (typeof v !== 'number' || !Number.isInteger(v)) return `${what} must be a whole number, got ${got}`;
      break;
    case 'number':
      if (typeof v !== 'number') return `${what} must be a number, got ${got}`;
      break;
    case 'bool':
      if (typeof v !== 'boolean') return `${what} must be true or false, got ${got}`;
      break;
    case 'version':
      if (typeof v === 'number') return `${what}: ${written ?? v} is read as the number ${v}; quote it ("${written ?? v}") so a version like 1.30 stays 1.30`;
      if (typeof v !== 'string' || !VERSION.test(v.trim())) return `${what} must be a version like 1.31.4, got ${got}`;
      break;
    case 'duration':
      if ((typeof v !== 'string' && typeof v !== 'number') || parseDuration(v) === undefined) return `${what} must be a duration like 30s, 5m or 1h30m, got ${got}`;
      break;
    case 'serial': {
      const r = readSerial(v);
      if ('error' in r) return `${what}: ${r.error} (or a ramp list such as [1, "25%"])`;
      break;
    }
    case 'list':
      if (!Array.isArray(v)) return `${what} must be a list, got ${got}`;
      break;
    case 'map':
      if (!v || typeof v !== 'object' || Array.isArray(v)) return `${what} must be a map, got ${got}`;
      break;
  }
  if (spec.pattern && (typeof v === 'string' || typeof v === 'number')) {
    let re: RegExp;
    try {
      re = new RegExp(spec.pattern);
    } catch {
      return undefined; // reported where the param is declared
    }
    if (!re.test(String(v))) return `${what}: "${String(v)}" does not match the pattern ${spec.pattern}`;
  }
  return undefined;
}

/** Normalise a file's `params:` (already schema-checked); problems for bad defaults and patterns. */
export function normalizeParams(src: YamlSource, raw: unknown, problems: Problem[]): Record<string, ParamSpec> {
  const out: Record<string, ParamSpec> = {};
  if (!raw || typeof raw !== 'object' || Array.isArray(raw)) return out;
  for (const [name, def] of Object.entries(raw as Record<string, unknown>)) {
    if (!def || typeof def !== 'object') continue;
    const d = def as Record<string, unknown>;
    const spec: ParamSpec = {
      name,
      type: (typeof d['type'] === 'string' ? d['type'] : 'string') as ParamType,
      required: d['required'] === true,
      pos: src.keyPos(['params', name]),
    };
    if (d['default'] !== undefined) spec.default = d['default'];
    if (typeof d['pattern'] === 'string') spec.pattern = d['pattern'];
    if (typeof d['description'] === 'string') spec.description = d['description'];
    if (spec.pattern !== undefined) {
      try {
        new RegExp(spec.pattern);
      } catch (e) {
        problems.push({ pos: src.pos(['params', name, 'pattern']), message: `param "${name}": invalid pattern: ${(e as Error).message}` });
      }
    }
    if (spec.required && spec.default !== undefined) {
      problems.push({ pos: src.keyPos(['params', name, 'required']), message: `param "${name}" is required and has a default; drop one of them` });
    }
    if (spec.default !== undefined) {
      const why = paramValueProblem(spec, spec.default, src.rawText(['params', name, 'default']));
      if (why) problems.push({ pos: src.pos(['params', name, 'default']), message: `default of ${why}` });
    }
    out[name] = spec;
  }
  return out;
}

/** Check an import's or include's `with:` against the target's params. */
export function checkWith(
  params: Record<string, ParamSpec>,
  withValues: Record<string, unknown>,
  at: { keyPos: (k: string) => SourcePos; valuePos: (k: string) => SourcePos; usePos: SourcePos; target: string; raw?: (k: string) => string | undefined },
  problems: Problem[],
): void {
  const misspelt = new Set<string>();
  for (const [k, v] of Object.entries(withValues)) {
    const spec = params[k];
    if (!spec) {
      const known = Object.keys(params);
      const near = nearest(k, known);
      if (near) misspelt.add(near);
      problems.push({
        pos: at.keyPos(k),
        message: `${at.target} has no param "${k}"${didYouMean(k, known) || (known.length ? ` (its params: ${known.join(', ')})` : ' (it declares no params)')}`,
      });
      continue;
    }
    const why = paramValueProblem(spec, v, at.raw?.(k));
    if (why) problems.push({ pos: at.valuePos(k), message: why });
  }
  for (const spec of Object.values(params)) {
    if (spec.required && !(spec.name in withValues) && !misspelt.has(spec.name)) {
      problems.push({ pos: at.usePos, message: `${at.target} needs param "${spec.name}" (${spec.type}); add it under with:` });
    }
  }
}

/**
 * The `with:` values to bind as variables. A pass-through like `version: "{{version}}"` is dropped:
 * the inlined steps already see the caller's `version`, and binding it would make the variable
 * refer to itself. Any other self-reference ("v{{version}}") is a problem.
 */
export function bindWith(
  withValues: Record<string, unknown>,
  valuePos: (k: string) => SourcePos,
  problems: Problem[],
): { bound: Record<string, unknown>; passthrough: Set<string> } {
  const out: Record<string, unknown> = {};
  const passthrough = new Set<string>();
  for (const [k, v] of Object.entries(withValues)) {
    if (typeof v === 'string' && v.includes('{{')) {
      const bare = v.replace(/\s+/g, '');
      if (bare === `{{${k}}}` || bare === `{{{${k}}}}`) {
        passthrough.add(k);
        continue;
      }
      let refs: string[] = [];
      try {
        refs = templateRefs(v).names.map((n) => n.name);
      } catch {
        // a syntax error is reported where the template is checked
      }
      if (refs.includes(k)) {
        problems.push({ pos: valuePos(k), message: `with: "${k}" refers to itself ("${v}"); the inlined steps see the caller's variables, so bind it under another name or pass it through as "{{${k}}}"` });
        continue;
      }
    }
    out[k] = v;
  }
  return { bound: out, passthrough };
}

/** Library defaults and vars, less the names the caller passes through, then the caller's bindings. */
export function layerVars(lower: Record<string, unknown>, w: { bound: Record<string, unknown>; passthrough: Set<string> }): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(lower)) if (!w.passthrough.has(k)) out[k] = v;
  return { ...out, ...w.bound };
}
