// Match workload images against the addon compatibility data (engine/data/addons.ts), pure.
import { ADDONS, compareVersions, versionTriple, type AddonSpec } from '../../data/addons.js';
import { minorOf } from '../../data/removed-apis.js';

export interface ImageRef {
  /** Repository path without registry host: "coredns/coredns". */
  repo: string;
  tag: string;
}

/** "registry.k8s.io/coredns/coredns:v1.11.1@sha256:…" → {repo: "coredns/coredns", tag: "v1.11.1"}. */
export function parseImage(image: string): ImageRef {
  const noDigest = image.split('@')[0]!;
  const slash = noDigest.lastIndexOf('/');
  const colon = noDigest.lastIndexOf(':');
  const tag = colon > slash ? noDigest.slice(colon + 1) : 'latest';
  let repo = colon > slash ? noDigest.slice(0, colon) : noDigest;
  const first = repo.split('/')[0]!;
  // A first component with a dot or port (or "localhost") is a registry host.
  if (repo.includes('/') && (first.includes('.') || first.includes(':') || first === 'localhost')) repo = repo.slice(first.length + 1);
  return { repo, tag };
}

export type AddonStatus = 'supported' | 'unsupported' | 'unknown-version' | 'unknown';

export interface AddonVerdict {
  addon: string | null;
  version: string;
  status: AddonStatus;
  supported: string | null;
  source: string | null;
  /** The matrix row was not checked against its source when the data was written. */
  unverified: boolean;
  note?: string;
}

const minorStr = (v: string) => `1.${minorOf(v)}`;

export function judgeImage(image: string, target: string, addons: ReadonlyArray<AddonSpec> = ADDONS): AddonVerdict {
  const { repo, tag } = parseImage(image);
  const spec = addons.find((a) => a.image.test(repo));
  if (!spec) return { addon: null, version: tag, status: 'unknown', supported: null, source: null, unverified: false };
  const base = { addon: spec.name, version: tag, source: spec.source, note: spec.note };
  const v = versionTriple(tag);
  if (!v) return { ...base, status: 'unknown-version', supported: null, unverified: false };
  const t = minorOf(target);
  if (spec.mode === 'skew') {
    // kube-proxy: not newer than the API server, at most 3 minors older.
    const ok = v[1] <= t && t - v[1] <= 3;
    return { ...base, status: ok ? 'supported' : 'unsupported', supported: `1.${v[1]}–1.${v[1] + 3}`, unverified: false };
  }
  const row = spec.rows.find((r) => compareVersions(tag, r.since) >= 0 && (!r.before || compareVersions(tag, r.before) < 0));
  if (!row) return { ...base, status: 'unknown-version', supported: null, unverified: false };
  const ok = t >= minorOf(row.k8s.min) && (row.k8s.max === undefined || t <= minorOf(row.k8s.max));
  return { ...base, status: ok ? 'supported' : 'unsupported', supported: `${minorStr(row.k8s.min)}–${row.k8s.max ? minorStr(row.k8s.max) : '(no known upper bound)'}`, unverified: !row.checked };
}
