// A minimal OpenAPI v3 surface: the per-group-version index and, per group-version, PATCH
// operations that declare the fieldValidation query parameter. That is what kubectl checks before
// it leaves validation to the server (`kubectl apply` without --validate=false); the lab serves no
// schemas, so kubectl falls back to its built-in types for strategic merge patches.
import { RESOURCES, groups } from '../resources.js';
import { stableHash } from '../controllers/context.js';

function gvKey(group: string, version: string): string {
  return group ? `apis/${group}/${version}` : `api/${version}`;
}

/** GET /openapi/v3 */
export function openApiIndex(serverVersion: string) {
  const paths: Record<string, { serverRelativeURL: string }> = {};
  for (const g of groups()) for (const v of g.versions) {
    const key = gvKey(g.group, v);
    paths[key] = { serverRelativeURL: `/openapi/v3/${key}?hash=${stableHash([key, serverVersion], 16).toUpperCase()}` };
  }
  return { paths };
}

/** GET /openapi/v3/api/v1 or /openapi/v3/apis/<group>/<version>; undefined when not served. */
export function openApiGroupVersion(path: string, serverVersion: string) {
  const m = /^\/openapi\/v3\/(?:api\/([^/]+)|apis\/([^/]+)\/([^/]+))$/.exec(path);
  if (!m) return undefined;
  const group = m[2] ?? '';
  const version = m[1] ?? m[3]!;
  const rs = RESOURCES.filter((r) => r.group === group && r.version === version);
  if (rs.length === 0) return undefined;
  const paths: Record<string, unknown> = {};
  const fieldValidation = { name: 'fieldValidation', in: 'query', description: 'fieldValidation instructs the server on how to handle objects in the request containing unknown or duplicate fields.', schema: { type: 'string', uniqueItems: true } };
  for (const r of rs) {
    if (r.verbs && !r.verbs.includes('patch')) continue;
    const base = `/${gvKey(group, version)}${r.namespaced ? '/namespaces/{namespace}' : ''}/${r.resource}/{name}`;
    paths[base] = {
      patch: {
        description: `partially update the specified ${r.kind}`,
        operationId: `patch${r.kind}`,
        parameters: [fieldValidation],
        responses: { '200': { description: 'OK' } },
        'x-kubernetes-action': 'patch',
        'x-kubernetes-group-version-kind': { group, version, kind: r.kind },
      },
    };
  }
  return { openapi: '3.0.0', info: { title: 'Kubernetes', version: serverVersion }, paths, components: { schemas: {} } };
}
