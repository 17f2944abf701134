// A full default lab (real cluster half + SSH nodes): the directory it writes, and node commands
// whose effects the API server shows — kubeadm moving /version, etcd restore, kubelet restarts.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { readFileSync, statSync } from 'node:fs';
import { request } from 'node:https';
import type { Client } from 'ssh2';
import { setFaults, startTestLab, waitNodeReady, type TestLab } from '../helpers/lab.js';
import { connect, run } from './ssh-client.js';

let t: TestLab;
let startMs = 0;
const conns = new Map<string, Client>();
async function on(node: string, cmd: string): ReturnType<typeof run> {
  let c = conns.get(node);
  if (!c) {
    const n = t.lab.nodes.find((x) => x.name === node)!;
    c = await connect({ port: n.port, knownHosts: t.lab.knownHosts, identityFile: t.lab.identityFile });
    conns.set(node, c);
  }
  return run(c, cmd, { timeoutMs: 30_000 });
}

/** GET /version over HTTPS, trusting only the CA in the lab's kubeconfig. */
function serverVersion(): Promise<string> {
  const kc = readFileSync(t.lab.kubeconfig, 'utf8');
  const ca = Buffer.from(/certificate-authority-data:\s*(\S+)/.exec(kc)![1]!, 'base64');
  const token = /token:\s*(\S+)/.exec(kc)![1]!;
  const url = new URL('/version', /server:\s*(\S+)/.exec(kc)![1]!);
  return new Promise((res, rej) => {
    const req = request(url, { ca, headers: { authorization: `Bearer ${token}` }, timeout: 5_000 }, (r) => {
      let body = '';
      r.on('data', (d: Buffer) => { body += d.toString(); });
      r.on('end', () => { try { res((JSON.parse(body) as { gitVersion: string }).gitVersion); } catch (e) { rej(e); } });
    });
    req.on('error', rej);
    req.end();
  });
}

test.before(async () => {
  const t0 = performance.now();
  t = await startTestLab({ timeScale: 0.02 });
  startMs = performance.now() - t0;
  console.log(`  default lab (3 control planes, 3 workers, 2 GPU nodes) ready in ${Math.round(startMs)} ms`);
});
test.after(async () => { for (const c of conns.values()) c.end(); await t?.stop(); });

test('the lab directory holds kubeconfig, a native inventory, known_hosts, a private key and state.json', () => {
  assert.is(statSync(t.lab.identityFile).mode & 0o777, 0o600);
  const inv = readFileSync(t.lab.inventory, 'utf8');
  for (const g of ['control_plane:', 'workers:', 'gpu:']) assert.match(inv, g);
  assert.match(inv, 'strict_host_key_checking: "yes"');
  const known = readFileSync(t.lab.knownHosts, 'utf8');
  for (const n of t.lab.nodes) {
    assert.match(inv, new RegExp(`${n.name}: \\{ address: 127\\.0\\.0\\.1, port: ${n.port}, vars: \\{ node_root: "${n.root}"`));
    assert.match(known, `[127.0.0.1]:${n.port} ssh-ed25519 `);
  }
  assert.equal(t.lab.nodes.map((n) => n.name), ['cp-1', 'cp-2', 'cp-3', 'worker-1', 'worker-2', 'worker-3', 'gpu-1', 'gpu-2']);
  const state = JSON.parse(readFileSync(`${t.dir}/state.json`, 'utf8')) as { pids: number[]; ready: boolean };
  assert.equal(state.pids, [process.pid]);
  assert.ok(state.ready);
});

test('kubeadm upgrade apply on a control plane moves the version the API server reports over HTTPS', async () => {
  assert.is(await serverVersion(), 'v1.30.4');
  const r = await on('cp-1', [
    "sudo sed -i 's|/v1.30/deb/|/v1.31/deb/|' \"$LAB_NODE_ROOT/etc/apt/sources.list.d/kubernetes.list\"",
    'sudo apt-get update -q >/dev/null',
    'sudo apt-mark unhold kubeadm >/dev/null',
    "sudo apt-get install -y kubeadm='1.31.4-*' >/dev/null",
    'sudo apt-mark hold kubeadm >/dev/null',
    'sudo kubeadm upgrade apply v1.31.4 -y',
  ].join(' && '));
  assert.is(r.code, 0, r.stderr);
  assert.match(r.stdout, '[upgrade/successful] SUCCESS! Your cluster was upgraded to "v1.31.4". Enjoy!');
  assert.is(await serverVersion(), 'v1.31.4');
});

test('systemctl restart kubelet: the node comes back Ready reporting the installed kubelet', async () => {
  const r = await on('worker-1', [
    "sudo sed -i 's|/v1.30/deb/|/v1.31/deb/|' \"$LAB_NODE_ROOT/etc/apt/sources.list.d/kubernetes.list\"",
    'sudo apt-get update -q >/dev/null',
    'sudo apt-mark unhold kubelet kubectl >/dev/null',
    "sudo apt-get install -y kubelet='1.31.4-*' kubectl='1.31.4-*' >/dev/null",
    'sudo systemctl daemon-reload',
    'sudo systemctl restart kubelet',
  ].join(' && '));
  assert.is(r.code, 0, r.stderr);
  await waitNodeReady(t.lab, 'worker-1', 'v1.31.4');
  const events = t.lab.records().nodeEvents.filter((e) => e.node === 'worker-1').map((e) => e.event);
  assert.ok(events.includes('notready') && events.includes('ready'), `node events: ${events.join(', ')}`);
});

const PKI = '--endpoints https://127.0.0.1:2379 --cacert "$LAB_NODE_ROOT/etc/kubernetes/pki/etcd/ca.crt" --cert "$LAB_NODE_ROOT/etc/kubernetes/pki/etcd/healthcheck-client.crt" --key "$LAB_NODE_ROOT/etc/kubernetes/pki/etcd/healthcheck-client.key"';

test('etcdctl snapshot save, then restore, brings back the cluster as it was', async () => {
  const hasKubectl = (await on('cp-1', 'kubectl version --client >/dev/null 2>&1')).code === 0;
  if (!hasKubectl) { console.log('SKIP: no real kubectl on this machine for the node-side kubectl'); return; }
  const before = await on('cp-1', `kubectl create configmap before-snapshot --from-literal=a=1 && mkdir -p "$LAB_NODE_ROOT/var/lib/etcd-backup" && etcdctl ${PKI} snapshot save "$LAB_NODE_ROOT/var/lib/etcd-backup/pre.db"`);
  assert.is(before.code, 0, before.stderr);
  const change = await on('cp-1', 'kubectl delete configmap before-snapshot && kubectl create configmap after-snapshot --from-literal=b=2');
  assert.is(change.code, 0, change.stderr);
  const restore = await on('cp-1', 'etcdctl snapshot restore "$LAB_NODE_ROOT/var/lib/etcd-backup/pre.db" --data-dir "$LAB_NODE_ROOT/var/lib/etcd-restored"');
  assert.is(restore.code, 0, restore.stderr);
  // --kubeconfig /etc/kubernetes/admin.conf is the node's own file, inside its root.
  const after = await on('cp-1', 'kubectl --kubeconfig /etc/kubernetes/admin.conf get configmap before-snapshot -o name; kubectl get configmap after-snapshot -o name 2>&1; true');
  assert.match(after.stdout, 'configmap/before-snapshot\n');
  assert.match(after.stdout, /NotFound|not found/);
});

test('the control endpoint wants the token, serves status and records, and takes faults', async () => {
  const anon = await fetch(`${t.lab.controlUrl}/status`);
  assert.is(anon.status, 401);
  const st = await (await fetch(`${t.lab.controlUrl}/status`, { headers: { authorization: `Bearer ${t.lab.token}` } })).json() as { serverVersion: string; nodes: unknown[] };
  assert.is(st.serverVersion, 'v1.31.4');
  assert.is(st.nodes.length, 8);
  const faults = await setFaults(t.lab, { diskFull: ['cp-2'], sshDrop: { '*': 'reboot' } });
  assert.equal(faults.diskFull, ['cp-2']);
  assert.is(t.lab.control.faults.sshDrop['*'], 'reboot');
  await setFaults(t.lab, { diskFull: [], sshDrop: {} });
  const rec = await (await fetch(`${t.lab.controlUrl}/records`, { headers: { authorization: `Bearer ${t.lab.token}` } })).json() as { commands: Array<{ command: string }> };
  assert.is(rec.commands.filter((c) => c.command.includes('kubeadm upgrade apply')).length, 1);
});

test('real kubectl on this machine sees the upgraded server through the lab kubeconfig', async () => {
  let out: string;
  // Asynchronously: the lab serves from this very process.
  try { out = (await promisify(execFile)('kubectl', ['--kubeconfig', t.lab.kubeconfig, 'version', '-o', 'json'], { encoding: 'utf8', timeout: 20_000 })).stdout; } catch (e) {
    console.log(`SKIP: kubectl not usable here (${(e as Error).message.split('\n')[0]})`);
    return;
  }
  assert.is((JSON.parse(out) as { serverVersion: { gitVersion: string } }).serverVersion.gitVersion, 'v1.31.4');
});

test.run();
