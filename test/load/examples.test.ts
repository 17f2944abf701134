// The shipped examples (runbooks/examples/) validate with zero problems with the real actions,
// against a fixture inventory — the fan-out one against the Ansible INI example as it is.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { actionCatalog } from '../../engine/actions/registry.js';
import { checkRunbookAgainstInventory, loadInventory, loadRunbook } from '../../engine/load/index.js';
import { formatProblem } from '../../engine/model/errors.js';
import { packageRoot } from '../../engine/paths.js';

process.chdir(packageRoot());

const CASES: Array<[string, string]> = [
  ['runbooks/examples/fan-out.yaml', 'runbooks/examples/fan-out-ansible.ini'],
  ['runbooks/examples/fan-out.yaml', 'test/fixtures/load/ansible.ini'],
  ['runbooks/examples/import-with-params.yaml', 'test/fixtures/load/native.yaml'],
  ['runbooks/examples/block-rescue-always.yaml', 'test/fixtures/load/ansible.yaml'],
];

for (const [rbFile, invFile] of CASES) {
  test(`${rbFile} validates against ${invFile}`, async () => {
    const r = await loadRunbook(rbFile, { actions: actionCatalog });
    assert.equal(r.problems.map(formatProblem), []);
    const inv = await loadInventory(invFile);
    assert.equal(inv.problems.map(formatProblem), []);
    assert.equal(checkRunbookAgainstInventory(r.runbook!, inv.inventory!, {}).map(formatProblem), []);
  });
}

test('the include example binds typed params; a wrong one fails at validate', async () => {
  const r = await loadRunbook('runbooks/examples/import-with-params.yaml', { actions: actionCatalog });
  const inc = r.runbook!.phases[0]!.steps[0]!;
  assert.is(inc.kind, 'block');
  assert.equal(inc.vars, { command: 'apt-get update && apt-get install -y --only-upgrade {{packages}}', grace_period: 60, drain_timeout: '10m' });
  const inv = (await loadInventory('test/fixtures/load/native.yaml')).inventory!;
  const bad = checkRunbookAgainstInventory(r.runbook!, inv, { packages: 'kubelet; rm -rf /' }).map(formatProblem);
  assert.equal(bad.length, 1);
  assert.match(bad[0]!, /^runbooks\/examples\/import-with-params\.yaml:\d+:\d+: -e packages: param "packages" \(string\): "kubelet; rm -rf \/" does not match the pattern/);
});

test('fan-out runs on every host of the INI inventory, all in one batch', async () => {
  const r = await loadRunbook('runbooks/examples/fan-out.yaml', { actions: actionCatalog });
  const p = r.runbook!.phases[0]!;
  assert.equal(p.serial, [{ kind: 'percent', pct: 100 }]);
  assert.is(p.hosts, '{{hosts}}');
  assert.is(r.runbook!.params['hosts']!.default, 'all');
});

test.run();
