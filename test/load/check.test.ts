// Checks against the inventory and -e (validate's second pass): required groups, phase patterns,
// required params, and strict variables in every template and guard.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { checkRunbookAgainstInventory, loadInventory, loadRunbook, runtimeNames } from '../../engine/load/index.js';
import { formatProblem } from '../../engine/model/errors.js';
import type { Inventory } from '../../engine/model/inventory.js';
import type { Runbook } from '../../engine/model/runbook.js';
import { packageRoot } from '../../engine/paths.js';
import { catalog } from '../fixtures/load/catalog.js';

process.chdir(packageRoot());
let rb: Runbook;
let inv: Inventory;

test('setup', async () => {
  const r = await loadRunbook('test/fixtures/load/strict.yaml', { actions: catalog });
  assert.equal(r.problems, []);
  rb = r.runbook!;
  inv = (await loadInventory('test/fixtures/load/native.yaml')).inventory!;
});

test('names from params, vars, inventory, built-ins, -e, registers, facts and loops are all defined', () => {
  assert.equal(checkRunbookAgainstInventory(rb, inv, { snapshot_dir: '/var/backups', from_cli: 1 }).map(formatProblem), []);
});

test('a required param missing from -e and the inventory is reported at its declaration', () => {
  const out = checkRunbookAgainstInventory(rb, inv, { from_cli: 1 }).map(formatProblem);
  assert.equal(out, ['test/fixtures/load/strict.yaml:5:3: param "snapshot_dir" is required: give it with -e snapshot_dir=… or as an inventory var']);
});

test('a required param given as an inventory var on every host is enough', () => {
  const withVar: Inventory = { ...inv, vars: { ...inv.vars, snapshot_dir: '/x' } };
  assert.equal(checkRunbookAgainstInventory(rb, withVar, { from_cli: 1 }), []);
});

test('-e values are checked against the param type and pattern', () => {
  const out = checkRunbookAgainstInventory(rb, inv, { snapshot_dir: '/x', from_cli: 1, target_version: 1.31 }).map(formatProblem);
  assert.equal(out.length, 1);
  assert.match(out[0]!, /^test\/fixtures\/load\/strict\.yaml:4:3: -e target_version: param "target_version" \(version\): 1\.31 is read as the number/);
});

test('a -e value missing from the run makes its template an undefined variable, at the exact column', () => {
  const out = checkRunbookAgainstInventory(rb, inv, { snapshot_dir: '/x' }).map(formatProblem);
  assert.equal(out.length, 1);
  assert.match(out[0]!, /^test\/fixtures\/load\/strict\.yaml:21:78: undefined variable "from_cli"/);
});

test('templated host patterns are rendered from params and -e before they are checked', () => {
  const out = checkRunbookAgainstInventory(rb, inv, { snapshot_dir: '/x', from_cli: 1, target_group: 'wrkers' }).map(formatProblem);
  assert.equal(out, ['test/fixtures/load/strict.yaml:11:13: phase "Uses every kind of name": hosts: no group or host named "wrkers" (did you mean "workers"?)']);
});

test('registered names and set facts are known as run-time values', () => {
  assert.equal([...runtimeNames(rb)].sort(), ['drained', 'kubelet_ver']);
});

test('required groups must exist in the inventory', () => {
  const noGpu: Inventory = { ...inv, groups: Object.fromEntries(Object.entries(inv.groups).filter(([k]) => k !== 'gpu')) };
  const withReq: Runbook = { ...rb, requires: { groups: ['gpu'] }, positions: { 'requires.groups.0': { file: rb.file, line: 1, col: 1 } } };
  const out = checkRunbookAgainstInventory(withReq, noGpu, { snapshot_dir: '/x', from_cli: 1 });
  assert.ok(out.some((p) => p.message === 'the runbook requires group "gpu", which test/fixtures/load/native.yaml does not have'));
});

test('a templated serial reads only defined names: a misspelt one is reported at its column, with a suggestion', async () => {
  const r = await loadRunbook('test/fixtures/load/serial-template.yaml', { actions: catalog });
  assert.equal(r.problems, []);
  assert.is(r.runbook!.phases[0]!.serialTemplate, '{{worker_batch}}');
  const out = checkRunbookAgainstInventory(r.runbook!, inv, {}).map(formatProblem);
  assert.equal(out.length, 1, out.join('\n'));
  assert.match(out[0]!, /^test\/fixtures\/load\/serial-template\.yaml:15:16: undefined variable "worker_bacth" \(did you mean "worker_batch"\?\)/);
});

test('a templated serial that renders to no batch size, or reads a host var, fails validate -i before anything runs', async () => {
  const r = await loadRunbook('test/fixtures/load/serial-template.yaml', { actions: catalog });
  const first = { ...r.runbook!, phases: [r.runbook!.phases[0]!] };
  assert.equal(checkRunbookAgainstInventory(first, inv, { worker_batch: 3 }).map(formatProblem), []);
  const zero = checkRunbookAgainstInventory(first, inv, { worker_batch: 0 }).map(formatProblem);
  assert.equal(zero, ['test/fixtures/load/serial-template.yaml:9:14: phase "Upgrade the workers, {{worker_batch}} at a time": serial: 0 is not a count of at least 1 or a percentage such as "25%"']);
  const hostVar = { ...first, phases: [{ ...first.phases[0]!, serialTemplate: '{{node_name}}' }] };
  const out = checkRunbookAgainstInventory(hostVar, inv, {}).map(formatProblem);
  assert.equal(out.length, 1, out.join('\n'));
  assert.match(out[0]!, /serial: \{\{node_name\}\} is known only when hosts run/);
});

test('a templated step timeout from -e that is no duration fails validate -i at the template; one from a host var waits for the host', async () => {
  const r = await loadRunbook('test/fixtures/load/serial-template.yaml', { actions: catalog });
  const first = r.runbook!.phases[0]!;
  const step = { ...first.steps[0]!, timeoutTemplate: '{{apt_timeout}}', positions: { timeout: { file: 'x.yaml', line: 3, col: 14 } } };
  const rb = { ...r.runbook!, phases: [{ ...first, steps: [step] }] };
  assert.equal(checkRunbookAgainstInventory(rb, inv, { apt_timeout: '15m' }).map(formatProblem), []);
  assert.equal(checkRunbookAgainstInventory(rb, inv, { apt_timeout: '15 minutes' }).map(formatProblem), [
    'x.yaml:3:14: step "upgrade": timeout: "15 minutes" is not a duration like "30s", "5m", "1h30m" or a number of milliseconds',
  ]);
  const perHost: Inventory = { ...inv, hosts: inv.hosts.map((h) => ({ ...h, vars: { ...h.vars, apt_timeout: 'later' } })) };
  assert.equal(checkRunbookAgainstInventory(rb, perHost, {}).map(formatProblem), []);
});

test.run();
