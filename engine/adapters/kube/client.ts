// KubeClient (ports/kube.ts) over the Kubernetes REST API: paths, verbs and status handling in
// domain terms. HTTP, retries and auth are in http.ts; JSON → domain types in decode.ts.
import { KubeError } from '../../model/errors.js';
import type { ApiResource, EvictOutcome, KubeClient, KubeObject, LeaseInfo, ListPodsOptions, NodeInfo, PdbInfo, PodInfo, SecretInfo, WatchEvent, WatchTarget } from '../../ports/kube.js';
import { decodeLease, decodeNode, decodePdb, decodePod, decodeSecret, encodeLease } from './decode.js';
import type { KubeHttp } from './http.js';

/* eslint-disable @typescript-eslint/no-explicit-any -- list bodies are read as JSON */
type List = { items?: any[]; metadata?: { continue?: string } };
type ResourceList = { resources?: Array<{ name: string; kind: string; namespaced: boolean; verbs?: string[] }> };

const enc = encodeURIComponent;
const ns = (n: string) => `/api/v1/namespaces/${enc(n)}`;

function gvPath(apiVersion: string): string {
  return apiVersion.includes('/') ? `/apis/${apiVersion}` : `/api/${apiVersion}`;
}

export class RestKubeClient implements KubeClient {
  private readonly resourceLists = new Map<string, Promise<ResourceList | undefined>>();

  constructor(private readonly http: KubeHttp, readonly userName: string) {}

  close(): void {
    this.http.close();
  }

  async serverVersion(signal?: AbortSignal): Promise<string> {
    const { data } = await this.http.json<{ gitVersion: string }>('GET', '/version', { signal, what: 'get /version' });
    return data.gitVersion;
  }

  async getNode(name: string, signal?: AbortSignal): Promise<NodeInfo | undefined> {
    const { status, data } = await this.http.json('GET', `/api/v1/nodes/${enc(name)}`, { signal, accept: [404], what: `get nodes/${name}` });
    return status === 404 ? undefined : decodeNode(data);
  }

  async listNodes(signal?: AbortSignal): Promise<NodeInfo[]> {
    return (await this.listAll('/api/v1/nodes', {}, signal, 'list nodes')).map(decodeNode);
  }

  async patchNodeUnschedulable(name: string, unschedulable: boolean, signal?: AbortSignal, annotations?: Record<string, string | null>): Promise<NodeInfo> {
    // null deletes the field, as kubectl uncordon sends it.
    const body = { ...(annotations ? { metadata: { annotations } } : {}), spec: { unschedulable: unschedulable ? true : null } };
    const { data } = await this.http.json('PATCH', `/api/v1/nodes/${enc(name)}`, {
      body,
      contentType: 'application/strategic-merge-patch+json',
      signal,
      what: `patch nodes/${name}`,
    });
    return decodeNode(data);
  }

  async listPods(opts: ListPodsOptions, signal?: AbortSignal): Promise<PodInfo[]> {
    const path = opts.namespace ? `${ns(opts.namespace)}/pods` : '/api/v1/pods';
    const query = { fieldSelector: opts.node ? `spec.nodeName=${opts.node}` : undefined, labelSelector: opts.labelSelector };
    return (await this.listAll(path, query, signal, `list pods${opts.namespace ? ` -n ${opts.namespace}` : ''}`)).map(decodePod);
  }

  async getPod(namespace: string, name: string, signal?: AbortSignal): Promise<PodInfo | undefined> {
    const { status, data } = await this.http.json('GET', `${ns(namespace)}/pods/${enc(name)}`, { signal, accept: [404], what: `get pods/${name} -n ${namespace}` });
    return status === 404 ? undefined : decodePod(data);
  }

  async createPod(namespace: string, manifest: KubeObject, signal?: AbortSignal): Promise<PodInfo> {
    const body = { apiVersion: 'v1', kind: 'Pod', ...manifest };
    const { data } = await this.http.json('POST', `${ns(namespace)}/pods`, { body, signal, what: `create pods -n ${namespace}` });
    return decodePod(data);
  }

  async deletePod(namespace: string, name: string, opts: { gracePeriodSeconds?: number }, signal?: AbortSignal): Promise<'deleted' | 'gone'> {
    const body = opts.gracePeriodSeconds === undefined ? undefined : { kind: 'DeleteOptions', apiVersion: 'v1', gracePeriodSeconds: opts.gracePeriodSeconds };
    const { status } = await this.http.request('DELETE', `${ns(namespace)}/pods/${enc(name)}`, { body, signal, accept: [404], what: `delete pods/${name} -n ${namespace}` });
    return status === 404 ? 'gone' : 'deleted';
  }

  async evictPod(namespace: string, name: string, opts: { gracePeriodSeconds?: number }, signal?: AbortSignal): Promise<EvictOutcome> {
    const body = {
      apiVersion: 'policy/v1',
      kind: 'Eviction',
      metadata: { name, namespace },
      ...(opts.gracePeriodSeconds === undefined ? {} : { deleteOptions: { gracePeriodSeconds: opts.gracePeriodSeconds } }),
    };
    // 429 is the PDB's answer, not overload: the drain decides when to ask again.
    const res = await this.http.request('POST', `${ns(namespace)}/pods/${enc(name)}/eviction`, { body, signal, accept: [403, 404, 429], what: `evict pods/${name} -n ${namespace}` });
    if (res.status === 404) return { status: 'gone', message: `pod ${namespace}/${name} not found` };
    let st: { message?: string; details?: { causes?: Array<{ reason?: string; message?: string }> } } = {};
    try {
      st = JSON.parse(res.body) as typeof st;
    } catch {
      /* a 429 without a Status body still means "not now" */
    }
    if (res.status === 403) {
      // A terminating namespace refuses evictions; its controller deletes the pod, so ask again.
      if (st.details?.causes?.some((c) => c.reason === 'NamespaceTerminating')) return { status: 'blocked', reason: 'NamespaceTerminating', message: `namespace ${namespace} is terminating: ${st.message ?? ''}`.trim() };
      throw new KubeError(403, 'Forbidden', `cannot evict pods/${name} -n ${namespace}: user "${this.userName}" is not allowed to (403 Forbidden)${st.message ? `: ${st.message}` : ''}`);
    }
    if (res.status === 429) {
      const cause = st.details?.causes?.find((c) => c.reason === 'DisruptionBudget')?.message;
      const pdb = cause ? /disruption budget (\S+)/.exec(cause)?.[1] : undefined;
      return { status: 'blocked', reason: 'DisruptionBudget', message: [st.message ?? 'Too Many Requests', cause].filter(Boolean).join(' '), ...(pdb ? { pdb } : {}) };
    }
    return { status: 'evicted', message: `pod ${namespace}/${name} evicted` };
  }

  async supportsEviction(signal?: AbortSignal): Promise<boolean> {
    const list = await this.resourceList('v1', signal);
    return !!list?.resources?.some((r) => r.name === 'pods/eviction');
  }

  async readPodLog(namespace: string, name: string, opts: { container?: string }, signal?: AbortSignal): Promise<string> {
    const res = await this.http.request('GET', `${ns(namespace)}/pods/${enc(name)}/log`, { query: { container: opts.container }, signal, what: `get pods/${name}/log -n ${namespace}` });
    return res.body;
  }

  async listPdbs(namespace: string | undefined, signal?: AbortSignal): Promise<PdbInfo[]> {
    const path = namespace ? `/apis/policy/v1/namespaces/${enc(namespace)}/poddisruptionbudgets` : '/apis/policy/v1/poddisruptionbudgets';
    return (await this.listAll(path, {}, signal, 'list poddisruptionbudgets')).map(decodePdb);
  }

  async getDaemonSet(namespace: string, name: string, signal?: AbortSignal): Promise<KubeObject | undefined> {
    const { status, data } = await this.http.json<KubeObject>('GET', `/apis/apps/v1/namespaces/${enc(namespace)}/daemonsets/${enc(name)}`, { signal, accept: [404], what: `get daemonsets/${name} -n ${namespace}` });
    return status === 404 ? undefined : data;
  }

  async getMetrics(signal?: AbortSignal): Promise<{ status: number; text: string }> {
    const r = await this.http.request('GET', '/metrics', { signal, accept: [401, 403, 404], what: 'get /metrics' });
    return { status: r.status, text: r.body };
  }

  async discoverResources(signal?: AbortSignal): Promise<ApiResource[]> {
    const out: ApiResource[] = [];
    const add = (group: string, version: string, list: ResourceList | undefined) => {
      for (const r of list?.resources ?? []) {
        if (r.name.includes('/')) continue; // subresources
        out.push({ group, version, plural: r.name, kind: r.kind, namespaced: r.namespaced, verbs: r.verbs ?? [] });
      }
    };
    add('', 'v1', await this.resourceList('v1', signal));
    const { data } = await this.http.json<{ groups?: Array<{ name: string; versions: Array<{ version: string }> }> }>('GET', '/apis', { signal, what: 'get /apis' });
    for (const g of data?.groups ?? []) {
      for (const v of g.versions ?? []) add(g.name, v.version, await this.resourceList(`${g.name}/${v.version}`, signal));
    }
    return out;
  }

  async listResource(r: { group: string; version: string; plural: string; namespace?: string; labelSelector?: string }, signal?: AbortSignal): Promise<KubeObject[]> {
    const base = gvPath(r.group ? `${r.group}/${r.version}` : r.version);
    const path = r.namespace ? `${base}/namespaces/${enc(r.namespace)}/${r.plural}` : `${base}/${r.plural}`;
    return (await this.listAll(path, { labelSelector: r.labelSelector }, signal, `list ${r.plural}${r.group ? `.${r.group}` : ''}`)) as KubeObject[];
  }

  async listSecrets(opts: { namespace?: string; labelSelector?: string }, signal?: AbortSignal): Promise<SecretInfo[]> {
    const path = opts.namespace ? `${ns(opts.namespace)}/secrets` : '/api/v1/secrets';
    return (await this.listAll(path, { labelSelector: opts.labelSelector }, signal, 'list secrets')).map(decodeSecret);
  }

  async getObject(ref: { apiVersion: string; kind: string; name: string; namespace?: string }, signal?: AbortSignal): Promise<KubeObject | undefined> {
    const path = await this.objectPath(ref.apiVersion, ref.kind, ref.namespace, ref.name, signal);
    const { status, data } = await this.http.json<KubeObject>('GET', path, { signal, accept: [404], what: `get ${ref.kind}/${ref.name}` });
    return status === 404 ? undefined : data;
  }

  async createObject(obj: KubeObject, signal?: AbortSignal): Promise<KubeObject> {
    const { apiVersion, kind, namespace } = this.ident(obj);
    const path = await this.objectPath(apiVersion, kind, namespace, undefined, signal);
    return (await this.http.json<KubeObject>('POST', path, { body: obj, signal, what: `create ${kind}/${obj.metadata?.name ?? ''}` })).data;
  }

  async replaceObject(obj: KubeObject, signal?: AbortSignal): Promise<KubeObject> {
    const { apiVersion, kind, namespace, name } = this.ident(obj);
    const path = await this.objectPath(apiVersion, kind, namespace, name, signal);
    return (await this.http.json<KubeObject>('PUT', path, { body: obj, signal, what: `replace ${kind}/${name}` })).data;
  }

  async deleteObject(ref: { apiVersion: string; kind: string; name: string; namespace?: string }, signal?: AbortSignal): Promise<'deleted' | 'gone'> {
    const path = await this.objectPath(ref.apiVersion, ref.kind, ref.namespace, ref.name, signal);
    const { status } = await this.http.request('DELETE', path, { signal, accept: [404], what: `delete ${ref.kind}/${ref.name}` });
    return status === 404 ? 'gone' : 'deleted';
  }

  async watch(t: WatchTarget, onEvent: (e: WatchEvent) => void, signal: AbortSignal): Promise<void> {
    const base = gvPath(t.group ? `${t.group}/${t.version}` : t.version);
    const path = t.namespace ? `${base}/namespaces/${enc(t.namespace)}/${t.plural}` : `${base}/${t.plural}`;
    const timeoutSeconds = t.timeoutSeconds ?? 300;
    const query = { watch: 'true', fieldSelector: t.fieldSelector, labelSelector: t.labelSelector, timeoutSeconds };
    // The server ends the stream after timeoutSeconds; a silent socket well past that is dead.
    await this.http.stream(path, { query, signal, what: `watch ${t.plural}${t.namespace ? ` -n ${t.namespace}` : ''}`, idleTimeoutMs: (timeoutSeconds + 30) * 1000 }, (line) => {
      let e: WatchEvent;
      try {
        e = JSON.parse(line) as WatchEvent;
      } catch {
        return; // not JSON: nothing to learn from it
      }
      if (e && typeof e.type === 'string' && e.object && typeof e.object === 'object') onEvent(e);
    });
  }

  async getLease(namespace: string, name: string, signal?: AbortSignal): Promise<LeaseInfo | undefined> {
    const { status, data } = await this.http.json('GET', this.leasePath(namespace, name), { signal, accept: [404], what: `get leases/${name} -n ${namespace}` });
    return status === 404 ? undefined : decodeLease(data);
  }

  async createLease(lease: LeaseInfo, signal?: AbortSignal): Promise<LeaseInfo> {
    const { data } = await this.http.json('POST', this.leasePath(lease.namespace), { body: encodeLease(lease), signal, what: `create leases/${lease.name} -n ${lease.namespace}` });
    return decodeLease(data);
  }

  async updateLease(lease: LeaseInfo, signal?: AbortSignal): Promise<LeaseInfo> {
    const { data } = await this.http.json('PUT', this.leasePath(lease.namespace, lease.name), { body: encodeLease(lease), signal, what: `update leases/${lease.name} -n ${lease.namespace}` });
    return decodeLease(data);
  }

  async deleteLease(namespace: string, name: string, signal?: AbortSignal): Promise<'deleted' | 'gone'> {
    const { status } = await this.http.request('DELETE', this.leasePath(namespace, name), { signal, accept: [404], what: `delete leases/${name} -n ${namespace}` });
    return status === 404 ? 'gone' : 'deleted';
  }

  private leasePath(namespace: string, name?: string): string {
    return `/apis/coordination.k8s.io/v1/namespaces/${enc(namespace)}/leases${name ? `/${enc(name)}` : ''}`;
  }

  private ident(obj: KubeObject): { apiVersion: string; kind: string; namespace?: string; name: string } {
    if (!obj.apiVersion || !obj.kind || !obj.metadata?.name) {
      throw new KubeError(undefined, 'Invalid', 'the object needs apiVersion, kind and metadata.name');
    }
    return { apiVersion: obj.apiVersion, kind: obj.kind, namespace: obj.metadata.namespace, name: obj.metadata.name };
  }

  /** URL of a kind (or one object) through discovery: kind → plural and namespaced. */
  private async objectPath(apiVersion: string, kind: string, namespace: string | undefined, name: string | undefined, signal?: AbortSignal): Promise<string> {
    const list = await this.resourceList(apiVersion, signal);
    const r = list?.resources?.find((x) => x.kind === kind && !x.name.includes('/'));
    if (!r) throw new KubeError(404, 'NotFound', `the server does not serve ${kind} in ${apiVersion}`);
    const base = gvPath(apiVersion);
    const scope = r.namespaced ? `/namespaces/${enc(namespace ?? 'default')}` : '';
    return `${base}${scope}/${r.name}${name ? `/${enc(name)}` : ''}`;
  }

  private resourceList(apiVersion: string, signal?: AbortSignal): Promise<ResourceList | undefined> {
    let p = this.resourceLists.get(apiVersion);
    if (!p) {
      p = this.http
        .json<ResourceList>('GET', gvPath(apiVersion), { signal, accept: [404], what: `get ${gvPath(apiVersion)}` })
        .then((r) => (r.status === 404 ? undefined : r.data));
      p.catch(() => this.resourceLists.delete(apiVersion));
      this.resourceLists.set(apiVersion, p);
    }
    return p;
  }

  /** List with pagination (limit/continue), bounded to 200 pages. */
  private async listAll(path: string, query: Record<string, string | undefined>, signal: AbortSignal | undefined, what: string): Promise<any[]> {
    const items: any[] = [];
    let cont: string | undefined;
    for (let page = 0; page < 200; page++) {
      const { data } = await this.http.json<List>('GET', path, { query: { ...query, limit: 500, continue: cont }, signal, what });
      items.push(...(data?.items ?? []));
      cont = data?.metadata?.continue || undefined;
      if (!cont) return items;
    }
    throw new KubeError(undefined, 'TooLarge', `cannot ${what}: more than 200 pages`);
  }
}
