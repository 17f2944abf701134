// Every Kubernetes action is well formed for the loader and the plan: a name, an argument schema
// whose shorthand exists, describe() that renders a line, and `changes` right for --check.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { kubeActions } from '../../engine/actions/kube/index.js';

const READ_ONLY = ['wait_node', 'pods', 'pdb_check', 'capacity_check', 'deprecations', 'addons', 'version'];

test('the fourteen actions are registered under distinct names', () => {
  const names = kubeActions.map((a) => a.name);
  assert.equal([...names].sort(), ['addons', 'apply', 'capacity_check', 'cordon', 'delete', 'deprecations', 'drain', 'lock', 'pdb_check', 'pods', 'run_pod', 'uncordon', 'version', 'wait_node']);
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

test('describe() gives the plan line from the arguments', () => {
  const d = (n: string, args: Record<string, unknown>) => kubeActions.find((a) => a.name === n)!.describe(args);
  assert.is(d('drain', { node: 'w1', grace_period: 120, timeout: '300s', delete_emptydir_data: true }), 'drain node w1 (ignore DaemonSets, delete emptyDir data, grace 120s, timeout 300s)');
  assert.is(d('wait_node', { node: 'w1', version: '1.31.2', timeout: '10m' }), 'wait until node w1 is Ready at kubelet v1.31.2 (timeout 10m)');
  assert.is(d('lock', {}), 'take the run lock (Lease kube-system/runbook-upgrade, ttl 60s)');
  assert.is(d('pods', { namespace: 'gpu-operator', node: 'g1', expect: 'running' }), 'check pods (namespace gpu-operator, node g1) are running');
  assert.is(d('delete', { kind: 'ConfigMap', name: 'x', namespace: 'default' }), 'delete ConfigMap/default/x');
});

test.run();
