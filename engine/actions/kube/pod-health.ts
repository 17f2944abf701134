// Pod health classification, pure: which pods are in a bad state and why (not Running/Succeeded,
// crash-looping or failing to pull, not Ready past a grace period).
import type { PodInfo } from '../../ports/kube.js';

export type Expectation = 'healthy' | 'running' | 'any';

/** Waiting/terminated reasons that mean the pod will not get better by itself. */
export const BAD_REASONS = new Set(['CrashLoopBackOff', 'ImagePullBackOff', 'ErrImagePull', 'InvalidImageName', 'CreateContainerConfigError', 'CreateContainerError', 'RunContainerError', 'Error', 'OOMKilled', 'ContainerCannotRun']);

/** Why the pod is bad, or undefined when it is fine for the expectation. now and graceMs in ms. */
export function podProblem(p: PodInfo, expect: Expectation, now: number, graceMs: number): string | undefined {
  if (expect === 'any') return undefined;
  if (p.phase === 'Succeeded') return undefined;
  for (const c of p.containers) {
    const reason = c.waitingReason && BAD_REASONS.has(c.waitingReason) ? c.waitingReason : undefined;
    if (reason) return `container ${c.name} ${reason}${c.restartCount ? ` (${c.restartCount} restarts)` : ''}`;
  }
  const age = p.createdAt === undefined ? Infinity : now - p.createdAt;
  if (p.phase === 'Pending') return age > graceMs ? `Pending for ${Math.round(age / 1000)}s` : undefined;
  if (p.phase !== 'Running') return `phase ${p.phase}`;
  if (expect === 'running') return undefined;
  if (!p.ready) {
    const since = p.readyChangedAt ?? p.createdAt;
    const notReadyFor = since === undefined ? Infinity : now - since;
    if (notReadyFor > graceMs) return `not Ready${Number.isFinite(notReadyFor) ? ` for ${Math.round(notReadyFor / 1000)}s` : ''}`;
  }
  return undefined;
}

export function podSummary(p: PodInfo) {
  return {
    name: p.name,
    namespace: p.namespace,
    node: p.nodeName ?? null,
    phase: p.phase,
    ready: p.ready,
    restarts: p.containers.reduce((n, c) => n + c.restartCount, 0),
  };
}
