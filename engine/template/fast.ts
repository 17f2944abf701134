// A direct evaluator for the templates runbooks mostly hold — text, `{{path}}`, `{{helper arg…}}`
// and `(sub expressions)` over plain data — giving exactly what the compiled Handlebars template
// gives, without Handlebars' per-call set-up (~10 µs: helpers merged, prototype access control
// built), which plan pays tens of thousands of times. Anything else, or any value it is not sure
// about (a run-time stand-in, a function, an inherited property, an object pasted into text),
// returns NOT_FAST and the caller renders with Handlebars. test/template/fast.test.ts checks
// both agree on every template of the shipped runbooks over many kinds of values.
import { HELPERS } from './helpers.js';
import { runtimeLabel } from './runtime.js';
import { shellQuote } from './shell.js';

type AST = hbs.AST.Program;

/** The evaluator gave up: render with Handlebars. */
export const NOT_FAST: unique symbol = Symbol('not-fast');
type Out = unknown | typeof NOT_FAST;

type Expr =
  | { k: 'path'; parts: string[] }
  | { k: 'lit'; v: unknown }
  | { k: 'call'; fn: (...a: unknown[]) => unknown; args: Expr[] };
type Piece = { k: 'text'; s: string } | { k: 'value'; e: Expr; quote: boolean };

export type FastTemplate = (scope: Record<string, unknown>) => Out;

const BUILTIN = new Set(['if', 'unless', 'each', 'with', 'lookup', 'log', 'blockHelperMissing', 'helperMissing']);
/** Handlebars passes an options hash last; our helpers ignore it. */
const OPTIONS = Object.freeze({});

function isPlain(v: unknown): v is Record<string, unknown> {
  if (v === null || typeof v !== 'object' || runtimeLabel(v)) return false;
  if (Array.isArray(v)) return true;
  const proto = Object.getPrototypeOf(v) as unknown;
  return proto === Object.prototype || proto === null;
}

/** A value Handlebars hands on unchanged and we can reason about: data, not code or stand-ins. */
function isData(v: unknown): boolean {
  return v === null || v === undefined || typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean' || isPlain(v);
}

function simplePath(e: hbs.AST.Expression): string[] | undefined {
  if (e.type !== 'PathExpression') return undefined;
  const p = e as hbs.AST.PathExpression;
  const parts = p.parts.map(String);
  if (p.data || p.depth > 0 || parts.length === 0 || p.original !== parts.join('.')) return undefined;
  if (parts.some((x) => x === 'constructor' || x === '__proto__' || x === 'prototype')) return undefined;
  return parts;
}

function expr(e: hbs.AST.Expression): Expr | undefined {
  switch (e.type) {
    case 'StringLiteral':
    case 'NumberLiteral':
    case 'BooleanLiteral':
      return { k: 'lit', v: (e as hbs.AST.StringLiteral).value };
    case 'UndefinedLiteral':
      return { k: 'lit', v: undefined };
    case 'NullLiteral':
      return { k: 'lit', v: null };
    case 'SubExpression':
      return call(e as hbs.AST.SubExpression);
    default: {
      const parts = simplePath(e);
      return parts && !HELPERS[parts[0]!] && !BUILTIN.has(parts[0]!) ? { k: 'path', parts } : undefined;
    }
  }
}

function call(c: { path: hbs.AST.Expression; params: hbs.AST.Expression[]; hash?: hbs.AST.Hash }): Expr | undefined {
  if ((c.hash?.pairs.length ?? 0) > 0) return undefined;
  const name = simplePath(c.path);
  if (!name || name.length !== 1) return undefined;
  const fn = HELPERS[name[0]!];
  if (!fn || c.params.length === 0) return undefined;
  const args: Expr[] = [];
  for (const p of c.params) {
    const a = expr(p);
    if (!a) return undefined;
    args.push(a);
  }
  return { k: 'call', fn, args };
}

/** A value in a mustache (strict: every part defined, which render() has checked) or a helper argument. */
function evaluate(e: Expr, scope: Record<string, unknown>, arg: boolean): Out {
  if (e.k === 'lit') return e.v;
  if (e.k === 'call') {
    const args: unknown[] = [];
    for (const a of e.args) {
      const v = evaluate(a, scope, true);
      if (v === NOT_FAST) return NOT_FAST;
      args.push(v);
    }
    const v = e.fn(...args, OPTIONS);
    return isData(v) ? v : NOT_FAST;
  }
  let cur: unknown = scope;
  for (let i = 0; i < e.parts.length; i++) {
    const seg = e.parts[i]!;
    if (!isPlain(cur)) return NOT_FAST;
    if (!Object.prototype.hasOwnProperty.call(cur, seg)) {
      // Only `default`'s first argument may be undefined (render() checked the rest): Handlebars
      // then passes undefined, unless the name comes from Object.prototype.
      if (!arg || i !== e.parts.length - 1 || (cur as Record<string, unknown>)[seg] != null) return NOT_FAST;
      return undefined;
    }
    cur = (cur as Record<string, unknown>)[seg];
  }
  return isData(cur) ? cur : NOT_FAST;
}

/**
 * A fast form of the template, or undefined when it uses anything else (blocks, partials, hash
 * arguments, data variables, parent paths, built-in helpers). `whole`: the template is one
 * mustache whose value is returned as is; `shell`: `{{x}}` is shell-quoted, `{{{x}}}` raw.
 */
export function compileFast(ast: AST, shell: boolean, whole: boolean): FastTemplate | undefined {
  const pieces: Piece[] = [];
  for (const n of ast.body) {
    if (n.type === 'ContentStatement') {
      // Handlebars emits nothing for content left empty by whitespace control.
      const s = (n as hbs.AST.ContentStatement).value;
      if (s) pieces.push({ k: 'text', s });
    } else if (n.type === 'CommentStatement') {
      continue;
    } else if (n.type === 'MustacheStatement') {
      const m = n as hbs.AST.MustacheStatement;
      const hasArgs = m.params.length > 0 || (m.hash?.pairs.length ?? 0) > 0;
      const e = hasArgs ? call(m) : expr(m.path);
      if (!e) return undefined;
      const explicitQuote = m.path.type === 'PathExpression' && (m.path as hbs.AST.PathExpression).original === 'quote';
      pieces.push({ k: 'value', e, quote: shell && m.escaped && !explicitQuote });
    } else return undefined;
  }
  if (whole) {
    const only = pieces[0];
    if (pieces.length !== 1 || only?.k !== 'value') return undefined;
    return (scope) => evaluate(only.e, scope, false);
  }
  return (scope) => {
    // Handlebars compiles the pieces into one `a + b + c` expression and returns '' + it: the
    // same `+`, left to right (two numbers side by side add up, as they do there).
    let acc: unknown;
    for (let i = 0; i < pieces.length; i++) {
      const p = pieces[i]!;
      let v: unknown;
      if (p.k === 'text') v = p.s;
      else {
        const x = evaluate(p.e, scope, false);
        if (x === NOT_FAST) return NOT_FAST;
        if (p.quote) v = shellQuote(x);
        else if (x === null || x === undefined) v = '';
        else if (typeof x === 'string' || typeof x === 'number' || typeof x === 'boolean') v = x;
        else return NOT_FAST; // an object pasted into text: leave its conversion to Handlebars
      }
      acc = i === 0 ? v : (acc as string) + (v as string);
    }
    return pieces.length ? `${acc as string}` : '';
  };
}
