// Node objects for the lab's node specs, as a kubeadm cluster's kubelets register them: role
// labels and taints (control plane; GPU nodes tainted nvidia.com/gpu=present:NoSchedule),
// addresses, capacity, nodeInfo and a Ready condition.
import type { LabNodeSpec } from '../../contract.js';
import type { KObject, Node } from '../types.js';
import { isoSeconds } from '../podutil.js';

export const OS_IMAGE = 'Ubuntu 22.04.4 LTS';
export const KERNEL = '5.15.0-119-generic';
export const RUNTIME = 'containerd://1.7.12';

export function nodeObject(spec: LabNodeSpec, index: number, kubeletVersion: string, now: number): Node {
  const labels: Record<string, string> = {
    'beta.kubernetes.io/arch': 'amd64', 'beta.kubernetes.io/os': 'linux',
    'kubernetes.io/arch': 'amd64', 'kubernetes.io/hostname': spec.name, 'kubernetes.io/os': 'linux',
  };
  const taints: Node['spec']['taints'] = [];
  if (spec.role === 'control-plane') {
    labels['node-role.kubernetes.io/control-plane'] = '';
    labels['node.kubernetes.io/exclude-from-external-load-balancers'] = '';
    taints.push({ key: 'node-role.kubernetes.io/control-plane', effect: 'NoSchedule' });
  }
  if (spec.role === 'gpu' || spec.gpus > 0) {
    labels['nvidia.com/gpu.present'] = 'true';
    labels['nvidia.com/gpu.product'] = 'NVIDIA-A100-SXM4-80GB';
    labels['nvidia.com/gpu.count'] = String(spec.gpus);
    taints.push({ key: 'nvidia.com/gpu', value: 'present', effect: 'NoSchedule' });
  }
  const capacity: Record<string, string> = {
    cpu: String(spec.cpu), memory: `${spec.memoryGi * 1024 * 1024}Ki`, pods: '110', 'ephemeral-storage': '102626232Ki', 'hugepages-2Mi': '0',
  };
  if (spec.gpus > 0) capacity['nvidia.com/gpu'] = String(spec.gpus);
  const allocatable = { ...capacity, memory: `${spec.memoryGi * 1024 * 1024 - 102400}Ki`, 'ephemeral-storage': '94580335255' };
  const ts = isoSeconds(now);
  const v = kubeletVersion.startsWith('v') ? kubeletVersion : `v${kubeletVersion}`;
  const cond = (type: string, status: 'True' | 'False', reason: string, message: string) => ({ type, status, reason, message, lastHeartbeatTime: ts, lastTransitionTime: ts });
  return {
    apiVersion: 'v1', kind: 'Node',
    metadata: {
      name: spec.name, labels,
      annotations: { 'kubeadm.alpha.kubernetes.io/cri-socket': 'unix:///var/run/containerd/containerd.sock', 'node.alpha.kubernetes.io/ttl': '0', 'volumes.kubernetes.io/controller-managed-attach-detach': 'true' },
    },
    spec: { podCIDR: `10.244.${index}.0/24`, podCIDRs: [`10.244.${index}.0/24`], ...(taints.length ? { taints } : {}) },
    status: {
      conditions: [
        cond('MemoryPressure', 'False', 'KubeletHasSufficientMemory', 'kubelet has sufficient memory available'),
        cond('DiskPressure', 'False', 'KubeletHasNoDiskPressure', 'kubelet has no disk pressure'),
        cond('PIDPressure', 'False', 'KubeletHasSufficientPID', 'kubelet has sufficient PID available'),
        cond('Ready', 'True', 'KubeletReady', 'kubelet is posting ready status'),
      ],
      addresses: [{ type: 'InternalIP', address: `10.0.0.${10 + index}` }, { type: 'Hostname', address: spec.name }],
      capacity, allocatable,
      nodeInfo: {
        machineID: `${index}`.padStart(32, '0'), systemUUID: `00000000-0000-0000-0000-${String(index).padStart(12, '0')}`, bootID: `00000000-0000-0000-0001-${String(index).padStart(12, '0')}`,
        kernelVersion: KERNEL, osImage: OS_IMAGE, containerRuntimeVersion: RUNTIME, kubeletVersion: v, kubeProxyVersion: v, operatingSystem: 'linux', architecture: 'amd64',
      },
      daemonEndpoints: { kubeletEndpoint: { Port: 10250 } },
    },
  };
}

/** The node's heartbeat Lease in kube-node-lease (kubectl describe node shows it). */
export function nodeLease(node: Node, now: number): KObject {
  return {
    apiVersion: 'coordination.k8s.io/v1', kind: 'Lease',
    metadata: { name: node.metadata.name, namespace: 'kube-node-lease', ownerReferences: [{ apiVersion: 'v1', kind: 'Node', name: node.metadata.name, uid: node.metadata.uid! }] },
    spec: { holderIdentity: node.metadata.name, leaseDurationSeconds: 40, renewTime: new Date(now).toISOString().replace('Z', '000Z') },
  };
}
