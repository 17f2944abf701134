// The verbs on stored resources: get, list (label and field selectors, Table output), create,
// update (resourceVersion conflicts), patch (three patch types, apply as a merge), delete (graceful
// for pods, cascading to dependents) and the status subresource.
import YAML from 'yaml';
import type { ControllerContext } from '../controllers/context.js';
import { apiVersionOf, qualifiedName, RESOURCES } from '../resources.js';
import { parseFieldSelector, parseLabelSelector } from '../selectors.js';
import type { Json, KObject, Pod } from '../types.js';
import { jsonPatch, mergePatch, strategicMergePatch } from './patch.js';
import { protobufDeleteGrace } from './protobuf.js';
import { deletePod } from './pod-delete.js';
import { json, wantsTable, type ApiRequest, type ApiResponse, type Target } from './request.js';
import { alreadyExists, ApiError, badRequest, conflict, notFound } from './status.js';
import { toTable } from './tables.js';
import { randomSuffix } from '../controllers/context.js';

/** Hooks the cluster adds to writes (node cordon records). */
export type WriteHook = (resource: string, before: KObject | undefined, after: KObject | undefined) => void;

const WITH_STATUS = new Set(RESOURCES.filter((r) => r.subresources?.some((s) => s.name === 'status')).map((r) => r.resource));

function missing(t: Target, name: string): ApiError {
  return notFound(qualifiedName(t.type), name, t.type.group, t.type.resource);
}

function parseBody(req: ApiRequest): Json {
  if ((req.headers['content-type'] ?? '').includes('protobuf')) {
    throw new ApiError(415, 'UnsupportedMediaType', 'the lab API server reads JSON and YAML request bodies only (protobuf is accepted for DeleteOptions); send application/json');
  }
  const text = req.body.toString('utf8');
  try {
    return (req.headers['content-type'] ?? '').includes('yaml') ? (YAML.parse(text) as Json) : (JSON.parse(text) as Json);
  } catch (e) {
    throw badRequest(`the request body is not valid ${(req.headers['content-type'] ?? '').includes('yaml') ? 'YAML' : 'JSON'}: ${(e as Error).message}`);
  }
}

export function filterList(req: ApiRequest, objs: KObject[]): KObject[] {
  let out = objs;
  const ls = req.query.get('labelSelector');
  const fs = req.query.get('fieldSelector');
  try {
    if (ls) { const m = parseLabelSelector(ls); out = out.filter((o) => m(o.metadata.labels)); }
    if (fs) { const m = parseFieldSelector(fs); out = out.filter(m); }
  } catch (e) {
    throw badRequest((e as Error).message);
  }
  return out;
}

export function getOrList(ctx: ControllerContext, req: ApiRequest, t: Target): ApiResponse {
  const { store } = ctx;
  const now = ctx.timers.now();
  const table = wantsTable(req.headers.accept);
  const include = req.query.get('includeObject') ?? 'Metadata';
  if (t.name) {
    const o = store.get(t.type.resource, t.namespace, t.name);
    if (!o) throw missing(t, t.name);
    return json(table ? toTable(t.type.resource, [o], now, o.metadata.resourceVersion ?? '', include) : o);
  }
  if (req.query.get('watch') === 'true' || req.query.get('watch') === '1') return { kind: 'watch', resource: t.type, ...(t.namespace ? { namespace: t.namespace } : {}) };
  const items = filterList(req, store.list(t.type.resource, t.namespace));
  const rv = store.resourceVersion();
  if (table) return json(toTable(t.type.resource, items, now, rv, include));
  return json({ kind: `${t.type.kind}List`, apiVersion: apiVersionOf(t.type), metadata: { resourceVersion: rv }, items });
}

function checkNamespace(ctx: ControllerContext, t: Target): void {
  if (t.type.namespaced && t.namespace && !ctx.store.get('namespaces', undefined, t.namespace)) throw notFound('namespaces', t.namespace, '', 'namespaces');
}

export function create(ctx: ControllerContext, req: ApiRequest, t: Target, hook: WriteHook): ApiResponse {
  const body = parseBody(req) as unknown as KObject;
  if (!body || typeof body !== 'object' || !body.metadata) throw badRequest('the object has no metadata');
  checkNamespace(ctx, t);
  const obj: KObject = { ...body, apiVersion: apiVersionOf(t.type), kind: t.type.kind, metadata: { ...body.metadata } };
  if (t.type.namespaced) {
    if (obj.metadata.namespace && t.namespace && obj.metadata.namespace !== t.namespace) throw badRequest('the namespace of the provided object does not match the namespace sent on the request');
    obj.metadata.namespace = t.namespace ?? obj.metadata.namespace ?? 'default';
  } else delete obj.metadata.namespace;
  if (!obj.metadata.name && obj.metadata.generateName) obj.metadata.name = obj.metadata.generateName + randomSuffix(ctx);
  if (!obj.metadata.name) throw new ApiError(422, 'Invalid', `${t.type.kind} "" is invalid: metadata.name: Required value: name or generateName is required`);
  if (ctx.store.get(t.type.resource, obj.metadata.namespace, obj.metadata.name)) throw alreadyExists(qualifiedName(t.type), obj.metadata.name, t.type.group, t.type.resource);
  delete obj.metadata.resourceVersion;
  delete obj.metadata.uid;
  delete obj.metadata.creationTimestamp;
  if (t.type.resource === 'pods') obj.status = { phase: 'Pending' };
  else if (t.type.resource === 'namespaces') { obj.spec = { finalizers: ['kubernetes'] }; obj.status = { phase: 'Active' }; }
  else if (WITH_STATUS.has(t.type.resource) && t.type.resource !== 'nodes') delete obj.status;
  if (obj.kind === 'Pod') {
    const p = obj as Pod;
    p.spec.restartPolicy ??= 'Always';
    p.spec.terminationGracePeriodSeconds ??= 30;
  }
  const created = ctx.store.create(t.type.resource, obj);
  hook(t.type.resource, undefined, created);
  ctx.kick();
  return json(created, 201);
}

/** Store `next` as the new version of the object `t` names, keeping what the verb may not change. */
function replace(ctx: ControllerContext, t: Target, current: KObject, next: KObject, hook: WriteHook): ApiResponse {
  const rv = next.metadata?.resourceVersion;
  if (rv && rv !== current.metadata.resourceVersion) throw conflict(qualifiedName(t.type), current.metadata.name, t.type.group, t.type.resource);
  let obj: KObject;
  if (t.sub === 'status') obj = { ...current, status: next.status };
  else {
    obj = { ...next, apiVersion: current.apiVersion, kind: current.kind, metadata: { ...next.metadata, name: current.metadata.name, ...(current.metadata.namespace ? { namespace: current.metadata.namespace } : {}) } };
    // Status is only written through /status for types that have it (the kubelet owns node status).
    if (WITH_STATUS.has(t.type.resource)) obj.status = current.status;
    if (current.metadata.deletionTimestamp) obj.metadata.deletionTimestamp = current.metadata.deletionTimestamp;
  }
  const updated = ctx.store.update(t.type.resource, obj);
  hook(t.type.resource, current, updated);
  ctx.kick();
  return json(updated);
}

export function update(ctx: ControllerContext, req: ApiRequest, t: Target, hook: WriteHook): ApiResponse {
  const current = ctx.store.get(t.type.resource, t.namespace, t.name!);
  if (!current) throw missing(t, t.name!);
  const body = parseBody(req) as unknown as KObject;
  if (body?.metadata?.name && body.metadata.name !== t.name) throw badRequest(`the name of the object (${body.metadata.name}) does not match the name on the URL (${t.name})`);
  return replace(ctx, t, current, { ...body, metadata: { ...(body?.metadata ?? { name: t.name! }) } }, hook);
}

export function patch(ctx: ControllerContext, req: ApiRequest, t: Target, hook: WriteHook): ApiResponse {
  const ct = (req.headers['content-type'] ?? '').split(';')[0]!.trim();
  const current = ctx.store.get(t.type.resource, t.namespace, t.name!);
  if (!current) {
    if (ct === 'application/apply-patch+yaml') return create(ctx, req, { type: t.type, ...(t.namespace ? { namespace: t.namespace } : {}) }, hook);
    throw missing(t, t.name!);
  }
  const body = parseBody(req);
  const doc = current as unknown as Json;
  let next: Json;
  if (ct === 'application/strategic-merge-patch+json') next = strategicMergePatch(doc, body);
  else if (ct === 'application/merge-patch+json' || ct === 'application/apply-patch+yaml') next = mergePatch(doc, body);
  else if (ct === 'application/json-patch+json') next = jsonPatch(doc, body);
  else throw new ApiError(415, 'UnsupportedMediaType', `the body of the request was in an unknown format - accepted media types include: application/json-patch+json, application/merge-patch+json, application/apply-patch+yaml, application/strategic-merge-patch+json`);
  const nextObj = next as unknown as KObject;
  // A patch carrying the old resourceVersion is a precondition; one without it always applies.
  const patchRv = (body as { metadata?: { resourceVersion?: string } } | null)?.metadata?.resourceVersion;
  if (!patchRv) nextObj.metadata = { ...nextObj.metadata, resourceVersion: current.metadata.resourceVersion! };
  return replace(ctx, t, current, nextObj, hook);
}

function gracePeriod(req: ApiRequest): number | undefined {
  const q = req.query.get('gracePeriodSeconds');
  if (q !== null && q !== '') return Number(q);
  if (req.body.length === 0) return undefined;
  if ((req.headers['content-type'] ?? '').includes('protobuf')) return protobufDeleteGrace(req.body);
  try {
    const g = (JSON.parse(req.body.toString('utf8')) as { gracePeriodSeconds?: number }).gracePeriodSeconds;
    return typeof g === 'number' ? g : undefined;
  } catch {
    return protobufDeleteGrace(req.body);
  }
}

/** Delete an object and (in the background, as the garbage collector does) what it controls. */
export function removeObject(ctx: ControllerContext, resource: string, obj: KObject, grace?: number): KObject | undefined {
  if (resource === 'pods') return deletePod(ctx, obj as Pod, grace);
  ctx.store.remove(resource, obj.metadata.namespace, obj.metadata.name);
  for (const r of RESOURCES) {
    const scope = resource === 'namespaces' ? obj.metadata.name : obj.metadata.namespace;
    if (!r.namespaced && resource === 'namespaces') continue;
    for (const dep of ctx.store.list(r.resource, r.namespaced ? scope : undefined)) {
      const owned = resource === 'namespaces' || dep.metadata.ownerReferences?.some((o) => o.uid === obj.metadata.uid);
      if (owned) removeObject(ctx, r.resource, dep);
    }
  }
  ctx.kick();
  return undefined;
}

export function remove(ctx: ControllerContext, req: ApiRequest, t: Target, hook: WriteHook): ApiResponse {
  const current = ctx.store.get(t.type.resource, t.namespace, t.name!);
  if (!current) throw missing(t, t.name!);
  const after = removeObject(ctx, t.type.resource, current, gracePeriod(req));
  hook(t.type.resource, current, after);
  return json(after ?? { ...current, metadata: { ...current.metadata } });
}
