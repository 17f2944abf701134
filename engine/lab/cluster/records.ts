// What the cluster records for tests and `lab status`: every API write a client made, node
// out-of-service events, per PDB the lowest healthy count seen and how many samples fell below
// the budget's desiredHealthy (sampled on every pod change), and the waits it imposed on clients
// (kubelet restarts, pod terminations after an eviction, PDB blocks, one-off pod runs).
import type { LabRecords, LabWait } from '../contract.js';
import type { Pod, PodDisruptionBudget } from './types.js';
import { isDeleting, isPodReady } from './podutil.js';
import { matchingPods, pdbKey } from './controllers/disruption.js';
import type { Store } from './store.js';

export type ClusterRecords = Pick<LabRecords, 'apiWrites' | 'availability' | 'nodeEvents'> & { waits: LabWait[] };

export class Recorder {
  readonly apiWrites: LabRecords['apiWrites'] = [];
  readonly nodeEvents: LabRecords['nodeEvents'] = [];
  readonly waits: LabWait[] = [];
  private readonly availability: LabRecords['availability'] = {};
  /** Open waits by key: node name, pod uid, PDB namespace/name. */
  private readonly open = new Map<string, LabWait>();
  /** A PDB is watched once it has first been satisfied, so start-up does not count as an outage. */
  private readonly armed = new Set<string>();

  constructor(private readonly now: () => number) {}

  apiWrite(method: string, path: string, status: number): void {
    this.apiWrites.push({ ts: this.now(), method, path, status });
  }

  /** Open a wait unless one with this key is open already (a second restart extends the first). */
  openWait(key: string, w: Omit<LabWait, 'start' | 'end'>): void {
    if (this.open.has(key)) return;
    const rec: LabWait = { ...w, start: this.now() };
    this.open.set(key, rec);
    this.waits.push(rec);
  }

  closeWait(key: string): void {
    const rec = this.open.get(key);
    if (!rec) return;
    rec.end = this.now();
    this.open.delete(key);
  }

  /** `systemctl restart kubelet` … Ready again. */
  nodeEvent(node: string, event: 'cordon' | 'uncordon' | 'notready' | 'ready', version?: string): void {
    this.nodeEvents.push({ ts: this.now(), node, event, ...(version ? { version } : {}) });
    if (event === 'notready') this.openWait(`node/${node}`, { kind: 'kubelet-restart', node });
    if (event === 'ready') this.closeWait(`node/${node}`);
  }

  /** The eviction API accepted an eviction: the client now waits until the pod is gone. */
  evicted(pod: Pod): void {
    this.openWait(`pod/${pod.metadata.uid}`, { kind: 'pod-termination', pod: `${pod.metadata.namespace}/${pod.metadata.name}`, ...(pod.spec.nodeName ? { node: pod.spec.nodeName } : {}) });
  }

  /** The eviction API answered 429 for this PDB: the drain waits until it allows a disruption. */
  pdbRefused(pdb: PodDisruptionBudget): void {
    this.openWait(`pdb/${pdbKey(pdb)}`, { kind: 'pdb-block', pdb: pdbKey(pdb) });
  }

  /** A client created a one-off pod: it waits for the pod to finish. */
  podCreated(pod: Pod): void {
    const policy = pod.spec.restartPolicy;
    if (policy !== 'Never' && policy !== 'OnFailure') return;
    this.openWait(`run/${pod.metadata.uid}`, { kind: 'pod-run', pod: `${pod.metadata.namespace}/${pod.metadata.name}`, ...(pod.spec.nodeName ? { node: pod.spec.nodeName } : {}) });
  }

  /** Any pod appeared (a controller's or a client's): how long it takes to be Ready. */
  podAdded(pod: Pod): void {
    this.openWait(`start/${pod.metadata.uid}`, { kind: 'pod-start', pod: `${pod.metadata.namespace}/${pod.metadata.name}` });
  }

  /**
   * Any change to a pod or PDB, as the store makes it (not at the next controller pass, which a
   * client watching the object can beat): a pod Ready or finished ends its start and run waits, a
   * PDB allowing a disruption ends its block.
   */
  changed(resource: string, o: Pod | PodDisruptionBudget): void {
    if (resource === 'poddisruptionbudgets') {
      if (((o as PodDisruptionBudget).status?.disruptionsAllowed ?? 0) > 0) this.closeWait(`pdb/${pdbKey(o)}`);
      return;
    }
    if (resource !== 'pods') return;
    const pod = o as Pod;
    const finished = pod.status.phase === 'Succeeded' || pod.status.phase === 'Failed';
    if (finished || isPodReady(pod)) this.closeWait(`start/${pod.metadata.uid}`);
    if (finished) this.closeWait(`run/${pod.metadata.uid}`);
  }

  /** A pod left the store: its termination, run or start wait ends. */
  podRemoved(pod: Pod): void {
    this.closeWait(`pod/${pod.metadata.uid}`);
    this.closeWait(`run/${pod.metadata.uid}`);
    this.closeWait(`start/${pod.metadata.uid}`);
  }

  /** Sample every PDB's healthy count (Ready, not deleting) against its desiredHealthy; end the
   *  waits that the new state ends (a PDB allowing disruptions, a one-off pod finished). */
  sample(store: Store): void {
    this.endWaits(store);
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

  private endWaits(store: Store): void {
    for (const [key, w] of this.open) {
      if (w.kind === 'pdb-block') {
        const [ns, name] = w.pdb!.split('/');
        const pdb = store.peekOne<PodDisruptionBudget>('poddisruptionbudgets', ns, name!);
        if (!pdb || (pdb.status?.disruptionsAllowed ?? 0) > 0) this.closeWait(key);
      } else if (w.kind === 'pod-run' || w.kind === 'pod-start') {
        const [ns, name] = w.pod!.split('/');
        const pod = store.peekOne<Pod>('pods', ns, name!);
        const finished = !pod || pod.metadata.uid !== key.slice(key.indexOf('/') + 1) || pod.status.phase === 'Succeeded' || pod.status.phase === 'Failed';
        if (finished || (w.kind === 'pod-start' && isPodReady(pod))) this.closeWait(key);
      }
    }
  }

  snapshot(): ClusterRecords {
    return structuredClone({ apiWrites: this.apiWrites, availability: this.availability, nodeEvents: this.nodeEvents, waits: this.waits });
  }
}
