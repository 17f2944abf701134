// Small constructors for the objects the default workloads are made of, so each workload reads as
// one line of intent.
import type { Container, KObject, PodSpec, PodDisruptionBudget, Toleration, Workload } from '../types.js';
import { START_ANNOTATION, STOP_ANNOTATION } from '../controllers/kubelet.js';

export const GPU_TOLERATION: Toleration = { key: 'nvidia.com/gpu', operator: 'Exists', effect: 'NoSchedule' };
export const CONTROL_PLANE_TOLERATION: Toleration = { key: 'node-role.kubernetes.io/control-plane', effect: 'NoSchedule' };
/** DaemonSets of the node's plumbing (kube-proxy, CNI) run everywhere. */
export const TOLERATE_ALL: Toleration = { operator: 'Exists' };

export function namespace(name: string): KObject {
  return { apiVersion: 'v1', kind: 'Namespace', metadata: { name, labels: { 'kubernetes.io/metadata.name': name } }, spec: { finalizers: ['kubernetes'] }, status: { phase: 'Active' } };
}

export function container(name: string, image: string, requests: Record<string, string> = {}, extra: Partial<Container> = {}): Container {
  const limits: Record<string, string> = {};
  if (requests['nvidia.com/gpu']) limits['nvidia.com/gpu'] = requests['nvidia.com/gpu'];
  return { name, image, imagePullPolicy: 'IfNotPresent', resources: { requests, ...(Object.keys(limits).length ? { limits } : {}) }, ...extra };
}

interface WorkloadOpts {
  replicas?: number;
  tolerations?: Toleration[];
  nodeSelector?: Record<string, string>;
  startSeconds?: number;
  /** Seconds the containers take to exit after SIGTERM. */
  stopSeconds?: number;
  volumes?: PodSpec['volumes'];
  priorityClassName?: string;
  labels?: Record<string, string>;
}

function template(app: string, containers: Container[], o: WorkloadOpts) {
  return {
    metadata: {
      labels: { app, ...(o.labels ?? {}) },
      annotations: {
        ...(o.startSeconds !== undefined ? { [START_ANNOTATION]: String(o.startSeconds) } : {}),
        ...(o.stopSeconds !== undefined ? { [STOP_ANNOTATION]: String(o.stopSeconds) } : {}),
      },
    },
    spec: {
      containers,
      ...(o.tolerations ? { tolerations: o.tolerations } : {}),
      ...(o.nodeSelector ? { nodeSelector: o.nodeSelector } : {}),
      ...(o.volumes ? { volumes: o.volumes } : {}),
      ...(o.priorityClassName ? { priorityClassName: o.priorityClassName } : {}),
      restartPolicy: 'Always' as const,
      terminationGracePeriodSeconds: 30,
    },
  };
}

export function workload(kind: 'Deployment' | 'StatefulSet' | 'DaemonSet', ns: string, name: string, containers: Container[], o: WorkloadOpts = {}): Workload {
  const app = o.labels?.['k8s-app'] ? o.labels['k8s-app'] : name;
  const spec: Workload['spec'] = { selector: { matchLabels: { app } }, template: template(app, containers, o) };
  if (kind !== 'DaemonSet') spec.replicas = o.replicas ?? 1;
  if (kind === 'StatefulSet') spec['serviceName'] = name;
  if (kind === 'Deployment') spec['strategy'] = { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: '25%', maxSurge: '25%' } };
  if (kind === 'DaemonSet') spec['updateStrategy'] = { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 1, maxSurge: 0 } };
  return { apiVersion: 'apps/v1', kind, metadata: { name, namespace: ns, labels: { app, ...(o.labels ?? {}) } }, spec };
}

export function pdb(ns: string, name: string, app: string, budget: { minAvailable: number | string } | { maxUnavailable: number | string }): PodDisruptionBudget {
  return { apiVersion: 'policy/v1', kind: 'PodDisruptionBudget', metadata: { name, namespace: ns }, spec: { ...budget, selector: { matchLabels: { app } } } };
}
