// rollback.yaml on the lab after a failed upgrade: the etcd snapshot the upgrade took is restored
// on the control plane (an object written after it is gone, older ones are back), and the failed
// worker is reinstalled at the old version while the others keep running.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse, stringify } from 'yaml';
import { packageRoot } from '../../engine/paths.js';
import { findKubectl, runKubectl } from '../helpers/kubectl.js';
import { setFaults, startTestLab, type TestLab } from '../helpers/lab.js';
import { runCliAsync, type CliResult } from './cli.js';

const kubectl = findKubectl('1.31');
let t: TestLab | undefined;
let work = '';
let skip: string | undefined = kubectl ? undefined : 'kubectl.1.31 is not beside the real kubectl on PATH';

test.before(async () => {
  if (skip) return;
  work = mkdtempSync(join(tmpdir(), 'runbook-rollback-'));
  try {
    t = await startTestLab({ timeScale: 0.1, faults: { neverReady: ['worker-1'] } });
  } catch (e) {
    skip = `the lab does not start here: ${(e as Error).message}`;
  }
});

test.after(async () => {
  await t?.stop();
  if (work) rmSync(work, { recursive: true, force: true });
});

const out = (r: CliResult): string => `${r.stdout.slice(-2500)}\n${r.stderr.slice(-4000)}`;
const rb = (f: string): string => join(packageRoot(), 'runbooks', f);

test('rollback restores the pre-upgrade snapshot and puts the failed worker back on 1.30', async () => {
  if (skip || !t) return void console.log(`SKIP: ${skip}`);
  const kc = (args: string[]) => runKubectl(kubectl!, t!.lab.kubeconfig, join(work, 'cache'), args);
  const backups = join(work, 'backups');

  // The upgrade fails at worker-1 (never Ready) after the control plane moved to 1.31.
  const up = await runCliAsync(['exec', rb('upgrade-1.31.yaml'), '-i', t.lab.inventory, '--yes', '-e', `local_backup_dir=${backups}`, '-e', 'addon_policy=warn', '-e', 'ready_timeout=10s'], { cwd: work, timeoutMs: 180_000 });
  assert.is(up.code, 1, out(up));
  const snaps = readdirSync(backups).filter((f) => f.endsWith('.db'));
  assert.is(snaps.length, 1, `snapshots: ${snaps.join(', ')}`);

  // A write after the snapshot, which the restore must undo.
  assert.is((await kc(['create', 'configmap', 'after-snapshot', '-n', 'default', '--from-literal=k=v'])).code, 0);
  await setFaults(t.lab, { neverReady: [] });

  // One value for every member would restore each as a cluster of its own: refused before any
  // member stops (exit 3), the manifests untouched.
  const cpManifests = join(t.dir, 'nodes/cp-1/etc/kubernetes/manifests');
  const before = readdirSync(cpManifests).sort();
  const ha = haInventory(t.lab.inventory, join(work, 'inventory-ha.yaml'));
  const snapshot = `snapshot=${join(backups, snaps[0]!)}`;
  const shared = await runCliAsync(['exec', rb('rollback.yaml'), '-i', ha, '--yes', '-e', snapshot, '-e', 'etcd_restore_flags=--name cp-1 --initial-cluster cp-1=https://127.0.0.1:2380 --initial-advertise-peer-urls https://127.0.0.1:2380'], { cwd: work, timeoutMs: 180_000 });
  assert.is(shared.code, 3, out(shared));
  const said = `${shared.stdout}\n${shared.stderr}`;
  // cp-2 and cp-3 both fail the check (the value names cp-1); at least the first is named.
  assert.match(said, /cp-[23]: with several control-plane nodes, etcd_restore_flags must be set per host/);
  assert.not.match(said, /cp-1: with several control-plane nodes/, 'cp-1 is named right by the shared value');
  assert.match(said, /Nothing was stopped/);
  assert.equal(readdirSync(cpManifests).sort(), before, 'no manifest may move when the flags are refused');

  // Per-host flags, as an operator sets them in the inventory: each member restores as itself.
  const restore = await runCliAsync(['exec', rb('rollback.yaml'), '-i', ha, '--yes', '-e', snapshot], { cwd: work, timeoutMs: 180_000 });
  assert.is(restore.code, 0, out(restore));
  const gone = await kc(['get', 'configmap', 'after-snapshot', '-n', 'default']);
  assert.is.not(gone.code, 0, 'the ConfigMap written after the snapshot is still there');
  assert.match(gone.stderr, /NotFound|not found/);
  assert.is((await kc(['get', 'deployment', 'web', '-n', 'default'])).code, 0, 'objects from before the snapshot are back');
  // The manifests are back in place and etcd's hostPath names the restored data dir.
  const manifests = readdirSync(join(t.dir, 'nodes/cp-1/etc/kubernetes/manifests'));
  assert.ok(manifests.includes('etcd.yaml') && manifests.includes('kube-apiserver.yaml'), manifests.join(', '));

  const reinstall = await runCliAsync(['exec', rb('rollback.yaml'), '-i', t.lab.inventory, '--yes', '-e', 'previous_version=1.30.4', '-e', 'ready_timeout=30s', '--limit', 'worker-1'], { cwd: work, timeoutMs: 180_000 });
  assert.is(reinstall.code, 0, out(reinstall));
  const w1 = t.lab.control.nodes().find((n) => n.name === 'worker-1')!;
  assert.is(w1.kubeletVersion, 'v1.30.4');
  assert.ok(w1.ready && !w1.unschedulable, 'worker-1 is Ready and schedulable again');
  const others = t.lab.control.nodes().filter((n) => n.name !== 'worker-1');
  assert.ok(others.every((n) => n.ready), 'the other nodes kept running');
});

/** The lab's inventory with etcd_restore_flags on each control-plane host, as kubeadm names its members. */
function haInventory(from: string, to: string): string {
  const inv = parse(readFileSync(from, 'utf8')) as { groups: Record<string, { hosts: Record<string, { vars?: Record<string, unknown> }> }> };
  const cps = Object.keys(inv.groups['control_plane']!.hosts);
  const peer = (n: string) => `https://10.0.0.${11 + cps.indexOf(n)}:2380`;
  const cluster = cps.map((n) => `${n}=${peer(n)}`).join(',');
  for (const n of cps) {
    const h = inv.groups['control_plane']!.hosts[n]!;
    h.vars = { ...h.vars, etcd_restore_flags: `--name ${n} --initial-cluster ${cluster} --initial-advertise-peer-urls ${peer(n)}` };
  }
  // YAML 1.1 rules when writing, as the inventory loader reads them: "yes" stays a quoted string.
  writeFileSync(to, stringify(inv, { version: '1.1' }));
  return to;
}

test.run();
