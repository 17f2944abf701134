// Static view of a Handlebars template: parse it, list the variables it reads (for strictness
// at render and at validate time), and rewrite it for shell mode and whole-value capture.
import Handlebars from 'handlebars';
import { TemplateError, offsetPos } from './errors.js';
import type { SourcePos } from '../model/errors.js';

type AST = hbs.AST.Program;
type Node = hbs.AST.Node;
type Expr = hbs.AST.Expression;

export interface NameRef {
  /** The first segment of the path (`result` in `result.stdout`). */
  name: string;
  /** The whole path as written. */
  path: string;
  /** Its segments (`result.stdout` → ["result", "stdout"]). */
  parts: string[];
  line: number;
  /** 0-based column, as Handlebars counts. */
  column: number;
}

/** Parse, turning a Handlebars parse error into a TemplateError at the right position. */
export function parseTemplate(src: string, pos?: SourcePos): AST {
  try {
    return Handlebars.parse(src);
  } catch (e) {
    const msg = (e as Error).message;
    const line = Number(/on line (\d+)/.exec(msg)?.[1] ?? 1);
    const caret = msg.split('\n').find((l) => /^-*\^$/.test(l));
    const col0 = caret ? caret.length - 1 : 0;
    const opens = (src.match(/\{\{/g) ?? []).length;
    const closes = (src.match(/\}\}/g) ?? []).length;
    const why = opens > closes ? 'a {{ is not closed with }}' : closes > opens ? 'a }} has no {{ before it' : (msg.split('\n').pop() ?? msg);
    throw new TemplateError(`template syntax error: ${why}`, offsetPos(pos, line, col0));
  }
}

const CONTEXT_CHANGING = new Set(['each', 'with']);

function isPath(e: Expr | undefined): e is hbs.AST.PathExpression {
  return !!e && e.type === 'PathExpression';
}

/**
 * Variables a template reads from its scope, with positions. Paths inside `#each`/`#with`
 * bodies read the item, not the scope, and are left out; `@data` and `this` are not variables;
 * the first argument of `default` may be undefined on purpose.
 */
export function templateNames(ast: AST, helpers: ReadonlySet<string>): { names: NameRef[]; helpersUsed: NameRef[] } {
  const names: NameRef[] = [];
  const helpersUsed: NameRef[] = [];
  const ref = (p: hbs.AST.PathExpression): NameRef => ({
    name: String(p.parts[0] ?? ''),
    path: p.original,
    parts: p.parts.map(String),
    line: p.loc?.start.line ?? 1,
    column: p.loc?.start.column ?? 0,
  });
  const value = (e: Expr | undefined, optional = false): void => {
    if (!e) return;
    if (isPath(e)) {
      if (e.data || e.depth > 0 || e.parts.length === 0 || /^this\b/.test(e.original)) return;
      if (!optional) names.push(ref(e));
    } else if (e.type === 'SubExpression') call(e as hbs.AST.SubExpression);
  };
  const call = (c: { path: Expr; params: Expr[]; hash?: hbs.AST.Hash }): void => {
    const isCall = c.params.length > 0 || (c.hash?.pairs.length ?? 0) > 0 || (isPath(c.path) && helpers.has(c.path.original));
    if (isCall && isPath(c.path)) {
      helpersUsed.push(ref(c.path));
      c.params.forEach((p, i) => value(p, c.path.type === 'PathExpression' && (c.path as hbs.AST.PathExpression).original === 'default' && i === 0));
      for (const pair of c.hash?.pairs ?? []) value(pair.value);
    } else value(c.path);
  };
  const walk = (prog: AST | undefined, inItem: boolean): void => {
    for (const n of prog?.body ?? []) {
      if (n.type === 'MustacheStatement') {
        if (!inItem) call(n as hbs.AST.MustacheStatement);
      } else if (n.type === 'BlockStatement') {
        const b = n as hbs.AST.BlockStatement;
        if (!inItem) {
          if (isPath(b.path)) helpersUsed.push(ref(b.path));
          b.params.forEach((p) => value(p));
          for (const pair of b.hash?.pairs ?? []) value(pair.value);
        }
        const changes = isPath(b.path) && CONTEXT_CHANGING.has(b.path.original);
        walk(b.program, inItem || changes);
        walk(b.inverse, inItem);
      }
    }
  };
  walk(ast, false);
  return { names, helpersUsed };
}

/** What a template reads from its scope, for memoising renders (see templateReads in render.ts). */
export interface Reads {
  /** First segments of every path read from the scope (helper arguments included). */
  names: string[];
  /**
   * False when the template may read more than `names` says: a parent path (`../x`), `@root`,
   * `this` at the top level, a partial or decorator, or the `log` helper (a side effect).
   */
  exact: boolean;
}

/**
 * Every scope name a template reads, helper arguments and `default`'s first argument included
 * (unlike templateNames, which lists what must be defined). Paths inside `#each`/`#with` read the
 * item, which comes from the block's own arguments, so they add nothing.
 */
export function templateReadsOf(ast: AST): Reads {
  const names = new Set<string>();
  let exact = true;
  const value = (e: Expr | undefined, inItem: boolean): void => {
    if (!e) return;
    if (isPath(e)) {
      if (e.depth > 0 || (e.data && e.parts[0] === 'root') || (!inItem && /^this\b/.test(e.original))) exact = false;
      else if (!inItem && !e.data && e.parts.length > 0) names.add(String(e.parts[0]));
    } else if (e.type === 'SubExpression') call(e as hbs.AST.SubExpression, inItem);
  };
  const call = (c: { path: Expr; params: Expr[]; hash?: hbs.AST.Hash }, inItem: boolean): void => {
    if (isPath(c.path) && c.path.original === 'log') exact = false;
    const isCall = c.params.length > 0 || (c.hash?.pairs.length ?? 0) > 0;
    if (!isCall || !isPath(c.path)) value(c.path, inItem);
    for (const p of c.params) value(p, inItem);
    for (const pair of c.hash?.pairs ?? []) value(pair.value, inItem);
  };
  const walk = (prog: AST | undefined, inItem: boolean): void => {
    for (const n of prog?.body ?? []) {
      if (n.type === 'MustacheStatement') call(n as hbs.AST.MustacheStatement, inItem);
      else if (n.type === 'BlockStatement') {
        const b = n as hbs.AST.BlockStatement;
        call(b, inItem);
        const changes = isPath(b.path) && CONTEXT_CHANGING.has(b.path.original);
        walk(b.program, inItem || changes);
        walk(b.inverse, inItem);
      } else if (n.type !== 'ContentStatement' && n.type !== 'CommentStatement') exact = false;
    }
  };
  walk(ast, false);
  return { names: [...names], exact };
}

function path(name: string, loc: hbs.AST.SourceLocation): hbs.AST.PathExpression {
  return { type: 'PathExpression', data: false, depth: 0, parts: [name], original: name, loc } as hbs.AST.PathExpression;
}

/** `{{x}}` / `{{f a}}` → `{{{helper x}}}` / `{{{helper (f a)}}}`; `{{{x}}}` is left raw. */
function wrap(m: hbs.AST.MustacheStatement, helper: string): hbs.AST.MustacheStatement {
  const hasArgs = m.params.length > 0 || (m.hash?.pairs.length ?? 0) > 0;
  const inner: Expr = hasArgs
    ? ({ type: 'SubExpression', path: m.path, params: m.params, hash: m.hash, loc: m.loc } as unknown as Expr)
    : m.path;
  return { ...m, path: path(helper, m.loc), params: [inner], hash: undefined as unknown as hbs.AST.Hash, escaped: false };
}

/** Shell mode: every escaped mustache goes through the shell-quoting helper. */
export function shellRewrite(prog: AST, helper: string): AST {
  const body = prog.body.map((n: Node): hbs.AST.Statement => {
    if (n.type === 'MustacheStatement') {
      const m = n as hbs.AST.MustacheStatement;
      // `{{quote x}}` is already quoted: quoting it again would mangle it.
      const explicit = isPath(m.path) && m.path.original === 'quote';
      return m.escaped && !explicit ? wrap(m, helper) : m;
    }
    if (n.type === 'BlockStatement') {
      const b = n as hbs.AST.BlockStatement;
      const nb: hbs.AST.BlockStatement = { ...b, program: b.program && shellRewrite(b.program, helper), inverse: b.inverse && shellRewrite(b.inverse, helper) };
      return nb;
    }
    return n as hbs.AST.Statement;
  });
  return { ...prog, body };
}

/** A template that is exactly one `{{expr}}`: its value is returned as is (a list stays a list). */
export function wholeValue(prog: AST): hbs.AST.MustacheStatement | undefined {
  const [only, ...rest] = prog.body;
  return only && rest.length === 0 && only.type === 'MustacheStatement' ? (only as hbs.AST.MustacheStatement) : undefined;
}

/** Rewrite a whole-value template to hand its value to the capture helper. */
export function captureRewrite(prog: AST, helper: string): AST {
  const m = wholeValue(prog)!;
  return { ...prog, body: [wrap(m, helper)] };
}
