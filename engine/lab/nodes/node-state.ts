// One simulated node's machine state (packages, holds, kubelet unit, control-plane manifests) and
// the files seeded into its root directory, where runbooks find them under `{{node_root}}`.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { LabNodeSpec, NodeRole } from '../contract.js';
import { minorOf, pkgVersion, type KVersion, vstr } from './versions.js';
import { RPM_REPO_FILE, rpmRepoText } from './handlers/dnf.js';

export type PackageName = 'kubeadm' | 'kubelet' | 'kubectl';
export const PACKAGES: PackageName[] = ['kubeadm', 'kubelet', 'kubectl'];

export interface NodeState {
  name: string;
  role: NodeRole;
  /** The node's "/" — every absolute path a runbook uses is written `{{node_root}}/etc/...`. */
  root: string;
  /** HOME and working directory of every command: <root>/home/<user>. */
  home: string;
  /** Installed package versions, e.g. kubeadm → "1.30.4-1.1". */
  packages: Record<PackageName, string>;
  held: Set<PackageName>;
  /** The repository minor apt knows about since the last `apt-get update` (undefined: never updated). */
  aptIndexMinor: string | undefined;
  kubelet: {
    state: 'active' | 'failed' | 'inactive';
    /** Version the running kubelet reports ("v1.30.4"). */
    runningVersion: string;
    /** The package changed the unit since the last daemon-reload (systemctl warns, like systemd). */
    unitChanged: boolean;
    /** Why the last start failed, for `systemctl status`. */
    lastError?: string;
  };
  /** Control-plane nodes: the version of the static pods kubeadm wrote here. */
  controlPlaneVersion?: string;
}

export const LAB_USER = 'ubuntu';

/** `deb [...] https://pkgs.k8s.io/core:/stable:/v1.30/deb/ /` — the community repository line. */
export function repoLine(minor: string): string {
  return `deb [signed-by=/etc/apt/keyrings/kubernetes-apt-keyring.gpg] https://pkgs.k8s.io/core:/stable:/v${minor}/deb/ /\n`;
}

export function newNodeState(spec: LabNodeSpec, version: KVersion, root: string): NodeState {
  const pv = pkgVersion(version);
  return {
    name: spec.name,
    role: spec.role,
    root,
    home: join(root, 'home', LAB_USER),
    packages: { kubeadm: pv, kubelet: pv, kubectl: pv },
    held: new Set(PACKAGES),
    aptIndexMinor: minorOf(version),
    kubelet: { state: 'active', runningVersion: vstr(version), unitChanged: false },
    ...(spec.role === 'control-plane' ? { controlPlaneVersion: vstr(version) } : {}),
  };
}

const STATIC_PODS = ['kube-apiserver', 'kube-controller-manager', 'kube-scheduler'];

/** A static pod manifest as kubeadm writes it (only the fields anyone greps for). */
export function manifest(component: string, version: string): string {
  return `apiVersion: v1
kind: Pod
metadata:
  name: ${component}
  namespace: kube-system
  labels: { component: ${component}, tier: control-plane }
spec:
  hostNetwork: true
  containers:
  - name: ${component}
    image: registry.k8s.io/${component}:${version}
`;
}

function etcdManifest(): string {
  return `apiVersion: v1
kind: Pod
metadata:
  name: etcd
  namespace: kube-system
  labels: { component: etcd, tier: control-plane }
spec:
  hostNetwork: true
  containers:
  - name: etcd
    image: registry.k8s.io/etcd:3.5.15-0
    command:
    - etcd
    - --data-dir=/var/lib/etcd
    - --cert-file=/etc/kubernetes/pki/etcd/server.crt
    - --key-file=/etc/kubernetes/pki/etcd/server.key
    - --trusted-ca-file=/etc/kubernetes/pki/etcd/ca.crt
    - --listen-client-urls=https://127.0.0.1:2379
  volumes:
  - name: etcd-data
    hostPath: { path: /var/lib/etcd, type: DirectoryOrCreate }
`;
}

/** Rewrite the control-plane static pod manifests of a node to `version` (kubeadm upgrade). */
export function writeControlPlaneManifests(node: NodeState, version: string): void {
  const dir = join(node.root, 'etc/kubernetes/manifests');
  mkdirSync(dir, { recursive: true });
  for (const c of STATIC_PODS) writeFileSync(join(dir, `${c}.yaml`), manifest(c, version));
  node.controlPlaneVersion = version;
}

/** Lay out the node's root: apt repository file, kubeadm's /etc/kubernetes, etcd's data dir. */
export function seedNodeRoot(node: NodeState, files: { kubeconfig: string; caPem: string }): void {
  const w = (rel: string, text: string, mode = 0o644): void => {
    const p = join(node.root, rel);
    mkdirSync(join(p, '..'), { recursive: true });
    writeFileSync(p, text, { mode });
  };
  mkdirSync(node.home, { recursive: true });
  const minor = node.aptIndexMinor ?? '1.30';
  w('etc/apt/sources.list.d/kubernetes.list', repoLine(minor));
  // Both families' repository files: runbooks for dnf nodes rehearse on the same lab.
  w(RPM_REPO_FILE, rpmRepoText(minor));
  w('etc/apt/keyrings/kubernetes-apt-keyring.gpg', '(lab placeholder for the pkgs.k8s.io signing key)\n');
  w('etc/kubernetes/kubelet.conf', files.kubeconfig, 0o600);
  w('etc/kubernetes/pki/ca.crt', files.caPem);
  w('var/lib/kubelet/config.yaml', 'apiVersion: kubelet.config.k8s.io/v1beta1\nkind: KubeletConfiguration\n');
  mkdirSync(join(node.root, 'tmp'), { recursive: true });
  if (node.role !== 'control-plane') return;
  w('etc/kubernetes/admin.conf', files.kubeconfig, 0o600);
  for (const f of ['ca.crt', 'server.crt', 'healthcheck-client.crt', 'peer.crt']) {
    w(`etc/kubernetes/pki/etcd/${f}`, files.caPem);
  }
  for (const f of ['ca.key', 'server.key', 'healthcheck-client.key', 'peer.key']) {
    w(`etc/kubernetes/pki/etcd/${f}`, '(lab placeholder private key)\n', 0o600);
  }
  w('etc/kubernetes/manifests/etcd.yaml', etcdManifest());
  writeControlPlaneManifests(node, node.controlPlaneVersion ?? 'v1.30.4');
  w('var/lib/etcd/member/snap/db', '(lab etcd data: the cluster state lives in the lab process)\n', 0o600);
}
