// The upgrade path between two Kubernetes versions: one minor per hop (kubeadm refuses more),
// patch jumps inside a minor free, downgrades refused, end of support warned. Pure: the only
// input besides the versions is `today`, passed in (default: now) so tests pin the date.

import { RELEASES, type MinorRelease } from '../data/releases.js';

export interface Version {
  major: number;
  minor: number;
  patch: number;
}

/** Why a path is refused (error) or worth a second look (warning). */
export interface PathProblem {
  level: 'error' | 'warning';
  code:
    | 'invalid-version'
    | 'major-change'
    | 'downgrade'
    | 'already-there'
    | 'unknown-minor'
    | 'unknown-patch'
    | 'patch-beyond-known'
    | 'past-end-of-support'
    | 'not-yet-released';
  message: string;
}

export interface HopPlan {
  /** Target version of each hop, in order, e.g. ["1.29.14", "1.30.14", "1.31.14", "1.32.4"]. */
  hops: string[];
  problems: PathProblem[];
}

export interface PathOptions {
  /** The day support windows are judged on, YYYY-MM-DD or a Date; default today (UTC). */
  today?: string | Date;
  /** Release data; default engine/data/releases.ts (tests may pass their own). */
  releases?: readonly MinorRelease[];
}

const VERSION_RE = /^v?(\d+)\.(\d+)(?:\.(\d+))?(?:[-+].*)?$/;

/** "v1.31.4", "1.31.4", "1.31" (patch 0), "1.31.4-1.1" → {1,31,4}; undefined when not a version. */
export function parseVersion(text: string): Version | undefined {
  const m = VERSION_RE.exec(String(text).trim());
  if (!m) return undefined;
  return { major: Number(m[1]), minor: Number(m[2]), patch: m[3] === undefined ? 0 : Number(m[3]) };
}

/** "1.31.4" → "1.31". */
export function minorOf(v: Version): string {
  return `${v.major}.${v.minor}`;
}

function fmt(v: Version): string {
  return `${v.major}.${v.minor}.${v.patch}`;
}

function day(today: string | Date | undefined): string {
  if (today === undefined) return new Date().toISOString().slice(0, 10);
  return typeof today === 'string' ? today.slice(0, 10) : today.toISOString().slice(0, 10);
}

export type SupportStatus =
  | { status: 'supported'; minor: string; endOfSupport: string; daysLeft: number }
  | { status: 'end-of-support'; minor: string; endOfSupport: string; daysPast: number }
  | { status: 'unreleased'; minor: string; released: string }
  | { status: 'unknown'; minor: string };

const DAY_MS = 86_400_000;

/** Whether a minor ("1.31" or any version of it) is inside its community support window on `today`. */
export function supportStatus(minor: string, today?: string | Date, releases: readonly MinorRelease[] = RELEASES): SupportStatus {
  const v = parseVersion(minor);
  const key = v ? minorOf(v) : minor;
  const r = releases.find((x) => x.minor === key);
  if (!r) return { status: 'unknown', minor: key };
  const t = Date.parse(day(today));
  if (t < Date.parse(r.released)) return { status: 'unreleased', minor: key, released: r.released };
  const eos = Date.parse(r.endOfSupport);
  if (t > eos) return { status: 'end-of-support', minor: key, endOfSupport: r.endOfSupport, daysPast: Math.round((t - eos) / DAY_MS) };
  return { status: 'supported', minor: key, endOfSupport: r.endOfSupport, daysLeft: Math.round((eos - t) / DAY_MS) };
}

/**
 * The hops from the cluster's version to the target. Intermediate hops go to the latest patch
 * of their minor that the release data knows (a .0 with a warning when it knows none); the last
 * hop goes to the exact target. A target given as a minor only ("1.32") means its latest patch.
 */
export function planHops(from: string, to: string, opts: PathOptions = {}): HopPlan {
  const releases = opts.releases ?? RELEASES;
  const problems: PathProblem[] = [];
  const cur = parseVersion(from);
  const tgt0 = parseVersion(to);
  if (!cur) problems.push({ level: 'error', code: 'invalid-version', message: `current version "${from}" is not a Kubernetes version like 1.30.4` });
  if (!tgt0) problems.push({ level: 'error', code: 'invalid-version', message: `target version "${to}" is not a Kubernetes version like 1.31.4` });
  if (!cur || !tgt0) return { hops: [], problems };
  if (cur.major !== tgt0.major) {
    problems.push({ level: 'error', code: 'major-change', message: `cannot plan from ${fmt(cur)} to ${fmt(tgt0)}: the major version differs` });
    return { hops: [], problems };
  }

  const find = (minor: string): MinorRelease | undefined => releases.find((r) => r.minor === minor);
  // A bare minor as target ("1.32") means that minor's latest known patch.
  const bareMinor = /^v?\d+\.\d+$/.test(to.trim());
  const tgtRel = find(minorOf(tgt0));
  const tgt: Version = bareMinor && tgtRel?.latestPatch !== undefined ? { ...tgt0, patch: tgtRel.latestPatch } : tgt0;

  if (tgt.minor < cur.minor || (tgt.minor === cur.minor && tgt.patch < cur.patch)) {
    problems.push({
      level: 'error',
      code: 'downgrade',
      message: `refusing to downgrade from ${fmt(cur)} to ${fmt(tgt)}: kubeadm clusters move forward only; to go back, restore the pre-upgrade etcd snapshot with runbooks/rollback.yaml`,
    });
    return { hops: [], problems };
  }
  if (tgt.minor === cur.minor && tgt.patch === cur.patch) {
    problems.push({ level: 'warning', code: 'already-there', message: `the cluster already runs ${fmt(cur)}; nothing to upgrade` });
    return { hops: [], problems };
  }

  const hops: string[] = [];
  for (let m = cur.minor === tgt.minor ? tgt.minor : cur.minor + 1; m <= tgt.minor; m++) {
    const key = `${tgt.major}.${m}`;
    const rel = find(key);
    if (!rel) problems.push({ level: 'warning', code: 'unknown-minor', message: `${key} is not in engine/data/releases.ts: its release and support dates are unknown (add one line there)` });
    if (m === tgt.minor) {
      if (rel?.latestPatch !== undefined && tgt.patch > rel.latestPatch) {
        problems.push({ level: 'warning', code: 'patch-beyond-known', message: `${fmt(tgt)} is newer than the latest ${key} patch recorded (${key}.${rel.latestPatch}); check that its packages exist` });
      }
      hops.push(fmt(tgt));
    } else if (rel?.latestPatch !== undefined) {
      hops.push(`${key}.${rel.latestPatch}`);
    } else {
      problems.push({ level: 'warning', code: 'unknown-patch', message: `the latest ${key} patch is not recorded in engine/data/releases.ts; hop planned to ${key}.0 — record it there (one line) to upgrade through the latest patch` });
      hops.push(`${key}.0`);
    }
  }

  const today = day(opts.today);
  for (const [label, v] of [['current', cur], ['target', tgt]] as const) {
    const s = supportStatus(minorOf(v), today, releases);
    if (s.status === 'end-of-support') {
      problems.push({ level: 'warning', code: 'past-end-of-support', message: `the ${label} minor ${s.minor} left community support on ${s.endOfSupport} (${s.daysPast} days ago): no more security patches` });
    } else if (s.status === 'unreleased') {
      problems.push({ level: 'warning', code: 'not-yet-released', message: `the ${label} minor ${s.minor} is not released until ${s.released}` });
    }
  }
  return { hops, problems };
}
