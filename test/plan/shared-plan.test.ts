// Plans share work between hosts (a step that renders the same on many hosts is rendered once);
// the plan must stay exactly the plan of each host on its own, whatever differs between hosts.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { join } from 'node:path';
import { allActions } from '../../engine/actions/registry.js';
import { loadInputs } from '../../engine/cli/inputs.js';
import { packageRoot } from '../../engine/paths.js';
import { buildPlan, type PlanInput, type PlanStep } from '../../engine/plan/build-plan.js';
import * as template from '../../engine/template/index.js';
import { Redactor } from '../../engine/exec/redact.js';
import { renderPlanText, writePlanJson, writePlanText } from '../../engine/plan/render-plan.js';
import { referencePlan, referenceText } from './reference-plan.js';

const root = packageRoot();
const at = (p: string) => join(root, p);
const actions = new Map(allActions.map((a) => [a.name, a]));

async function input(runbook: string, inventory: string, extra: string[] = [], limit?: string): Promise<PlanInput> {
  const loaded = await loadInputs({ file: at(runbook), inventory: at(inventory), extra, ...(limit ? { limit } : {}) });
  return { ...loaded, ...(limit ? { limit } : {}), actions, templates: template };
}

const CASES: Array<[string, string, string[], string?]> = [
  ['test/fixtures/plan/shared.yaml', 'test/fixtures/plan/mixed-inventory.yaml', []],
  ['test/fixtures/plan/shared.yaml', 'test/fixtures/plan/mixed-inventory.yaml', ['grace=5', 'zone=z9']],
  ['test/fixtures/plan/shared.yaml', 'test/fixtures/plan/mixed-inventory.yaml', [], 'w-2:w-4'],
  ['runbooks/upgrade-1.31.yaml', 'inventories/example-prod.yaml', []],
  ['runbooks/upgrade-1.31.yaml', 'inventories/example-prod.yaml', ['drain_grace=90', 'node_root=/host']],
  ['runbooks/upgrade.yaml', 'inventories/example-prod.yaml', ['from_version=1.28.15', 'to_version=1.32.4']],
  ['runbooks/rollback.yaml', 'inventories/example-prod.yaml', []],
];

for (const [rb, inv, extra, limit] of CASES) {
  test(`the shared plan of ${rb} on ${inv} ${extra.map((e) => `-e ${e}`).join(' ')}${limit ? ` --limit ${limit}` : ''} is each host's own plan`, async () => {
    const i = await input(rb, inv, extra, limit);
    const shared = buildPlan(i);
    const reference = referencePlan(i);
    assert.fixture(JSON.stringify(shared, null, 1), JSON.stringify(reference, null, 1));
    // Written in chunks, with secrets redacted string by string: the bytes of the plan redacted whole.
    const redactor = new Redactor();
    redactor.addVarsByName({ token: 'kubeadm', password: 'w-3.internal', key: '1.31' });
    const redact = (s: string) => redactor.text(s);
    for (const r of [undefined, redact]) {
      const whole = r ? redactor.deep(reference) : reference;
      const text: string[] = [];
      writePlanText(shared, (c) => text.push(c), r);
      assert.fixture(text.join(''), referenceText(whole));
      const json: string[] = [];
      writePlanJson(shared, (c) => json.push(c), r);
      assert.fixture(json.join(''), `${JSON.stringify(whole, null, 2)}\n`);
    }
    assert.is(renderPlanText(shared), referenceText(reference));
  });
}

test('a template engine that cannot say what templates read gets the same plan, rendered per host', async () => {
  const i = await input('test/fixtures/plan/shared.yaml', 'test/fixtures/plan/mixed-inventory.yaml');
  const { templateReads: _, ...plain } = template;
  const p = buildPlan({ ...i, templates: plain });
  assert.fixture(JSON.stringify(p, null, 1), JSON.stringify(referencePlan(i), null, 1));
});

test('hosts differing in a var a step reads get their own rendering; the others share one', async () => {
  const p = buildPlan(await input('test/fixtures/plan/shared.yaml', 'test/fixtures/plan/mixed-inventory.yaml'));
  const hosts = p.phases[0]!.batches[0]!;
  const step = (host: string, name: string): PlanStep => hosts.find((h) => h.host === host)!.steps.find((s) => s.name === name)!;
  assert.is(step('w-1', 'Grace from a host var on some hosts').describe, 'echo 120 /etc/kubernetes/kubelet.conf');
  assert.is(step('w-2', 'Grace from a host var on some hosts').describe, 'echo 30 /etc/kubernetes/kubelet.conf');
  assert.is(step('w-5', 'Grace from a host var on some hosts').describe, 'echo 120 /mnt/etc/kubernetes/kubelet.conf');
  assert.is(step('w-4', 'Zone dependent').describe, 'echo w-4@z2 z2 1.31');
  assert.is(step('w-3', 'Zone dependent').describe, 'echo w-3.internal@z1 z1 1.31');
  assert.match(step('cp-1', 'Only some hosts have rack').error ?? '', /undefined variable "rack"/);
  assert.is(step('cp-2', 'Only some hosts have rack').describe, 'echo r2');
  // w-1 and w-6 agree on everything the step reads: one object, rendered once.
  assert.ok(step('w-1', 'Same everywhere') === step('w-6', 'Same everywhere'));
  assert.ok(step('w-1', 'Grace from a host var on some hosts') === step('w-6', 'Grace from a host var on some hosts'));
});

test('a step that renders the same on 200 workers is described once, and its PlanStep is shared', async () => {
  const { writeInventory } = await import('../../bench/scale/inventory.js');
  const { mkdtempSync } = await import('node:fs');
  const { tmpdir } = await import('node:os');
  const inv = join(mkdtempSync(join(tmpdir(), 'runbook-plan-')), 'inventory.yaml');
  writeInventory(inv, 200);
  const loaded = await loadInputs({ file: at('runbooks/upgrade-1.31.yaml'), inventory: inv, extra: [] });
  let calls = 0;
  const counting = new Map([...actions].map(([name, a]) => [name, { ...a, describe: (args: unknown) => (calls++, a.describe(args as never)) }]));
  const p = buildPlan({ ...loaded, actions: counting, templates: template });
  const workers = p.phases.find((x) => x.name === 'Upgrade the workers')!;
  const refresh = (b: number) => JSON.stringify(workers.batches[b]![0]!.steps).includes('apt-get update');
  assert.ok(refresh(0) && refresh(150));
  const include = (b: number) => workers.batches[b]![0]!.steps.find((st) => st.block)!;
  const first = include(0).block!.block[0]!;
  assert.ok(first === include(150).block!.block[0]!, 'the kubeadm part of every worker is one object');
  const stepsPerHost = JSON.stringify(workers.batches[0]![0]!.steps).match(/"key"/g)!.length;
  assert.ok(calls < (stepsPerHost * workers.hosts.length) / 2, `describe ran ${calls} times`);
  // Written as it is made, never as one string: many chunks, none much over 64 KiB.
  for (const write of [writePlanText, writePlanJson]) {
    const sizes: number[] = [];
    write(p, (c) => sizes.push(c.length));
    assert.ok(sizes.length > 10 && Math.max(...sizes) < 256 * 1024, `${write.name}: ${sizes.length} chunks, largest ${Math.max(...sizes)}`);
  }
});

test.run();
