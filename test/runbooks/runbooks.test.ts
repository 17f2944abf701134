// The shipped runbooks: generated files up to date, every file loads and validates with zero
// problems against the example inventories, and the plan of a hop keeps kubeadm's order.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parse } from 'yaml';
import { packageRoot } from '../../engine/paths.js';
import { loadRunbook } from '../../engine/load/index.js';
import { actionCatalog } from '../../engine/actions/registry.js';
import { formatProblem } from '../../engine/model/errors.js';
import { runCli, runCliAsync, inventoryLoaderMissing } from './cli.js';
import { startTestLab, type TestLab } from '../helpers/lab.js';
import { phaseCommands, stepOf } from '../helpers/runbook-steps.js';
import { spawnSync } from 'node:child_process';

const root = packageRoot();
const rb = join(root, 'runbooks');

/** Every YAML file under runbooks/ except the language examples (another area). */
function runbookFiles(dir = rb): string[] {
  const out: string[] = [];
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) {
      if (p !== join(rb, 'examples')) out.push(...runbookFiles(p));
    } else if (/\.ya?ml$/.test(e.name)) out.push(p);
  }
  return out.sort();
}
/** Files that are runbooks of their own (entry points and importable pieces), not step libraries. */
const entryAndPieces = (): string[] => runbookFiles().filter((f) => 'runbook' in (parse(readFileSync(f, 'utf8')) as object));
const entries = (): string[] => runbookFiles().filter((f) => relative(rb, f).indexOf('/') < 0);

test('the generated runbooks match lib/ and the release data (node runbooks/generate.mjs)', async () => {
  const gen = (await import(pathToFileURL(join(rb, 'generate.mjs')).href)) as { outputs(): Map<string, string> };
  const files = gen.outputs();
  assert.ok(files.size >= 8);
  for (const [rel, text] of files) assert.ok(readFileSync(join(rb, rel), 'utf8') === text, `runbooks/${rel} is stale: run node runbooks/generate.mjs`);
});

test('one hop per minor from 1.29 to 1.33, each differing only in its version lines', () => {
  const names = entries().map((f) => relative(rb, f));
  for (const m of ['1.29', '1.30', '1.31', '1.32', '1.33']) assert.ok(names.includes(`upgrade-${m}.yaml`), m);
  const a = readFileSync(join(rb, 'upgrade-1.30.yaml'), 'utf8').split('\n');
  const b = readFileSync(join(rb, 'upgrade-1.31.yaml'), 'utf8').split('\n');
  assert.is(a.length, b.length);
  const differing = a.filter((l, i) => l !== b[i]);
  assert.ok(differing.length <= 12, `${differing.length} lines differ:\n${differing.join('\n')}`);
});

test('every runbook and piece in runbooks/ loads with zero problems', async () => {
  for (const f of entryAndPieces()) {
    const r = await loadRunbook(f, { actions: actionCatalog });
    assert.equal(r.problems.map(formatProblem), [], relative(root, f));
  }
});

test('the etcd snapshot uses kubeadm\'s PKI flags and the hop keeps kubeadm\'s order', async () => {
  const r = await loadRunbook(join(rb, 'upgrade-1.31.yaml'), { actions: actionCatalog });
  const names = r.runbook!.phases.map((p) => p.name);
  const at = (n: string) => names.indexOf(n);
  const first = 'Upgrade the first control-plane node (kubeadm upgrade apply)';
  const others = 'Upgrade the other control-plane nodes (kubeadm upgrade node)';
  for (const n of ['Pre-flight: cluster', 'Back up etcd', first, others, 'Upgrade the workers', 'Upgrade the GPU nodes', 'Validate: nodes']) assert.ok(at(n) >= 0, n);
  assert.ok(at('Pre-flight: cluster') < at('Back up etcd'));
  assert.ok(at('Back up etcd') < at(first));
  assert.ok(at(first) < at(others));
  assert.ok(at(others) < at('Upgrade the workers'));
  assert.ok(at('Upgrade the workers') < at('Upgrade the GPU nodes'));
  assert.ok(at('Upgrade the GPU nodes') < at('Validate: nodes'));
  const etcd = readFileSync(join(rb, 'lib/etcd-backup.yaml'), 'utf8');
  assert.match(etcd, 'etcdctl --cacert {{pki}}/ca.crt --cert {{pki}}/server.crt --key {{pki}}/server.key --endpoints {{etcd_endpoint}} snapshot save');
});

test('both example inventories validate every runbook with exit 0', () => {
  const why = inventoryLoaderMissing();
  if (why) return void console.log(`SKIP: ${why}`);
  for (const inv of ['inventories/example-prod.yaml', 'inventories/example-ansible.ini']) {
    const files = entries().map((f) => relative(root, f)).filter((f) => f !== 'runbooks/upgrade.yaml');
    const r = runCli(['validate', ...files, '-i', inv]);
    assert.is(r.code, 0, `validate -i ${inv}:\n${r.stdout}\n${r.stderr}`);
    // The multi-hop entry needs its two versions, which `validate` cannot take (no -e): exactly
    // those two are reported, nothing else.
    const m = runCli(['validate', 'runbooks/upgrade.yaml', '-i', inv]);
    const problems = m.stderr.split('\n').filter((l) => /:\d+:\d+: /.test(l));
    assert.is(problems.length, 2, m.stderr);
    assert.match(problems.join('\n'), /"to_version" is required[\s\S]*"from_version" is required/);
  }
});

test('every runbook validates against the lab\'s generated inventory', async () => {
  const why = inventoryLoaderMissing();
  if (why) return void console.log(`SKIP: ${why}`);
  let lab: TestLab;
  try {
    lab = await startTestLab({});
  } catch (e) {
    return void console.log(`SKIP: the lab does not start here: ${(e as Error).message}`);
  }
  try {
    const files = entries().map((f) => relative(root, f)).filter((f) => f !== 'runbooks/upgrade.yaml');
    const r = await runCliAsync(['validate', ...files, '-i', lab.lab.inventory], { timeoutMs: 60_000 });
    assert.is(r.code, 0, `${r.stdout}\n${r.stderr}`);
  } finally {
    await lab.stop();
  }
});

interface PlanJson {
  phases: Array<{ name: string; hosts: string[]; batches: Array<Array<{ host: string; steps: PlanStepJson[] }>> }>;
}
interface PlanStepJson {
  describe: string;
  block?: { block: PlanStepJson[]; rescue: PlanStepJson[]; always: PlanStepJson[] };
}
const flat = (steps: PlanStepJson[]): PlanStepJson[] => steps.flatMap((s) => [s, ...(s.block ? flat([...s.block.block, ...s.block.rescue, ...s.block.always]) : [])]);

test('the plan of upgrade-1.31 drains control plane, then workers, then GPU nodes, one at a time, and applies once', () => {
  const why = inventoryLoaderMissing();
  if (why) return void console.log(`SKIP: ${why}`);
  const r = runCli(['plan', 'runbooks/upgrade-1.31.yaml', '-i', 'inventories/example-prod.yaml', '--json']);
  assert.is(r.code, 0, r.stderr);
  const plan = JSON.parse(r.stdout) as PlanJson;
  const applyHosts: string[] = [];
  const drained: string[] = [];
  for (const ph of plan.phases) {
    for (const batch of ph.batches) {
      const drains = batch.filter((h) => flat(h.steps).some((s) => s.describe.startsWith('drain node')));
      assert.ok(drains.length <= 1, `phase "${ph.name}" drains ${drains.length} nodes in one batch`);
      for (const h of batch) {
        if (flat(h.steps).some((s) => /kubeadm upgrade apply v1\.31\.14 -y/.test(s.describe))) applyHosts.push(h.host);
        if (drains.includes(h)) drained.push(h.host);
      }
    }
  }
  assert.equal(applyHosts, ['cp-1']);
  assert.equal(drained, ['cp-1', 'cp-2', 'cp-3', 'worker-1', 'worker-2', 'worker-3', 'gpu-1', 'gpu-2']);
  // The drain budgets reach the plan: inventory/-e values, GPU nodes with their long ones.
  const gpu = plan.phases.find((p) => p.name === 'Upgrade the GPU nodes')!.batches[0]![0]!;
  assert.match(flat(gpu.steps).find((s) => s.describe.startsWith('drain node'))!.describe, /grace 300s, timeout 600s/);
  const w = runCli(['plan', 'runbooks/upgrade-1.31.yaml', '-i', 'inventories/example-prod.yaml', '--json', '-e', 'drain_grace=90']);
  const worker = (JSON.parse(w.stdout) as PlanJson).phases.find((p) => p.name === 'Upgrade the workers')!.batches[0]![0]!;
  assert.match(flat(worker.steps).find((s) => s.describe.startsWith('drain node'))!.describe, /grace 90s, timeout 300s/);
});

test('the operator sets the run lock\'s ttl and takes over a dead run\'s lease from the command line', () => {
  const why = inventoryLoaderMissing();
  if (why) return void console.log(`SKIP: ${why}`);
  const lockOf = (extra: string[]) => {
    const r = runCli(['plan', 'runbooks/upgrade-1.31.yaml', '-i', 'inventories/example-prod.yaml', '--json', ...extra]);
    assert.is(r.code, 0, r.stderr);
    const pre = (JSON.parse(r.stdout) as PlanJson).phases.find((p) => p.name === 'Pre-flight: cluster')!.batches[0]![0]!;
    return flat(pre.steps).find((st) => st.describe.startsWith('take the run lock'))!.describe;
  };
  assert.is(lockOf([]), 'take the run lock (Lease kube-system/runbook-upgrade, ttl 60s)');
  assert.is(lockOf(['-e', 'lock_ttl=2m', '-e', 'lock_take_over=true', '-e', 'lock_name=team-a']), 'take the run lock (Lease kube-system/team-a, ttl 2m, taking over a live holder)');
  const bad = runCli(['validate', 'runbooks/upgrade-1.31.yaml', '-i', 'inventories/example-prod.yaml', '-e', 'lock_ttl=soon']);
  assert.is(bad.code, 2);
  assert.match(bad.stderr, /lock_ttl.*must be a duration/);
});

test('worker batches come from worker_serial (-e or an inventory var); control plane and GPU nodes stay one at a time; a bad size exits 2', () => {
  const why = inventoryLoaderMissing();
  if (why) return void console.log(`SKIP: ${why}`);
  const batchesOf = (extra: string[]) => {
    const r = runCli(['plan', 'runbooks/upgrade-1.31.yaml', '-i', 'inventories/example-prod.yaml', '--json', ...extra]);
    assert.is(r.code, 0, r.stderr);
    const phases = (JSON.parse(r.stdout) as PlanJson).phases;
    const of = (name: string) => phases.find((p) => p.name === name)!.batches.map((b) => b.map((h) => h.host).join(','));
    return { workers: of('Upgrade the workers'), gpu: of('Upgrade the GPU nodes'), cp: of('Upgrade the other control-plane nodes (kubeadm upgrade node)') };
  };
  assert.equal(batchesOf([]).workers, ['worker-1', 'worker-2', 'worker-3']);
  const two = batchesOf(['-e', 'worker_serial=2']);
  assert.equal(two.workers, ['worker-1,worker-2', 'worker-3']);
  assert.equal(two.gpu, ['gpu-1', 'gpu-2']);
  assert.equal(two.cp, ['cp-2', 'cp-3']);
  assert.equal(batchesOf(['-e', '{"worker_serial": [1, "100%"]}']).workers, ['worker-1', 'worker-2,worker-3']);
  const bad = runCli(['validate', 'runbooks/upgrade-1.31.yaml', '-i', 'inventories/example-prod.yaml', '-e', 'worker_serial=half']);
  assert.is(bad.code, 2);
  assert.match(bad.stderr, /-e worker_serial: param "worker_serial" \(serial\): "half" is not a count/);
});

test('the plan of upgrade.yaml from 1.28.15 to 1.32.4 is four whole hops, one minor each', () => {
  const why = inventoryLoaderMissing();
  if (why) return void console.log(`SKIP: ${why}`);
  const file = join(mkdtempSync(join(tmpdir(), 'runbook-plan-')), 'plan.json');
  const r = runCli(['plan', 'runbooks/upgrade.yaml', '-i', 'inventories/example-prod.yaml', '--json', '-e', 'from_version=1.28.15', '-e', 'to_version=1.32.4'], { stdoutFile: file });
  rmSync(dirname(file), { recursive: true, force: true });
  assert.is(r.code, 0, r.stderr);
  const plan = JSON.parse(r.stdout) as PlanJson;
  const applied: string[] = [];
  for (const ph of plan.phases) {
    for (const h of ph.batches.flat()) {
      for (const st of flat(h.steps)) {
        const m = /kubeadm upgrade apply (v\S+) -y/.exec(st.describe);
        if (m) applied.push(`${h.host} ${m[1]}`);
      }
    }
  }
  assert.equal(applied, ['cp-1 v1.29.14', 'cp-1 v1.30.14', 'cp-1 v1.31.14', 'cp-1 v1.32.4']);
  // Every hop has its own pre-flight and etcd snapshot before its control plane.
  const names = plan.phases.filter((p) => p.batches.length > 0).map((p) => p.name);
  assert.is(names.filter((n) => n === 'Back up etcd').length, 4);
  assert.is(names.filter((n) => n === 'Pre-flight: cluster').length, 4);
});

test('pre-flight warns about a minor past its end of support, from the release table', () => {
  const steps = phaseCommands('lib/preflight.yaml', 'Pre-flight: cluster', { target_version: '1.31.4', end_of_support: '1.30=2000-01-01 1.31=2999-01-01' });
  const r = spawnSync('bash', ['-c', stepOf(steps, 'Warn about minors past their end of support').cmd], { encoding: 'utf8', timeout: 10_000 });
  assert.is(r.status, 0, r.stderr);
  assert.match(r.stderr, 'WARNING: the current minor 1.30 left community support on 2000-01-01');
  assert.match(r.stdout, 'the target minor 1.31 is supported until 2999-01-01');
  const unknown = phaseCommands('lib/preflight.yaml', 'Pre-flight: cluster', { target_version: '1.40.1', end_of_support: '1.30=2000-01-01' });
  assert.match(spawnSync('bash', ['-c', stepOf(unknown, 'Warn about minors past their end of support').cmd], { encoding: 'utf8' }).stdout, 'the target minor 1.40: end of support not recorded');
});

test('inventory vars at every level reach the pieces, and -e beats them', () => {
  const why = inventoryLoaderMissing();
  if (why) return void console.log(`SKIP: ${why}`);
  const inv = 'test/fixtures/runbooks/inventory-overrides.yaml';
  const r = runCli(['plan', 'runbooks/upgrade-1.31.yaml', '-i', inv, '--json']);
  assert.is(r.code, 0, r.stderr);
  const plan = JSON.parse(r.stdout) as PlanJson;
  const drainOf = (phase: string, host: string, p = plan): string => {
    const h = p.phases.find((x) => x.name === phase)!.batches.flat().find((x) => x.host === host)!;
    return flat(h.steps).find((s) => s.describe.startsWith('drain node'))!.describe;
  };
  assert.match(drainOf('Upgrade the workers', 'w-a'), /grace 45s, timeout 420s/);
  assert.match(drainOf('Upgrade the workers', 'w-b'), /grace 30s, timeout 420s/);
  assert.match(drainOf('Upgrade the GPU nodes', 'g-a'), /grace 300s, timeout 900s/);
  const gpuSteps = flat(plan.phases.find((x) => x.name === 'Upgrade the GPU nodes')!.batches[0]![0]!.steps).map((s) => s.describe).join('\n');
  assert.match(gpuSteps, /dnf install -y -q --disableexcludes=kubernetes/);
  const etcd = flat(plan.phases.find((x) => x.name === 'Back up etcd')!.batches[0]![0]!.steps).map((s) => s.describe).join('\n');
  assert.match(etcd, /snapshot save '?\/srv\/etcd-backup\//);
  const e = JSON.parse(runCli(['plan', 'runbooks/upgrade-1.31.yaml', '-i', inv, '--json', '-e', 'drain_grace=5']).stdout) as PlanJson;
  assert.match(drainOf('Upgrade the workers', 'w-b', e), /grace 5s/);
});

test.run();
