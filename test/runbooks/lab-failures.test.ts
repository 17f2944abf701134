// Failure scenarios of upgrade-1.31 on one lab, in sequence: a blocking PDB and a full etcd disk
// stop the run in pre-flight with nothing changed; a worker that never turns Ready stops the run
// before the next worker; each time `runbook resume` continues once the fault is cleared, and the
// finished upgrade still held every budget.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { packageRoot } from '../../engine/paths.js';
import type { LabRecords } from '../../engine/lab/contract.js';
import { setFaults, startTestLab, type TestLab } from '../helpers/lab.js';
import { findKubectl, runKubectl } from '../helpers/kubectl.js';
import { runCliAsync, type CliResult } from './cli.js';
import { applies, budgetBreaches, overlaps } from './lab-checks.js';

let t: TestLab | undefined;
let work = '';
let skip: string | undefined;
let runId = '';

test.before(async () => {
  work = mkdtempSync(join(tmpdir(), 'runbook-fail-'));
  try {
    t = await startTestLab({ timeScale: 0.1 });
  } catch (e) {
    skip = `the lab does not start here: ${(e as Error).message}`;
  }
});

test.after(async () => {
  await t?.stop();
  rmSync(work, { recursive: true, force: true });
});

const out = (r: CliResult): string => `${r.stdout.slice(-2500)}\n${r.stderr.slice(-5000)}`;
/** Commands that change a node (packages, kubeadm, kubelet) recorded after `from`. */
const changes = (r: LabRecords, from = 0): string[] =>
  r.commands.slice(from).map((c) => `${c.node}: ${c.command}`).filter((c) => /apt-get install|apt-mark unhold|kubeadm upgrade (apply|node)|systemctl restart/.test(c));

function resumeId(r: CliResult): string {
  const m = /runbook resume (\S+)/.exec(r.stderr + r.stdout);
  assert.ok(m, `no resume hint in the output:\n${out(r)}`);
  return m![1]!;
}

/** The lab recomputes PDB status on its own schedule: wait (bounded) until the budget frees up again. */
async function pdbAllowsDisruption(ns: string, name: string): Promise<void> {
  const bin = findKubectl('1.31') ?? findKubectl('1.33');
  if (!bin) return void (await new Promise((r) => setTimeout(r, 3_000)));
  const until = Date.now() + 15_000;
  for (;;) {
    const r = await runKubectl(bin, t!.lab.kubeconfig, join(work, 'cache'), ['get', 'pdb', name, '-n', ns, '-o', 'jsonpath={.status.disruptionsAllowed}']);
    if (r.code === 0 && Number(r.stdout) > 0) return;
    assert.ok(Date.now() < until, `PDB ${ns}/${name} still allows no disruption 15 s after the fault was cleared`);
    await new Promise((res) => setTimeout(res, 250));
  }
}

const resume = () => runCliAsync(['resume', runId, '--yes'], { cwd: work, timeoutMs: 300_000 });

test('a PDB that blocks a drain stops the run in pre-flight, naming it, with nothing changed', async () => {
  if (skip || !t) return void console.log(`SKIP: ${skip}`);
  await setFaults(t.lab, { pdbBlocked: ['default/web'] });
  const r = await runCliAsync(
    ['exec', join(packageRoot(), 'runbooks/upgrade-1.31.yaml'), '-i', t.lab.inventory, '--yes',
      '-e', `local_backup_dir=${join(work, 'backups')}`, '-e', 'addon_policy=warn', '-e', 'ready_timeout=20s'],
    { cwd: work, timeoutMs: 120_000 },
  );
  runId = resumeId(r);
  assert.is(r.code, 3, `a failed pre-flight check refuses the run (exit 3):\n${out(r)}`);
  assert.ok(/Find PodDisruptionBudgets[\s\S]*default\/web/.test(r.stdout + r.stderr), `the PDB is not named:\n${out(r)}`);
  const rec = t.lab.records();
  assert.equal(rec.nodeEvents, []);
  assert.equal(changes(rec), []);
});

test('a full etcd disk stops the run before the snapshot, with nothing changed', async () => {
  if (skip || !t) return void console.log(`SKIP: ${skip}`);
  await setFaults(t.lab, { pdbBlocked: [], diskFull: ['cp-1'] });
  await pdbAllowsDisruption('default', 'web');
  const r = await resume();
  assert.is(r.code, 3, `a failed pre-flight check refuses the run (exit 3):\n${out(r)}`);
  assert.ok(/not enough free disk/.test(r.stdout + r.stderr), out(r));
  const rec = t.lab.records();
  assert.equal(rec.nodeEvents, []);
  assert.equal(changes(rec), []);
});

test('a worker that never turns Ready stops the run; the next worker is untouched', async () => {
  if (skip || !t) return void console.log(`SKIP: ${skip}`);
  await setFaults(t.lab, { diskFull: [], neverReady: ['worker-2'] });
  const r = await resume();
  assert.is(r.code, 1, out(r));
  assert.match(r.stdout + r.stderr, /FAILED worker-2 +Wait until the node is Ready at the new version/);
  const rec = t.lab.records();
  assert.ok(rec.nodeEvents.some((e) => e.node === 'worker-2' && e.event === 'cordon'));
  for (const later of ['worker-3', 'gpu-1', 'gpu-2']) {
    assert.not.ok(rec.nodeEvents.some((e) => e.node === later), `${later} was touched`);
    assert.equal(changes(rec).filter((c) => c.startsWith(`${later}:`)), [], `${later} was changed`);
  }
});

test('after the fault is cleared, resume finishes the upgrade with every budget held', async () => {
  if (skip || !t) return void console.log(`SKIP: ${skip}`);
  await setFaults(t.lab, { neverReady: [] });
  // The operator brings the kubelet back (on a real node: fix it, `systemctl restart kubelet`).
  t.lab.control.restartKubelet('worker-2', 'v1.31.14');
  const r = await resume();
  assert.is(r.code, 0, out(r));
  const rec = t.lab.records();
  for (const n of t.lab.control.nodes()) {
    assert.is(n.kubeletVersion, 'v1.31.14', n.name);
    assert.ok(n.ready && !n.unschedulable, `${n.name} is not Ready and schedulable`);
  }
  assert.is(t.lab.control.serverVersion(), 'v1.31.14');
  assert.is(applies(rec).length, 1);
  assert.equal(overlaps(rec), []);
  assert.equal(budgetBreaches(rec), []);
});

test.run();
