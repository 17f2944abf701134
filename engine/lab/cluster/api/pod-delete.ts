// Deleting a pod gracefully: the API server sets deletionTimestamp and deletionGracePeriodSeconds;
// the simulated kubelet removes it after the grace period (at once for unscheduled pods or grace 0).
import type { ControllerContext } from '../controllers/context.js';
import { isoSeconds } from '../podutil.js';
import type { Pod } from '../types.js';

export function deletePod(ctx: ControllerContext, pod: Pod, gracePeriodSeconds?: number): Pod | undefined {
  const { store } = ctx;
  const grace = gracePeriodSeconds ?? pod.spec.terminationGracePeriodSeconds ?? 30;
  if (!pod.spec.nodeName || grace <= 0 || pod.status.phase === 'Succeeded' || pod.status.phase === 'Failed') {
    store.remove('pods', pod.metadata.namespace, pod.metadata.name);
    ctx.kick();
    return undefined;
  }
  // A second delete may only shorten the grace period, as in the API server.
  const prev = pod.metadata.deletionGracePeriodSeconds;
  if (pod.metadata.deletionTimestamp && prev !== undefined && prev <= grace) return pod;
  const updated = store.update('pods', {
    ...pod,
    metadata: { ...pod.metadata, deletionTimestamp: pod.metadata.deletionTimestamp ?? isoSeconds(ctx.timers.now() + grace * 1000), deletionGracePeriodSeconds: grace },
  });
  ctx.kick();
  return updated;
}
