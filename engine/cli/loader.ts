// The loading layer as the CLI uses it (engine/load/): runbooks, inventories, host patterns, -e.
// Loaded on first use (commands that need no runbook stay fast); the contract is typed here.
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
  /** The host of this name, including the implicit `localhost`. */
  findHost(inv: Inventory, name: string): Host | undefined;
}

/** The loader, typed against the contract above (a signature drift fails to compile here). */
export async function loader(): Promise<LoaderApi> {
  const mod: LoaderApi = await import('../load/index.js');
  return mod;
}
