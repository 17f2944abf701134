// `deprecations`: objects that use API versions removed by the target version, found the way
// kubent does — the last-applied-configuration annotation of served objects, and Helm 3 release
// Secrets/ConfigMaps —, clients the API server saw calling them (deprecations-metric.ts), and
// saying which objects could not be checked. Read-only.
import { removedBy } from '../../data/removed-apis.js';
import type { ApiResource, KubeObject } from '../../ports/kube.js';
import type { Action, ActionResult } from '../action.js';
import { callsRemovedBy, parseDeprecatedCalls, replacementFor } from './deprecations-metric.js';
import { decodeHelmRelease, lastApplied, manifestDocs, removedRule } from './deprecations-scan.js';

const LAST_APPLIED = 'kubectl.kubernetes.io/last-applied-configuration';

interface Finding {
  kind: string;
  name: string;
  namespace: string | null;
  api_version: string;
  removed_in: string;
  replacement: string;
  source: string;
}

export const deprecations: Action<{ target_version: string }> = {
  name: 'deprecations',
  summary: 'Find objects and clients using API versions removed by the target Kubernetes version (the API server\'s deprecated-API metric, last-applied annotations, Helm releases)',
  changes: false,
  shorthand: 'target_version',
  schema: { type: 'object', required: ['target_version'], additionalProperties: false, properties: { target_version: { type: 'string', minLength: 1 } } },
  describe: (a) => `scan for APIs removed by Kubernetes ${a.target_version} (API server deprecated-API metric, last-applied annotations, Helm 3 releases)`,
  async run(ctx, a): Promise<ActionResult> {
    const rules = removedBy(a.target_version);
    const kube = await ctx.kube();
    const findings: Finding[] = [];
    const unchecked: Array<{ kind: string; count: number; reason: string }> = [];
    let checked = 0;

    // 0. Before this scan makes any request of its own: which deprecated APIs have clients called
    //    since the API server started (its /metrics)? Only that server's clients: another
    //    control-plane node's API server keeps its own count.
    let calls = 0;
    let metricsRead = false;
    if (kube.getMetrics) {
      try {
        const m = await kube.getMetrics(ctx.signal);
        if (m.status !== 200) unchecked.push({ kind: 'API requests', count: -1, reason: `cannot read the API server's /metrics (HTTP ${m.status}): clients calling removed APIs are not seen` });
        else {
          metricsRead = true;
          for (const c of callsRemovedBy(parseDeprecatedCalls(m.text), a.target_version)) {
            calls++;
            const resource = `${c.resource}${c.subresource ? `/${c.subresource}` : ''}`;
            findings.push({ kind: `requests to ${resource}`, name: '(a client still calls it)', namespace: null, api_version: c.group ? `${c.group}/${c.version}` : c.version, removed_in: c.removedIn, replacement: replacementFor(c), source: 'apiserver_requested_deprecated_apis on this API server since it started' });
          }
        }
      } catch (e) {
        unchecked.push({ kind: 'API requests', count: -1, reason: `cannot read the API server's /metrics: ${(e as Error).message}` });
      }
    }

    // 1. Served objects of the kinds the rules name: the manifest that created them is in the
    //    last-applied annotation (objects applied any other way are invisible: counted as unchecked).
    const kinds = new Set(rules.map((r) => r.kind));
    const served = await kube.discoverResources(ctx.signal);
    const seen = new Set<string>();
    const toList: ApiResource[] = [];
    for (const r of served) {
      const key = `${r.group}/${r.plural}`;
      if (!kinds.has(r.kind) || !r.verbs.includes('list') || seen.has(key)) continue;
      seen.add(key);
      toList.push(r);
    }
    for (const r of toList) {
      let objs: KubeObject[];
      try {
        objs = await kube.listResource({ group: r.group, version: r.version, plural: r.plural }, ctx.signal);
      } catch (e) {
        unchecked.push({ kind: r.kind, count: -1, reason: `cannot list ${r.plural}: ${(e as Error).message}` });
        continue;
      }
      let without = 0;
      for (const o of objs) {
        const md = (o.metadata ?? {}) as { name?: string; namespace?: string; annotations?: Record<string, string>; ownerReferences?: Array<{ controller?: boolean }> };
        // Objects a controller made (ReplicaSets of Deployments, …) were never written by a person.
        if (md.ownerReferences?.some((r) => r.controller)) continue;
        const la = lastApplied(md.annotations?.[LAST_APPLIED]);
        if (!la) {
          without++;
          continue;
        }
        checked++;
        const rule = removedRule(la.apiVersion, la.kind, rules);
        if (rule) findings.push({ kind: la.kind, name: md.name ?? '?', namespace: md.namespace ?? null, api_version: la.apiVersion, removed_in: rule.removedIn, replacement: rule.replacement, source: 'last-applied-configuration' });
      }
      if (without > 0) unchecked.push({ kind: r.kind, count: without, reason: 'no last-applied-configuration annotation: not created with kubectl apply' });
    }

    // 2. Helm 3 releases (deployed only): every document of the rendered manifest.
    const releases: Array<{ data?: string; storage: 'secret' | 'configmap'; ref: string }> = [];
    const sel = 'owner=helm,status=deployed';
    try {
      for (const s of await kube.listSecrets({ labelSelector: sel }, ctx.signal)) releases.push({ data: s.data.release, storage: 'secret', ref: `${s.namespace}/${s.name}` });
    } catch (e) {
      unchecked.push({ kind: 'HelmRelease(Secret)', count: -1, reason: `cannot list Secrets: ${(e as Error).message}` });
    }
    try {
      for (const c of await kube.listResource({ group: '', version: 'v1', plural: 'configmaps', labelSelector: sel }, ctx.signal)) {
        const data = (c as { data?: Record<string, string> }).data;
        releases.push({ data: data?.release, storage: 'configmap', ref: `${c.metadata?.namespace ?? ''}/${c.metadata?.name ?? ''}` });
      }
    } catch (e) {
      unchecked.push({ kind: 'HelmRelease(ConfigMap)', count: -1, reason: `cannot list ConfigMaps: ${(e as Error).message}` });
    }
    let helmChecked = 0;
    for (const rel of releases) {
      if (!rel.data) continue;
      let decoded;
      try {
        decoded = decodeHelmRelease(rel.data, rel.storage);
      } catch (e) {
        unchecked.push({ kind: 'HelmRelease', count: 1, reason: `${rel.ref}: cannot decode: ${(e as Error).message}` });
        continue;
      }
      helmChecked++;
      for (const d of manifestDocs(decoded.manifest)) {
        const rule = removedRule(d.apiVersion, d.kind, rules);
        if (rule) {
          findings.push({ kind: d.kind, name: d.name ?? '?', namespace: d.namespace ?? decoded.namespace, api_version: d.apiVersion, removed_in: rule.removedIn, replacement: rule.replacement, source: `helm release ${decoded.namespace}/${decoded.name} (revision ${decoded.version})` });
        }
      }
    }

    const data = { target_version: a.target_version, findings, unchecked, checked_objects: checked, helm_releases: helmChecked, deprecated_calls: calls, rules: rules.length };
    const gaps = unchecked.length ? ` Not checked: ${unchecked.map((u) => `${u.count >= 0 ? `${u.count} ` : ''}${u.kind} (${u.reason})`).join('; ')}.` : '';
    if (findings.length === 0) {
      return { status: 'ok', message: `no APIs removed by ${a.target_version} in use (${checked} objects, ${helmChecked} Helm releases${metricsRead ? ", the API server's record of deprecated API calls" : ''} checked).${gaps}`, data };
    }
    const list = findings.map((f) => `${f.kind} ${f.namespace ? `${f.namespace}/` : ''}${f.name} uses ${f.api_version} (removed in ${f.removed_in}; use ${f.replacement}; from ${f.source})`);
    const what = calls === findings.length ? `${calls} API${calls === 1 ? '' : 's'} still called` : `${findings.length} object${findings.length === 1 ? '' : 's'} or API call${findings.length === 1 ? '' : 's'}`;
    return { status: 'failed', message: `${what} must be migrated before ${a.target_version}: ${list.join('; ')}.${gaps}`, data };
  },
};
