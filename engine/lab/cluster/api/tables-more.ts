// Server-side printing columns for the workload, config and coordination resources, as
// kube-apiserver prints them (`kubectl get deploy,ds,sts,rs,ns,cm,secret,svc,lease`).
import type { KObject, Workload } from '../types.js';

export interface Column { name: string; type: string; format: string; description: string; priority: number }
export const col = (name: string, priority = 0, type = 'string', format = ''): Column => ({ name, type, format, description: name, priority });
export type Printer = { columns: Column[]; row: (o: KObject, age: string) => unknown[] };

const num = (o: KObject, field: string): number => Number((o.status as Record<string, unknown> | undefined)?.[field] ?? 0);
const containers = (w: Workload) => w.spec.template.spec.containers.map((c) => c.name).join(',');
const images = (w: Workload) => w.spec.template.spec.containers.map((c) => c.image).join(',');
const selector = (w: Workload) => Object.entries(w.spec.selector.matchLabels ?? {}).map(([k, v]) => `${k}=${v}`).join(',') || '<none>';
const wideCols = [col('Containers', 1), col('Images', 1), col('Selector', 1)];

export const MORE_PRINTERS: Record<string, Printer> = {
  deployments: {
    columns: [col('Name', 0, 'string', 'name'), col('Ready'), col('Up-to-date', 0, 'integer'), col('Available', 0, 'integer'), col('Age'), ...wideCols],
    row: (o, age) => { const w = o as Workload; return [o.metadata.name, `${num(o, 'readyReplicas')}/${w.spec.replicas ?? 1}`, num(o, 'updatedReplicas'), num(o, 'availableReplicas'), age, containers(w), images(w), selector(w)]; },
  },
  replicasets: {
    columns: [col('Name', 0, 'string', 'name'), col('Desired', 0, 'integer'), col('Current', 0, 'integer'), col('Ready', 0, 'integer'), col('Age'), ...wideCols],
    row: (o, age) => { const w = o as Workload; return [o.metadata.name, w.spec.replicas ?? 1, num(o, 'replicas'), num(o, 'readyReplicas'), age, containers(w), images(w), selector(w)]; },
  },
  statefulsets: {
    columns: [col('Name', 0, 'string', 'name'), col('Ready'), col('Age'), col('Containers', 1), col('Images', 1)],
    row: (o, age) => { const w = o as Workload; return [o.metadata.name, `${num(o, 'readyReplicas')}/${w.spec.replicas ?? 1}`, age, containers(w), images(w)]; },
  },
  daemonsets: {
    columns: [col('Name', 0, 'string', 'name'), col('Desired', 0, 'integer'), col('Current', 0, 'integer'), col('Ready', 0, 'integer'), col('Up-to-date', 0, 'integer'), col('Available', 0, 'integer'), col('Node Selector'), col('Age'), ...wideCols],
    row: (o, age) => {
      const w = o as Workload;
      const ns = Object.entries(w.spec.template.spec.nodeSelector ?? {}).map(([k, v]) => `${k}=${v}`).join(',') || '<none>';
      return [o.metadata.name, num(o, 'desiredNumberScheduled'), num(o, 'currentNumberScheduled'), num(o, 'numberReady'), num(o, 'updatedNumberScheduled'), num(o, 'numberAvailable'), ns, age, containers(w), images(w), selector(w)];
    },
  },
  namespaces: {
    columns: [col('Name', 0, 'string', 'name'), col('Status'), col('Age')],
    row: (o, age) => [o.metadata.name, String((o.status as { phase?: string } | undefined)?.phase ?? 'Active'), age],
  },
  configmaps: {
    columns: [col('Name', 0, 'string', 'name'), col('Data', 0, 'integer'), col('Age')],
    row: (o, age) => [o.metadata.name, Object.keys((o['data'] as object | undefined) ?? {}).length + Object.keys((o['binaryData'] as object | undefined) ?? {}).length, age],
  },
  secrets: {
    columns: [col('Name', 0, 'string', 'name'), col('Type'), col('Data', 0, 'integer'), col('Age')],
    row: (o, age) => [o.metadata.name, String(o['type'] ?? 'Opaque'), Object.keys((o['data'] as object | undefined) ?? {}).length, age],
  },
  services: {
    columns: [col('Name', 0, 'string', 'name'), col('Type'), col('Cluster-IP'), col('External-IP'), col('Port(s)'), col('Age'), col('Selector', 1)],
    row: (o, age) => {
      const s = (o.spec ?? {}) as { type?: string; clusterIP?: string; ports?: Array<{ port: number; protocol?: string }>; selector?: Record<string, string> };
      const ports = (s.ports ?? []).map((p) => `${p.port}/${p.protocol ?? 'TCP'}`).join(',') || '<none>';
      return [o.metadata.name, s.type ?? 'ClusterIP', s.clusterIP ?? '<none>', '<none>', ports, age, Object.entries(s.selector ?? {}).map(([k, v]) => `${k}=${v}`).join(',') || '<none>'];
    },
  },
  leases: {
    columns: [col('Name', 0, 'string', 'name'), col('Holder'), col('Age')],
    row: (o, age) => [o.metadata.name, String((o.spec as { holderIdentity?: string } | undefined)?.holderIdentity ?? ''), age],
  },
};
