// Loading what a command needs — runbook, inventory, -e vars — with every problem collected
// into one InputError (exit 2) before anything is contacted.
import { resolve } from 'node:path';
import { actionCatalog } from '../actions/registry.js';
import { InputError, type Problem } from '../model/errors.js';
import type { Inventory } from '../model/inventory.js';
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
export function hostSelector(select: Awaited<ReturnType<typeof loader>>['selectHosts']): HostSelector {
  return (pattern, inv, limit) => {
    const r = select(pattern, inv, limit);
    const hosts = r.hosts.map((h) => (typeof h === 'string' ? inv.hosts.find((x) => x.name === h)! : h)).filter(Boolean);
    const problem = r.problem === undefined ? undefined : typeof r.problem === 'string' ? r.problem : r.problem.message;
    return problem ? { hosts, problem } : { hosts };
  };
}

export async function loadInputs(a: { file: string; inventory: string; extra: string[]; limit?: string; extraVars?: Record<string, unknown> }): Promise<Loaded> {
  const L = await loader();
  const problems: Problem[] = [];
  const rb = await L.loadRunbook(resolve(a.file), { actions: actionCatalog });
  problems.push(...rb.problems);
  const inv = await L.loadInventory(resolve(a.inventory));
  problems.push(...inv.problems);
  const ev = L.parseExtraVars(a.extra);
  problems.push(...ev.problems);
  const extraVars = { ...(a.extraVars ?? {}), ...ev.vars };
  if (rb.runbook && inv.inventory && !problems.length) problems.push(...L.checkRunbookAgainstInventory(rb.runbook, inv.inventory, extraVars));
  if (problems.length || !rb.runbook || !inv.inventory) throw new InputError(problems);
  const selectHosts = hostSelector(L.selectHosts);
  if (a.limit) {
    const sel = selectHosts('all', inv.inventory, a.limit);
    if (!sel.hosts.length) throw new UsageError(`--limit ${a.limit} matches no host of ${a.inventory}${sel.problem ? ` (${sel.problem})` : ''}`);
  }
  return { runbook: rb.runbook, inventory: inv.inventory, extraVars, selectHosts };
}
