// Builders of PodInfo / PdbInfo values for the pure unit tests (drain filters, PDB arithmetic).
import type { PdbInfo, PodInfo } from '../../engine/ports/kube.js';

export function pod(name: string, over: Partial<PodInfo> = {}): PodInfo {
  return {
    name,
    namespace: 'default',
    uid: `uid-${name}`,
    nodeName: 'w1',
    phase: 'Running',
    labels: {},
    annotations: {},
    owners: [{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'web-rs', controller: true }],
    deleting: false,
    emptyDirVolumes: [],
    ready: true,
    containers: [],
    requests: { cpuMilli: 100, memoryBytes: 128 * 2 ** 20, gpus: 0 },
    nodeSelector: {},
    tolerations: [],
    images: ['nginx:1.27'],
    ...over,
  };
}

export const dsOwned = (ds: string) => [{ apiVersion: 'apps/v1', kind: 'DaemonSet', name: ds, controller: true }];

export function pdb(name: string, over: Partial<PdbInfo> = {}): PdbInfo {
  return {
    name,
    namespace: 'default',
    selector: { matchLabels: { app: 'web' } },
    status: { currentHealthy: 3, desiredHealthy: 2, expectedPods: 3, disruptionsAllowed: 1 },
    ...over,
  };
}
