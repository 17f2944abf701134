// The @kubernetes/client-node adapter — placeholder signature until the Kubernetes work lands (issue 5).
import type { KubeAccess } from '../../model/inventory.js';
import type { KubeClient } from '../../ports/kube.js';

export async function createKubeClient(_access: KubeAccess): Promise<KubeClient> {
  throw new Error('runbook: the Kubernetes client is not built yet (issue 5)');
}
