// Discovery documents built from the resource table: legacy (APIVersions, APIGroupList,
// APIGroup, APIResourceList) and aggregated (APIGroupDiscoveryList v2 and v2beta1, which kubectl
// only accepts under its exact content type).
import { RESOURCES, VERBS, groups, type ResourceType } from '../resources.js';

export type AggregatedVersion = 'v2' | 'v2beta1';

/** Which aggregated discovery version the Accept header asks for first, if any. */
export function wantsAggregated(accept: string | undefined): AggregatedVersion | undefined {
  for (const part of (accept ?? '').split(',')) {
    if (!part.includes('as=APIGroupDiscoveryList') || !part.includes('g=apidiscovery.k8s.io')) continue;
    if (/(^|;)\s*v=v2(\s*;|$)/.test(part)) return 'v2';
    if (/(^|;)\s*v=v2beta1(\s*;|$)/.test(part)) return 'v2beta1';
  }
  return undefined;
}

export function aggregatedContentType(v: AggregatedVersion): string {
  return `application/json;g=apidiscovery.k8s.io;v=${v};as=APIGroupDiscoveryList`;
}

function aggResource(r: ResourceType) {
  return {
    resource: r.resource,
    responseKind: { group: r.group, version: r.version, kind: r.kind },
    scope: r.namespaced ? 'Namespaced' : 'Cluster',
    singularResource: r.singular,
    verbs: r.verbs ?? VERBS,
    ...(r.shortNames ? { shortNames: r.shortNames } : {}),
    ...(r.categories ? { categories: r.categories } : {}),
    ...(r.subresources ? {
      subresources: r.subresources.map((s) => ({ subresource: s.name, responseKind: { group: s.group ?? r.group, version: s.version ?? r.version, kind: s.kind }, verbs: s.verbs })),
    } : {}),
  };
}

/** `/api` (core: true) or `/apis` as an aggregated discovery document. */
export function aggregated(core: boolean, v: AggregatedVersion) {
  return {
    kind: 'APIGroupDiscoveryList',
    apiVersion: `apidiscovery.k8s.io/${v}`,
    metadata: {},
    items: groups().filter((g) => (g.group === '') === core).map((g) => ({
      metadata: { name: g.group, creationTimestamp: null },
      versions: g.versions.map((ver) => ({ version: ver, resources: RESOURCES.filter((r) => r.group === g.group && r.version === ver).map(aggResource), freshness: 'Current' })),
    })),
  };
}

export function apiVersions() {
  return { kind: 'APIVersions', versions: ['v1'], serverAddressByClientCIDRs: [{ clientCIDR: '0.0.0.0/0', serverAddress: '127.0.0.1:6443' }] };
}

function apiGroup(g: { group: string; versions: string[] }) {
  const vs = g.versions.map((v) => ({ groupVersion: `${g.group}/${v}`, version: v }));
  return { name: g.group, versions: vs, preferredVersion: vs[0] };
}

export function apiGroupList() {
  return { kind: 'APIGroupList', apiVersion: 'v1', groups: groups().filter((g) => g.group !== '').map(apiGroup) };
}

export function apiGroupDoc(group: string) {
  const g = groups().find((x) => x.group === group);
  return g ? { kind: 'APIGroup', apiVersion: 'v1', ...apiGroup(g) } : undefined;
}

/** `/api/v1` or `/apis/<group>/<version>`; undefined when the group/version is not served. */
export function apiResourceList(group: string, version: string) {
  const rs = RESOURCES.filter((r) => r.group === group && r.version === version);
  if (rs.length === 0) return undefined;
  const resources: Array<Record<string, unknown>> = [];
  for (const r of rs) {
    resources.push({ name: r.resource, singularName: r.singular, namespaced: r.namespaced, kind: r.kind, verbs: r.verbs ?? VERBS, ...(r.shortNames ? { shortNames: r.shortNames } : {}), ...(r.categories ? { categories: r.categories } : {}) });
    for (const s of r.subresources ?? []) {
      resources.push({ name: `${r.resource}/${s.name}`, singularName: '', namespaced: r.namespaced, ...(s.group !== undefined ? { group: s.group, version: s.version } : {}), kind: s.kind, verbs: s.verbs });
    }
  }
  return { kind: 'APIResourceList', apiVersion: 'v1', groupVersion: group ? `${group}/${version}` : version, resources };
}
