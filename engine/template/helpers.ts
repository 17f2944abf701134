// Template helpers: shell quoting and the version arithmetic runbooks need (package version
// strings, minor of, next minor, the hops of an upgrade path). Each throws a plain message on
// bad input; render() adds the template's position.
import { planHops } from '../plan/version-path.js';
import { runtimeLabel } from './runtime.js';
import { shellQuote } from './shell.js';

const VERSION = /^v?(\d+)\.(\d+)(?:\.(\d+))?(-[0-9A-Za-z.+-]+)?$/;

/** Thrown by a helper; render() turns it into a TemplateError with the template's position. */
export class HelperError extends Error {}

function version(helper: string, v: unknown): RegExpExecArray {
  if (v === undefined || v === null) throw new HelperError(`${helper}: no version given (the variable is undefined)`);
  const m = VERSION.exec(String(v).trim());
  if (!m) throw new HelperError(`${helper}: "${String(v)}" is not a version like 1.31.4`);
  return m;
}

/** "1.31.4" or "v1.31.4" → "1.31.4-1.1" (the pkgs.k8s.io Debian revision); an explicit revision is kept. */
export function pkgVersion(v: unknown): string {
  const m = version('pkg_version', v);
  if (m[3] === undefined) throw new HelperError(`pkg_version: "${String(v)}" needs a patch release (1.31.4, not 1.31)`);
  return `${m[1]}.${m[2]}.${m[3]}${m[4] ?? '-1.1'}`;
}

/** "1.31.4" → "1.31". */
export function minor(v: unknown): string {
  const m = version('minor', v);
  return `${m[1]}.${m[2]}`;
}

/** "1.30" or "1.30.2" → "1.31". */
export function nextMinor(v: unknown): string {
  const m = version('next_minor', v);
  return `${m[1]}.${Number(m[2]) + 1}`;
}

/** The version of each hop from `from` to `to`, one minor at a time (plan/version-path.ts decides). */
export function upgradePath(from: unknown, to: unknown): string[] {
  const p = planHops(String(from), String(to));
  const errors = p.problems.filter((x) => x.level === 'error');
  if (errors.length) throw new HelperError(`upgrade_path: ${errors.map((e) => e.message).join('; ')}`);
  return p.hops;
}

/** Handlebars passes an options hash as the last argument of every helper call. */
function args(a: unknown[]): unknown[] {
  return a.slice(0, -1);
}

/** The helpers as Handlebars will call them (options hash last). */
export const HELPERS: Record<string, (...a: unknown[]) => unknown> = {
  quote: (...a) => shellQuote(args(a)[0]),
  pkg_version: (...a) => (runtimeLabel(args(a)[0]) ? args(a)[0] : pkgVersion(args(a)[0])),
  minor: (...a) => (runtimeLabel(args(a)[0]) ? args(a)[0] : minor(args(a)[0])),
  next_minor: (...a) => (runtimeLabel(args(a)[0]) ? args(a)[0] : nextMinor(args(a)[0])),
  upgrade_path: (...a) => {
    const [f, t] = args(a);
    return runtimeLabel(f) ?? runtimeLabel(t) ? f : upgradePath(f, t);
  },
  default: (...a) => {
    const [v, fallback] = args(a);
    return v === undefined || v === null || v === '' ? fallback : v;
  },
  join: (...a) => {
    const [list, sep] = args(a);
    if (runtimeLabel(list)) return list;
    if (!Array.isArray(list)) throw new HelperError(`join: expected a list, got ${list === undefined ? 'nothing' : typeof list}`);
    return list.map(String).join(typeof sep === 'string' ? sep : ',');
  },
};
