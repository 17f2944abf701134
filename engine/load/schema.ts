// JSON Schema validation of runbooks, inventories and action arguments; every error becomes a
// Problem at the FILE:LINE:COL of the offending key or value, in plain words. Validators come
// from the code generated at build time (scripts/build-validators.mjs) when it was generated
// from the very same schema (a stale or missing file is never wrong, only slower), else ajv
// compiles the schema here (schema-compile.ts).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { ErrorObject, ValidateFunction } from 'ajv';
import type { Problem } from '../model/errors.js';
import { packageRoot } from '../paths.js';
import { compileSchema, schemaKey } from './schema-compile.js';
import type { DataPath, YamlSource } from './source.js';
import { didYouMean } from './suggest.js';

/** Validators generated at build time, by schemaKey; none before a build. */
const generated: Record<string, ValidateFunction> = await (async () => {
  // Found from the package root: this module may run from dist/engine/load/ or the CLI bundle.
  const url = pathToFileURL(join(packageRoot(), 'dist', 'engine', 'load', 'validators.generated.js')).href;
  try {
    return ((await import(url)) as { byKey: Record<string, ValidateFunction> }).byKey;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ERR_MODULE_NOT_FOUND') return {};
    throw e;
  }
})();

function validatorFor(schema: object): ValidateFunction {
  return generated[schemaKey(schema)] ?? compileSchema(schema);
}

const compiled = new Map<string, ValidateFunction>();

/** The validator of schemas/NAME.schema.json, compiled once. */
export function schemaValidator(name: 'runbook' | 'inventory'): ValidateFunction {
  let v = compiled.get(name);
  if (!v) {
    const schema = JSON.parse(readFileSync(join(packageRoot(), 'schemas', `${name}.schema.json`), 'utf8')) as object;
    v = validatorFor(schema);
    compiled.set(name, v);
  }
  return v;
}

/** A validator for an action's argument schema (cached by schema object). */
const bySchema = new WeakMap<object, ValidateFunction>();
export function argsValidator(schema: Record<string, unknown>, action = '?'): ValidateFunction {
  let v = bySchema.get(schema);
  if (!v) {
    try {
      v = validatorFor(schema);
    } catch (e) {
      throw new Error(`the argument schema of action "${action}" does not compile (${(e as Error).message}) — this is a bug in that action`);
    }
    bySchema.set(schema, v);
  }
  return v;
}

function segments(instancePath: string): Array<string | number> {
  if (!instancePath) return [];
  return instancePath
    .slice(1)
    .split('/')
    .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'))
    .map((s) => (/^\d+$/.test(s) ? Number(s) : s));
}

function kind(v: unknown): string {
  if (v === null) return 'nothing (null)';
  if (Array.isArray(v)) return 'a list';
  if (typeof v === 'object') return 'a map';
  if (typeof v === 'string') return `the string "${v.length > 40 ? `${v.slice(0, 37)}...` : v}"`;
  return `${typeof v === 'number' ? 'the number' : 'the value'} ${String(v)}`;
}

const ARTICLE: Record<string, string> = {
  string: 'a string', integer: 'a whole number', number: 'a number', boolean: 'true or false',
  object: 'a map', array: 'a list', null: 'nothing',
};

function jsonType(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'array';
  if (typeof v === 'number') return Number.isInteger(v) ? 'integer' : 'number';
  return typeof v === 'object' ? 'object' : typeof v;
}

function typesOf(schema: Record<string, unknown>): string[] {
  const t = schema['type'];
  return Array.isArray(t) ? t.map(String) : typeof t === 'string' ? [t] : [];
}

/** "a whole number or a duration like 30s" from a list of alternative schemas. */
function describeAlts(alts: unknown): string {
  if (!Array.isArray(alts)) return 'one of the allowed forms';
  const parts = (alts as Array<Record<string, unknown>>).map((a) => {
    if (a['format'] === 'duration') return 'a duration like "30s" or "5m"';
    if (typeof a['format'] === 'string') return `a ${a['format']}`;
    if (Array.isArray(a['enum'])) return a['enum'].map((x) => JSON.stringify(x)).join(', ');
    return typesOf(a).map((t) => ARTICLE[t] ?? t).join(' or ') || 'another form';
  });
  return [...new Set(parts)].join(' or ');
}

function keyName(path: Array<string | number>): string {
  for (let i = path.length - 1; i >= 0; i--) {
    const s = path[i];
    if (typeof s === 'string') return path.slice(i).map((x) => (typeof x === 'number' ? `[${x}]` : x)).join('').replace(/^(.)/, '$1');
  }
  return 'the document';
}

/**
 * Turn ajv errors into problems. `base` prefixes every instance path (for args checked inside
 * a step); `skip` drops errors at paths whose value is a template (decided at run time).
 */
export function schemaProblems(
  errors: ErrorObject[] | null | undefined,
  src: YamlSource,
  base: DataPath = [],
  skip?: (path: Array<string | number>) => boolean,
  context = '',
): Problem[] {
  if (!errors?.length) return [];
  // An anyOf/oneOf failure explains itself ("must be X or Y") and its alternatives' errors are
  // dropped — unless the value's type fits exactly one alternative: then that one's errors say more.
  const unions = errors.filter((e) => e.keyword === 'anyOf' || e.keyword === 'oneOf');
  const keepBranch = new Map<ErrorObject, string>();
  for (const u of unions) {
    const alts = Array.isArray(u.schema) ? (u.schema as Array<Record<string, unknown>>) : [];
    const t = jsonType(u.data);
    const fits = alts.map((a, i) => [a, i] as const).filter(([a]) => typesOf(a).some((x) => x === t || (x === 'number' && t === 'integer')));
    if (fits.length === 1) keepBranch.set(u, `${u.schemaPath}/${fits[0]![1]}/`);
  }
  const kept = errors.filter((e) => {
    if (keepBranch.has(e)) return false;
    return !unions.some((u) => u !== e && e.schemaPath.startsWith(`${u.schemaPath}/`) && e.instancePath.startsWith(u.instancePath) && !e.schemaPath.startsWith(keepBranch.get(u) ?? '\0'));
  });
  const out: Problem[] = [];
  const seen = new Set<string>();
  for (const e of kept) {
    if (e.keyword === 'if' || e.keyword === 'then') continue;
    const rel = segments(e.instancePath);
    if (skip?.(rel)) continue;
    const path = [...base, ...rel];
    const name = keyName(path);
    const ps = (e.parentSchema ?? {}) as Record<string, unknown>;
    let pos = src.pos(path);
    let message: string;
    switch (e.keyword) {
      case 'additionalProperties': {
        const key = String((e.params as { additionalProperty: string }).additionalProperty);
        const props = Object.keys((ps['properties'] as Record<string, unknown>) ?? {});
        pos = src.keyPos([...path, key]);
        message = `unknown key "${key}"${context ? ` in ${context}` : ''}${didYouMean(key, props) || (props.length ? ` (expected one of: ${props.join(', ')})` : '')}`;
        break;
      }
      case 'required':
        message = `missing required key "${(e.params as { missingProperty: string }).missingProperty}"${context ? ` in ${context}` : ''}`;
        break;
      case 'type': {
        const t = (e.params as { type: string | string[] }).type;
        const want = (Array.isArray(t) ? t : String(t).split(',')).map((x) => ARTICLE[x] ?? x).join(' or ');
        message = `${name} must be ${want}, not ${kind(e.data)}`;
        break;
      }
      case 'enum': {
        const allowed = (e.params as { allowedValues: unknown[] }).allowedValues.map(String);
        message = `${name} must be one of ${allowed.map((a) => `"${a}"`).join(', ')}, not ${kind(e.data)}${didYouMean(String(e.data), allowed)}`;
        break;
      }
      case 'anyOf':
      case 'oneOf':
        message = `${name} must be ${String(ps['x-expect'] ?? describeAlts(e.schema))}, not ${kind(e.data)}`;
        break;
      case 'pattern':
        message = `${name}: ${kind(e.data)} is not ${String(ps['x-expect'] ?? `of the form /${String((e.params as { pattern: string }).pattern)}/`)}`;
        break;
      case 'propertyNames':
        continue; // reported by the nested `pattern` error with the name itself
      case 'minimum':
      case 'maximum':
      case 'exclusiveMinimum':
      case 'exclusiveMaximum':
        message = `${name} ${e.message ?? 'is out of range'}, not ${String(e.data)}`;
        break;
      case 'minLength':
        message = `${name} must not be empty`;
        break;
      case 'minItems':
        message = `${name} must not be an empty list`;
        break;
      case 'format':
        message = `${name}: ${kind(e.data)} is not a valid ${(e.params as { format: string }).format}`;
        break;
      default:
        message = `${name} ${e.message ?? 'is invalid'}`;
    }
    // propertyNames errors point at a key: report at the key, naming it.
    if (e.propertyName !== undefined) {
      pos = src.keyPos([...path, e.propertyName]);
      message = `"${e.propertyName}" is not ${String(ps['x-expect'] ?? 'a valid name')}`;
    }
    const k = `${pos.line}:${pos.col}:${message}`;
    if (seen.has(k)) continue;
    seen.add(k);
    out.push({ pos, message });
  }
  return out;
}
