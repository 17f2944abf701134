// The three patch types kubectl and client-node send: JSON merge patch (RFC 7386), strategic
// merge patch (merge patch plus lists merged by key, as the built-in types declare), and JSON
// patch (RFC 6902).
import type { Json, JsonObject } from '../types.js';
import { ApiError, badRequest } from './status.js';

const isObj = (v: unknown): v is JsonObject => v !== null && typeof v === 'object' && !Array.isArray(v);

export function mergePatch(target: Json | undefined, patch: Json): Json {
  if (!isObj(patch)) return patch;
  const out: JsonObject = isObj(target) ? { ...target } : {};
  for (const [k, v] of Object.entries(patch)) {
    if (v === null) delete out[k];
    else out[k] = mergePatch(out[k], v);
  }
  return out;
}

/** List fields the built-in types merge by a key instead of replacing (patchMergeKey). */
const MERGE_KEYS: Record<string, string> = {
  containers: 'name', initContainers: 'name', ephemeralContainers: 'name', volumes: 'name', env: 'name',
  volumeMounts: 'mountPath', ports: 'containerPort', conditions: 'type', addresses: 'type',
  ownerReferences: 'uid', imagePullSecrets: 'name', tolerations: '', taints: '',
};

export function strategicMergePatch(target: Json | undefined, patch: Json, field = ''): Json {
  if (Array.isArray(patch)) {
    const key = MERGE_KEYS[field];
    if (!key || !Array.isArray(target)) return patch.filter((x) => !(isObj(x) && x['$patch'] === 'delete'));
    const out = [...target];
    for (const item of patch) {
      if (!isObj(item)) continue;
      const idx = out.findIndex((t) => isObj(t) && t[key] === item[key]);
      if (item['$patch'] === 'delete') { if (idx >= 0) out.splice(idx, 1); continue; }
      if (idx >= 0) out[idx] = strategicMergePatch(out[idx], item);
      else out.push(strategicMergePatch(undefined, item));
    }
    return out;
  }
  if (!isObj(patch)) return patch;
  if (patch['$patch'] === 'replace') {
    const { $patch: _p, ...rest } = patch;
    return rest;
  }
  const out: JsonObject = isObj(target) ? { ...target } : {};
  for (const [k, v] of Object.entries(patch)) {
    if (k.startsWith('$')) continue; // directives ($setElementOrder, $retainKeys, ...) only order or trim; ignored here
    if (v === null) delete out[k];
    else out[k] = strategicMergePatch(out[k], v, k);
  }
  return out;
}

type Op = { op: string; path: string; value?: Json; from?: string };

function pointer(path: string): string[] {
  if (path === '') return [];
  if (!path.startsWith('/')) throw badRequest(`json patch: invalid path ${JSON.stringify(path)}`);
  return path.slice(1).split('/').map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));
}

function parentOf(doc: Json, parts: string[], path: string): { parent: JsonObject | Json[]; last: string } {
  let cur: Json = doc;
  for (const p of parts.slice(0, -1)) {
    const next: Json | undefined = Array.isArray(cur) ? cur[Number(p)] : isObj(cur) ? cur[p] : undefined;
    if (next === undefined) throw badRequest(`jsonpatch: path ${path} does not exist`);
    cur = next;
  }
  if (!Array.isArray(cur) && !isObj(cur)) throw badRequest(`jsonpatch: path ${path} does not exist`);
  return { parent: cur, last: parts[parts.length - 1]! };
}

function getAt(doc: Json, path: string): Json {
  let cur: Json | undefined = doc;
  for (const p of pointer(path)) cur = Array.isArray(cur) ? cur[Number(p)] : isObj(cur) ? cur[p] : undefined;
  if (cur === undefined) throw badRequest(`jsonpatch: path ${path} does not exist`);
  return cur;
}

export function jsonPatch(doc: Json, ops: Json): Json {
  if (!Array.isArray(ops)) throw badRequest('json patch: the body must be an array of operations');
  let out = structuredClone(doc);
  for (const raw of ops as unknown as Op[]) {
    const parts = pointer(raw.path);
    if (raw.op === 'test') {
      if (JSON.stringify(getAt(out, raw.path)) !== JSON.stringify(raw.value)) throw new ApiError(422, 'Invalid', `jsonpatch test operation does not apply: ${raw.path}`);
      continue;
    }
    const value = raw.op === 'copy' || raw.op === 'move' ? structuredClone(getAt(out, raw.from ?? '')) : (raw.value as Json);
    if (raw.op === 'move') out = jsonPatch(out, [{ op: 'remove', path: raw.from ?? '' }] as unknown as Json);
    if (parts.length === 0) { out = value; continue; }
    const { parent, last } = parentOf(out, parts, raw.path);
    if (Array.isArray(parent)) {
      const i = last === '-' ? parent.length : Number(last);
      if (raw.op === 'remove') parent.splice(i, 1);
      else if (raw.op === 'replace') parent[i] = value;
      else parent.splice(i, 0, value);
    } else if (raw.op === 'remove') {
      if (!(last in parent)) throw badRequest(`jsonpatch remove operation does not apply: doc is missing key: ${raw.path}`);
      delete parent[last];
    } else if (['add', 'replace', 'copy', 'move'].includes(raw.op)) {
      parent[last] = value;
    } else throw badRequest(`json patch: unknown op ${JSON.stringify(raw.op)}`);
  }
  return out;
}
