// The disruption controller's arithmetic, as pure functions (kube-controller-manager's
// disruption.go): desiredHealthy, expectedPods, currentHealthy and disruptionsAllowed of a PDB.

export type IntOrPercent = number | string;

export interface PdbInputs {
  minAvailable?: IntOrPercent;
  maxUnavailable?: IntOrPercent;
  /** Pods the PDB's selector matches (in its namespace). */
  matchingPods: number;
  /** Sum of the owning controllers' spec.replicas (Deployment, ReplicaSet, StatefulSet). */
  controllerReplicas: number;
  /** Matching pods that are Ready, not deleting, not recently disrupted. */
  healthyPods: number;
}

export interface PdbStatusNumbers {
  expectedPods: number;
  desiredHealthy: number;
  currentHealthy: number;
  disruptionsAllowed: number;
}

function percent(v: IntOrPercent): number | undefined {
  if (typeof v === 'string' && /^\d+%$/.test(v)) return Number(v.slice(0, -1));
  return undefined;
}

function intValue(v: IntOrPercent): number {
  return typeof v === 'number' ? v : Number(v);
}

/** Compute a PDB's status numbers exactly as the disruption controller does. */
export function pdbNumbers(i: PdbInputs): PdbStatusNumbers {
  let expectedPods: number;
  let desiredHealthy: number;
  if (i.maxUnavailable !== undefined) {
    expectedPods = i.controllerReplicas;
    const pct = percent(i.maxUnavailable);
    // maxUnavailable percentages round up: more pods may go.
    const maxUnavailable = pct !== undefined ? Math.ceil((pct * expectedPods) / 100) : intValue(i.maxUnavailable);
    desiredHealthy = Math.max(0, expectedPods - maxUnavailable);
  } else if (i.minAvailable !== undefined && percent(i.minAvailable) !== undefined) {
    expectedPods = i.controllerReplicas;
    desiredHealthy = Math.ceil((percent(i.minAvailable)! * expectedPods) / 100);
  } else {
    expectedPods = i.matchingPods;
    desiredHealthy = i.minAvailable !== undefined ? intValue(i.minAvailable) : 0;
  }
  const currentHealthy = i.healthyPods;
  const disruptionsAllowed = expectedPods <= 0 ? 0 : Math.max(0, currentHealthy - desiredHealthy);
  return { expectedPods, desiredHealthy, currentHealthy, disruptionsAllowed };
}
