// Loading what a command needs — runbook, inventory, -e vars — with every problem collected
// into one InputError (exit 2) before anything is contacted.
import { actionCatalog } from '../actions/registry.js';
import { InputError, type Problem } from '../model/errors.js';
import type { Host, Inventory } from '../model/inventory.js';
import type { Runbook } from '../model/runbook.js';
import type { HostSelector } from '../plan/deps.js';
import { UsageError } from './errors.js';
import { loader } from './loader.js';

export interface Loaded {
  runbook: Runbook;
  inventory: Inventory;
  extraVars: Record<string, unknown>;
  selectHosts: HostSelector;
}

/** The loader's host selection in the executor's shape (hosts as objects, problem as text). */
export function hostSelector(L: Pick<Awaited<ReturnType<typeof loader>>, 'selectHosts' | 'findHost'>): HostSelector {
  // One Host object per name for the whole run (the implicit localhost included).
  const known = new Map<string, Host>();
  return (pattern, inv, limit) => {
    const r = L.selectHosts(pattern, inv, limit);
    const hosts = r.hosts.flatMap((h) => {
      if (typeof h !== 'string') return [h];
      const host = known.get(h) ?? L.findHost(inv, h);
      if (host) known.set(h, host);
      return host ? [host] : [];
    });
    const problem = r.problem === undefined ? undefined : typeof r.problem === 'string' ? r.problem : r.problem.message;
    return problem ? { hosts, problem } : { hosts };
  };
}

export async function loadInputs(a: { file: string; inventory: string; extra: string[]; limit?: string; extraVars?: Record<string, unknown> }): Promise<Loaded> {
  const L = await loader();
  const problems: Problem[] = [];
  // Paths as the operator typed them, so problems read FILE:LINE:COL the way they wrote FILE.
  const rb = await L.loadRunbook(a.file, { actions: actionCatalog });
  problems.push(...rb.problems);
  const inv = await L.loadInventory(a.inventory);
  problems.push(...inv.problems);
  const ev = L.parseExtraVars(a.extra);
  problems.push(...ev.problems);
  const extraVars = { ...(a.extraVars ?? {}), ...ev.vars };
  if (rb.runbook && inv.inventory && !problems.length) problems.push(...L.checkRunbookAgainstInventory(rb.runbook, inv.inventory, extraVars));
  if (problems.length || !rb.runbook || !inv.inventory) throw new InputError(problems);
  const selectHosts = hostSelector(L);
  if (a.limit) {
    const sel = selectHosts('all', inv.inventory, a.limit);
    if (!sel.hosts.length) throw new UsageError(`--limit ${a.limit} matches no host of ${a.inventory}${sel.problem ? ` (${sel.problem})` : ''}`);
  }
  return { runbook: rb.runbook, inventory: inv.inventory, extraVars, selectHosts };
}
