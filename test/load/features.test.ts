// Every language feature, loaded from test/fixtures/load/features.yaml and checked in its
// normalised form: what the planner and executor will get, with every default applied once.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { DEFAULT_DELAY_MS, DEFAULT_TIMEOUT_MS, loadRunbook } from '../../engine/load/index.js';
import type { ActionStep, BlockStep, Runbook, Step } from '../../engine/model/runbook.js';
import { packageRoot } from '../../engine/paths.js';
import { catalog } from '../fixtures/load/catalog.js';

process.chdir(packageRoot());
const FILE = 'test/fixtures/load/features.yaml';
let rb: Runbook;

function step(id: string): Step {
  const walk = (steps: Step[]): Step | undefined => {
    for (const s of steps) {
      if (s.id === id) return s;
      if (s.kind === 'block') {
        const f = walk([...s.block, ...s.rescue, ...s.always]);
        if (f) return f;
      }
    }
    return undefined;
  };
  for (const p of rb.phases) {
    const s = walk(p.steps);
    if (s) return s;
  }
  throw new Error(`no step ${id}`);
}
const action = (id: string) => step(id) as ActionStep;

test('the features runbook loads with no problems', async () => {
  const r = await loadRunbook(FILE, { actions: catalog });
  assert.equal(r.problems, []);
  rb = r.runbook!;
  assert.is(rb.name, 'features');
  assert.is(rb.description, 'All the keys a runbook may use.');
  assert.is(rb.file, FILE);
});

test('params keep type, default, pattern, required, description and position', () => {
  assert.equal(Object.keys(rb.params), ['target_version', 'batch', 'skip_gpu', 'drain_timeout', 'nodes', 'snapshot_dir']);
  const t = rb.params['target_version']!;
  assert.is(t.type, 'version');
  assert.is(t.default, '1.31.4');
  assert.is(t.pattern, '^1\\.31\\.\\d+$');
  assert.is(t.required, false);
  assert.is(t.description, 'Target patch release.');
  assert.equal(t.pos, { file: FILE, line: 6, col: 3 });
  assert.is(rb.params['snapshot_dir']!.required, true);
  assert.equal(rb.params['nodes']!.default, ['a', 'b']);
});

test('requires and runbook vars', () => {
  assert.equal(rb.requires, { groups: ['workers', 'gpu'], clusterVersion: '>=1.30.0 <1.32.0' });
  assert.equal(rb.vars, { k8s_minor: '{{minor target_version}}' });
});

test('phase defaults: serial 1, max fail 0, no become, no vars or tags', () => {
  const p = rb.phases[0]!;
  assert.equal(p.serial, [{ kind: 'count', n: 1 }]);
  assert.is(p.maxFailPercentage, 0);
  assert.is(p.become, false);
  assert.equal(p.vars, {});
  assert.equal(p.tags, []);
  assert.is(p.index, 0);
  assert.is(p.preflight, undefined);
});

test('serial ramp, max_fail_percentage, become, vars and tags of a phase', () => {
  const p = rb.phases[1]!;
  assert.is(p.hosts, 'workers:!gpu');
  assert.equal(p.serial, [{ kind: 'count', n: 1 }, { kind: 'percent', pct: 25 }, { kind: 'percent', pct: 100 }]);
  assert.is(p.maxFailPercentage, 20);
  assert.is(p.become, true);
  assert.equal(p.vars, { grace: 120 });
  assert.equal(p.tags, ['upgrade', 'workers']);
});

test('step defaults are applied once', () => {
  const s = action('p0.s0');
  assert.is(s.kind, 'action');
  assert.is(s.action, 'sh');
  assert.equal(s.args, { cmd: 'uptime' });
  assert.is(s.retries, 0);
  assert.is(s.delayMs, DEFAULT_DELAY_MS);
  assert.is(s.timeoutMs, DEFAULT_TIMEOUT_MS);
  assert.is(s.secret, false);
  assert.is(s.ignoreErrors, false);
  assert.is(s.idempotent, false);
  assert.is(s.changes, true, 'sh changes by default (from the catalog)');
  assert.is(s.become, undefined, 'inherits');
  assert.equal(s.tags, []);
  for (const k of ['when', 'unless', 'skipIf', 'register', 'until', 'confirm', 'loop'] as const) assert.is(s[k], undefined, k);
});

test('every step key is normalised', () => {
  const s = action('p1.s0');
  assert.equal(s.args, { cmd: 'kubeadm upgrade node', chdir: '/tmp' });
  assert.is(s.when, 'not skip_gpu and batch > 1');
  assert.is(s.unless, "inventory_hostname == 'cp-1'");
  assert.is(s.skipIf, 'kubelet --version | grep -q v{{target_version}}');
  assert.is(s.register, 'upgrade');
  assert.is(s.secret, true);
  assert.is(s.retries, 4);
  assert.is(s.delayMs, 10_000);
  assert.is(s.until, 'result.rc == 0');
  assert.is(s.timeoutMs, 90 * 60_000);
  assert.is(s.confirm, 'Upgrade {{inventory_hostname}}?');
  assert.equal(s.tags, ['upgrade', 'workers', 'risky'], 'phase tags first, then the step’s');
  assert.is(s.ignoreErrors, true);
  assert.is(s.changes, false);
  assert.is(s.idempotent, true);
  assert.is(s.become, false);
  assert.equal(s.vars, { extra: '{{grace}}' });
});

test('template positions are recorded for each field', () => {
  const s = action('p1.s0');
  assert.equal(s.positions?.['skipIf'], { file: FILE, line: 35, col: 19 });
  assert.equal(s.positions?.['when'], { file: FILE, line: 33, col: 16 });
  assert.equal(s.positions?.['vars.extra'], { file: FILE, line: 48, col: 25 });
  assert.equal(action('p1.s3').positions?.['args.grace_period'], { file: FILE, line: 56, col: 56 });
});

test('until without retries retries 3 times; confirm: true asks about the step', () => {
  assert.is(action('p1.s1').retries, 3);
  assert.is(action('p1.s2').confirm, 'Run "Confirm true"?');
  assert.equal(action('p1.s2').args, { duration: 500 });
  assert.is(action('p1.s2').changes, false, 'pause is read-only (catalog)');
});

test('templates are allowed where the action wants a number or duration', () => {
  assert.equal(action('p1.s3').args, { node: '{{node_name}}', grace_period: '{{grace}}', timeout: '{{drain_timeout}}' });
});

test('loops: a template list with the default var, a literal list with loop_var', () => {
  assert.equal(action('p1.s4').loop, { items: '{{nodes}}', var: 'item' });
  assert.equal(action('p1.s4').args, { node: '{{item}}' }, 'shorthand expanded');
  assert.equal(action('p1.s5').loop, { items: ['x', 'y'], var: 'n' });
  assert.is(rb.phases[3]!.preflight, true, 'preflight: true is kept on the phase');
  assert.equal(rb.phases[2]!.loop, { items: "{{upgrade_path '1.29.1' target_version}}", var: 'hop' });
});

test('a list of when conditions must all hold', () => {
  assert.is(action('p1.s6').when, '(batch > 1) and (not skip_gpu)');
});

test('block/rescue/always with stable nested ids', () => {
  const b = step('p1.s7') as BlockStep;
  assert.is(b.kind, 'block');
  assert.is(b.name, 'Recover');
  assert.equal(b.block.map((s) => s.id), ['p1.s7.block.0', 'p1.s7.block.1']);
  assert.equal((b.block[1] as BlockStep).block.map((s) => s.id), ['p1.s7.block.1.block.0']);
  assert.equal(b.rescue.map((s) => s.id), ['p1.s7.rescue.0']);
  assert.equal(b.always.map((s) => s.id), ['p1.s7.always.0']);
  assert.is(b.changes, true, 'a block changes if any inner step does');
  assert.equal(b.block[0]!.tags, ['upgrade', 'workers'], 'phase tags reach nested steps');
});

test('every source is hashed', () => {
  assert.is(rb.sources.length, 1);
  assert.match(rb.sources[0]!.sha256, /^[0-9a-f]{64}$/);
  assert.ok(rb.sources[0]!.file.endsWith('test/fixtures/load/features.yaml'));
});

test('loading twice gives the same ids and hashes (stable)', async () => {
  const again = (await loadRunbook(FILE, { actions: catalog })).runbook!;
  assert.equal(JSON.stringify(again), JSON.stringify(rb));
});

test('Ansible habits: yes/no booleans and a list of host patterns', async () => {
  const r = await loadRunbook('test/fixtures/load/ansible-habits.yaml', { actions: catalog });
  assert.equal(r.problems, []);
  const p = r.runbook!.phases[0]!;
  assert.is(p.hosts, 'workers:gpu');
  assert.is(p.become, true);
  assert.is(p.steps[0]!.ignoreErrors, true);
  assert.is(p.steps[0]!.changes, false);
});

test.run();
