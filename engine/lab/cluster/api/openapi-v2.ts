// OpenAPI v2 for kubectl 1.27/1.28, which only read it as gnostic protobuf
// (application/com.github.proto-openapi.spec.v2@v1.0+protobuf): the same PATCH operations with the
// fieldValidation query parameter as the v3 documents, so kubectl leaves validation to the server.
import { RESOURCES } from '../resources.js';

/** Clients ask with `...spec.v2@v1.0+protobuf`; the answer's type has no '@', which Go's mime parser rejects. */
export const OPENAPI_V2_PROTOBUF = 'application/com.github.proto-openapi.spec.v2.v1.0+protobuf';

type Field = [number, string | Buffer | Field[]];

function varint(n: number): Buffer {
  const out: number[] = [];
  do {
    let b = n & 0x7f;
    n = Math.floor(n / 128);
    if (n > 0) b |= 0x80;
    out.push(b);
  } while (n > 0);
  return Buffer.from(out);
}

/** Encode length-delimited fields (strings and nested messages are all wire type 2). */
function message(fields: Field[]): Buffer {
  const parts: Buffer[] = [];
  for (const [no, value] of fields) {
    const bytes = typeof value === 'string' ? Buffer.from(value, 'utf8') : Buffer.isBuffer(value) ? value : message(value);
    parts.push(varint(no * 8 + 2), varint(bytes.length), bytes);
  }
  return Buffer.concat(parts);
}

function patchPaths(): Array<{ path: string; group: string; version: string; kind: string }> {
  return RESOURCES.filter((r) => !r.verbs || r.verbs.includes('patch')).map((r) => ({
    path: `/${r.group ? `apis/${r.group}` : 'api'}/${r.version}${r.namespaced ? '/namespaces/{namespace}' : ''}/${r.resource}/{name}`,
    group: r.group, version: r.version, kind: r.kind,
  }));
}

/** The gnostic openapi_v2.Document, field numbers as in gnostic's OpenAPIv2.proto. */
export function openApiV2Protobuf(serverVersion: string): Buffer {
  const paths: Field[] = patchPaths().map((p) => {
    const query: Field[] = [[2, 'query'], [4, 'fieldValidation'], [6, 'string']]; // QueryParameterSubSchema: in, name, type
    const parameter: Field[] = [[1, [[2, [[3, query]]]]]]; // ParametersItem.parameter → Parameter.non_body_parameter → NonBodyParameter.query_parameter_sub_schema
    const gvk: Field[] = [[1, 'x-kubernetes-group-version-kind'], [2, [[2, `group: "${p.group}"\nkind: ${p.kind}\nversion: ${p.version}\n`]]]]; // NamedAny{name, Any{yaml}}
    const operation: Field[] = [[5, `patch${p.kind}`], [8, parameter], [13, gvk]];
    return [2, [[1, p.path], [2, [[8, operation]]]]]; // Paths.path: NamedPathItem{name, PathItem{patch}}
  });
  return message([[1, '2.0'], [2, [[1, 'Kubernetes'], [2, serverVersion]]], [8, paths]]);
}

/** The same document as JSON, for clients that ask for JSON. */
export function openApiV2Json(serverVersion: string) {
  const paths: Record<string, unknown> = {};
  for (const p of patchPaths()) {
    paths[p.path] = { patch: { operationId: `patch${p.kind}`, parameters: [{ in: 'query', name: 'fieldValidation', type: 'string', uniqueItems: true }], 'x-kubernetes-group-version-kind': { group: p.group, kind: p.kind, version: p.version } } };
  }
  return { swagger: '2.0', info: { title: 'Kubernetes', version: serverVersion }, paths, definitions: {} };
}
