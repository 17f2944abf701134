// The API server's own record of clients calling deprecated APIs: the Prometheus series
// apiserver_requested_deprecated_apis{group,version,resource,subresource,removed_release} on
// GET /metrics (one per deprecated API requested since that API server started). It sees what no
// object scan can — a controller or CronJob that still calls a removed version — which kubent and
// pluto miss (lessons.md, lesson 14).
import { minorOf, REMOVED_APIS } from '../../data/removed-apis.js';

export interface DeprecatedCall {
  group: string;
  version: string;
  resource: string;
  subresource: string;
  removedIn: string;
}

const SERIES = 'apiserver_requested_deprecated_apis';

/** The series with a non-zero value from a Prometheus text page; other lines are ignored. */
export function parseDeprecatedCalls(text: string): DeprecatedCall[] {
  const out: DeprecatedCall[] = [];
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (!line.startsWith(`${SERIES}{`)) continue;
    const close = line.lastIndexOf('}');
    if (close < 0 || Number(line.slice(close + 1).trim()) === 0) continue;
    const labels: Record<string, string> = {};
    for (const m of line.slice(SERIES.length + 1, close).matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)) labels[m[1]!] = m[2]!.replace(/\\(.)/g, '$1');
    if (!labels['version'] || !labels['resource']) continue;
    out.push({ group: labels['group'] ?? '', version: labels['version'], resource: labels['resource'], subresource: labels['subresource'] ?? '', removedIn: labels['removed_release'] ?? '' });
  }
  return out;
}

/** The calls whose API is gone at the target minor (a call with no removal release yet is only deprecated). */
export function callsRemovedBy(calls: DeprecatedCall[], target: string): DeprecatedCall[] {
  const t = minorOf(target);
  return calls.filter((c) => /^\d+\.\d+$/.test(c.removedIn) && minorOf(c.removedIn) <= t);
}

/** What to migrate to, from the removed-API table when it knows the group/version. */
export function replacementFor(c: DeprecatedCall): string {
  const apiVersion = c.group ? `${c.group}/${c.version}` : c.version;
  return REMOVED_APIS.find((r) => r.apiVersion === apiVersion)?.replacement ?? 'see the Kubernetes deprecated API migration guide';
}
