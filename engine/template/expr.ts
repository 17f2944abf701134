// Guard expressions (`when`, `unless`, `until`, assert): bare jexl expressions — a safe,
// well-kept expression language, never eval. Adds Python/Ansible-style `and`, `or`, `not`
// and version comparisons.
import { Jexl, type Expression, type JexlAst } from 'jexl';
import semver from 'semver';
import type { SourcePos } from '../model/errors.js';
import { TemplateError } from './errors.js';
import type { Scope } from './render.js';
import { runtimeLabel, RuntimeValueError } from './runtime.js';

const jexl = new Jexl();
jexl.addBinaryOp('and', 10, (l, r) => (l as Lazy).eval().then((a) => (a ? (r as Lazy).eval() : a)), true);
jexl.addBinaryOp('or', 10, (l, r) => (l as Lazy).eval().then((a) => (a ? a : (r as Lazy).eval())), true);
jexl.addUnaryOp('not', (r) => !r);
// jexl 2.3's addUnaryOp stores `weight` where the parser reads `precedence`; set it so `not`
// binds like Python's: `not a == b` is not(a == b), `not a and b` is (not a) and b.
jexl._grammar.elements['not']!.precedence = 15;

interface Lazy {
  eval(): { then(f: (v: unknown) => unknown): unknown };
}

/** "v1.31.4", "1.31" → a semver string ("1.31.0"); undefined if it is not a version. */
function sv(v: unknown): string | undefined {
  if (v === undefined || v === null) return undefined;
  return semver.coerce(String(v))?.version;
}
function cmp(a: unknown, b: unknown): number | undefined {
  const x = sv(a);
  const y = sv(b);
  return x && y ? semver.compare(x, y) : undefined;
}

const fns: Record<string, (...a: unknown[]) => unknown> = {
  version_gte: (a, b) => (cmp(a, b) ?? -1) >= 0,
  version_gt: (a, b) => (cmp(a, b) ?? -1) > 0,
  version_lt: (a, b) => (cmp(a, b) ?? 1) < 0,
  version_lte: (a, b) => (cmp(a, b) ?? 1) <= 0,
  version_eq: (a, b) => cmp(a, b) === 0,
  semver_satisfies: (v, range) => {
    const x = sv(v);
    return !!x && semver.satisfies(x, String(range));
  },
  minor: (v) => {
    const x = sv(v);
    return x ? x.split('.').slice(0, 2).join('.') : undefined;
  },
  length: (v) => (typeof v === 'string' || Array.isArray(v) ? v.length : v && typeof v === 'object' ? Object.keys(v).length : 0),
  lower: (v) => String(v ?? '').toLowerCase(),
  upper: (v) => String(v ?? '').toUpperCase(),
  int: (v) => Number.parseInt(String(v), 10),
  trim: (v) => String(v ?? '').trim(),
  default: (v, d) => (v === undefined || v === null || v === '' ? d : v),
  contains: (v, x) => (typeof v === 'string' ? v.includes(String(x)) : Array.isArray(v) ? v.includes(x) : false),
  startswith: (v, x) => String(v ?? '').startsWith(String(x)),
};
for (const [name, fn] of Object.entries(fns)) {
  jexl.addFunction(name, fn);
  jexl.addTransform(name, fn);
}

/** Names callable in expressions, as `f(x)` or `x|f`. */
export const EXPR_FUNCTIONS: readonly string[] = Object.keys(fns);

const cache = new Map<string, Expression>();

/** Compile an expression; a syntax error becomes a TemplateError at pos. */
export function compileExpr(expr: string, pos?: SourcePos): Expression {
  const hit = cache.get(expr);
  if (hit) return hit;
  if (/\{\{/.test(expr)) throw new TemplateError(`guards are bare expressions: write \`${expr.replace(/\{\{\s*|\s*\}\}/g, '')}\`, without {{ }}`, pos);
  let c: Expression;
  try {
    c = jexl.compile(expr);
  } catch (e) {
    throw new TemplateError(`expression syntax error in "${expr}": ${(e as Error).message}`, pos);
  }
  if (cache.size > 5000) cache.clear();
  cache.set(expr, c);
  return c;
}

/** The variables an expression reads at its top level (`result` in `result.rc == 0`). */
export function exprNames(expr: string, pos?: SourcePos): string[] {
  const out = new Set<string>();
  const walk = (n: unknown): void => {
    if (!n || typeof n !== 'object') return;
    if (Array.isArray(n)) return n.forEach(walk);
    const node = n as JexlAst;
    if (node.type === 'Identifier' && !node['from'] && !node['relative']) out.add(String(node['value']));
    for (const [k, v] of Object.entries(node)) if (k !== 'type') walk(v);
  };
  walk(compileExpr(expr, pos)._ast);
  return [...out];
}

/**
 * Evaluate an expression against a scope. An unknown name is an error (like strict templates);
 * a name bound to a run-time stand-in throws RuntimeValueError (plan shows "decided at run time").
 */
export function evalExpr(expr: string, scope: Scope, pos?: SourcePos): unknown {
  const c = compileExpr(expr, pos);
  for (const name of exprNames(expr, pos)) {
    if (!(name in scope)) throw new TemplateError(`undefined variable "${name}" in expression "${expr}"`, pos);
    const label = runtimeLabel(scope[name]);
    if (label) throw new RuntimeValueError(label);
  }
  try {
    return c.evalSync(scope);
  } catch (e) {
    throw new TemplateError(`cannot evaluate "${expr}": ${(e as Error).message}`, pos);
  }
}

/** evalExpr, then JavaScript truthiness (empty string, 0, null, undefined, false are false). */
export function evalBool(expr: string, scope: Scope, pos?: SourcePos): boolean {
  return !!evalExpr(expr, scope, pos);
}
