// `runbook validate` through the function API, as the CLI does it: load the runbook (or the
// inventory), then check it against an inventory. Returns every problem as FILE:LINE:COL lines.
import { checkRunbookAgainstInventory, loadInventory, loadRunbook } from '../../engine/load/index.js';
import { formatProblem } from '../../engine/model/errors.js';
import { catalog } from '../fixtures/load/catalog.js';

/** The inventory runbook fixtures are validated against. */
export const FIXTURE_INVENTORY = 'test/fixtures/load/native.yaml';

/** Files named inv-* (or *.ini) are inventories; everything else is a runbook. */
export function isInventoryFixture(file: string): boolean {
  return /(^|\/)inv-/.test(file) || file.endsWith('.ini');
}

export async function validate(file: string, inventory = FIXTURE_INVENTORY, extraVars: Record<string, unknown> = {}): Promise<string[]> {
  if (isInventoryFixture(file)) return (await loadInventory(file)).problems.map(formatProblem);
  const r = await loadRunbook(file, { actions: catalog });
  if (!r.runbook) return r.problems.map(formatProblem);
  const inv = await loadInventory(inventory);
  if (!inv.inventory) return inv.problems.map(formatProblem);
  return checkRunbookAgainstInventory(r.runbook, inv.inventory, extraVars).map(formatProblem);
}
