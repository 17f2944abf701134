// The Kubernetes port: what actions need from the cluster API. Implemented by
// adapters/kube-client-node.ts (the only file importing @kubernetes/client-node) and by fakes in
// test/. Owned by the Kubernetes-actions work; extend it as actions need.

export interface KubeClient {
  /** Server version (gitVersion, e.g. "v1.30.4"). */
  serverVersion(signal?: AbortSignal): Promise<string>;
}
