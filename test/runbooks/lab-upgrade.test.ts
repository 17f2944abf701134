// End to end on the lab: `runbook exec runbooks/upgrade-1.31.yaml` against a default 1.30 lab,
// then real kubectl 1.31 and the lab's records judge the result.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { findKubectl, runKubectl } from '../helpers/kubectl.js';
import { runCliAsync } from './cli.js';
import { applies, budgetBreaches, cordonOrder, overlaps, roleOrderProblems, type Role } from './lab-checks.js';
import type { LabHandle } from '../../engine/lab/contract.js';
import { packageRoot } from '../../engine/paths.js';

const kubectl = findKubectl('1.31');
// Lab delays (kubelet restarts, pod start-up, termination) at a tenth: the order of events is
// what is judged here, not wall-clock time.
const TIME_SCALE = 0.1;
// The default lab runs addons that support 1.31 (Calico v3.29): the upgrade runs with no extra
// settings, exactly as `runbook exec runbooks/upgrade-1.31.yaml --lab` does.
const LAB_EXTRA: string[] = [];

let lab: (LabHandle & { nodes: Array<{ name: string; role: Role }> }) | undefined;
let work = '';
let skip: string | undefined = kubectl ? undefined : 'kubectl.1.31 is not beside the real kubectl on PATH';

test.before(async () => {
  if (skip) return;
  work = mkdtempSync(join(tmpdir(), 'runbook-e2e-'));
  try {
    const { startRunningLab } = await import('../../engine/lab/index.js');
    lab = (await startRunningLab({ dir: join(work, 'lab'), timeScale: TIME_SCALE })) as unknown as typeof lab;
  } catch (e) {
    skip = `the lab does not start here: ${(e as Error).message}`;
  }
});

test.after(async () => {
  await lab?.stop();
  if (work) rmSync(work, { recursive: true, force: true });
});

test('upgrade-1.31 --check runs every read-only check and changes nothing', async () => {
  if (skip || !lab) return void console.log(`SKIP: ${skip}`);
  const r = await runCliAsync(['exec', join(packageRoot(), 'runbooks/upgrade-1.31.yaml'), '-i', lab.inventory, '--yes', '--check', '-e', `local_backup_dir=${join(work, 'backups')}`, ...LAB_EXTRA], { timeoutMs: 120_000, cwd: work });
  assert.is(r.code, 0, `${r.stdout.slice(-2000)}\n${r.stderr.slice(-4000)}`);
  const rec = lab.records();
  assert.equal(rec.nodeEvents, []);
  assert.equal(rec.commands.map((c) => c.command).filter((c) => /apt-get install|apt-mark (un)?hold|kubeadm upgrade (apply|node)|systemctl restart|snapshot save|sed -i|mkdir/.test(c)), []);
  assert.ok(rec.commands.some((c) => /kubeadm upgrade plan/.test(c.command)), 'the read-only kubeadm upgrade plan ran');
});

test('upgrade-1.31 takes a default 1.30 lab to 1.31 without downtime', async () => {
  if (skip || !lab) return void console.log(`SKIP: ${skip}`);
  // Run from the temp dir: the journal (.runbook/) stays out of the project.
  const r = await runCliAsync(['exec', join(packageRoot(), 'runbooks/upgrade-1.31.yaml'), '-i', lab.inventory, '--yes', '-e', `local_backup_dir=${join(work, 'backups')}`, ...LAB_EXTRA], {
    timeoutMs: 420_000,
    cwd: work,
  });
  const tail = `${r.stdout.slice(-3000)}\n${r.stderr.slice(-6000)}`;
  assert.is(r.timedOut, false, `the run did not finish in 7 minutes:\n${tail}`);
  assert.is(r.code, 0, `runbook exec exited ${r.code}:\n${tail}`);

  // Real kubectl (not our client) sees the server and every node Ready at v1.31.
  const cache = join(work, 'kubectl-cache');
  const ver = await runKubectl(kubectl!, lab.kubeconfig, cache, ['version', '-o', 'json']);
  assert.is(ver.code, 0, ver.stderr);
  assert.match((JSON.parse(ver.stdout) as { serverVersion: { gitVersion: string } }).serverVersion.gitVersion, /^v1\.31\.\d+$/);
  const nodes = await runKubectl(kubectl!, lab.kubeconfig, cache, ['get', 'nodes', '-o', 'json']);
  assert.is(nodes.code, 0, nodes.stderr);
  const items = (JSON.parse(nodes.stdout) as { items: Array<{ metadata: { name: string }; status: { nodeInfo: { kubeletVersion: string }; conditions: Array<{ type: string; status: string }> } }> }).items;
  assert.is(items.length, 8);
  for (const n of items) {
    assert.match(n.status.nodeInfo.kubeletVersion, /^v1\.31\.\d+$/, n.metadata.name);
    assert.ok(n.status.conditions.some((c) => c.type === 'Ready' && c.status === 'True'), `${n.metadata.name} is not Ready`);
  }

  // The lab's records: apply once, roles in order, one node out at a time, budgets held.
  const rec = lab.records();
  const a = applies(rec);
  assert.is(a.length, 1, `kubeadm upgrade apply ran ${a.length} times: ${JSON.stringify(a)}`);
  assert.is(a[0]!.node, 'cp-1');
  const roleOf = (n: string): Role => lab!.nodes.find((x) => x.name === n)?.role ?? 'worker';
  const order = cordonOrder(rec);
  assert.is(order.length, 8, `cordoned: ${order.join(', ')}`);
  assert.equal(roleOrderProblems(order, roleOf), []);
  assert.equal(overlaps(rec), []);
  assert.equal(budgetBreaches(rec), []);
  assert.ok(Object.keys(rec.availability).length >= 3, `PDBs watched: ${Object.keys(rec.availability).join(', ')}`);
});

test('re-running upgrade-1.31 on the upgraded lab leaves every node alone', async () => {
  if (skip || !lab) return void console.log(`SKIP: ${skip}`);
  const before = lab.records();
  const r = await runCliAsync(['exec', join(packageRoot(), 'runbooks/upgrade-1.31.yaml'), '-i', lab.inventory, '--yes', '-e', `local_backup_dir=${join(work, 'backups')}`, ...LAB_EXTRA], {
    timeoutMs: 240_000,
    cwd: work,
  });
  assert.is(r.code, 0, `${r.stdout.slice(-2000)}\n${r.stderr.slice(-4000)}`);
  const after = lab.records();
  const events = after.nodeEvents.slice(before.nodeEvents.length);
  assert.equal(events, [], 'no node was cordoned, restarted or taken NotReady');
  const changing = after.commands
    .slice(before.commands.length)
    .map((c) => c.command)
    .filter((c) => /kubeadm upgrade (apply|node)|systemctl restart kubelet|apt-get install|apt-mark unhold/.test(c));
  assert.equal(changing, [], 'no package, kubeadm or kubelet change ran');
});

test.run();
