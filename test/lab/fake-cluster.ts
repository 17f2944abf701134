// A small in-memory stand-in for the lab's cluster half (engine/lab/cluster/), for node-side tests
// that need no API server: versions, Node views, kubelet restarts and an object store to snapshot.
import type { LabClusterControl, LabFaults, LabNodeSpec, LabNodeView, LabRecords } from '../../engine/lab/contract.js';
import type { LabCluster } from '../../engine/lab/lab.js';

export interface FakeCluster extends LabCluster {
  /** The store etcdctl snapshots: tests put keys and compare after a restore. */
  store: { revision: number; objects: Record<string, string> };
  restarts: Array<{ node: string; version: string }>;
}

export function createFakeCluster(o: { version: string; nodes: LabNodeSpec[]; timeScale: number; faults: LabFaults }): FakeCluster {
  let server = `v${o.version.replace(/^v/, '')}`;
  const views: LabNodeView[] = o.nodes.map((n) => ({ name: n.name, role: n.role, kubeletVersion: server, ready: true, unschedulable: false }));
  const fake: FakeCluster = {
    store: { revision: 1, objects: { 'namespaces/default': 'default', 'namespaces/kube-system': 'kube-system' } },
    restarts: [],
    control: {
      serverVersion: () => server,
      setServerVersion: (v: string) => { server = v; },
      nodes: () => views.map((v) => ({ ...v })),
      restartKubelet: (node: string, version: string) => {
        fake.restarts.push({ node, version });
        const v = views.find((x) => x.name === node);
        if (v) { v.kubeletVersion = version; v.ready = !o.faults.neverReady.includes(node); }
      },
      snapshot: () => JSON.stringify(fake.store),
      restore: (data: string) => {
        const s = JSON.parse(data) as FakeCluster['store'];
        fake.store = { revision: Math.max(s.revision, fake.store.revision) + 1, objects: s.objects };
      },
      faults: o.faults,
    } satisfies LabClusterControl,
    listen: async () => ({ url: 'https://127.0.0.1:9', port: 9, caPem: '-----BEGIN CERTIFICATE-----\n(fake)\n-----END CERTIFICATE-----\n', token: 'fake' }),
    records: (): Partial<LabRecords> => ({ apiWrites: [], availability: {}, nodeEvents: [] }),
    kubeconfig: (l) => `apiVersion: v1\nkind: Config\nclusters:\n- name: lab\n  cluster: { server: "${l.url}" }\ncontexts:\n- name: lab\n  context: { cluster: lab, user: admin }\ncurrent-context: lab\nusers:\n- name: admin\n  user: { token: "${l.token}" }\n`,
    stop: async () => undefined,
  };
  return fake;
}
