// `apply` (create or replace one object) and `delete` (by kind/name): enough for the seed's
// "create and delete a test ConfigMap" check, not a kubectl apply replacement (no 3-way merge).
import { parse as parseYaml } from 'yaml';
import { KubeError } from '../../model/errors.js';
import type { KubeObject } from '../../ports/kube.js';
import type { Action, ActionResult } from '../action.js';

/** apiVersion of kinds people delete by name without saying it. */
const KIND_API: Record<string, string> = {
  ConfigMap: 'v1', Secret: 'v1', Pod: 'v1', Service: 'v1', Namespace: 'v1', ServiceAccount: 'v1', PersistentVolumeClaim: 'v1',
  Deployment: 'apps/v1', DaemonSet: 'apps/v1', StatefulSet: 'apps/v1', ReplicaSet: 'apps/v1',
  Job: 'batch/v1', CronJob: 'batch/v1', PodDisruptionBudget: 'policy/v1', Lease: 'coordination.k8s.io/v1', Ingress: 'networking.k8s.io/v1',
};

/** A manifest given as an object, or as a JSON/YAML string (one document). */
export function toManifest(m: unknown): KubeObject {
  const o = typeof m === 'string' ? (parseYaml(m) as unknown) : m;
  if (!o || typeof o !== 'object' || Array.isArray(o)) throw new Error('manifest: expected one Kubernetes object (a map with apiVersion, kind, metadata.name)');
  const obj = o as KubeObject;
  if (!obj.apiVersion || !obj.kind || !obj.metadata?.name) throw new Error('manifest: apiVersion, kind and metadata.name are required');
  return obj;
}

const refOf = (o: KubeObject) => `${o.kind}/${o.metadata?.namespace ? `${o.metadata.namespace}/` : ''}${o.metadata?.name}`;

export const apply: Action<{ manifest: unknown }> = {
  name: 'apply',
  summary: 'Create an object, or replace it when it exists',
  changes: true,
  shorthand: 'manifest',
  schema: { type: 'object', required: ['manifest'], additionalProperties: false, properties: { manifest: { type: ['object', 'string'] } } },
  describe(a) {
    try {
      return `apply ${refOf(toManifest(a.manifest))}`;
    } catch {
      return 'apply a manifest';
    }
  },
  async run(ctx, a): Promise<ActionResult> {
    const obj = toManifest(a.manifest);
    const kube = await ctx.kube();
    const ref = { apiVersion: obj.apiVersion!, kind: obj.kind!, name: obj.metadata!.name!, namespace: obj.metadata!.namespace };
    const existing = await kube.getObject(ref, ctx.signal);
    if (!existing) {
      const created = await kube.createObject(obj, ctx.signal);
      return { status: 'changed', message: `${refOf(obj)} created`, data: { action: 'created', object: created } };
    }
    const rv = (existing.metadata as { resourceVersion?: string } | undefined)?.resourceVersion;
    const replaced = await kube.replaceObject({ ...obj, metadata: { ...obj.metadata, resourceVersion: rv } }, ctx.signal);
    return { status: 'changed', message: `${refOf(obj)} replaced`, data: { action: 'replaced', object: replaced } };
  },
};

export interface DeleteArgs {
  kind: string;
  name: string;
  namespace?: string;
  api_version?: string;
}

export const del: Action<DeleteArgs> = {
  name: 'delete',
  summary: 'Delete an object by kind and name (ok when it is already gone)',
  changes: true,
  schema: {
    type: 'object',
    required: ['kind', 'name'],
    additionalProperties: false,
    properties: { kind: { type: 'string' }, name: { type: 'string' }, namespace: { type: 'string' }, api_version: { type: 'string' } },
  },
  describe: (a) => `delete ${a.kind}/${a.namespace ? `${a.namespace}/` : ''}${a.name}`,
  async run(ctx, a): Promise<ActionResult> {
    const apiVersion = a.api_version ?? KIND_API[a.kind];
    if (!apiVersion) throw new KubeError(undefined, 'Invalid', `delete: give api_version for kind ${a.kind}`);
    const kube = await ctx.kube();
    const r = await kube.deleteObject({ apiVersion, kind: a.kind, name: a.name, namespace: a.namespace }, ctx.signal);
    const ref = `${a.kind}/${a.namespace ? `${a.namespace}/` : ''}${a.name}`;
    return r === 'deleted'
      ? { status: 'changed', message: `${ref} deleted`, data: { deleted: true } }
      : { status: 'ok', message: `${ref} was already gone`, data: { deleted: false } };
  },
};
