// Kubernetes versions as the lab's package repositories and binaries see them: parsing, the
// patch releases each minor's repository offers, and Debian package version strings.

/** A parsed Kubernetes release, e.g. 1.31.4. */
export interface KVersion { major: number; minor: number; patch: number }

/** "v1.31.4", "1.31.4", "1.31.4-1.1" → {1,31,4}; undefined when it is not a release. */
export function parseVersion(s: string): KVersion | undefined {
  const m = /^v?(\d+)\.(\d+)\.(\d+)(?:-[0-9A-Za-z.~+]+)?$/.exec(s.trim());
  if (!m) return undefined;
  return { major: Number(m[1]), minor: Number(m[2]), patch: Number(m[3]) };
}

export function compareVersions(a: KVersion, b: KVersion): number {
  return a.major - b.major || a.minor - b.minor || a.patch - b.patch;
}

/** "v1.31.4" */
export function vstr(v: KVersion): string {
  return `v${v.major}.${v.minor}.${v.patch}`;
}

/** "1.31" */
export function minorOf(v: KVersion): string {
  return `${v.major}.${v.minor}`;
}

// Last patch each minor's repository holds (kubernetes/website release data, k8s-facts.md).
// Newer minors get a few patches so rehearsals of future hops still find packages.
const LAST_PATCH: Record<string, number> = {
  '1.27': 16, '1.28': 15, '1.29': 14, '1.30': 14, '1.31': 14, '1.32': 13, '1.33': 7, '1.34': 3, '1.35': 1,
};

/** Debian revision of a release in the community repository (1.28.14 was rebuilt as -2.1). */
function revision(v: KVersion): string {
  return v.major === 1 && v.minor === 28 && v.patch === 14 ? '2.1' : '1.1';
}

/** Package version of a release, e.g. "1.31.4-1.1". */
export function pkgVersion(v: KVersion): string {
  return `${v.major}.${v.minor}.${v.patch}-${revision(v)}`;
}

/** Every package version the repository of `minor` ("1.31") offers, newest first. */
export function repoVersions(minor: string): string[] {
  const [maj, min] = minor.split('.').map(Number);
  const last = LAST_PATCH[minor] ?? 3;
  const out: string[] = [];
  for (let p = last; p >= 0; p--) out.push(pkgVersion({ major: maj!, minor: min!, patch: p }));
  return out;
}

/** The newest patch of a minor the lab knows, e.g. "1.30" → v1.30.14. */
export function latestPatch(minor: string): KVersion {
  const [maj, min] = minor.split('.').map(Number);
  return { major: maj!, minor: min!, patch: LAST_PATCH[minor] ?? 3 };
}

/** apt's version pattern: `*` matches any run of characters, everything else literally. */
export function matchesGlob(version: string, pattern: string): boolean {
  const re = new RegExp('^' + pattern.split('*').map((s) => s.replace(/[.+?^${}()|[\]\\]/g, '\\$&')).join('.*') + '$');
  return re.test(version);
}

/** The minor a repository line names: `.../core:/stable:/v1.31/deb/ /` → "1.31". */
export function repoMinor(listFile: string): string | undefined {
  for (const line of listFile.split('\n')) {
    const t = line.trim();
    if (!t.startsWith('deb ') && !t.startsWith('deb[')) continue;
    const m = /\/v(\d+\.\d+)\/deb\/?/.exec(t);
    if (m) return m[1];
  }
  return undefined;
}
