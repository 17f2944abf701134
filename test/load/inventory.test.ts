// Inventories as SREs have them: native YAML, and Ansible YAML and INI read as they are — groups,
// children, group/host vars with Ansible's precedence, connection variables, ~ expansion, localhost.
import { homedir } from 'node:os';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { findHost, loadInventory, looksLikeIni } from '../../engine/load/index.js';
import type { Inventory } from '../../engine/model/inventory.js';
import { packageRoot } from '../../engine/paths.js';

process.chdir(packageRoot());
const FX = 'test/fixtures/load';

async function inv(file: string): Promise<Inventory> {
  const r = await loadInventory(file);
  assert.equal(r.problems, [], `${file} has problems`);
  return r.inventory!;
}

test('the three formats are told apart by content', async () => {
  assert.is((await inv(`${FX}/ansible.ini`)).format, 'ansible-ini');
  assert.is((await inv(`${FX}/ansible.yaml`)).format, 'ansible-yaml');
  assert.is((await inv(`${FX}/native.yaml`)).format, 'native');
  assert.ok(looksLikeIni('host1\nhost2\n'));
  assert.not.ok(looksLikeIni('---\nall:\n  hosts: {}\n'));
});

test('Ansible INI and YAML forms of one cluster read the same', async () => {
  const a = await inv(`${FX}/ansible.ini`);
  const b = await inv(`${FX}/ansible.yaml`);
  assert.equal(a.hosts.map((h) => h.name), b.hosts.map((h) => h.name));
  for (const g of ['control_plane', 'workers', 'gpu', 'nodes', 'all', 'ungrouped']) assert.equal(a.groups[g]!.hosts, b.groups[g]!.hosts, g);
  for (const h of a.hosts) {
    const o = b.hosts.find((x) => x.name === h.name)!;
    assert.equal({ ...h.ssh, proxyJump: undefined }, { ...o.ssh, proxyJump: undefined }, h.name);
    assert.is(h.become, o.become, h.name);
    assert.equal([...h.groups].sort(), [...o.groups].sort(), h.name);
    for (const k of ['drain_grace', 'drain_timeout', 'cluster_name', 'node_name']) assert.equal(h.vars[k], o.vars[k], `${h.name}.${k}`);
  }
});

test('INI: groups, children, ranges, host:port, connection variables', async () => {
  const i = await inv(`${FX}/ansible.ini`);
  assert.equal(i.groups['workers']!.hosts, ['worker-01', 'worker-02', 'worker-03', 'worker-04']);
  assert.equal(i.groups['nodes']!.children, ['control_plane', 'workers', 'gpu']);
  assert.equal(i.groups['ungrouped']!.hosts, ['bastion-1']);
  const w4 = findHost(i, 'worker-04')!;
  assert.equal(w4.ssh, { address: '10.0.1.24', port: 2222, user: 'ubuntu', proxyJump: 'ops@203.0.113.5' });
  const gpu = findHost(i, 'gpu-1')!;
  assert.is(gpu.ssh.identityFile, join(homedir(), '.ssh/gpu_ed25519'), '~ expanded');
  assert.is(gpu.ssh.identitiesOnly, true);
  assert.is(gpu.become, true);
  assert.equal(findHost(i, 'worker-01')!.ssh.user, 'admin', 'host var beats [all:vars]');
  assert.equal(findHost(i, 'bastion-1')!.ssh, { address: '203.0.113.5', user: 'ops' });
});

test('group vars: all < parent < child < host', async () => {
  const i = await inv(`${FX}/ansible.ini`);
  assert.is(findHost(i, 'gpu-1')!.vars['drain_grace'], 300, 'gpu group beats nothing');
  assert.is(findHost(i, 'worker-01')!.vars['drain_grace'], 120);
  assert.is(findHost(i, 'worker-01')!.vars['drain_timeout'], '300s');
  assert.is(findHost(i, 'cp-1')!.vars['cluster_name'], 'prod');
  assert.is(findHost(i, 'cp-2')!.vars['node_name'], 'cp-2.internal');
  const dir = mkdtempSync(join(tmpdir(), 'inv-'));
  try {
    const f = join(dir, 'prec.ini');
    writeFileSync(f, '[parent:children]\nchild\n[child]\nh1 v=host\nh2\n[parent:vars]\nv=parent\nw=parent\n[child:vars]\nv=child\nw=child\n[all:vars]\nv=all\nw=all\nz=all\n');
    const p = await inv(f);
    assert.equal(findHost(p, 'h1')!.vars, { v: 'host', w: 'child', z: 'all' });
    assert.equal(findHost(p, 'h2')!.vars, { v: 'child', w: 'child', z: 'all' });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('native: kube access, ssh defaults, forks, group become and ssh, empty groups', async () => {
  const n = await inv(`${FX}/native.yaml`);
  assert.equal(n.kube, { kubeconfig: join(homedir(), '.kube/prod.conf'), context: 'prod-admin' });
  assert.is(n.forks, 20);
  const w1 = findHost(n, 'worker-1')!;
  assert.equal(w1.ssh, {
    address: '10.0.1.21', port: 2222, user: 'admin', identityFile: join(homedir(), '.ssh/prod_ed25519'),
    proxyJump: 'ops@bastion.example.com', strictHostKeyChecking: 'yes',
  });
  assert.is(findHost(n, 'gpu-1')!.become, true);
  assert.is(findHost(n, 'cp-1')!.become, false);
  assert.equal(n.groups['empty']!.hosts, []);
  assert.equal(n.groups['nodes']!.hosts, ['cp-1', 'cp-2', 'worker-1', 'worker-2', 'gpu-1']);
  assert.is(findHost(n, 'gpu-1')!.vars['drain_grace'], 300);
  assert.is(n.vars['cluster_name'], 'prod');
});

test('localhost gets the local connection; an absent localhost is implicit', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'inv-'));
  try {
    const f = join(dir, 'local.ini');
    writeFileSync(f, '[ops]\nlocalhost\nremote-1\n');
    const i = await inv(f);
    assert.is(findHost(i, 'localhost')!.connection, 'local');
    assert.is(findHost(i, 'remote-1')!.connection, 'ssh');
    const n = await inv(`${FX}/native.yaml`);
    assert.is(findHost(n, 'localhost')!.connection, 'local');
    assert.not.ok(n.hosts.some((h) => h.name === 'localhost'), 'not part of all');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('Ansible inventories take cluster access from all vars kubeconfig and kube_context', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'inv-'));
  try {
    const f = join(dir, 'kube.ini');
    writeFileSync(f, '[workers]\nw1\n[all:vars]\nkubeconfig=~/.kube/prod.conf\nkube_context=prod-admin\n');
    assert.equal((await inv(f)).kube, { kubeconfig: join(homedir(), '.kube/prod.conf'), context: 'prod-admin' });
    assert.equal((await inv(`${FX}/ansible.ini`)).kube, {});
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a host listed in two groups without conflicting settings is one host in both', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'inv-'));
  try {
    const f = join(dir, 'twice.ini');
    writeFileSync(f, '[a]\nh1 ansible_host=10.0.0.1\n[b]\nh1\nh2\n');
    const i = await inv(f);
    assert.equal(i.hosts.map((h) => h.name), ['h1', 'h2']);
    assert.equal(findHost(i, 'h1')!.groups, ['a', 'b']);
    assert.is(findHost(i, 'h1')!.ssh.address, '10.0.0.1');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test.run();
