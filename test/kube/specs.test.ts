// Every Kubernetes action is well formed for the loader and the plan: a name, an argument schema
// whose shorthand exists, describe() that renders a line, and `changes` right for --check.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { namespaceList } from '../../engine/actions/kube/addons.js';
import { kubeActions } from '../../engine/actions/kube/index.js';
import { argsValidator } from '../../engine/load/schema.js';

const READ_ONLY = ['wait_node', 'node_info', 'pods', 'pdb_check', 'capacity_check', 'deprecations', 'addons', 'version'];

test('the fifteen actions are registered under distinct names', () => {
  const names = kubeActions.map((a) => a.name);
  assert.equal([...names].sort(), ['addons', 'apply', 'capacity_check', 'cordon', 'delete', 'deprecations', 'drain', 'lock', 'node_info', 'pdb_check', 'pods', 'run_pod', 'uncordon', 'version', 'wait_node']);
});

test('read-only checks run under --check; everything else is marked as changing', () => {
  for (const a of kubeActions) assert.is(a.changes, !READ_ONLY.includes(a.name), a.name);
});

test('schemas are objects without unknown keys, and shorthands name a property', () => {
  for (const a of kubeActions) {
    assert.is(a.schema.type, 'object', a.name);
    assert.is(a.schema.additionalProperties, false, a.name);
    if (a.shorthand) assert.ok((a.schema.properties as Record<string, unknown>)[a.shorthand], `${a.name}.${a.shorthand}`);
  }
});

test('the loader rejects literal nonsense and accepts what the shipped runbooks write', () => {
  const v = (n: string) => argsValidator(kubeActions.find((a) => a.name === n)!.schema, n);
  assert.ok(v('drain')({ node: 'w1', grace_period: 120, timeout: '300s', ignore_daemonsets: true, delete_emptydir_data: true }));
  assert.ok(v('drain')({ node: 'w1', grace_period: '-1', timeout: 300000 }));
  assert.not.ok(v('drain')({ node: 'w1', grace_period: 'soon' }));
  assert.not.ok(v('drain')({ node: 'w1', timeout: '5 minutes' }));
  assert.not.ok(v('drain')({ node: 'w1', force: 'maybe' }));
  assert.not.ok(v('drain')({ grace_period: 30 }));
  assert.ok(v('pods')({ namespace: 'kube-system', expect: 'healthy', timeout: '10m', min_pods: 1 }));
  assert.not.ok(v('pods')({ expect: 'fine' }));
  assert.ok(v('run_pod')({ name: 'runbook-dns-check', namespace: 'default', image: 'busybox:1.36', command: ['nslookup', 'kubernetes.default'], timeout: '2m' }));
  assert.ok(v('apply')({ manifest: { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'x' } } }));
  assert.ok(v('addons')({ target_version: '1.31.4', namespaces: ['kube-system', 'gpu-operator'] }));
  assert.ok(v('version')({}));
});

test('drain has no scalar shorthand; the one-argument actions do', () => {
  const short = Object.fromEntries(kubeActions.map((a) => [a.name, a.shorthand]));
  assert.is(short.drain, undefined);
  assert.is(short.uncordon, 'node');
  assert.is(short.wait_node, 'node');
});

test('addons namespaces: a list, or a rendered template as text', () => {
  assert.equal(namespaceList(undefined), ['kube-system']);
  assert.equal(namespaceList(['a', 'b']), ['a', 'b']);
  assert.equal(namespaceList('kube-system, gpu-operator cert-manager'), ['kube-system', 'gpu-operator', 'cert-manager']);
  assert.equal(namespaceList('["kube-system","ingress-nginx"]'), ['kube-system', 'ingress-nginx']);
});

test('describe() gives the plan line from the arguments', () => {
  const d = (n: string, args: Record<string, unknown>) => kubeActions.find((a) => a.name === n)!.describe(args);
  assert.is(d('drain', { node: 'w1', grace_period: 120, timeout: '300s', delete_emptydir_data: true }), 'drain node w1 (ignore DaemonSets, delete emptyDir data, grace 120s, timeout 300s)');
  assert.is(d('wait_node', { node: 'w1', version: '1.31.2', timeout: '10m' }), 'wait until node w1 is Ready at kubelet v1.31.2 (timeout 10m)');
  assert.is(d('lock', {}), 'take the run lock (Lease kube-system/runbook-upgrade, ttl 60s)');
  assert.is(d('pods', { namespace: 'gpu-operator', node: 'g1', expect: 'running' }), 'check pods (namespace gpu-operator, node g1) are running');
  assert.is(d('delete', { kind: 'ConfigMap', name: 'x', namespace: 'default' }), 'delete ConfigMap/default/x');
});

test.run();
