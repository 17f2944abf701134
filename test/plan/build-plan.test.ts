// buildPlan renders every command for its host without running anything; run-time values show
// as ⟨register.x⟩ / ⟨facts.x⟩.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { allActions } from '../../engine/actions/registry.js';
import { buildPlan } from '../../engine/plan/build-plan.js';
import { renderPlanText } from '../../engine/plan/render-plan.js';
import { action, block, inventory, phase, runbook, serial, sh } from '../fakes/build.js';
import { simpleSelect, templates } from '../fakes/harness.js';

const actions = new Map(allActions.map((a) => [a.name, a]));
const inv = inventory({ control_plane: ['cp1'], workers: ['w1', 'w2', 'w3'] }, { hostVars: { w2: { node_name: 'w2.internal' } } });

function plan(rb: ReturnType<typeof runbook>, extraVars: Record<string, unknown> = {}, limit?: string) {
  return buildPlan({ runbook: rb, inventory: inv, extraVars, ...(limit ? { limit } : {}), actions, templates, selectHosts: simpleSelect });
}

test('phases × batches × hosts × steps with each command rendered for its host', () => {
  const rb = runbook([
    phase('control_plane', [sh('kubeadm upgrade apply v{{v}} -y')]),
    phase('workers', [sh('kubectl drain {{node_name}}', { name: 'Drain' })], { serial: serial(2) }),
  ]);
  const p = plan(rb, { v: '1.31.4' });
  assert.is(p.phases.length, 2);
  assert.equal(p.phases[1]!.batches.map((b) => b.map((h) => h.host)), [['w1', 'w2'], ['w3']]);
  assert.is(p.phases[0]!.batches[0]![0]!.steps[0]!.describe, 'kubeadm upgrade apply v1.31.4 -y');
  const w2 = p.phases[1]!.batches[0]![1]!;
  assert.is(w2.steps[0]!.describe, 'kubectl drain w2.internal');
  const text = renderPlanText(p);
  assert.ok(text.includes('$ kubectl drain w2.internal'), text);
  assert.ok(text.includes('Batch 2/2: w3'), text);
});

test('registered results and facts are shown as run-time placeholders', () => {
  const rb = runbook([
    phase('workers', [
      sh('kubelet --version', { register: 'ver', changes: false }),
      sh('echo {{ver.stdout}}'),
      action('set', { target: '1.31' }),
      sh('echo {{facts.server_version}} {{target}}'),
    ]),
  ]);
  const steps = plan(rb).phases[0]!.batches[0]![0]!.steps;
  assert.is(steps[1]!.describe, 'echo ⟨register.ver.stdout⟩');
  assert.is(steps[3]!.describe, 'echo ⟨facts.server_version⟩ ⟨facts.target⟩');
});

test('--limit narrows every phase; blocks show their rescue and always parts', () => {
  const rb = runbook([phase('workers', [block({ block: [sh('a')], rescue: [sh('r')], always: [sh('z')] })])]);
  const p = plan(rb, {}, 'w3');
  assert.equal(p.phases[0]!.hosts, ['w3']);
  const text = renderPlanText(p);
  for (const part of ['block:', 'rescue:', 'always:', '$ r']) assert.ok(text.includes(part), part);
});

test('a templated serial is rendered per phase from -e (plan shows the size it will use); a bad one is a problem named in the plan', () => {
  const rb = runbook([phase('workers', [sh('upgrade')], { name: 'Workers, {{size}} at a time', serialTemplate: '{{size}}' })]);
  const p = plan(rb, { size: '2' });
  assert.equal(p.phases[0]!.batches.map((b) => b.map((h) => h.host)), [['w1', 'w2'], ['w3']]);
  assert.is(p.phases[0]!.serial, '2');
  assert.is(p.phases[0]!.name, 'Workers, 2 at a time');
  assert.ok(renderPlanText(p).includes('Phase 1: Workers, 2 at a time   (hosts: w1, w2, w3; serial 2;'), renderPlanText(p));
  assert.is(plan(rb, { size: '34%' }).phases[0]!.serial, '34%');
  const bad = plan(rb, { size: '0' }).phases[0]!;
  assert.match(bad.problem ?? '', /phase "Workers, \{\{size\}\} at a time": serial: "0" is not a count of at least 1/);
});

test('a skip_if is rendered shell-quoted; a value with a quote stays one argument', () => {
  const rb = runbook([phase('workers', [sh('touch {{f}}', { skipIf: 'test -f {{f}}' })])]);
  const s = plan(rb, { f: "it's here" }).phases[0]!.batches[0]![0]!.steps[0]!;
  assert.is(s.skipIf, "test -f 'it'\\''s here'");
});

test('a multi-line skip_if (a `skip_if: |` script) keeps its lines under its step in the plan text', () => {
  const rb = runbook([phase('workers', [sh('apt-get install -y kubelet', { skipIf: 'held=$(apt-mark showhold)\nfor p in kubelet; do\n  printf %s "$held" | grep -qx "$p" || exit 1\ndone\n' })])]);
  const lines = renderPlanText(plan(rb, {})).split('\n');
  const i = lines.findIndex((l) => l.includes('skip if: held=$(apt-mark showhold)'));
  assert.ok(i > 0, lines.join('\n'));
  const col = lines[i]!.indexOf('held=');
  assert.is(lines[i + 1], `${' '.repeat(col)}for p in kubelet; do`);
  assert.is(lines[i + 2], `${' '.repeat(col)}  printf %s "$held" | grep -qx "$p" || exit 1`);
  assert.is(lines[i + 3], `${' '.repeat(col)}done`);
  assert.ok(lines[i + 4]!.trimStart().startsWith('$ apt-get install'), 'the command follows, the trailing newline dropped');
});

test('--limit does not drop phases on the operator\'s machine (the run lock, cluster checks)', () => {
  const withLocal = { ...inv, hosts: [...inv.hosts, { name: 'localhost', connection: 'local' as const, ssh: { address: 'localhost' }, become: false, groups: [], vars: {} }] };
  const rb = runbook([phase('localhost', [sh('take lock')]), phase('workers', [sh('upgrade')])]);
  const p = buildPlan({ runbook: rb, inventory: withLocal, extraVars: {}, limit: 'w2', actions, templates, selectHosts: simpleSelect });
  assert.equal(p.phases.map((x) => x.hosts), [['localhost'], ['w2']]);
});

test('a phase whose when: is false is shown as skipped; one over run-time values as conditional', () => {
  const rb = runbook([
    phase('workers', [sh('a')], { when: 'length(hops) > 1', name: 'Second hop' }),
    phase('workers', [sh('version', { register: 'v' })], { name: 'Read' }),
    phase('workers', [sh('b')], { when: 'hops[0] == "1.31.4"', name: 'First hop' }),
  ]);
  const p = plan(rb, { hops: ['1.31.4'] });
  assert.is(p.phases[0]!.skipped, 'when: length(hops) > 1 is false');
  assert.equal(p.phases[0]!.batches, []);
  assert.is(p.phases[2]!.skipped, undefined);
  const text = renderPlanText(p);
  assert.match(text, /Phase 1: Second hop {3}\(skipped: when: length\(hops\) > 1 is false\)/);
});

test.run();
