// The deprecations scan's pure parts: decode a Helm 3 release (Secret or ConfigMap storage),
// read apiVersion/kind of each manifest document, and match against the removed-API rules.
import { gunzipSync } from 'node:zlib';
import type { RemovedApi } from '../../data/removed-apis.js';

export interface ManifestDoc {
  apiVersion: string;
  kind: string;
  name?: string;
  namespace?: string;
}

/** A release's data as stored: Secrets hold base64(base64(gzip(json))) (the API adds one layer). */
export function decodeHelmRelease(stored: string, storage: 'secret' | 'configmap'): { name: string; namespace: string; version: number; manifest: string } {
  let b = Buffer.from(stored, 'base64');
  if (storage === 'secret') b = Buffer.from(b.toString('utf8'), 'base64');
  // gzip magic 1f 8b; older Helm versions stored plain JSON.
  const json = b[0] === 0x1f && b[1] === 0x8b ? gunzipSync(b).toString('utf8') : b.toString('utf8');
  const rel = JSON.parse(json) as { name?: string; namespace?: string; version?: number; manifest?: string };
  return { name: rel.name ?? '?', namespace: rel.namespace ?? '?', version: rel.version ?? 0, manifest: rel.manifest ?? '' };
}

/** apiVersion, kind and metadata name/namespace of each YAML document, read from top-level keys. */
export function manifestDocs(manifest: string): ManifestDoc[] {
  const out: ManifestDoc[] = [];
  for (const doc of manifest.split(/^---[^\n]*$/m)) {
    const top = (k: string) => new RegExp(`^${k}:[ \\t]*["']?([^"'\\s#]+)`, 'm').exec(doc)?.[1];
    const apiVersion = top('apiVersion');
    const kind = top('kind');
    if (!apiVersion || !kind) continue;
    const meta = /^metadata:[ \t]*\n((?:[ \t]+.*\n?|\n)*)/m.exec(doc)?.[1] ?? '';
    const sub = (k: string) => new RegExp(`^[ \\t]{1,4}${k}:[ \\t]*["']?([^"'\\s#]+)`, 'm').exec(meta)?.[1];
    out.push({ apiVersion, kind, name: sub('name'), namespace: sub('namespace') });
  }
  return out;
}

export function removedRule(apiVersion: string, kind: string, rules: ReadonlyArray<RemovedApi>): RemovedApi | undefined {
  return rules.find((r) => r.apiVersion === apiVersion && r.kind === kind);
}

/** apiVersion/kind from a last-applied-configuration annotation, undefined when unreadable. */
export function lastApplied(annotation: string | undefined): { apiVersion: string; kind: string } | undefined {
  if (!annotation) return undefined;
  try {
    const o = JSON.parse(annotation) as { apiVersion?: unknown; kind?: unknown };
    return typeof o.apiVersion === 'string' && typeof o.kind === 'string' ? { apiVersion: o.apiVersion, kind: o.kind } : undefined;
  } catch {
    return undefined;
  }
}
