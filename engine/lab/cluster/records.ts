// What the cluster records for tests and `lab status`: every API write a client made, node
// out-of-service events, and per PDB the lowest healthy count seen and how many samples fell
// below the budget's desiredHealthy (sampled on every pod change).
import type { LabRecords } from '../contract.js';
import type { Pod, PodDisruptionBudget } from './types.js';
import { isDeleting, isPodReady } from './podutil.js';
import { matchingPods, pdbKey } from './controllers/disruption.js';
import type { Store } from './store.js';

export type ClusterRecords = Pick<LabRecords, 'apiWrites' | 'availability' | 'nodeEvents'>;

export class Recorder {
  readonly apiWrites: LabRecords['apiWrites'] = [];
  readonly nodeEvents: LabRecords['nodeEvents'] = [];
  private readonly availability: LabRecords['availability'] = {};
  /** A PDB is watched once it has first been satisfied, so start-up does not count as an outage. */
  private readonly armed = new Set<string>();

  constructor(private readonly now: () => number) {}

  apiWrite(method: string, path: string, status: number): void {
    this.apiWrites.push({ ts: this.now(), method, path, status });
  }

  nodeEvent(node: string, event: 'cordon' | 'uncordon' | 'notready' | 'ready', version?: string): void {
    this.nodeEvents.push({ ts: this.now(), node, event, ...(version ? { version } : {}) });
  }

  /** Sample every PDB's healthy count (Ready, not deleting) against its desiredHealthy. */
  sample(store: Store): void {
    const pods = store.peek<Pod>('pods');
    for (const pdb of store.peek<PodDisruptionBudget>('poddisruptionbudgets')) {
      if (!pdb.status) continue;
      const key = pdbKey(pdb);
      const desired = pdb.status.desiredHealthy;
      const healthy = matchingPods(pdb, pods).filter((p) => isPodReady(p) && !isDeleting(p)).length;
      if (!this.armed.has(key)) {
        if (healthy < desired || desired <= 0) continue;
        this.armed.add(key);
      }
      const rec = (this.availability[key] ??= { minAvailable: desired, minHealthy: healthy, momentsBelow: 0 });
      rec.minAvailable = desired;
      rec.minHealthy = Math.min(rec.minHealthy, healthy);
      if (healthy < desired) rec.momentsBelow++;
    }
  }

  snapshot(): ClusterRecords {
    return structuredClone({ apiWrites: this.apiWrites, availability: this.availability, nodeEvents: this.nodeEvents });
  }
}
