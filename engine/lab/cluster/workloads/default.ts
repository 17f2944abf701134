// The workloads a lab cluster starts with. 'default': what makes an upgrade meaningful (CoreDNS,
// kube-proxy, a CNI, control-plane mirror pods, web/db/cache apps with PDBs, the GPU Operator's
// DaemonSets and a vLLM inference Deployment). 'deprecated-apis': the same plus objects the
// deprecated-API scan must find. 'none': namespaces and the kubernetes Service only.
import type { LabNodeSpec } from '../../contract.js';
import type { KObject, Pod } from '../types.js';
import { CONTROL_PLANE_TOLERATION, GPU_TOLERATION, TOLERATE_ALL, container, namespace, pdb, workload } from './builders.js';
import { deprecatedApiObjects } from './deprecated.js';

export type WorkloadSet = 'default' | 'none' | 'deprecated-apis';

export const ETCD_IMAGE = 'registry.k8s.io/etcd:3.5.12-0';

/**
 * The Calico release a well-kept cluster of this minor runs: one whose published support covers
 * that minor and the next, so the default 1.30 lab rehearses the 1.31 hop with no setup
 * (v3.29: 1.29–1.32). An older lab (1.28, 1.29) runs v3.28 (1.28–1.30), so a multi-hop rehearsal
 * meets a real addon refusal at the 1.31 hop, as production would.
 */
export function calicoImage(version: string): string {
  const minor = Number(/^v?\d+\.(\d+)/.exec(version)?.[1] ?? 30);
  const tag = minor <= 27 ? 'v3.27.4' : minor <= 29 ? 'v3.28.1' : minor <= 31 ? 'v3.29.3' : 'v3.31.0';
  return `docker.io/calico/node:${tag}`;
}

/** The CoreDNS image kubeadm of each minor installs (`kubeadm upgrade apply` rolls CoreDNS to it). */
const COREDNS_BY_MINOR: Record<number, string> = { 27: 'v1.10.1', 28: 'v1.10.1', 29: 'v1.11.1', 30: 'v1.11.1', 31: 'v1.11.3', 32: 'v1.11.3', 33: 'v1.12.0' };

export function corednsImage(version: string): string {
  const minor = Number(/^v?\d+\.(\d+)/.exec(version)?.[1] ?? 30);
  const known = Object.keys(COREDNS_BY_MINOR).map(Number);
  const tag = COREDNS_BY_MINOR[minor] ?? COREDNS_BY_MINOR[minor > Math.max(...known) ? Math.max(...known) : Math.min(...known)]!;
  return `registry.k8s.io/coredns/coredns:${tag}`;
}
export const CONTROL_PLANE_COMPONENTS = ['kube-apiserver', 'kube-controller-manager', 'kube-scheduler'] as const;

/** The kube-system static pods kubeadm writes on a control-plane node, as their mirror pods. */
export function mirrorPods(node: string, nodeUid: string, version: string): Pod[] {
  const requests: Record<string, string> = { etcd: '100m', 'kube-apiserver': '250m', 'kube-controller-manager': '200m', 'kube-scheduler': '100m' };
  return ['etcd', ...CONTROL_PLANE_COMPONENTS].map((component) => ({
    apiVersion: 'v1', kind: 'Pod',
    metadata: {
      name: `${component}-${node}`, namespace: 'kube-system',
      labels: { component, tier: 'control-plane' },
      annotations: { 'kubernetes.io/config.mirror': `mirror-${component}-${node}`, 'kubernetes.io/config.hash': `mirror-${component}-${node}`, 'kubernetes.io/config.source': 'file' },
      ownerReferences: [{ apiVersion: 'v1', kind: 'Node', name: node, uid: nodeUid, controller: true }],
    },
    spec: {
      nodeName: node, priorityClassName: 'system-node-critical', hostNetwork: true, restartPolicy: 'Always', terminationGracePeriodSeconds: 30,
      tolerations: [{ operator: 'Exists', effect: 'NoExecute' }],
      containers: [container(component, component === 'etcd' ? ETCD_IMAGE : `registry.k8s.io/${component}:${version}`, { cpu: requests[component]! })],
    },
    status: { phase: 'Pending', qosClass: 'Burstable' },
  }));
}

function kubernetesService(): KObject {
  return {
    apiVersion: 'v1', kind: 'Service', metadata: { name: 'kubernetes', namespace: 'default', labels: { component: 'apiserver', provider: 'kubernetes' } },
    spec: { type: 'ClusterIP', clusterIP: '10.96.0.1', clusterIPs: ['10.96.0.1'], ports: [{ name: 'https', port: 443, protocol: 'TCP', targetPort: 6443 }], sessionAffinity: 'None' },
    status: { loadBalancer: {} },
  };
}

/** Objects in creation order, each with the resource (plural) it is stored under. */
export function defaultObjects(set: WorkloadSet, nodes: LabNodeSpec[], version: string): Array<[string, KObject]> {
  const out: Array<[string, KObject]> = [];
  const hasGpu = nodes.some((n) => n.gpus > 0);
  const nsNames = ['default', 'kube-system', 'kube-public', 'kube-node-lease', ...(set !== 'none' && hasGpu ? ['gpu-operator', 'inference'] : []), ...(set === 'deprecated-apis' ? ['legacy'] : [])];
  for (const n of nsNames) out.push(['namespaces', namespace(n)]);
  out.push(['services', kubernetesService()]);
  if (set === 'none') return out;

  const coredns = workload('Deployment', 'kube-system', 'coredns', [container('coredns', corednsImage(version), { cpu: '100m', memory: '70Mi' })], {
    replicas: 2, labels: { 'k8s-app': 'kube-dns' }, tolerations: [CONTROL_PLANE_TOLERATION, { key: 'CriticalAddonsOnly', operator: 'Exists' }], priorityClassName: 'system-cluster-critical',
  });
  out.push(['deployments', coredns], ['poddisruptionbudgets', pdb('kube-system', 'coredns', 'kube-dns', { minAvailable: 1 })]);
  out.push(['daemonsets', workload('DaemonSet', 'kube-system', 'kube-proxy', [container('kube-proxy', `registry.k8s.io/kube-proxy:${version}`)], { labels: { 'k8s-app': 'kube-proxy' }, tolerations: [TOLERATE_ALL], priorityClassName: 'system-node-critical' })]);
  out.push(['daemonsets', workload('DaemonSet', 'kube-system', 'calico-node', [container('calico-node', calicoImage(version), { cpu: '250m' })], { labels: { 'k8s-app': 'calico-node' }, tolerations: [TOLERATE_ALL], priorityClassName: 'system-node-critical' })]);

  out.push(['deployments', workload('Deployment', 'default', 'web', [container('nginx', 'nginx:1.27.1', { cpu: '100m', memory: '128Mi' })], { replicas: 3 })]);
  out.push(['poddisruptionbudgets', pdb('default', 'web', 'web', { minAvailable: 2 })]);
  out.push(['statefulsets', workload('StatefulSet', 'default', 'db', [container('postgres', 'postgres:16.4', { cpu: '250m', memory: '512Mi' })], { replicas: 3, stopSeconds: 3 })]);
  out.push(['poddisruptionbudgets', pdb('default', 'db', 'db', { maxUnavailable: 1 })]);
  // A pod with local scratch data: drain needs --delete-emptydir-data for it.
  out.push(['deployments', workload('Deployment', 'default', 'cache', [container('redis', 'redis:7.4', { cpu: '100m', memory: '256Mi' }, { volumeMounts: [{ name: 'scratch', mountPath: '/data' }] })], { replicas: 1, volumes: [{ name: 'scratch', emptyDir: {} }] })]);

  if (hasGpu) {
    const gpuNodes = { nodeSelector: { 'nvidia.com/gpu.present': 'true' }, tolerations: [GPU_TOLERATION], priorityClassName: 'system-node-critical' };
    out.push(['daemonsets', workload('DaemonSet', 'gpu-operator', 'nvidia-driver-daemonset', [container('nvidia-driver-ctr', 'nvcr.io/nvidia/driver:550.90.07-ubuntu22.04')], { ...gpuNodes, startSeconds: 10 })]);
    out.push(['daemonsets', workload('DaemonSet', 'gpu-operator', 'nvidia-device-plugin-daemonset', [container('nvidia-device-plugin', 'nvcr.io/nvidia/k8s-device-plugin:v0.16.2')], gpuNodes)]);
    out.push(['daemonsets', workload('DaemonSet', 'gpu-operator', 'nvidia-operator-validator', [container('nvidia-operator-validator', 'nvcr.io/nvidia/cloud-native/gpu-operator-validator:v24.6.2')], { ...gpuNodes, startSeconds: 5 })]);
    // vLLM loads model weights before it is Ready: a long start delay.
    out.push(['deployments', workload('Deployment', 'inference', 'vllm', [container('vllm', 'vllm/vllm-openai:v0.6.3', { cpu: '2', memory: '8Gi', 'nvidia.com/gpu': '1' })], {
      replicas: 2, nodeSelector: { 'nvidia.com/gpu.present': 'true' }, tolerations: [GPU_TOLERATION], startSeconds: 20, stopSeconds: 5,
    })]);
    out.push(['poddisruptionbudgets', pdb('inference', 'vllm', 'vllm', { maxUnavailable: 1 })]);
  }
  if (set === 'deprecated-apis') out.push(...deprecatedApiObjects());
  return out;
}
