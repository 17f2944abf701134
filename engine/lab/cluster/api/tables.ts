// Server-side printing (`Accept: application/json;as=Table;v=v1;g=meta.k8s.io`): the columns
// kube-apiserver prints for nodes, pods and PDBs, and Name/Age for everything else.
import type { KObject, Node, Pod, PodDisruptionBudget } from '../types.js';
import { isNodeReady } from '../podutil.js';

import { col, MORE_PRINTERS, type Column } from './tables-more.js';

/** Like k8s.io/apimachinery duration.HumanDuration. */
export function humanAge(ms: number): string {
  const s = Math.max(0, Math.floor(ms / 1000));
  const m = Math.floor(s / 60), h = Math.floor(s / 3600), d = Math.floor(s / 86400), y = Math.floor(d / 365);
  if (s < 120) return `${s}s`;
  if (m < 10) return s % 60 === 0 ? `${m}m` : `${m}m${s % 60}s`;
  if (m < 180) return `${m}m`;
  if (h < 8) return m % 60 === 0 ? `${h}h` : `${h}h${m % 60}m`;
  if (h < 48) return `${h}h`;
  if (h < 192) return h % 24 === 0 ? `${d}d` : `${d}d${h % 24}h`;
  if (y < 2) return `${d}d`;
  if (y < 8) return d % 365 === 0 ? `${y}y` : `${y}y${d % 365}d`;
  return `${y}y`;
}

function age(o: KObject, now: number): string {
  return o.metadata.creationTimestamp ? humanAge(now - Date.parse(o.metadata.creationTimestamp)) : '<unknown>';
}

function nodeRow(n: Node, now: number): unknown[] {
  const status = [isNodeReady(n) ? 'Ready' : n.status.conditions.some((c) => c.type === 'Ready') ? 'NotReady' : 'Unknown'];
  if (n.spec.unschedulable) status.push('SchedulingDisabled');
  const roles = Object.keys(n.metadata.labels ?? {}).filter((k) => k.startsWith('node-role.kubernetes.io/')).map((k) => k.slice('node-role.kubernetes.io/'.length)).sort();
  const addr = (t: string) => n.status.addresses.find((a) => a.type === t)?.address ?? '<none>';
  const info = n.status.nodeInfo;
  return [n.metadata.name, status.join(','), roles.length ? roles.join(',') : '<none>', age(n, now), info.kubeletVersion, addr('InternalIP'), addr('ExternalIP'), info.osImage, info.kernelVersion, info.containerRuntimeVersion];
}

function podStatusText(p: Pod): string {
  if (p.metadata.deletionTimestamp) return 'Terminating';
  if (p.status.phase === 'Succeeded') return 'Completed';
  if (p.status.phase === 'Failed') return 'Error';
  if (p.status.phase === 'Pending') return p.spec.nodeName ? 'ContainerCreating' : 'Pending';
  return p.status.phase;
}

function podRow(p: Pod, now: number): unknown[] {
  const cs = p.status.containerStatuses ?? [];
  const ready = cs.filter((c) => c['ready'] === true).length;
  const restarts = cs.reduce((s, c) => s + Number(c['restartCount'] ?? 0), 0);
  return [p.metadata.name, `${ready}/${p.spec.containers.length}`, podStatusText(p), restarts, age(p, now), p.status.podIP ?? '<none>', p.spec.nodeName ?? '<none>', '<none>', '<none>'];
}

function pdbRow(b: PodDisruptionBudget, now: number): unknown[] {
  return [b.metadata.name, b.spec.minAvailable !== undefined ? String(b.spec.minAvailable) : 'N/A', b.spec.maxUnavailable !== undefined ? String(b.spec.maxUnavailable) : 'N/A', b.status?.disruptionsAllowed ?? 0, age(b, now)];
}

const TABLES: Record<string, { columns: Column[]; row: (o: KObject, now: number) => unknown[] }> = {
  nodes: {
    columns: [col('Name', 0, 'string', 'name'), col('Status'), col('Roles'), col('Age'), col('Version'), col('Internal-IP', 1), col('External-IP', 1), col('OS-Image', 1), col('Kernel-Version', 1), col('Container-Runtime', 1)],
    row: (o, now) => nodeRow(o as Node, now),
  },
  pods: {
    columns: [col('Name', 0, 'string', 'name'), col('Ready'), col('Status'), col('Restarts', 0, 'string'), col('Age'), col('IP', 1), col('Node', 1), col('Nominated Node', 1), col('Readiness Gates', 1)],
    row: (o, now) => podRow(o as Pod, now),
  },
  poddisruptionbudgets: {
    columns: [col('Name', 0, 'string', 'name'), col('Min Available'), col('Max Unavailable'), col('Allowed Disruptions', 0, 'integer'), col('Age')],
    row: (o, now) => pdbRow(o as PodDisruptionBudget, now),
  },
};

/** A meta.k8s.io/v1 Table for these objects; includeObject None|Metadata|Object as the query asks. */
export function toTable(resource: string, objects: KObject[], now: number, resourceVersion: string, includeObject = 'Metadata'): Record<string, unknown> {
  const more = MORE_PRINTERS[resource];
  const t = TABLES[resource] ?? (more ? { columns: more.columns, row: (o: KObject) => more.row(o, age(o, now)) } : { columns: [col('Name', 0, 'string', 'name'), col('Age')], row: (o: KObject) => [o.metadata.name, age(o, now)] });
  return {
    kind: 'Table',
    apiVersion: 'meta.k8s.io/v1',
    metadata: { resourceVersion },
    columnDefinitions: t.columns,
    rows: objects.map((o) => ({
      cells: t.row(o, now),
      object: includeObject === 'Object' ? o : includeObject === 'None' ? undefined : { kind: 'PartialObjectMetadata', apiVersion: 'meta.k8s.io/v1', metadata: o.metadata },
    })),
  };
}
