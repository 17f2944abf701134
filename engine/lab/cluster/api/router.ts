// Routes one API request: health and version endpoints, discovery, then resources by verb.
import type { ControllerContext } from '../controllers/context.js';
import { aggregated, aggregatedContentType, apiGroupDoc, apiGroupList, apiResourceList, apiVersions, wantsAggregated } from './discovery.js';
import { create, getOrList, patch, remove, update, type WriteHook } from './crud.js';
import { evictionRequest, podLog } from './pod-subresources.js';
import { scaleRequest } from './scale.js';
import { openApiGroupVersion, openApiIndex } from './openapi.js';
import { OPENAPI_V2_PROTOBUF, openApiV2Json, openApiV2Protobuf } from './openapi-v2.js';
import { metricsText } from './metrics.js';
import { json, parseResourcePath, type ApiRequest, type ApiResponse } from './request.js';
import { ApiError } from './status.js';

export function versionInfo(gitVersion: string) {
  const m = /^v?(\d+)\.(\d+)/.exec(gitVersion);
  return {
    major: m?.[1] ?? '1', minor: m?.[2] ?? '0', gitVersion, gitCommit: '0000000000000000000000000000000000000000', gitTreeState: 'clean',
    buildDate: '2024-08-14T19:00:00Z', goVersion: 'go1.22.5', compiler: 'gc', platform: 'linux/amd64',
  };
}

const notFoundPage = (path: string) => new ApiError(404, 'NotFound', `the server could not find the requested resource (${path})`, {});

export function route(ctx: ControllerContext, req: ApiRequest, hook: WriteHook): ApiResponse {
  const { method, path } = req;
  const p = path.replace(/\/+$/, '') || '/';
  if (method === 'GET') {
    if (p === '/healthz' || p === '/readyz' || p === '/livez') return { kind: 'text', code: 200, text: 'ok' };
    if (p === '/version') return json(versionInfo(ctx.serverVersion()));
    if (p === '/metrics') return { kind: 'text', code: 200, text: metricsText(ctx.faults.deprecatedCalls) };
    if (p === '/openapi/v2') {
      if ((req.headers.accept ?? '').includes('protobuf')) return { kind: 'bytes', code: 200, bytes: openApiV2Protobuf(ctx.serverVersion()), contentType: OPENAPI_V2_PROTOBUF };
      return json(openApiV2Json(ctx.serverVersion()));
    }
    if (p === '/openapi/v3') return json(openApiIndex(ctx.serverVersion()));
    if (p.startsWith('/openapi/v3/')) {
      const doc = openApiGroupVersion(p, ctx.serverVersion());
      if (doc) return json(doc);
    }
    if (p === '/api' || p === '/apis') {
      const agg = wantsAggregated(req.headers.accept);
      if (agg) return json(aggregated(p === '/api', agg), 200, aggregatedContentType(agg));
      return json(p === '/api' ? apiVersions() : apiGroupList());
    }
    const segs = p.split('/').filter(Boolean);
    if (segs[0] === 'api' && segs.length === 2) {
      const list = apiResourceList('', segs[1]!);
      if (list) return json(list);
    }
    if (segs[0] === 'apis' && segs.length === 2) {
      const g = apiGroupDoc(segs[1]!);
      if (g) return json(g);
    }
    if (segs[0] === 'apis' && segs.length === 3) {
      const list = apiResourceList(segs[1]!, segs[2]!);
      if (list) return json(list);
    }
  }
  const t = parseResourcePath(p);
  if (!t) throw notFoundPage(p);
  const allowed = (...verbs: string[]) => {
    if (!verbs.includes(method)) throw new ApiError(405, 'MethodNotAllowed', `the server does not allow this method on the requested resource`);
  };
  if (t.sub === 'eviction' && t.type.resource === 'pods') {
    allowed('POST');
    return evictionRequest(ctx, req, t.namespace!, t.name!);
  }
  if (t.sub === 'log' && t.type.resource === 'pods') {
    allowed('GET');
    return podLog(ctx, t.namespace!, t.name!);
  }
  if (t.type.resource === 'selfsubjectaccessreviews') {
    allowed('POST');
    // The lab has one user, its admin: every access review is allowed (nothing is stored).
    // kubectl 1.33 sends this one as protobuf; the answer does not depend on the body.
    let review: Record<string, unknown> = {};
    try { review = JSON.parse(req.body.toString('utf8') || '{}') as Record<string, unknown>; } catch { review = {}; }
    return json({ ...review, apiVersion: 'authorization.k8s.io/v1', kind: 'SelfSubjectAccessReview', metadata: { creationTimestamp: null }, status: { allowed: true, reason: 'the lab admin may do anything' } }, 201);
  }
  if (t.sub === 'scale' && t.type.subresources?.some((s) => s.name === 'scale')) return scaleRequest(ctx, req, t);
  if (t.sub && t.sub !== 'status') throw notFoundPage(p);
  if (!t.name) {
    allowed('GET', 'POST');
    return method === 'GET' ? getOrList(ctx, req, t) : create(ctx, req, t, hook);
  }
  switch (method) {
    case 'GET': return getOrList(ctx, req, t);
    case 'PUT': return update(ctx, req, t, hook);
    case 'PATCH': return patch(ctx, req, t, hook);
    case 'DELETE': return remove(ctx, req, t, hook);
    default: throw new ApiError(405, 'MethodNotAllowed', `the server does not allow this method on the requested resource`);
  }
}
