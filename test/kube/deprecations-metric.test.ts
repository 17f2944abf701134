// Reading the API server's apiserver_requested_deprecated_apis series out of a /metrics page:
// labels in any order, escaped quotes, zero-valued series and other metrics ignored; only APIs
// removed at or before the target count as blockers.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { callsRemovedBy, parseDeprecatedCalls, replacementFor } from '../../engine/actions/kube/deprecations-metric.js';

// The shape kube-apiserver serves (HELP/TYPE lines, other series around it).
const PAGE = `# HELP apiserver_requested_deprecated_apis [STABLE] Gauge of deprecated APIs that have been requested, broken out by API group, version, resource, subresource, and removed_release.
# TYPE apiserver_requested_deprecated_apis gauge
apiserver_requested_deprecated_apis{group="flowcontrol.apiserver.k8s.io",removed_release="1.32",resource="flowschemas",subresource="",version="v1beta3"} 1
apiserver_requested_deprecated_apis{version="v2beta2",group="autoscaling",resource="horizontalpodautoscalers",subresource="status",removed_release="1.26"} 1
apiserver_requested_deprecated_apis{group="example.com",removed_release="",resource="widgets",subresource="",version="v1alpha1"} 1
apiserver_requested_deprecated_apis{group="policy",removed_release="1.25",resource="podsecuritypolicies",subresource="",version="v1beta1"} 0
apiserver_request_total{code="200",component="apiserver",group="",resource="nodes",verb="LIST",version="v1"} 42
# apiserver_requested_deprecated_apis{group="commented",removed_release="1.20",resource="x",subresource="",version="v1"} 1
`;

test('the non-zero series of a /metrics page, labels in any order', () => {
  const calls = parseDeprecatedCalls(PAGE);
  assert.equal(calls.map((c) => `${c.group}/${c.version} ${c.resource}${c.subresource ? `/${c.subresource}` : ''} ${c.removedIn || '-'}`), [
    'flowcontrol.apiserver.k8s.io/v1beta3 flowschemas 1.32',
    'autoscaling/v2beta2 horizontalpodautoscalers/status 1.26',
    'example.com/v1alpha1 widgets -',
  ]);
});

test('only APIs removed by the target block it; a deprecated API with no removal release does not', () => {
  const calls = parseDeprecatedCalls(PAGE);
  assert.equal(callsRemovedBy(calls, '1.31.4').map((c) => c.resource), ['horizontalpodautoscalers']);
  assert.equal(callsRemovedBy(calls, 'v1.32.0').map((c) => c.resource), ['flowschemas', 'horizontalpodautoscalers']);
  assert.equal(callsRemovedBy(calls, '1.25'), []);
});

test('the replacement comes from the removed-API table when it knows the group/version', () => {
  const [flow, hpa, widget] = parseDeprecatedCalls(PAGE);
  assert.is(replacementFor(flow!), 'flowcontrol.apiserver.k8s.io/v1');
  assert.is(replacementFor(hpa!), 'autoscaling/v2');
  assert.match(replacementFor(widget!), /migration guide/);
});

test('a page without the series, or an empty one, has no calls', () => {
  assert.equal(parseDeprecatedCalls('apiserver_request_total{code="200"} 3\n'), []);
  assert.equal(parseDeprecatedCalls(''), []);
});

test.run();
