// Sharing runbooks: import (phases) and include (steps) with typed params, relative paths,
// lib/ under the nearest runbooks/ directory; with: values become the scoped vars.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { loadRunbook, resolveRef } from '../../engine/load/index.js';
import type { BlockStep, Runbook } from '../../engine/model/runbook.js';
import { packageRoot } from '../../engine/paths.js';
import { catalog } from '../fixtures/load/catalog.js';
import { join } from 'node:path';

process.chdir(packageRoot());
const MAIN = 'test/fixtures/load/runbooks/main.yaml';
let rb: Runbook;

test('a runbook with imports and includes loads with no problems', async () => {
  const r = await loadRunbook(MAIN, { actions: catalog });
  assert.equal(r.problems, []);
  rb = r.runbook!;
});

test('imported phases are inlined in order, with global indexes and ids', () => {
  assert.equal(rb.phases.map((p) => [p.index, p.name]), [[0, 'Disk space'], [1, 'Snapshot'], [2, 'Workers']]);
  assert.equal(rb.phases[0]!.steps.map((s) => s.id), ['p0.s0']);
  assert.equal(rb.phases[2]!.steps.map((s) => s.id), ['p2.s0', 'p2.s1']);
  assert.is(rb.phases[0]!.from, 'test/fixtures/load/runbooks/lib/preflight.yaml');
  assert.is(rb.phases[0]!.steps[0]!.pos.file, 'test/fixtures/load/runbooks/lib/preflight.yaml');
});

test("an import's with: and the library's defaults and vars become the phase's vars", () => {
  const p = rb.phases[0]!;
  assert.equal(p.vars, { min_free_gb: 10, snapshot_name: 'pre-upgrade', target_minor: '{{minor target_version}}' });
  assert.not.ok('target_version' in p.vars, 'a pass-through binding ("{{target_version}}") is not rebound to itself');
});

test("the import's when and tags apply to every imported phase", () => {
  assert.is(rb.phases[0]!.when, 'not skip_preflight');
  assert.is(rb.phases[1]!.when, "(not skip_preflight) and (target_minor != '')");
  assert.equal(rb.phases[0]!.tags, ['preflight']);
  assert.equal(rb.phases[0]!.steps[0]!.tags, ['preflight']);
});

test('an include becomes a block of the library steps, scoped by its with: values', () => {
  const inc = rb.phases[2]!.steps[0] as BlockStep;
  assert.is(inc.kind, 'block');
  assert.is(inc.name, 'include lib/wait-ready.yaml');
  assert.is(inc.from, 'test/fixtures/load/runbooks/lib/wait-ready.yaml');
  assert.equal(inc.vars, { version: '{{target_version}}', wait_timeout: '10m', local: 1 });
  assert.equal(inc.block.map((s) => s.id), ['p2.s0.include.0']);
  assert.equal(inc.rescue, []);
  assert.is(inc.changes, false, 'wait_node is read-only');
  const again = rb.phases[2]!.steps[1] as BlockStep;
  assert.is(again.name, 'Wait again with another timeout');
  assert.equal(again.vars, { version: '1.31.4', wait_timeout: '2m' });
});

test('includes inside imported phases are inlined too', () => {
  const inc = rb.phases[1]!.steps[0] as BlockStep;
  assert.is(inc.kind, 'block');
  assert.equal(inc.block.map((s) => s.id), ['p1.s0.include.0']);
});

test('every file read is hashed once', () => {
  assert.equal(rb.sources.map((s) => s.file.split('/').slice(-2).join('/')).sort(), ['lib/preflight.yaml', 'lib/wait-ready.yaml', 'runbooks/main.yaml']);
});

test('lib/… resolves next to the file first, then under the nearest runbooks/, then the package runbooks/', () => {
  const root = packageRoot();
  const from = join(root, 'test/fixtures/load/runbooks/lib/preflight.yaml');
  assert.is(resolveRef(from, 'wait-ready.yaml'), join(root, 'test/fixtures/load/runbooks/lib/wait-ready.yaml'));
  assert.is(resolveRef(from, 'lib/wait-ready.yaml'), join(root, 'test/fixtures/load/runbooks/lib/wait-ready.yaml'));
  assert.is(resolveRef(join(root, 'test/fixtures/load/features.yaml'), 'lib/nope.yaml'), undefined);
  assert.is(resolveRef(join(root, 'test/fixtures/load/features.yaml'), 'nope.yaml'), undefined);
});

test('a step library validated on its own loads as one phase on all hosts', async () => {
  const r = await loadRunbook('test/fixtures/load/runbooks/lib/wait-ready.yaml', { actions: catalog });
  assert.equal(r.problems, []);
  assert.is(r.runbook!.phases.length, 1);
  assert.is(r.runbook!.phases[0]!.hosts, 'all');
  assert.is(r.runbook!.params['version']!.required, true);
});

test.run();
