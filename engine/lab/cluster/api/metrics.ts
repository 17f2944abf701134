// GET /metrics: the Prometheus text a kube-apiserver serves, cut down to what runbook reads —
// apiserver_requested_deprecated_apis, one series per deprecated API a client called since the
// server started (lab fault deprecatedCalls) — plus a line of the usual request counter, so a
// reader must pick its series out of a real-looking page.

/** `GROUP/VERSION/RESOURCE@REMOVED_IN` entries → the metrics page. Malformed entries are skipped. */
export function metricsText(deprecatedCalls: readonly string[]): string {
  const lines = [
    '# HELP apiserver_request_total [STABLE] Counter of apiserver requests broken out for each verb, dry run value, group, version, resource, scope, component, and HTTP response code.',
    '# TYPE apiserver_request_total counter',
    'apiserver_request_total{code="200",component="apiserver",dry_run="",group="",resource="nodes",scope="cluster",subresource="",verb="LIST",version="v1"} 42',
    '# HELP apiserver_requested_deprecated_apis [STABLE] Gauge of deprecated APIs that have been requested, broken out by API group, version, resource, subresource, and removed_release.',
    '# TYPE apiserver_requested_deprecated_apis gauge',
  ];
  for (const entry of deprecatedCalls) {
    const m = /^([^/@]*)\/([^/@]+)\/([^/@]+)@(\d+\.\d+)$/.exec(entry.trim());
    if (!m) continue;
    const [, group, version, resource, removed] = m;
    lines.push(`apiserver_requested_deprecated_apis{group="${group}",removed_release="${removed}",resource="${resource}",subresource="",version="${version}"} 1`);
  }
  return `${lines.join('\n')}\n`;
}
