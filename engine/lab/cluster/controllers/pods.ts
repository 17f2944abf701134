// Building pods from a controller's template (ReplicaSet, StatefulSet, DaemonSet), the way the
// controllers do: labels and annotations from the template, a controller ownerReference, defaults.
import type { KObject, Pod, PodTemplate } from '../types.js';
import type { ControllerContext } from './context.js';

export function podFromTemplate(owner: KObject, template: PodTemplate, name: string, extra: { nodeName?: string; labels?: Record<string, string> } = {}): Pod {
  const spec = structuredClone(template.spec);
  spec.restartPolicy ??= 'Always';
  spec.terminationGracePeriodSeconds ??= 30;
  spec['schedulerName'] ??= 'default-scheduler';
  spec['dnsPolicy'] ??= 'ClusterFirst';
  spec['serviceAccountName'] ??= 'default';
  if (extra.nodeName) spec.nodeName = extra.nodeName;
  const hasRequests = spec.containers.some((c) => c.resources?.requests && Object.keys(c.resources.requests).length > 0);
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name,
      namespace: owner.metadata.namespace!,
      labels: { ...(template.metadata?.labels ?? {}), ...(extra.labels ?? {}) },
      ...(template.metadata?.annotations ? { annotations: { ...template.metadata.annotations } } : {}),
      ownerReferences: [{ apiVersion: owner.apiVersion, kind: owner.kind, name: owner.metadata.name, uid: owner.metadata.uid!, controller: true, blockOwnerDeletion: true }],
    },
    spec,
    status: { phase: 'Pending', qosClass: hasRequests ? 'Burstable' : 'BestEffort' },
  };
}

/** Create a pod in the store (stamps uid/resourceVersion) and ask for a scheduling pass. */
export function createPod(ctx: ControllerContext, pod: Pod): Pod {
  const created = ctx.store.create('pods', pod);
  ctx.kick();
  return created;
}
