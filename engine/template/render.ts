// Rendering runbook templates: Handlebars, strict (an unknown variable is an error naming
// FILE:LINE:COL), no HTML escaping; in shell mode `{{x}}` is shell-quoted and `{{{x}}}` raw.
// A template that is exactly one `{{expr}}` (outside shell mode) returns the value itself.
import Handlebars from 'handlebars';
import type { SourcePos } from '../model/errors.js';
import type { Template } from '../model/runbook.js';
import { captureRewrite, parseTemplate, shellRewrite, templateNames, templateReadsOf, wholeValue, type NameRef, type Reads } from './ast.js';
import { offsetPos, TemplateError } from './errors.js';
import { compileFast, NOT_FAST, type FastTemplate } from './fast.js';
import { HELPERS, HelperError } from './helpers.js';
import { runtimeLabel, runtimeText, RuntimeValueError, withRuntimeMode, type RuntimeMode } from './runtime.js';
import { shellQuote } from './shell.js';

/** Variables visible to a template or expression. Run-time values are runtimeValue() stand-ins. */
export type Scope = Record<string, unknown>;

export interface RenderOpts {
  /** The value reaches a shell: `{{x}}` is quoted, `{{{x}}}` is raw. */
  shell?: boolean;
  /** Where the template's text starts in its file (for error positions). */
  pos?: SourcePos;
  /** plan: 'placeholder' (⟨register.x⟩); exec: 'error' (default). */
  runtime?: RuntimeMode;
}

const SHQ = '__runbook_shell_quote';
const CAPTURE = '__runbook_capture';
const BUILTIN_HELPERS = ['if', 'unless', 'each', 'with', 'lookup', 'log'];
/** Names a template may call as helpers. */
export const HELPER_NAMES: ReadonlySet<string> = new Set([...Object.keys(HELPERS), ...BUILTIN_HELPERS]);

const hb = Handlebars.create();
for (const [name, fn] of Object.entries(HELPERS)) hb.registerHelper(name, fn);
hb.registerHelper(SHQ, (v: unknown) => shellQuote(v));
hb.registerHelper(CAPTURE, (v: unknown, options: { data: { box: { value?: unknown } } }) => {
  options.data.box.value = v;
  return '';
});

interface Compiled {
  fn: HandlebarsTemplateDelegate;
  /** The direct evaluator (fast.ts) when the template is simple enough. */
  fast?: FastTemplate;
  names: NameRef[];
  helpers: NameRef[];
  whole: boolean;
}

/** Off only while renderWithHandlebars runs (tests compare the two ways of rendering). */
let fastOn = true;

// One cache per mode, keyed by the source itself: a key built per call (mode + source) had to be
// hashed afresh every time, for every render of a long shell script.
const shellCache = new Map<string, Compiled>();
const plainCache = new Map<string, Compiled>();
const MAX_CACHE = 5000;

/**
 * Parsed templates, for reading only (names, what they read, the fast form): validate, plan and
 * render share one parse. Handlebars gets a parse of its own, as its compiler marks the nodes.
 */
const astCache = new Map<string, ReturnType<typeof parseTemplate>>();
function parsed(src: string, pos: SourcePos | undefined): ReturnType<typeof parseTemplate> {
  let ast = astCache.get(src);
  if (!ast) {
    ast = parseTemplate(src, pos);
    if (astCache.size >= MAX_CACHE) astCache.clear();
    astCache.set(src, ast);
  }
  return ast;
}

function compile(src: string, shell: boolean, pos: SourcePos | undefined): Compiled {
  const cache = shell ? shellCache : plainCache;
  const hit = cache.get(src);
  if (hit) return hit;
  const ast = parsed(src, pos);
  const { names, helpersUsed } = templateNames(ast, HELPER_NAMES);
  const whole = !shell && wholeValue(ast) !== undefined;
  // Compiled by Handlebars only when first needed: a template the fast evaluator serves never is.
  let hbFn: HandlebarsTemplateDelegate | undefined;
  const fn: HandlebarsTemplateDelegate = (context, options) => {
    if (!hbFn) {
      const own = parseTemplate(src, pos);
      const prog = shell ? shellRewrite(own, SHQ) : whole ? captureRewrite(own, CAPTURE) : own;
      hbFn = hb.compile(prog as unknown as string, { strict: true, noEscape: true });
    }
    return hbFn(context, options);
  };
  const fast = compileFast(ast, shell, whole);
  const c: Compiled = { fn, names, helpers: helpersUsed, whole, ...(fast ? { fast } : {}) };
  if (cache.size >= MAX_CACHE) cache.clear();
  cache.set(src, c);
  return c;
}

function preview(src: string): string {
  const one = src.replace(/\s+/g, ' ').trim();
  return one.length > 60 ? `${one.slice(0, 57)}...` : one;
}

/**
 * The first part of a path that is not defined ("node.labels.zone" when labels has no zone), or
 * undefined when the whole path resolves. Handlebars' own strict mode skips helper arguments,
 * and shell quoting and whole values go through helpers, so strictness is checked here.
 */
function missingPart(scope: Scope, parts: string[]): string | undefined {
  let cur: unknown = scope;
  for (let i = 0; i < parts.length; i++) {
    if (runtimeLabel(cur)) return undefined;
    const seg = parts[i]!;
    if (cur === null || (typeof cur !== 'object' && typeof cur !== 'function') || !(seg in (cur as object))) return parts.slice(0, i + 1).join('.');
    cur = (cur as Record<string, unknown>)[seg];
  }
  return undefined;
}

function renderString(src: string, scope: Scope, opts: RenderOpts): unknown {
  if (!src.includes('{{')) return src;
  const c = compile(src, !!opts.shell, opts.pos);
  const at = (r: { line: number; column: number }) => offsetPos(opts.pos, r.line, r.column);
  for (const h of c.helpers) {
    if (!HELPER_NAMES.has(h.name)) throw new TemplateError(`unknown helper "${h.name}" in "${preview(src)}" (helpers: ${Object.keys(HELPERS).join(', ')})`, at(h));
  }
  for (const n of c.names) {
    const missing = missingPart(scope, n.parts);
    if (missing) throw new TemplateError(`undefined variable "${missing}" in "${preview(src)}"`, at(n));
  }
  const box: { value?: unknown } = {};
  let out: string;
  try {
    const f = c.fast && fastOn ? c.fast(scope) : NOT_FAST;
    if (f === NOT_FAST) out = withRuntimeMode(opts.runtime ?? 'error', () => c.fn(scope, { data: { box } }));
    else if (c.whole) {
      box.value = f;
      out = '';
    } else out = f as string;
  } catch (e) {
    if (e instanceof TemplateError) throw e;
    if (e instanceof RuntimeValueError) throw new TemplateError(`${e.message} (in "${preview(src)}")`, opts.pos);
    if (e instanceof HelperError) throw new TemplateError(e.message, opts.pos);
    const err = e as Error & { lineNumber?: number; column?: number };
    const m = /^"([^"]+)" not defined/.exec(err.message);
    if (m) {
      throw new TemplateError(`undefined variable "${m[1]}" in "${preview(src)}"`, at({ line: err.lineNumber ?? 1, column: err.column ?? 0 }));
    }
    throw new TemplateError(`cannot render "${preview(src)}": ${err.message}`, opts.pos);
  }
  if (!c.whole) return out;
  const v = box.value;
  if (!runtimeLabel(v)) return v;
  try {
    return withRuntimeMode(opts.runtime ?? 'error', () => runtimeText(v));
  } catch (e) {
    throw new TemplateError(`${(e as Error).message} (in "${preview(src)}")`, opts.pos);
  }
}

/**
 * Render a template: a string, or every string inside a list/map. Strict: an undefined variable
 * throws a TemplateError naming FILE:LINE:COL (from opts.pos). `"{{list}}"` returns the list.
 */
export function render(t: Template, scope: Scope, opts: RenderOpts = {}): unknown {
  if (typeof t === 'string') return renderString(t, scope, opts);
  if (Array.isArray(t)) return t.map((x) => render(x, scope, opts));
  if (t && typeof t === 'object' && !runtimeLabel(t)) {
    return Object.fromEntries(Object.entries(t as Record<string, unknown>).map(([k, v]) => [k, render(v, scope, opts)]));
  }
  return t;
}

/** Whether a template string renders without Handlebars (fast.ts); a syntax error says no. */
export function rendersFast(src: string, shell = false): boolean {
  if (!src.includes('{{')) return true;
  try {
    return compile(src, shell, undefined).fast !== undefined;
  } catch {
    return false;
  }
}

/** render() with every template through Handlebars itself (tests check the fast evaluator against it). */
export function renderWithHandlebars(t: Template, scope: Scope, opts: RenderOpts = {}): unknown {
  fastOn = false;
  try {
    return render(t, scope, opts);
  } finally {
    fastOn = true;
  }
}

/** Whether a value holds any template text. */
export function hasTemplate(v: unknown): boolean {
  if (typeof v === 'string') return v.includes('{{');
  if (Array.isArray(v)) return v.some(hasTemplate);
  if (v && typeof v === 'object') return Object.values(v).some(hasTemplate);
  return false;
}

const readsCache = new Map<string, Reads>();

/** Variables and helpers a template string reads (for validate-time checks); throws TemplateError on syntax errors. */
const refsCache = new Map<string, { names: NameRef[]; helpers: NameRef[] }>();
export function templateRefs(src: string, pos?: SourcePos): { names: NameRef[]; helpers: NameRef[] } {
  if (!src.includes('{{')) return { names: [], helpers: [] };
  const hit = refsCache.get(src);
  if (hit) return hit;
  const ast = parsed(src, pos);
  const r = templateNames(ast, HELPER_NAMES);
  const out = { names: r.names, helpers: r.helpersUsed };
  if (refsCache.size >= MAX_CACHE) refsCache.clear();
  refsCache.set(src, out);
  // Plan asks templateReads of the same templates validate checked: one parse for both.
  if (!readsCache.has(src)) {
    if (readsCache.size >= MAX_CACHE) readsCache.clear();
    readsCache.set(src, templateReadsOf(ast));
  }
  return out;
}
const NO_READS: Reads = Object.freeze({ names: [], exact: true }) as Reads;

function stringReads(src: string): Reads {
  if (!src.includes('{{')) return NO_READS;
  let r = readsCache.get(src);
  if (!r) {
    try {
      r = templateReadsOf(parsed(src, undefined));
    } catch {
      // A syntax error is raised when the template is rendered; nothing can be said before that.
      r = { names: [], exact: false };
    }
    if (readsCache.size >= MAX_CACHE) readsCache.clear();
    readsCache.set(src, r);
  }
  return r;
}

/**
 * The scope names a template (a string, or every string in a structure) reads. Rendering is a
 * function of those names' values alone when `exact` (helpers are pure), which lets plan render a
 * step once for every host that gives those names the same values.
 */
export function templateReads(t: Template): Reads {
  if (typeof t === 'string') return stringReads(t);
  if (!t || typeof t !== 'object' || runtimeLabel(t)) return NO_READS;
  const names = new Set<string>();
  let exact = true;
  for (const v of Array.isArray(t) ? t : Object.values(t as Record<string, unknown>)) {
    const r = templateReads(v);
    for (const n of r.names) names.add(n);
    exact &&= r.exact;
  }
  return names.size === 0 && exact ? NO_READS : { names: [...names], exact };
}
