// The lab's entry point — placeholder signature until the lab lands (issue 3).
import type { LabHandle, LabOptions } from './contract.js';

export async function startLab(_opts: LabOptions): Promise<LabHandle> {
  throw new Error('runbook: the lab is not built yet (issue 3)');
}
