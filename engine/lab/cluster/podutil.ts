// Small facts about pods and nodes that controllers, the scheduler, eviction and tables share.
import type { Node, Pod, KObject, OwnerReference } from './types.js';

export function isPodReady(p: Pod): boolean {
  return p.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') ?? false;
}

export function isTerminal(p: Pod): boolean {
  return p.status?.phase === 'Succeeded' || p.status?.phase === 'Failed';
}

export function isDeleting(o: KObject): boolean {
  return o.metadata.deletionTimestamp !== undefined;
}

export function isNodeReady(n: Node): boolean {
  return n.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') ?? false;
}

export function controllerOf(o: KObject): OwnerReference | undefined {
  return o.metadata.ownerReferences?.find((r) => r.controller);
}

export function isMirrorPod(p: Pod): boolean {
  return p.metadata.annotations?.['kubernetes.io/config.mirror'] !== undefined;
}

/** ISO timestamp without milliseconds, as the API server writes them. */
export function isoSeconds(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d+Z$/, 'Z');
}
