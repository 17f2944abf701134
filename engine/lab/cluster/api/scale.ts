// The scale subresource (autoscaling/v1 Scale) of Deployments, ReplicaSets and StatefulSets:
// `kubectl scale` reads and writes replicas through it.
import type { ControllerContext } from '../controllers/context.js';
import type { Json, KObject, Workload } from '../types.js';
import { mergePatch, jsonPatch } from './patch.js';
import { json, type ApiRequest, type ApiResponse, type Target } from './request.js';
import { ApiError, badRequest, conflict, notFound } from './status.js';
import { qualifiedName } from '../resources.js';

function selectorString(w: Workload): string {
  return Object.entries(w.spec.selector.matchLabels ?? {}).map(([k, v]) => `${k}=${v}`).join(',');
}

function toScale(w: Workload): KObject {
  return {
    kind: 'Scale', apiVersion: 'autoscaling/v1',
    metadata: { name: w.metadata.name, namespace: w.metadata.namespace!, uid: w.metadata.uid!, resourceVersion: w.metadata.resourceVersion!, creationTimestamp: w.metadata.creationTimestamp! },
    spec: { replicas: w.spec.replicas ?? 1 },
    status: { replicas: Number((w.status as { replicas?: number } | undefined)?.replicas ?? 0), selector: selectorString(w) },
  };
}

export function scaleRequest(ctx: ControllerContext, req: ApiRequest, t: Target): ApiResponse {
  const w = ctx.store.get<Workload>(t.type.resource, t.namespace, t.name!);
  if (!w) throw notFound(qualifiedName(t.type), t.name!, t.type.group, t.type.resource);
  if (req.method === 'GET') return json(toScale(w));
  if (req.method !== 'PUT' && req.method !== 'PATCH') throw new ApiError(405, 'MethodNotAllowed', 'the server does not allow this method on the requested resource');
  let body: Json;
  try {
    body = JSON.parse(req.body.toString('utf8')) as Json;
  } catch {
    throw badRequest('the Scale body is not valid JSON');
  }
  const current = toScale(w) as unknown as Json;
  const ct = req.headers['content-type'] ?? '';
  const next = (req.method === 'PUT' ? body : ct.includes('json-patch') ? jsonPatch(current, body) : mergePatch(current, body)) as unknown as KObject;
  const rv = next.metadata?.resourceVersion;
  if (req.method === 'PUT' && rv && rv !== w.metadata.resourceVersion) throw conflict(qualifiedName(t.type), w.metadata.name, t.type.group, t.type.resource);
  const replicas = Number((next.spec as { replicas?: unknown } | undefined)?.replicas);
  if (!Number.isInteger(replicas) || replicas < 0) throw new ApiError(422, 'Invalid', `Scale.autoscaling "${w.metadata.name}" is invalid: spec.replicas: Invalid value: must be greater than or equal to 0`);
  const updated = ctx.store.update(t.type.resource, { ...w, spec: { ...w.spec, replicas } });
  ctx.kick();
  return json(toScale(updated));
}
