// The pods/eviction subresource, with kube-apiserver's semantics: 404 for a missing pod, direct
// deletion for pods a PDB cannot protect, 500 for several PDBs, 429 while a budget forbids, and
// otherwise spend one disruption, record it in status.disruptedPods and delete the pod.
import type { ControllerContext } from '../controllers/context.js';
import { computePdb, matchingPods } from '../controllers/disruption.js';
import { isDeleting, isPodReady, isoSeconds } from '../podutil.js';
import type { Pod, PodDisruptionBudget } from '../types.js';
import { deletePod } from './pod-delete.js';
import { ApiError, notFound, successStatus, type StatusBody } from './status.js';

export interface EvictionBody { deleteOptions?: { gracePeriodSeconds?: number } }

const TOO_MANY = "Cannot evict pod as it would violate the pod's disruption budget.";

export function evict(ctx: ControllerContext, namespace: string, name: string, body: EvictionBody): StatusBody {
  const { store } = ctx;
  const pod = store.get<Pod>('pods', namespace, name);
  if (!pod) throw notFound('pods', name, '', 'pods');
  const grace = body.deleteOptions?.gracePeriodSeconds;
  const del = () => {
    ctx.waits?.evicted(pod);
    deletePod(ctx, pod, grace);
    return successStatus(201);
  };
  // A PDB cannot protect pods that are not running (or already going).
  if (pod.status.phase === 'Succeeded' || pod.status.phase === 'Failed' || pod.status.phase === 'Pending' || isDeleting(pod)) return del();
  const pods = store.peek<Pod>('pods');
  const pdbs = store.peek<PodDisruptionBudget>('poddisruptionbudgets', namespace).filter((b) => matchingPods(b, [pod]).length > 0);
  if (pdbs.length === 0) return del();
  if (pdbs.length > 1) throw new ApiError(500, 'InternalError', 'This pod has more than one PodDisruptionBudget, which the eviction subresource does not support.');
  const pdb = pdbs[0]!;
  const status = pdb.status;
  if (!status || (status.observedGeneration ?? 0) < (pdb.metadata.generation ?? 1)) {
    ctx.waits?.pdbRefused(pdb);
    throw new ApiError(429, 'TooManyRequests', TOO_MANY, { causes: [{ reason: 'DisruptionBudget', message: `The disruption budget ${pdb.metadata.name} is still being processed by the server.` }] });
  }
  // Unready pods go without spending a disruption when the budget is healthy (IfHealthyBudget) or always (AlwaysAllow).
  if (!isPodReady(pod)) {
    if (pdb.spec.unhealthyPodEvictionPolicy === 'AlwaysAllow') return del();
    if (status.currentHealthy >= status.desiredHealthy && status.desiredHealthy > 0) return del();
  }
  // Recompute against the live pods so concurrent evictions (kubectl sends them in parallel)
  // cannot both spend the same disruption: status is updated synchronously below.
  const { numbers } = computePdb(ctx, pdb, pods);
  const allowed = Math.min(status.disruptionsAllowed, numbers.disruptionsAllowed);
  if (allowed <= 0) {
    ctx.waits?.pdbRefused(pdb);
    throw new ApiError(429, 'TooManyRequests', TOO_MANY, {
      causes: [{ reason: 'DisruptionBudget', message: `The disruption budget ${pdb.metadata.name} needs ${numbers.desiredHealthy} healthy pods and has ${numbers.currentHealthy} currently` }],
    });
  }
  store.update('poddisruptionbudgets', {
    ...pdb,
    status: { ...status, disruptionsAllowed: status.disruptionsAllowed - 1, disruptedPods: { ...(status.disruptedPods ?? {}), [name]: isoSeconds(ctx.timers.now()) } },
  });
  return del();
}
