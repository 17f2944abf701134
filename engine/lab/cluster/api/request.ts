// The API server's request and response shapes, and parsing of a REST path into the resource,
// namespace, name and subresource it names.
import type { IncomingHttpHeaders } from 'node:http';
import { findResource, RESOURCES, type ResourceType } from '../resources.js';

export interface ApiRequest {
  method: string;
  path: string;
  query: URLSearchParams;
  headers: IncomingHttpHeaders;
  body: Buffer;
}

export type ApiResponse =
  | { kind: 'json'; code: number; body: unknown; contentType?: string }
  | { kind: 'text'; code: number; text: string }
  | { kind: 'bytes'; code: number; bytes: Buffer; contentType: string }
  | { kind: 'watch'; resource: ResourceType; namespace?: string };

export interface Target {
  type: ResourceType;
  namespace?: string;
  name?: string;
  sub?: string;
}

export const json = (body: unknown, code = 200, contentType?: string): ApiResponse => ({ kind: 'json', code, body, ...(contentType ? { contentType } : {}) });

/** `/api/v1/namespaces/ns/pods/p/eviction` → pods in ns named p, subresource eviction. */
export function parseResourcePath(path: string): Target | undefined {
  const segs = path.split('/').filter(Boolean).map(decodeURIComponent);
  let group: string, version: string, rest: string[];
  if (segs[0] === 'api' && segs.length >= 3) { group = ''; version = segs[1]!; rest = segs.slice(2); }
  else if (segs[0] === 'apis' && segs.length >= 4) { group = segs[1]!; version = segs[2]!; rest = segs.slice(3); }
  else return undefined;
  if (rest[0] === 'namespaces' && rest.length >= 3) {
    const type = findResource(group, version, rest[2]!);
    if (type?.namespaced) return { type, namespace: rest[1]!, ...(rest[3] ? { name: rest[3] } : {}), ...(rest[4] ? { sub: rest[4] } : {}) };
    if (group === '' && rest.length === 3) return { type: RESOURCES.find((r) => r.resource === 'namespaces')!, name: rest[1]!, sub: rest[2]! };
    return undefined;
  }
  const type = findResource(group, version, rest[0]!);
  if (!type || rest.length > 3) return undefined;
  return { type, ...(rest[1] ? { name: rest[1] } : {}), ...(rest[2] ? { sub: rest[2] } : {}) };
}

export function wantsTable(accept: string | undefined): boolean {
  return (accept ?? '').split(',').some((p) => p.includes('as=Table'));
}
