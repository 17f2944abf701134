// The loading layer as the CLI uses it (engine/load/): runbooks, inventories, host patterns, -e.
// Imported through a computed specifier while parts of load/ are still being built, with the
// contract typed here; the CLI reports a clear error if a function is missing.
import type { ActionCatalog } from '../model/action-spec.js';
import type { Problem } from '../model/errors.js';
import type { Host, Inventory } from '../model/inventory.js';
import type { Runbook } from '../model/runbook.js';

export interface LoaderApi {
  loadRunbook(file: string, opts: { actions: ActionCatalog }): Promise<{ runbook?: Runbook; problems: Problem[] }>;
  loadInventory(file: string): Promise<{ inventory?: Inventory; problems: Problem[] }> | { inventory?: Inventory; problems: Problem[] };
  selectHosts(pattern: string, inv: Inventory, limit?: string): { hosts: Array<Host | string>; problem?: string | Problem };
  checkRunbookAgainstInventory(rb: Runbook, inv: Inventory, extraVars: Record<string, unknown>): Problem[];
  parseExtraVars(args: string[]): { vars: Record<string, unknown>; problems: Problem[] };
}

let cached: LoaderApi | undefined;

export async function loader(): Promise<LoaderApi> {
  if (cached) return cached;
  const spec = '../load/index.js';
  const mod = (await import(spec)) as Partial<LoaderApi>;
  for (const fn of ['loadRunbook', 'loadInventory', 'selectHosts', 'checkRunbookAgainstInventory', 'parseExtraVars'] as const) {
    if (typeof mod[fn] !== 'function') throw new Error(`engine/load/index.js does not export ${fn} yet`);
  }
  cached = mod as LoaderApi;
  return cached;
}
