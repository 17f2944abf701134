// PodDisruptionBudget arithmetic as pure functions, following the disruption controller
// (k8s-facts.md "PDB status"): desired healthy pods from minAvailable / maxUnavailable (int or
// percent, percentages rounded up), disruptions allowed, and whether a PDB would block a drain.
import type { IntOrPercent, PdbInfo, PodInfo } from '../../ports/kube.js';
import { selectorMatches } from './common.js';

/** An int, or "N%" of total rounded up (intstr.GetScaledValueFromIntOrPercent with roundUp). */
export function scaled(v: IntOrPercent, total: number): number {
  if (typeof v === 'number') return v;
  const m = /^(\d+)%$/.exec(v.trim());
  if (m) return Math.ceil((Number(m[1]) * total) / 100);
  const n = Number(v);
  if (Number.isInteger(n)) return n;
  throw new Error(`"${v}" is neither an integer nor a percentage`);
}

export const isPercent = (v: IntOrPercent | undefined) => typeof v === 'string' && v.trim().endsWith('%');

export interface PdbNumbers {
  expectedPods: number;
  desiredHealthy: number;
  currentHealthy: number;
  disruptionsAllowed: number;
}

/**
 * desiredHealthy and disruptionsAllowed for a budget.
 * matching: pods the selector matches; healthy: those Ready and not deleting;
 * controllerReplicas: the owning controllers' replicas (used for percentages and maxUnavailable;
 * defaults to the number of matching pods when the caller does not know them).
 */
export function pdbNumbers(spec: Pick<PdbInfo, 'minAvailable' | 'maxUnavailable'>, matching: number, healthy: number, controllerReplicas = matching): PdbNumbers {
  let expectedPods: number;
  let desiredHealthy: number;
  if (spec.maxUnavailable !== undefined) {
    expectedPods = controllerReplicas;
    desiredHealthy = Math.max(0, expectedPods - scaled(spec.maxUnavailable, expectedPods));
  } else if (spec.minAvailable !== undefined && isPercent(spec.minAvailable)) {
    expectedPods = controllerReplicas;
    desiredHealthy = scaled(spec.minAvailable, expectedPods);
  } else {
    expectedPods = matching;
    desiredHealthy = spec.minAvailable === undefined ? 0 : scaled(spec.minAvailable, matching);
  }
  const disruptionsAllowed = expectedPods <= 0 ? 0 : Math.max(0, healthy - desiredHealthy);
  return { expectedPods, desiredHealthy, currentHealthy: healthy, disruptionsAllowed };
}

export const podHealthy = (p: PodInfo) => p.ready && !p.deleting && p.phase === 'Running';

export interface PdbVerdict {
  pdb: string;
  pods: string[];
  healthy: number;
  numbers: PdbNumbers;
  /** Why a drain of any of its pods would wait forever (empty: it would not block). */
  blocks: string[];
}

/** Would this PDB block evicting one of its pods? Combines spec arithmetic and the server's status. */
export function judgePdb(pdb: PdbInfo, podsInNamespace: PodInfo[]): PdbVerdict {
  const pods = podsInNamespace.filter((p) => p.namespace === pdb.namespace && selectorMatches(pdb.selector, p.labels));
  const healthy = pods.filter(podHealthy).length;
  const numbers = pdbNumbers(pdb, pods.length, healthy);
  const blocks: string[] = [];
  if (pods.length > 0) {
    const mu = pdb.maxUnavailable;
    if (mu !== undefined && (mu === 0 || mu === '0' || mu === '0%')) blocks.push('maxUnavailable is 0');
    else if (pdb.minAvailable !== undefined && numbers.desiredHealthy >= healthy) {
      blocks.push(`minAvailable ${pdb.minAvailable} needs ${numbers.desiredHealthy} healthy pods and has ${healthy}`);
    } else if (numbers.disruptionsAllowed === 0 && mu !== undefined) {
      blocks.push(`maxUnavailable ${mu} leaves no disruption with ${healthy} healthy of ${numbers.expectedPods}`);
    }
    if (pdb.status.disruptionsAllowed === 0 && blocks.length === 0) blocks.push('the server reports disruptionsAllowed 0');
  }
  return { pdb: `${pdb.namespace}/${pdb.name}`, pods: pods.map((p) => `${p.namespace}/${p.name}`), healthy, numbers, blocks };
}

/** PDBs whose selector matches the pod (what the eviction subresource checks). */
export function pdbsFor(pod: PodInfo, pdbs: PdbInfo[]): PdbInfo[] {
  return pdbs.filter((b) => b.namespace === pod.namespace && selectorMatches(b.selector, pod.labels));
}
