// The @kubernetes/client-node adapter: createKubeClient(access) → a KubeClient (ports/kube.ts).
// This folder is the only place that imports @kubernetes/client-node (used for kubeconfig loading,
// contexts and auth plugins); requests go through one keep-alive agent (http.ts).
import type { KubeAccess } from '../../model/inventory.js';
import type { KubeClient } from '../../ports/kube.js';
import { RestKubeClient } from './client.js';
import { loadKubeConfig } from './config.js';
import { KubeHttp } from './http.js';

export { kubeconfigFiles } from './config.js';

export async function createKubeClient(access: KubeAccess): Promise<KubeClient> {
  const cfg = await loadKubeConfig(access);
  return new RestKubeClient(new KubeHttp(cfg), cfg.userName);
}
