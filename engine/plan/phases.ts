// Phases as they run: looping phases expanded per item, host patterns resolved (with --limit)
// and split into batches. Shared by plan (placeholder mode) and exec (run-time mode).
import type { Host, Inventory } from '../model/inventory.js';
import type { Phase, Runbook, SerialEntry, Template } from '../model/runbook.js';
import { readSerial } from '../load/serial.js';
import { splitBatches } from './batches.js';
import type { HostSelector, RenderOptions, TemplateEngine } from './deps.js';
import { buildScope } from './scope.js';
import { loopItems } from './steps.js';

export interface PhaseRun {
  phase: Phase;
  /** The phase's name, its template rendered for this run ("Upgrade to {{item}}"). */
  name: string;
  /** Index of the loop item for a looping phase. */
  iter?: number;
  item?: unknown;
  /** Phase vars plus the loop variable (templates). */
  vars: Record<string, Template>;
  hosts: Host[];
  /** The phase's `serial`, its template rendered for this run. */
  serial: SerialEntry[];
  batches: Host[][];
  /** Why the phase has no hosts or could not be expanded. */
  problem?: string;
  /** The phase's `when:` is false: it does not run (no hosts are resolved). */
  skipped?: string;
  /** Plan only: the phase's `when:` depends on run-time values. */
  condition?: string;
}

export interface PhaseContext {
  runbook: Runbook;
  inventory: Inventory;
  extraVars: Record<string, unknown>;
  limit?: string;
  runId: string;
  runDir: string;
  check: boolean;
  templates: TemplateEngine;
  selectHosts: HostSelector;
}

function resolveHosts(c: PhaseContext, phase: Phase, vars: Record<string, Template>, opts: RenderOptions): { hosts: Host[]; problem?: string } {
  let pattern = phase.hosts;
  if (pattern.includes('{{')) {
    const scope = buildScope(c.templates, { ...c, templateLayers: [vars] }, opts);
    pattern = String(c.templates.render(pattern, scope, { ...opts, pos: phase.pos }));
  }
  // A phase on the operator's machine alone (the run lock, cluster-wide checks) is about the
  // cluster, not about the hosts --limit picks: it runs whatever the limit, or a limited run
  // would upgrade nodes without the lock and without pre-flight.
  const unlimited = c.limit ? c.selectHosts(pattern, c.inventory) : undefined;
  const sel = unlimited && unlimited.hosts.length === 1 && unlimited.hosts[0]!.connection === 'local' && unlimited.hosts[0]!.name === 'localhost' ? unlimited : c.selectHosts(pattern, c.inventory, c.limit);
  return sel.problem ? { hosts: sel.hosts, problem: sel.problem } : { hosts: sel.hosts };
}

/**
 * A phase's `when:` over the run-level scope (runbook vars, -e, inventory `all` vars, the phase's
 * vars and loop item; no host, so no registered results). In placeholder mode an expression
 * over values known only at run time is reported as a condition instead.
 */
function phaseGuard(c: PhaseContext, phase: Phase, vars: Record<string, Template>, opts: RenderOptions): { skipped?: string; condition?: string } {
  if (!phase.when) return {};
  let ok: boolean;
  try {
    const scope = buildScope(c.templates, { ...c, templateLayers: [vars] }, opts);
    ok = c.templates.evalBool(phase.when, scope);
  } catch (e) {
    if (opts.runtime === 'placeholder') return { condition: `when: ${phase.when}` };
    throw new Error(`phase "${phase.name}": cannot evaluate when: ${phase.when}: ${(e as Error).message}`);
  }
  return ok ? {} : { skipped: `when: ${phase.when} is false` };
}

/**
 * The batch sizes of one run of a phase: its literal `serial`, or its `serial` template rendered
 * over the run-level scope (as the phase's hosts are). A value that is not a count, percentage
 * or list of them is an error naming the phase; in plan, a value known only at run time too.
 */
function serialOf(c: PhaseContext, phase: Phase, vars: Record<string, Template>, opts: RenderOptions): { serial: SerialEntry[]; problem?: string } {
  if (phase.serialTemplate === undefined) return { serial: phase.serial };
  const pos = phase.positions?.['serial'] ?? phase.pos;
  let v: unknown;
  try {
    const scope = buildScope(c.templates, { ...c, templateLayers: [vars] }, opts);
    v = c.templates.render(phase.serialTemplate, scope, { ...opts, pos });
  } catch (e) {
    if (opts.runtime !== 'placeholder') throw e;
    return { serial: phase.serial, problem: (e as Error).message };
  }
  const runtime = (typeof v === 'string' && v.includes('⟨')) || c.templates.runtimeLabel?.(v) !== undefined;
  const r = runtime ? { error: `${phase.serialTemplate} is known only at run time; serial must come from params, -e or inventory vars` } : readSerial(v);
  if (!('error' in r)) return { serial: r };
  const message = `${pos.file}:${pos.line}:${pos.col}: phase "${phase.name}": serial: ${r.error}`;
  if (opts.runtime === 'placeholder') return { serial: phase.serial, problem: message };
  throw new Error(message);
}

/** The phase's name for one run; a name that cannot be rendered yet stays as written. */
function nameOf(c: PhaseContext, phase: Phase, vars: Record<string, Template>, opts: RenderOptions): string {
  if (!phase.name.includes('{{')) return phase.name;
  try {
    const scope = buildScope(c.templates, { ...c, templateLayers: [vars] }, opts);
    return String(c.templates.render(phase.name, scope, { ...opts, pos: phase.positions?.['name'] ?? phase.pos }));
  } catch {
    return phase.name; // validate reported an unknown name; a run-time value has no text yet
  }
}

/** Every phase execution in order. Throws on a template error (exec); plan passes placeholder mode. */
export function expandPhases(c: PhaseContext, opts: RenderOptions = {}): PhaseRun[] {
  const out: PhaseRun[] = [];
  for (const phase of c.runbook.phases) {
    const runs: Array<{ iter?: number; item?: unknown; vars: Record<string, Template> }> = [];
    if (phase.loop) {
      const scope = buildScope(c.templates, { ...c, templateLayers: [phase.vars] }, opts);
      const li = loopItems(c.templates, phase.loop, scope, opts);
      if (li.kind === 'runtime') {
        out.push({ phase, name: nameOf(c, phase, phase.vars, opts), vars: phase.vars, hosts: [], serial: phase.serial, batches: [], problem: `loop over ${li.text} is known only at run time` });
        continue;
      }
      li.items.forEach((item, iter) => runs.push({ iter, item, vars: { ...phase.vars, [phase.loop!.var]: item } }));
    } else {
      runs.push({ vars: phase.vars });
    }
    for (const r of runs) {
      const guard = phaseGuard(c, phase, r.vars, opts);
      if (guard.skipped) {
        out.push({ phase, name: nameOf(c, phase, r.vars, opts), vars: r.vars, hosts: [], serial: phase.serial, batches: [], skipped: guard.skipped, ...(r.iter !== undefined ? { iter: r.iter, item: r.item } : {}) });
        continue;
      }
      const sel = resolveHosts(c, phase, r.vars, opts);
      const { hosts } = sel;
      const s = serialOf(c, phase, r.vars, opts);
      const problem = sel.problem ?? s.problem;
      const run: PhaseRun = { phase, name: nameOf(c, phase, r.vars, opts), vars: r.vars, hosts, serial: s.serial, batches: splitBatches(hosts, s.serial) };
      if (r.iter !== undefined) {
        run.iter = r.iter;
        run.item = r.item;
      }
      if (problem) run.problem = problem;
      if (guard.condition) run.condition = guard.condition;
      out.push(run);
    }
  }
  return out;
}
