// Parsing of `runbook lab up` values that need more than a number: --topology and --fault.
import type { LabFaults } from './contract.js';

/** A user mistake in a flag's value (exit 2). */
export class LabUsageError extends Error {}

/** "3,3,2" → control planes, workers, GPU nodes. */
export function parseTopology(s: string): { controlPlanes: number; workers: number; gpus: number } {
  const parts = s.split(',').map((x) => Number(x.trim()));
  if (parts.length !== 3 || parts.some((n) => !Number.isInteger(n) || n < 0 || n > 50) || parts[0]! < 1) {
    throw new LabUsageError(`--topology wants CONTROL_PLANES,WORKERS,GPU_NODES like 3,3,2 (at least one control plane, at most 50 each; got "${s}")`);
  }
  return { controlPlanes: parts[0]!, workers: parts[1]!, gpus: parts[2]! };
}

const KINDS: Record<string, keyof LabFaults> = {
  'never-ready': 'neverReady', neverready: 'neverReady',
  'api-5xx': 'api5xx', api5xx: 'api5xx',
  'pdb-blocked': 'pdbBlocked', pdbblocked: 'pdbBlocked',
  'ssh-drop': 'sshDrop', sshdrop: 'sshDrop',
  'disk-full': 'diskFull', diskfull: 'diskFull',
  'crash-loop': 'crashLoop', crashloop: 'crashLoop',
  'deprecated-call': 'deprecatedCalls', deprecatedcall: 'deprecatedCalls',
};

/** Add one `--fault KIND=ARG` to faults (lists accumulate; ARG may be comma-separated names). */
export function parseFault(s: string, faults: Partial<LabFaults>): void {
  const eq = s.indexOf('=');
  const kindRaw = eq < 0 ? s : s.slice(0, eq);
  const arg = eq < 0 ? '' : s.slice(eq + 1);
  const kind = KINDS[kindRaw.toLowerCase()];
  if (!kind) throw new LabUsageError(`unknown fault "${kindRaw}" (never-ready, api-5xx, pdb-blocked, ssh-drop, disk-full, crash-loop, deprecated-call)`);
  if (!arg) throw new LabUsageError(`--fault ${kindRaw} needs a value: ${kindRaw}=...`);
  if (kind === 'api5xx') {
    const n = Number(arg);
    if (!Number.isInteger(n) || n < 0) throw new LabUsageError(`--fault api-5xx wants a count of requests (got "${arg}")`);
    faults.api5xx = n;
    return;
  }
  if (kind === 'sshDrop') {
    const colon = arg.indexOf(':');
    if (colon <= 0 || colon === arg.length - 1) throw new LabUsageError(`--fault ssh-drop wants NODE:SUBSTRING, e.g. ssh-drop=worker-1:"apt-get install" (got "${arg}")`);
    faults.sshDrop = { ...(faults.sshDrop ?? {}), [arg.slice(0, colon)]: arg.slice(colon + 1) };
    return;
  }
  const names = arg.split(',').map((x) => x.trim()).filter(Boolean);
  faults[kind] = [...((faults[kind] as string[] | undefined) ?? []), ...names];
}
