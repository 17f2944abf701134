// The resource types the lab's API server serves: one table that discovery, the router, tables
// and the store all read, so adding a resource is one entry here.

export interface ResourceType {
  group: string; // '' for the core group
  version: string;
  resource: string; // plural, as in URLs
  singular: string;
  kind: string;
  namespaced: boolean;
  shortNames?: string[];
  categories?: string[];
  /** Subresources besides the main one, e.g. status, eviction, log. */
  subresources?: Array<{ name: string; kind: string; group?: string; version?: string; verbs: string[] }>;
  /** Verbs other than the full read-write set (e.g. create only for access reviews). */
  verbs?: string[];
}

const rw = ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'];
const statusSub = (kind: string) => ({ name: 'status', kind, verbs: ['get', 'patch', 'update'] });
const scaleSub = { name: 'scale', kind: 'Scale', group: 'autoscaling', version: 'v1', verbs: ['get', 'patch', 'update'] };

export const RESOURCES: ResourceType[] = [
  { group: '', version: 'v1', resource: 'namespaces', singular: 'namespace', kind: 'Namespace', namespaced: false, shortNames: ['ns'], subresources: [statusSub('Namespace')] },
  { group: '', version: 'v1', resource: 'nodes', singular: 'node', kind: 'Node', namespaced: false, shortNames: ['no'], subresources: [statusSub('Node')] },
  {
    group: '', version: 'v1', resource: 'pods', singular: 'pod', kind: 'Pod', namespaced: true, shortNames: ['po'], categories: ['all'],
    subresources: [
      { name: 'eviction', kind: 'Eviction', group: 'policy', version: 'v1', verbs: ['create'] },
      { name: 'log', kind: 'Pod', verbs: ['get'] },
      statusSub('Pod'),
    ],
  },
  { group: '', version: 'v1', resource: 'configmaps', singular: 'configmap', kind: 'ConfigMap', namespaced: true, shortNames: ['cm'] },
  { group: '', version: 'v1', resource: 'secrets', singular: 'secret', kind: 'Secret', namespaced: true },
  { group: '', version: 'v1', resource: 'services', singular: 'service', kind: 'Service', namespaced: true, shortNames: ['svc'], categories: ['all'], subresources: [statusSub('Service')] },
  { group: '', version: 'v1', resource: 'events', singular: 'event', kind: 'Event', namespaced: true, shortNames: ['ev'] },
  { group: '', version: 'v1', resource: 'serviceaccounts', singular: 'serviceaccount', kind: 'ServiceAccount', namespaced: true, shortNames: ['sa'] },
  { group: 'apps', version: 'v1', resource: 'deployments', singular: 'deployment', kind: 'Deployment', namespaced: true, shortNames: ['deploy'], categories: ['all'], subresources: [statusSub('Deployment'), scaleSub] },
  { group: 'apps', version: 'v1', resource: 'replicasets', singular: 'replicaset', kind: 'ReplicaSet', namespaced: true, shortNames: ['rs'], categories: ['all'], subresources: [statusSub('ReplicaSet'), scaleSub] },
  { group: 'apps', version: 'v1', resource: 'statefulsets', singular: 'statefulset', kind: 'StatefulSet', namespaced: true, shortNames: ['sts'], categories: ['all'], subresources: [statusSub('StatefulSet'), scaleSub] },
  { group: 'apps', version: 'v1', resource: 'daemonsets', singular: 'daemonset', kind: 'DaemonSet', namespaced: true, shortNames: ['ds'], categories: ['all'], subresources: [statusSub('DaemonSet')] },
  { group: 'policy', version: 'v1', resource: 'poddisruptionbudgets', singular: 'poddisruptionbudget', kind: 'PodDisruptionBudget', namespaced: true, shortNames: ['pdb'], subresources: [statusSub('PodDisruptionBudget')] },
  { group: 'coordination.k8s.io', version: 'v1', resource: 'leases', singular: 'lease', kind: 'Lease', namespaced: true },
  { group: 'authorization.k8s.io', version: 'v1', resource: 'selfsubjectaccessreviews', singular: 'selfsubjectaccessreview', kind: 'SelfSubjectAccessReview', namespaced: false, verbs: ['create'] },
];

export const VERBS = rw;

/** The apiVersion string objects of this type carry ("v1", "apps/v1"). */
export function apiVersionOf(t: ResourceType): string {
  return t.group ? `${t.group}/${t.version}` : t.version;
}

export function findResource(group: string, version: string, resource: string): ResourceType | undefined {
  return RESOURCES.find((r) => r.group === group && r.version === version && r.resource === resource);
}

export function resourceByKind(kind: string): ResourceType | undefined {
  return RESOURCES.find((r) => r.kind === kind);
}

/** Groups in discovery order (core first), each with its versions. */
export function groups(): Array<{ group: string; versions: string[] }> {
  const out: Array<{ group: string; versions: string[] }> = [];
  for (const r of RESOURCES) {
    let g = out.find((x) => x.group === r.group);
    if (!g) out.push((g = { group: r.group, versions: [] }));
    if (!g.versions.includes(r.version)) g.versions.push(r.version);
  }
  return out;
}

/** `pods` → `pods`, `deployments` in apps → `deployments.apps`: the name used in error messages. */
export function qualifiedName(t: ResourceType): string {
  return t.group ? `${t.resource}.${t.group}` : t.resource;
}
