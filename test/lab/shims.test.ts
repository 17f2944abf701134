// The node shims refuse what the real tools refuse, with the real tools' messages, and change the
// node and cluster as the real tools would (against the in-memory fake cluster).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Client } from 'ssh2';
import { startFakeLab, nodeOf, type FakeLab } from './fake-lab.js';
import { connect, run } from './ssh-client.js';

let f: FakeLab;
const conns = new Map<string, Client>();
async function on(node: string, cmd: string): ReturnType<typeof run> {
  let c = conns.get(node);
  if (!c) {
    c = await connect({ port: nodeOf(f.lab, node).port, knownHosts: f.lab.knownHosts, identityFile: f.lab.identityFile });
    conns.set(node, c);
  }
  return run(c, cmd);
}
const root = (node: string): string => nodeOf(f.lab, node).root;
const switchRepo = (minor: string): string =>
  `sed -i 's|/v[0-9.]*/deb/|/v${minor}/deb/|' "$LAB_NODE_ROOT/etc/apt/sources.list.d/kubernetes.list" && apt-get update -q`;

test.before(async () => { f = await startFakeLab({ topology: { controlPlanes: 3, workers: 3, gpus: 1 } }); });
test.after(async () => { for (const c of conns.values()) c.end(); await f?.stop(); });

test('apt-get refuses a version of another minor than the repository line names', async () => {
  const r = await on('worker-1', 'apt-mark unhold kubeadm && apt-get install -y kubeadm=1.31.4-1.1');
  assert.is(r.code, 100);
  assert.is(r.stderr, "E: Version '1.31.4-1.1' for 'kubeadm' was not found\n");
});

test('a held package refuses to change, as apt-get -y does', async () => {
  const r = await on('worker-2', 'apt-get install -y kubelet=1.30.5-1.1');
  assert.is(r.code, 100);
  assert.match(r.stdout, 'The following held packages will be changed:\n  kubelet\n');
  assert.is(r.stderr, 'E: Held packages were changed and -y was used without --allow-change-held-packages.\n');
});

test('after switching the repository line and apt-get update, the next minor installs (globs too)', async () => {
  const before = await on('worker-1', 'apt-get install -y kubeadm=1.31.4-1.1');
  assert.is(before.code, 100, 'editing is not enough before apt-get update');
  const r = await on('worker-1', `${switchRepo('1.31')} && apt-get install -y kubeadm='1.31.4-*' && apt-mark hold kubeadm && kubeadm version -o short`);
  assert.is(r.code, 0, r.stderr);
  assert.match(r.stdout, 'Setting up kubeadm (1.31.4-1.1) ...');
  assert.match(r.stdout, 'kubeadm set on hold.');
  assert.ok(r.stdout.endsWith('v1.31.4\n'));
  const madison = await on('worker-1', 'apt-cache madison kubeadm | head -1');
  assert.match(madison.stdout, /kubeadm \| 1\.31\.14-1\.1 \| https:\/\/prod-cdn\.packages\.k8s\.io\/repositories\/isv:\/kubernetes:\/core:\/stable:\/v1\.31\/deb/);
  assert.is((await on('worker-1', 'apt-mark showhold')).stdout, 'kubeadm\nkubelet\nkubectl\n');
});

test('kubeadm upgrade apply refuses to skip a minor', async () => {
  const r = await on('cp-3', `apt-mark unhold kubeadm && ${switchRepo('1.32')} && apt-get install -y kubeadm=1.32.2-1.1 >/dev/null && kubeadm upgrade apply v1.32.2 -y`);
  assert.is(r.code, 1);
  assert.match(r.stderr, 'error execution phase preflight: the version argument is invalid due to these fatal errors:\n\n\t- Specified version to upgrade to "v1.32.2" is too high; kubeadm can upgrade only 1 minor version at a time\n');
  assert.is(f.lab.control.serverVersion(), 'v1.30.4');
});

test('kubeadm upgrade apply refuses a target above kubeadm\'s own minor, and a newer patch without --force', async () => {
  const tooNew = await on('cp-2', 'kubeadm upgrade apply v1.31.4 -y');
  assert.is(tooNew.code, 1);
  assert.match(tooNew.stderr, '[upgrade/version] FATAL: the --version argument is invalid due to these fatal errors:\n\n\t- Specified version to upgrade to "v1.31.4" is at least one minor release higher than the kubeadm minor release (31 > 30). Such an upgrade is not supported\n');
  const patch = await on('cp-2', 'kubeadm upgrade apply v1.30.9 -y');
  assert.is(patch.code, 1);
  assert.match(patch.stderr, '\t- Specified version to upgrade to "v1.30.9" is higher than the kubeadm version "v1.30.4". Upgrade kubeadm first using the tool you used to install kubeadm\n\nCan be bypassed if you pass the --force flag\n');
  assert.is(f.lab.control.serverVersion(), 'v1.30.4');
});

test('kubeadm upgrade apply refuses while a control-plane node is NotReady or manifests are missing', async () => {
  f.lab.control.faults.neverReady = ['cp-3'];
  f.lab.control.restartKubelet('cp-3', 'v1.30.4');
  const r = await on('cp-2', 'kubeadm upgrade apply v1.30.4 -y');
  f.lab.control.faults.neverReady = [];
  f.lab.control.restartKubelet('cp-3', 'v1.30.4');
  assert.is(r.code, 1);
  assert.match(r.stderr, '[upgrade/health] FATAL: [preflight] Some fatal errors occurred:\n\t[ERROR ControlPlaneNodesReady]: there are NotReady control-planes in the cluster: [cp-3]\n');
  const moved = await on('cp-2', 'mkdir -p "$LAB_NODE_ROOT/tmp/stopped" && mv "$LAB_NODE_ROOT"/etc/kubernetes/manifests/kube-*.yaml "$LAB_NODE_ROOT/tmp/stopped/" && kubeadm upgrade plan; c=$?; mv "$LAB_NODE_ROOT"/tmp/stopped/*.yaml "$LAB_NODE_ROOT/etc/kubernetes/manifests/"; exit $c');
  assert.is(moved.code, 1);
  assert.match(moved.stderr, "[ERROR StaticPodManifest]: The control plane seems to be Static Pod-hosted, but some of the manifests don't seem to exist on disk.");
});

test('kubeadm upgrade apply runs only on a control-plane node', async () => {
  const r = await on('worker-1', 'kubeadm upgrade apply v1.31.4 -y');
  assert.is(r.code, 1);
  assert.match(r.stderr, 'couldn\'t create a Kubernetes client from file "/etc/kubernetes/admin.conf"');
});

test('kubelet newer than the API server: systemctl restart kubelet refuses', async () => {
  const r = await on('worker-3', `apt-mark unhold kubelet >/dev/null && ${switchRepo('1.31')} >/dev/null && apt-get install -y kubelet=1.31.4-1.1 >/dev/null && systemctl daemon-reload && systemctl restart kubelet`);
  assert.is(r.code, 1);
  assert.match(r.stderr, 'Job for kubelet.service failed because the control process exited with error code.\nSee "systemctl status kubelet.service" and "journalctl -xeu kubelet.service" for details.\n');
  assert.match(r.stderr, 'kubelet v1.31.4 is newer than the API server v1.30.4');
  const st = await on('worker-3', 'systemctl is-active kubelet');
  assert.is(st.stdout, 'failed\n');
  assert.is(st.code, 3);
  assert.not.ok(f.fake.restarts.some((x) => x.node === 'worker-3'));
});

test('kubeadm upgrade apply with a new enough kubeadm moves the cluster and prints the success line', async () => {
  const plan = await on('cp-1', `apt-mark unhold kubeadm >/dev/null && ${switchRepo('1.31')} >/dev/null && apt-get install -y kubeadm=1.31.4-1.1 >/dev/null && kubeadm upgrade plan`);
  assert.is(plan.code, 0, plan.stderr);
  assert.match(plan.stdout, 'You can now apply the upgrade by executing the following command:\n\n\tkubeadm upgrade apply v1.31.4\n');
  const r = await on('cp-1', 'kubeadm upgrade apply --certificate-renewal=true --ignore-preflight-errors CoreDNSUnsupportedPlugins v1.31.4 -y');
  assert.is(r.code, 0, r.stderr);
  assert.match(r.stdout, '[upgrade/successful] SUCCESS! Your cluster was upgraded to "v1.31.4". Enjoy!\n');
  assert.is(f.lab.control.serverVersion(), 'v1.31.4');
  assert.match(readFileSync(join(root('cp-1'), 'etc/kubernetes/manifests/kube-apiserver.yaml'), 'utf8'), 'image: registry.k8s.io/kube-apiserver:v1.31.4');
});

test('kubeadm upgrade node on another control plane follows the cluster version', async () => {
  const r = await on('cp-2', `apt-mark unhold kubeadm >/dev/null; ${switchRepo('1.31')} >/dev/null && apt-get install -y kubeadm=1.31.4-1.1 >/dev/null && kubeadm upgrade node`);
  assert.is(r.code, 0, r.stderr);
  assert.match(r.stdout, '[upgrade] The control plane instance for this node was successfully updated!');
  assert.match(readFileSync(join(root('cp-2'), 'etc/kubernetes/manifests/kube-scheduler.yaml'), 'utf8'), 'kube-scheduler:v1.31.4');
  // Its simulated durations (one per static pod, 250 ms × 0.05) are recorded as waits of the node.
  const tool = (f.lab.records().waits ?? []).filter((w) => w.kind === 'tool' && w.node === 'cp-2');
  assert.equal(tool.map((w) => w.what), ['kubeadm upgrade node', 'kubeadm upgrade node', 'kubeadm upgrade node']);
  assert.ok(tool.every((w) => w.end !== undefined && w.end - w.start >= 10), JSON.stringify(tool));
});

test('systemctl restart kubelet restarts the node at the installed kubelet version', async () => {
  const r = await on('worker-3', 'systemctl restart kubelet && systemctl is-active kubelet && kubelet --version');
  assert.is(r.code, 0, r.stderr);
  assert.is(r.stdout, 'active\nKubernetes v1.31.4\n');
  assert.equal(f.fake.restarts.at(-1), { node: 'worker-3', version: 'v1.31.4' });
});

const PKI = '--endpoints https://127.0.0.1:2379 --cacert "$LAB_NODE_ROOT/etc/kubernetes/pki/etcd/ca.crt" --cert "$LAB_NODE_ROOT/etc/kubernetes/pki/etcd/server.crt" --key "$LAB_NODE_ROOT/etc/kubernetes/pki/etcd/server.key"';

test('etcdctl without kubeadm\'s TLS flags cannot reach etcd', async () => {
  const r = await on('cp-1', 'etcdctl --endpoints https://127.0.0.1:2379 endpoint health');
  assert.is(r.code, 1);
  assert.match(r.stderr, 'Error: context deadline exceeded\n');
  const ok = await on('cp-1', `etcdctl ${PKI} endpoint health --cluster`);
  assert.is(ok.code, 0, ok.stderr);
  assert.is(ok.stdout.split('\n').filter((l) => / is healthy: successfully committed proposal: took = /.test(l)).length, 3);
});

test('etcdctl snapshot save then restore brings back the earlier state', async () => {
  f.fake.store.objects['configmaps/default/before'] = 'kept';
  const save = await on('cp-1', `mkdir -p "$LAB_NODE_ROOT/var/lib/etcd-backup" && ETCDCTL_API=3 etcdctl ${PKI} snapshot save "$LAB_NODE_ROOT/var/lib/etcd-backup/s.db"`);
  assert.is(save.code, 0, save.stderr);
  assert.is(save.stdout, `Snapshot saved at ${root('cp-1')}/var/lib/etcd-backup/s.db\n`);
  const status = await on('cp-1', 'etcdctl --write-out json snapshot status "$LAB_NODE_ROOT/var/lib/etcd-backup/s.db"');
  assert.match(status.stdout, /^\{"hash":\d+,"revision":\d+,"totalKey":\d+,"totalSize":\d+\}\n$/);
  delete f.fake.store.objects['configmaps/default/before'];
  f.fake.store.objects['configmaps/default/after'] = 'gone after restore';
  const restore = await on('cp-1', 'etcdctl snapshot restore "$LAB_NODE_ROOT/var/lib/etcd-backup/s.db" --data-dir "$LAB_NODE_ROOT/var/lib/etcd-restored"');
  assert.is(restore.code, 0, restore.stderr);
  assert.match(restore.stderr, '"msg":"restored snapshot"');
  assert.is(f.fake.store.objects['configmaps/default/before'], 'kept');
  assert.is(f.fake.store.objects['configmaps/default/after'], undefined);
  const again = await on('cp-1', 'etcdctl snapshot restore "$LAB_NODE_ROOT/var/lib/etcd-backup/s.db" --data-dir "$LAB_NODE_ROOT/var/lib/etcd-restored"');
  assert.is(again.code, 1);
  assert.is(again.stderr, `Error: data-dir "${root('cp-1')}/var/lib/etcd-restored" exists\n`);
});

test('a corrupted snapshot fails snapshot status', async () => {
  const p = join(root('cp-1'), 'var/lib/etcd-backup/s.db');
  const buf = readFileSync(p);
  buf[buf.length - 40] ^= 0xff;
  writeFileSync(join(root('cp-1'), 'tmp/bad.db'), buf);
  const r = await on('cp-1', 'etcdctl snapshot status "$LAB_NODE_ROOT/tmp/bad.db"');
  assert.is(r.code, 1);
  assert.is(r.stderr, 'Error: invalid database\n');
});

test('under diskFull, df shows the disk full and snapshot save fails with ENOSPC', async () => {
  f.lab.control.faults.diskFull = ['cp-1'];
  const df = await on('cp-1', 'df -Pk "$LAB_NODE_ROOT/var/lib" | awk \'NR==2 {print $4, $5}\'');
  assert.is(df.stdout, '2048 100%\n');
  const r = await on('cp-1', `etcdctl ${PKI} snapshot save "$LAB_NODE_ROOT/var/lib/etcd-backup/full.db"`);
  f.lab.control.faults.diskFull = [];
  assert.is(r.code, 1);
  assert.match(r.stderr, 'Error: write ');
  assert.match(r.stderr, 'full.db.part: no space left on device\n');
  const healthy = await on('cp-1', 'df -h / | tail -1');
  assert.match(healthy.stdout, /\s20%\s/);
});

test('shims take absolute paths inside the node root, never on the real machine', async () => {
  const r = await on('cp-2', `etcdctl ${PKI} snapshot save /tmp/escape-check.db`);
  assert.is(r.code, 0, r.stderr);
  assert.ok(readFileSync(join(root('cp-2'), 'tmp/escape-check.db')).length > 0);
});

test('the node forwarder (used where curl is missing) gives the same answers as the bash one', async () => {
  const viaNode = await on('worker-2', '"$LAB_NODE_BIN" "$LAB_SHIMS/forward.cjs" apt-get install -y kubelet=9.9.9-1.1; echo "exit $?"');
  const viaBash = await on('worker-2', 'apt-get install -y kubelet=9.9.9-1.1; echo "exit $?"');
  assert.is(viaNode.stdout, viaBash.stdout);
  assert.is(viaNode.stderr, viaBash.stderr);
  assert.match(viaBash.stdout, 'exit 100\n');
  assert.is(viaBash.stderr, "E: Version '9.9.9-1.1' for 'kubelet' was not found\n");
});

test('dnf: excludes hold the packages back, another minor is not found, the switched repository installs', async () => {
  const excluded = await on('gpu-1', 'dnf install -y kubeadm-1.30.5');
  assert.is(excluded.code, 1);
  assert.is(excluded.stderr, 'No match for argument: kubeadm-1.30.5\nError: Unable to find a match: kubeadm-1.30.5\n');
  const otherMinor = await on('gpu-1', 'dnf install -y --disableexcludes=kubernetes kubeadm-1.31.4');
  assert.is(otherMinor.code, 1);
  const r = await on('gpu-1', `sed -i -E 's#/v[0-9]+\\.[0-9]+/#/v1.31/#g' "$LAB_NODE_ROOT/etc/yum.repos.d/kubernetes.repo" && dnf makecache -q && dnf install -y -q --disableexcludes=kubernetes kubeadm-1.31.4 kubelet-1.31.4 && rpm -q --qf '%{VERSION}\\n' kubeadm kubelet kubectl`);
  assert.is(r.code, 0, r.stderr);
  assert.is(r.stdout, '1.31.4\n1.31.4\n1.30.4\n');
});

test('arguments and output keep backslashes, spaces and non-ASCII through the bash forwarder', async () => {
  const r = await on('cp-1', `etcdctl ${PKI} snapshot save "$LAB_NODE_ROOT/tmp/ü \\\\x.db" 2>/dev/null`);
  assert.is(r.code, 0, r.stderr);
  assert.is(r.stdout, `Snapshot saved at ${root('cp-1')}/tmp/ü \\x.db\n`);
});

test.run();
