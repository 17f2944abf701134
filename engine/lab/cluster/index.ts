// The lab's simulated control plane in this process: object store, controllers, scheduler and an
// HTTPS API server that real kubectl and @kubernetes/client-node accept. The node half (SSH shims)
// drives it through `control` (LabClusterControl).
import { randomBytes } from 'node:crypto';
import type { LabClusterControl, LabFaults, LabNodeSpec, LabNodeView } from '../contract.js';
import { ApiServer } from './api/server.js';
import type { WriteHook } from './api/crud.js';
import { labCerts } from './certs.js';
import { seededRandom, stableHash, type ControllerContext } from './controllers/context.js';
import { Kubelets } from './controllers/kubelet.js';
import { ControllerManager } from './controllers/manager.js';
import { kubeconfigText, type ListenInfo } from './kubeconfig.js';
import { isNodeReady } from './podutil.js';
import { Recorder, type ClusterRecords } from './records.js';
import { Store } from './store.js';
import { realClock, ScaledTimers, type TimerClock } from './timers.js';
import type { Node, Pod, Workload } from './types.js';
import { CONTROL_PLANE_COMPONENTS, corednsImage, defaultObjects, mirrorPods, type WorkloadSet } from './workloads/default.js';
import { nodeLease, nodeObject } from './workloads/nodes.js';

export type { ListenInfo } from './kubeconfig.js';
export type { WorkloadSet } from './workloads/default.js';
export type { ClusterRecords } from './records.js';

export interface CreateClusterOptions {
  /** Kubernetes version of the control plane and every kubelet at start, e.g. "1.30.4". */
  version: string;
  nodes: LabNodeSpec[];
  /** Multiplier on every simulated delay (pod start, grace periods, kubelet restart). */
  timeScale: number;
  /** Shared with the caller: changes to it take effect at once (the control endpoint edits it). */
  faults: LabFaults;
  workloads?: WorkloadSet;
  clock?: TimerClock;
  /** Seed for generated names (default 1: reproducible labs). */
  seed?: number;
}

export interface LabCluster {
  control: LabClusterControl;
  listen(): Promise<ListenInfo>;
  records(): ClusterRecords;
  kubeconfig(info: ListenInfo): string;
  /** Close the API server and clear every timer; nothing keeps running. */
  stop(): Promise<void>;
  /** The object store, for tests and the orchestrator's status view. */
  readonly store: Store;
}

/** How old the seeded cluster looks ("3d" in kubectl's AGE column). */
const SEED_AGE_MS = 3 * 24 * 3600 * 1000;

export function createCluster(opts: CreateClusterOptions): LabCluster {
  const timers = new ScaledTimers(opts.clock ?? realClock, opts.timeScale);
  let ageOffset = SEED_AGE_MS;
  const store = new Store(() => timers.now() - ageOffset);
  let serverVersion = normalise(opts.version);
  const recorder = new Recorder(() => timers.now());
  let manager: ControllerManager | undefined;
  const ctx: ControllerContext = {
    store, timers, faults: opts.faults, instant: true, random: seededRandom(opts.seed ?? 1),
    serverVersion: () => serverVersion,
    kick: () => manager?.kick(),
    waits: recorder,
  };
  const kubelets = new Kubelets(ctx);
  kubelets.onNodeEvent = (node, event, version) => recorder.nodeEvent(node, event, version);
  manager = new ControllerManager(ctx, kubelets, recorder);

  // Seed: nodes, then workloads, settled at once (pods already Running, as in a cluster up for days).
  opts.nodes.forEach((n, i) => {
    const node = store.create('nodes', nodeObject(n, i, serverVersion, timers.now()));
    if (n.role === 'control-plane' && (opts.workloads ?? 'default') !== 'none') for (const p of mirrorPods(n.name, node.metadata.uid!, serverVersion)) store.create('pods', p);
  });
  for (const [resource, obj] of defaultObjects(opts.workloads ?? 'default', opts.nodes, serverVersion)) store.create(resource, obj);
  for (const n of store.list<Node>('nodes')) store.create('leases', nodeLease(n, timers.now()));
  for (let i = 0; i < 10; i++) {
    const before = store.resourceVersion();
    manager.runNow();
    if (store.resourceVersion() === before) break;
  }
  ctx.instant = false;
  ageOffset = 0;
  manager.startResync();
  // Any write, from a client or from inside the lab, gets the controllers' attention.
  store.onChange((change, resource, o) => {
    if (change === 'DELETED' && resource === 'pods') recorder.podRemoved(o as Pod);
    if (change === 'ADDED' && resource === 'pods') recorder.podAdded(o as Pod);
    if (change === 'MODIFIED') recorder.changed(resource, o as Pod);
    manager!.kick();
  });

  const hook: WriteHook = (resource, before, after) => {
    if (resource === 'pods' && !before && after) recorder.podCreated(after as Pod);
    if (resource !== 'nodes' || !before || !after) return;
    const was = !!(before as Node).spec.unschedulable, now = !!(after as Node).spec.unschedulable;
    if (was !== now) recorder.nodeEvent(after.metadata.name, now ? 'cordon' : 'uncordon');
  };
  const token = randomBytes(24).toString('hex');
  const server = new ApiServer(ctx, recorder, hook, token);
  let stopped = false;

  const control: LabClusterControl = {
    faults: opts.faults,
    serverVersion: () => serverVersion,
    setServerVersion(v: string) {
      serverVersion = normalise(v);
      followServerVersion(ctx, serverVersion);
    },
    nodes(): LabNodeView[] {
      return store.list<Node>('nodes').map((n) => ({
        name: n.metadata.name,
        role: opts.nodes.find((s) => s.name === n.metadata.name)?.role ?? 'worker',
        kubeletVersion: n.status.nodeInfo.kubeletVersion,
        ready: isNodeReady(n),
        unschedulable: !!n.spec.unschedulable,
      }));
    },
    restartKubelet: (node, version) => kubelets.restart(node, version),
    snapshot: () => store.snapshot(),
    restore(data: string) {
      // Kubelets own node status and re-post it at once after an etcd restore; the API server
      // binary (serverVersion) and the static pods on disk do not change either.
      const live = store.list<Node>('nodes');
      kubelets.reset();
      store.restore(data);
      for (const n of live) {
        const restored = store.get<Node>('nodes', undefined, n.metadata.name);
        if (restored) store.update('nodes', { ...restored, status: n.status });
        else store.create('nodes', { ...n, metadata: { name: n.metadata.name, labels: n.metadata.labels ?? {}, annotations: n.metadata.annotations ?? {} } });
      }
      followServerVersion(ctx, serverVersion);
      manager!.kick();
    },
  };

  return {
    control,
    store,
    async listen() {
      const certs = await labCerts();
      if (stopped) throw new Error('lab: the cluster was stopped before its API server started');
      const port = await server.listen(certs);
      return { url: `https://127.0.0.1:${port}`, port, caPem: certs.caPem, token };
    },
    records: () => recorder.snapshot(),
    kubeconfig: (info) => kubeconfigText(info),
    async stop() {
      stopped = true;
      timers.stop();
      await server.close();
    },
  };
}

function normalise(v: string): string {
  return v.startsWith('v') ? v : `v${v}`;
}

/** After `kubeadm upgrade apply`: control-plane mirror pods and kube-proxy run the new version's images. */
function followServerVersion(ctx: ControllerContext, version: string): void {
  const { store } = ctx;
  for (const p of store.list<Pod>('pods', 'kube-system')) {
    const component = p.metadata.labels?.['component'];
    const isCp = (CONTROL_PLANE_COMPONENTS as readonly string[]).includes(component ?? '');
    const isProxy = p.metadata.labels?.['k8s-app'] === 'kube-proxy' || p.metadata.labels?.['app'] === 'kube-proxy';
    if (!isCp && !isProxy) continue;
    const containers = p.spec.containers.map((c) => ({ ...c, image: c.image.replace(/:v[^:]+$/, `:${version}`) }));
    const statuses = (p.status.containerStatuses ?? []).map((s) => ({ ...s, image: String(s['image'] ?? '').replace(/:v[^:]+$/, `:${version}`) }));
    store.update('pods', { ...p, spec: { ...p.spec, containers }, status: { ...p.status, containerStatuses: statuses } });
  }
  const ds = store.get<Workload>('daemonsets', 'kube-system', 'kube-proxy');
  if (ds) {
    const containers = ds.spec.template.spec.containers.map((c) => ({ ...c, image: c.image.replace(/:v[^:]+$/, `:${version}`) }));
    const template = { ...ds.spec.template, spec: { ...ds.spec.template.spec, containers } };
    store.update('daemonsets', { ...ds, spec: { ...ds.spec, template } });
    // The pods were updated in place above: mark them at the new revision so the DaemonSet does not roll them again.
    for (const p of store.list<Pod>('pods', 'kube-system')) {
      if (p.metadata.ownerReferences?.some((o) => o.uid === ds.metadata.uid)) store.update('pods', { ...p, metadata: { ...p.metadata, labels: { ...(p.metadata.labels ?? {}), 'controller-revision-hash': stableHash(template) } } });
    }
  }
  // kubeadm also moves CoreDNS to its own version's image: a rolling update of the Deployment.
  const dns = store.get<Workload>('deployments', 'kube-system', 'coredns');
  if (dns) {
    const image = corednsImage(version);
    const containers = dns.spec.template.spec.containers.map((c) => (c.name === 'coredns' ? { ...c, image } : c));
    store.update('deployments', { ...dns, spec: { ...dns.spec, template: { ...dns.spec.template, spec: { ...dns.spec.template.spec, containers } } } });
  }
  ctx.kick();
}
