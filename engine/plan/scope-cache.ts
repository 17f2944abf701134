// Plan's scopes, shared across hosts. A scope (scope.ts) layers ~40 param defaults, the runbook's
// vars, the host's vars, each enclosing block's vars, -e and run-time stand-ins, and renders every
// template variable; plan needs one per host × context (the phase, each block with `vars:`/`with:`),
// ~20,000 at 1,000 hosts. Hosts differ only in their own layer (host vars, inventory_hostname,
// node_name), so the scope of one host is the scope of another with those values swapped — as long
// as the template variables read none of them and both hosts define the same var names. Here the
// real buildScope runs once per such family and every other host gets a copy with its own values.
import type { Host } from '../model/inventory.js';
import type { Runbook, Template } from '../model/runbook.js';
import type { RenderOptions, TemplateEngine } from './deps.js';
import { buildScope, hasTemplate, replayScope, type ScopeInput, type ScopeTrace } from './scope.js';

type Layer = Record<string, Template>;
type Scope = Record<string, unknown>;
type Reads = (t: Template) => { names: string[]; exact: boolean };

const HOST_NAMES = ['inventory_hostname', 'node_name'] as const;

/** A distinct id per object (identity), for cache keys. */
const ids = new WeakMap<object, number>();
let nextId = 1;
export function idOf(o: object): number {
  let id = ids.get(o);
  if (id === undefined) ids.set(o, (id = nextId++));
  return id;
}

/** A key equal for two lists of values exactly when the values are (===, by identity for objects). */
export function valuesKey(vals: readonly unknown[]): string {
  let k = '';
  for (const v of vals) {
    if (typeof v === 'string') k += `s${v.length}:${v}`;
    else if (v !== null && (typeof v === 'object' || typeof v === 'function')) k += `o${idOf(v)};`;
    else k += `${typeof v}:${String(v)};`;
  }
  return k;
}

/** A chain of template layers: the phase's vars, then each enclosing block's (or the step's) own. */
export class Context {
  private readonly kids = new Map<object, Context>();
  private readonly loopKids = new Map<object, Array<{ index: number; item: unknown; ctx: Context }>>();
  /** Per host shape (the names of its vars). */
  readonly families = new Map<string, Family>();
  /** build-plan's memo of rendered steps, per step. */
  readonly memo = new Map<object, Map<string, unknown>>();
  /** Names some layer above the host's defines (they hide the host's own value). */
  readonly above: ReadonlySet<string>;
  /** The last scope handed out (hosts are planned one after the other). */
  last?: { host: Host; scope: Scope };

  constructor(
    readonly layers: Layer[],
    above: ReadonlySet<string>,
  ) {
    this.above = above;
  }

  /** This context plus a block's or step's own vars. */
  child(layer: Layer): Context {
    let c = this.kids.get(layer);
    if (!c) this.kids.set(layer, (c = new Context([...this.layers, layer], union(this.above, layer))));
    return c;
  }

  /** This context plus the vars of a looping step's item (the loop variable set to the item). */
  loopChild(step: object, vars: Layer, loopVar: string, index: number, item: unknown): Context {
    let list = this.loopKids.get(step);
    if (!list) this.loopKids.set(step, (list = []));
    // Items known before the run are usually the same values on every host; otherwise the list
    // holds one context per distinct item, found by a short scan (loops are short).
    const hit = list.find((x) => x.index === index && Object.is(x.item, item));
    if (hit) return hit.ctx;
    const layer = { ...vars, [loopVar]: item };
    const ctx = new Context([...this.layers, layer], union(this.above, layer));
    if (list.length < 64) list.push({ index, item, ctx });
    return ctx;
  }
}

function union(a: ReadonlySet<string>, layer: Layer): ReadonlySet<string> {
  const keys = Object.keys(layer);
  if (keys.every((k) => a.has(k))) return a;
  return new Set([...a, ...keys]);
}

/** Hosts of one context whose vars have the same names. */
export interface Family {
  id: number;
  /** Names whose value in the scope is the host's own (host vars, inventory_hostname, node_name). */
  hostWins: ReadonlySet<string>;
  /**
   * Names whose value may differ between the family's hosts: hostWins and the template variables
   * that read them (directly or through other template variables). Every other name has the same
   * value on all of them — buildScope renders those variables from the same inputs, pass by pass.
   */
  dependent: ReadonlySet<string>;
  /** Of `dependent`, the names derived from the host's name (different on every host). */
  unique: ReadonlySet<string>;
  /** The host's var names (to tell a host var from inventory_hostname/node_name). */
  shape: ReadonlySet<string>;
  /** Of hostWins, the names the template variables read: hosts agreeing on them share a base scope. */
  readByTemplates: string[];
  /** False when a template variable may read more than its names (then every host gets its own scope). */
  exact: boolean;
  bases: Map<string, Base>;
  /** How the first base of a family with host-dependent template variables was built (see base()). */
  trace?: Required<ScopeTrace>;
  /** The template variables a replay renders again: those in `dependent`. */
  redo?: ReadonlySet<string>;
}

/** A scope built by buildScope for one host, shared by the family's hosts that agree with it. */
export interface Base {
  id: number;
  host: Host;
  scope?: Scope;
  /** buildScope's error: the same for every host sharing this base. */
  error?: unknown;
  /** The scope handed to the other hosts of the base (see PlanScopes.scope). */
  scratch?: Scope;
}

const shapes = new WeakMap<Host, string>();
function shapeKey(h: Host): string {
  let s = shapes.get(h);
  if (s === undefined) shapes.set(h, (s = Object.keys(h.vars).join('\u0000')));
  return s;
}

/** What buildScope gets besides the host and the template layers (constant for a whole plan). */
export type ScopeRun = Omit<ScopeInput, 'host' | 'templateLayers'>;

export class PlanScopes {
  private readonly lower: ReadonlySet<string>;
  private readonly fixedAbove: ReadonlySet<string>;
  private nextBase = 1;
  private nextFamily = 1;

  constructor(
    private readonly t: TemplateEngine,
    private readonly run: ScopeRun,
    private readonly opts: RenderOptions,
  ) {
    const rb: Runbook = run.runbook;
    this.lower = new Set([...Object.values(rb.params).filter((p) => p.default !== undefined).map((p) => p.name), ...Object.keys(rb.vars)]);
    this.fixedAbove = new Set([...Object.keys(run.extraVars), ...Object.keys(run.runtime ?? {})]);
  }

  /** The context of a phase run (its vars, with a looping phase's item). */
  root(vars: Layer): Context {
    return new Context([vars], union(this.fixedAbove, vars));
  }

  /** Whether plan can share work between hosts at all (the template engine says what templates read). */
  get sharing(): boolean {
    return typeof this.t.templateReads === 'function';
  }

  /** The value a host gives a name in this family (only for names in hostWins). */
  hostValue(f: Family, h: Host, name: string): unknown {
    return f.shape.has(name) ? h.vars[name] : h.name;
  }

  family(ctx: Context, h: Host): Family {
    const key = shapeKey(h);
    let f = ctx.families.get(key);
    if (!f) ctx.families.set(key, (f = this.makeFamily(ctx, h)));
    return f;
  }

  private makeFamily(ctx: Context, h: Host): Family {
    const shape = new Set(Object.keys(h.vars));
    const hostWins = new Set<string>();
    for (const k of shape) if (!ctx.above.has(k)) hostWins.add(k);
    for (const k of HOST_NAMES) if (!ctx.above.has(k) && !this.lower.has(k)) hostWins.add(k);
    // Which names end up as template variables on this host: buildScope's layering, on names only.
    const templated = new Map<string, Template>();
    const layer = (vars: Record<string, unknown>, isTemplate: boolean) => {
      for (const [k, v] of Object.entries(vars)) {
        if (isTemplate && hasTemplate(v)) templated.set(k, v);
        else templated.delete(k);
      }
    };
    const rb = this.run.runbook;
    const defaults: Record<string, unknown> = {};
    for (const p of Object.values(rb.params)) if (p.default !== undefined) defaults[p.name] = p.default;
    layer(defaults, true);
    layer(rb.vars, true);
    for (const k of shape) templated.delete(k);
    for (const l of ctx.layers) layer(l, true);
    layer(this.run.extraVars, false);
    layer(this.run.runtime ?? {}, false);
    const reads = this.t.templateReads as Reads;
    const read = new Set<string>();
    const deps = new Map<string, string[]>();
    let exact = true;
    for (const [k, raw] of templated) {
      const r = reads(raw);
      exact &&= r.exact;
      deps.set(k, r.names);
      for (const n of r.names) if (hostWins.has(n)) read.add(n);
    }
    const closure = (seed: Iterable<string>): Set<string> => {
      const out = new Set(seed);
      for (let grew = true; grew; ) {
        grew = false;
        for (const [k, names] of deps) if (!out.has(k) && names.some((n) => out.has(n))) grew = !!out.add(k);
      }
      return out;
    };
    const dependent = closure(hostWins);
    const unique = closure(HOST_NAMES.filter((n) => hostWins.has(n)));
    return { id: this.nextFamily++, hostWins, dependent, unique, shape, readByTemplates: [...read], exact, bases: new Map() };
  }

  /** The base scope this host shares with its family (built by buildScope on first need). */
  base(ctx: Context, h: Host, f: Family = this.family(ctx, h)): Base {
    const key = f.exact ? valuesKey(f.readByTemplates.map((n) => this.hostValue(f, h, n))) : `host ${idOf(h)}`;
    let b = f.bases.get(key);
    if (!b) {
      b = { id: this.nextBase++, host: h };
      try {
        b.scope = this.build(ctx, f, h);
      } catch (e) {
        b.error = e;
      }
      f.bases.set(key, b);
    }
    return b;
  }

  /**
   * buildScope for this host. When the family's template variables read host values (a var over
   * node_name, say), every host needs its own scope: the first is traced, the others replay it,
   * rendering again only the variables that depend on the host (scope.ts replayScope).
   */
  private build(ctx: Context, f: Family, h: Host): Scope {
    const input = { ...this.run, host: h, templateLayers: ctx.layers };
    if (!f.exact || f.readByTemplates.length === 0) return buildScope(this.t, input, this.opts);
    if (f.trace && f.redo) {
      const own: Scope = {};
      for (const n of f.hostWins) own[n] = this.hostValue(f, h, n);
      return replayScope(this.t, f.trace, f.redo, own, this.opts);
    }
    const trace: ScopeTrace = { passes: [] };
    const scope = buildScope(this.t, input, this.opts, trace);
    f.trace = trace as Required<ScopeTrace>;
    f.redo = new Set([...f.trace.templated.keys()].filter((k) => f.dependent.has(k)));
    return scope;
  }

  /** The host's scope in this context: exactly what buildScope would give; throws what it would throw. */
  scope(ctx: Context, h: Host): Scope {
    if (ctx.last?.host === h) return ctx.last.scope;
    let scope: Scope;
    if (!this.sharing) {
      scope = buildScope(this.t, { ...this.run, host: h, templateLayers: ctx.layers }, this.opts);
    } else {
      const f = this.family(ctx, h);
      const b = this.base(ctx, h, f);
      if (b.error !== undefined) throw b.error;
      if (b.host === h) scope = b.scope!;
      else {
        // Same names in the same order (same var names, same layers); only the host's values
        // differ. One copy per base, its host values overwritten for each host in turn: hosts are
        // planned one after the other and nothing keeps a scope once the host's steps are rendered.
        scope = b.scratch ??= { ...b.scope! };
        for (const n of f.hostWins) scope[n] = this.hostValue(f, h, n);
      }
    }
    ctx.last = { host: h, scope };
    return scope;
  }
}
