// What an upgrade must look like in the lab's records: kubeadm upgrade apply exactly once,
// control plane before workers before GPU nodes, one node out of service at a time, no PDB below
// its budget. Pure functions over LabRecords, so each check names exactly what broke.
import type { LabRecords } from '../../engine/lab/contract.js';

export type Role = 'control-plane' | 'worker' | 'gpu';

/** Successful `kubeadm upgrade apply` commands, as the nodes recorded them. */
export function applies(r: LabRecords): Array<{ node: string; command: string }> {
  return r.commands.filter((c) => /kubeadm upgrade apply\b/.test(c.command) && c.exitCode === 0).map((c) => ({ node: c.node, command: c.command }));
}

/** The nodes in the order they were first cordoned. */
export function cordonOrder(r: LabRecords): string[] {
  const seen: string[] = [];
  for (const e of r.nodeEvents) if (e.event === 'cordon' && !seen.includes(e.node)) seen.push(e.node);
  return seen;
}

/** Problems with the role order (control plane, then workers, then GPU), or [] when it held. */
export function roleOrderProblems(order: string[], roleOf: (node: string) => Role): string[] {
  const rank: Record<Role, number> = { 'control-plane': 0, worker: 1, gpu: 2 };
  const out: string[] = [];
  for (let i = 1; i < order.length; i++) {
    const a = order[i - 1]!;
    const b = order[i]!;
    if (rank[roleOf(b)] < rank[roleOf(a)]) out.push(`${b} (${roleOf(b)}) was taken out after ${a} (${roleOf(a)})`);
  }
  return out;
}

/**
 * Moments when more than one node was out of service (cordoned or NotReady), replaying the lab's
 * node events in time order. Each entry names the nodes out together.
 */
export function overlaps(r: LabRecords): string[] {
  const cordoned = new Set<string>();
  const notReady = new Set<string>();
  const out: string[] = [];
  const events = [...r.nodeEvents].sort((a, b) => a.ts - b.ts);
  for (const e of events) {
    if (e.event === 'cordon') cordoned.add(e.node);
    else if (e.event === 'uncordon') cordoned.delete(e.node);
    else if (e.event === 'notready') notReady.add(e.node);
    else notReady.delete(e.node);
    const down = new Set([...cordoned, ...notReady]);
    if (down.size > 1) out.push(`at ${new Date(e.ts).toISOString()}: ${[...down].sort().join(', ')} out of service together`);
  }
  return out;
}

/** PDB-protected workloads that fell below their budget, with how often. */
export function budgetBreaches(r: LabRecords): string[] {
  return Object.entries(r.availability)
    .filter(([, a]) => a.momentsBelow > 0)
    .map(([pdb, a]) => `${pdb}: ${a.momentsBelow} moments below ${a.minAvailable} healthy (lowest ${a.minHealthy})`);
}
