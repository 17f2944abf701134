// The variables a step sees on a host, by precedence (lowest first): param defaults and runbook
// vars < inventory (all < group < host, already merged into host.vars) < phase vars < step vars
// (outer block first) < -e < registered results and facts. Template-valued layers are rendered
// against the merged scope, a few passes deep, so `k8s_minor: "{{minor target_version}}"` sees
// a target_version given with -e.
import type { Host, Inventory } from '../model/inventory.js';
import type { Runbook, Template } from '../model/runbook.js';
import type { RenderOptions, TemplateEngine } from './deps.js';

export interface ScopeInput {
  runbook: Runbook;
  inventory: Inventory;
  /** Undefined for run-level scopes (phase loop items, phase host patterns). */
  host?: Host;
  extraVars: Record<string, unknown>;
  runId: string;
  runDir: string;
  check: boolean;
  /** Phase vars, then each enclosing block's vars, then the step's own (templates). */
  templateLayers: Array<Record<string, Template>>;
  /** Registered results and `set` facts of this host, in the order they were set. */
  runtime?: Record<string, unknown>;
  /** `facts`: what actions reported about the host and cluster (`set`, cluster facts); a stand-in in plan. */
  facts?: unknown;
  /** `batch_hosts`: the hosts of the batch this host runs in (exec; plan shows a stand-in). */
  batchHosts?: readonly string[];
}

const MAX_PASSES = 5;

/** Whether a value holds template text (a layer's value that buildScope renders). */
export function hasTemplate(v: unknown): boolean {
  if (typeof v === 'string') return v.includes('{{');
  if (Array.isArray(v)) return v.some(hasTemplate);
  if (v && typeof v === 'object') return Object.values(v).some(hasTemplate);
  return false;
}

/**
 * `groups` and `hostvars` depend only on the inventory, yet a scope is built for every step on
 * every host: built each time they made plan quadratic in hosts (34 s for 1,000 hosts).
 * Computed once per inventory and shared, frozen, by every scope.
 */
const inventoryViews = new WeakMap<Inventory, { groups: Record<string, string[]>; hostvars: Record<string, unknown> }>();

function viewsOf(inventory: Inventory): { groups: Record<string, string[]>; hostvars: Record<string, unknown> } {
  let v = inventoryViews.get(inventory);
  if (!v) {
    const groups: Record<string, string[]> = Object.fromEntries(Object.entries(inventory.groups).map(([k, g]) => [k, g.hosts]));
    groups['all'] ??= inventory.hosts.map((h) => h.name);
    const hostvars = Object.fromEntries(inventory.hosts.map((h) => [h.name, h.vars]));
    v = { groups: Object.freeze(groups), hostvars: Object.freeze(hostvars) };
    inventoryViews.set(inventory, v);
  }
  return v;
}

/**
 * How buildScope got to a scope, for plan to build another host's scope from it (scope-cache.ts):
 * the layered names before rendering, the template variables in rendering order, and after each
 * pass the value of each and which of them changed.
 */
export interface ScopeTrace {
  initial?: Record<string, unknown>;
  templated?: Map<string, Template>;
  passes: Array<{ values: Map<string, unknown>; changed: Set<string> }>;
}

/** Build the scope for one host (or the run) with every template variable rendered. */
export function buildScope(t: TemplateEngine, s: ScopeInput, opts: RenderOptions = {}, trace?: ScopeTrace): Record<string, unknown> {
  const { runbook, inventory, host } = s;
  const { groups, hostvars } = viewsOf(inventory);
  const merged: Record<string, unknown> = {
    groups,
    hostvars,
    run_id: s.runId,
    run_dir: s.runDir,
    check_mode: s.check,
    facts: s.facts ?? {},
  };
  if (s.batchHosts) merged['batch_hosts'] = s.batchHosts;
  if (host) {
    merged['inventory_hostname'] = host.name;
    merged['node_name'] = host.name;
  }
  const templated = new Map<string, Template>();
  const layer = (vars: Record<string, unknown>, isTemplate: boolean) => {
    for (const [k, v] of Object.entries(vars)) {
      merged[k] = v;
      if (isTemplate && hasTemplate(v)) templated.set(k, v);
      else templated.delete(k);
    }
  };
  const defaults: Record<string, unknown> = {};
  for (const p of Object.values(runbook.params)) if (p.default !== undefined) defaults[p.name] = p.default;
  layer(defaults, true);
  layer(runbook.vars, true);
  layer(host ? host.vars : inventory.vars, false);
  for (const l of s.templateLayers) layer(l, true);
  layer(s.extraVars, false);
  layer(s.runtime ?? {}, false);

  if (trace) {
    trace.initial = { ...merged };
    trace.templated = new Map(templated);
  }

  // Render until stable: a var may refer to another template var defined in any layer.
  for (let pass = 0; pass < MAX_PASSES && templated.size; pass++) {
    let changed = false;
    const snapshot = { ...merged };
    const step = trace ? { values: new Map<string, unknown>(), changed: new Set<string>() } : undefined;
    for (const [k, raw] of templated) {
      const v = t.render(raw, snapshot, opts);
      if (JSON.stringify(v) !== JSON.stringify(merged[k])) {
        changed = true;
        step?.changed.add(k);
      }
      merged[k] = v;
      step?.values.set(k, v);
    }
    if (step) trace!.passes.push(step);
    if (!changed) break;
  }
  return merged;
}

/**
 * The scope buildScope would give another host whose template variables differ from the traced
 * host's only in `redo` (the variables that read the host's own values): the same passes, the
 * other variables taking the values they took then (they read nothing that differs), only `redo`
 * rendered again. `own`: the host's own values (host vars, inventory_hostname, node_name).
 * Same names in the same order, same values, same first error, pass for pass.
 */
export function replayScope(t: TemplateEngine, trace: Required<ScopeTrace>, redo: ReadonlySet<string>, own: Record<string, unknown>, opts: RenderOptions = {}): Record<string, unknown> {
  const merged: Record<string, unknown> = { ...trace.initial, ...own };
  const mine = [...trace.templated].filter(([k]) => redo.has(k));
  for (let pass = 0; pass < MAX_PASSES && trace.templated.size; pass++) {
    const traced = trace.passes[pass];
    // After the traced host's last pass nothing of its own changed any more.
    let changed = traced ? [...traced.changed].some((k) => !redo.has(k)) : false;
    const snapshot = { ...merged };
    for (const [k, raw] of mine) {
      const v = t.render(raw, snapshot, opts);
      if (JSON.stringify(v) !== JSON.stringify(merged[k])) changed = true;
      merged[k] = v;
    }
    if (traced) for (const [k, v] of traced.values) if (!redo.has(k)) merged[k] = v;
    if (!changed) break;
  }
  return merged;
}
