// The Kubernetes port: what actions need from the cluster API, in domain terms with plain object
// types (no client-node types leak out). Implemented by adapters/kube/ (the only place importing
// @kubernetes/client-node) and by fakes in test/kube/. Owned by the Kubernetes-actions work.
// Every method takes an AbortSignal; failures after the adapter's bounded retries reject with
// model/errors.ts KubeError (status, reason, a message naming the verb and object).

/** CPU in millicores, memory in bytes, nvidia.com/gpu as a count. */
export interface Resources {
  cpuMilli: number;
  memoryBytes: number;
  gpus: number;
}

export interface OwnerRef {
  apiVersion: string;
  kind: string;
  name: string;
  uid?: string;
  controller?: boolean;
}

export interface LabelSelectorRequirement {
  key: string;
  operator: 'In' | 'NotIn' | 'Exists' | 'DoesNotExist';
  values?: string[];
}

/** metav1.LabelSelector. An empty selector ({}) matches everything; null matches nothing. */
export interface LabelSelector {
  matchLabels?: Record<string, string>;
  matchExpressions?: LabelSelectorRequirement[];
}

export interface Taint {
  key: string;
  value?: string;
  effect: 'NoSchedule' | 'PreferNoSchedule' | 'NoExecute' | string;
}

export interface Toleration {
  key?: string;
  operator?: 'Exists' | 'Equal';
  value?: string;
  effect?: string;
}

export interface ContainerState {
  name: string;
  ready: boolean;
  restartCount: number;
  /** state.waiting.reason, e.g. CrashLoopBackOff, ImagePullBackOff. */
  waitingReason?: string;
  /** state.terminated.reason, e.g. Error, Completed. */
  terminatedReason?: string;
}

export interface PodInfo {
  name: string;
  namespace: string;
  uid: string;
  nodeName?: string;
  /** Pending | Running | Succeeded | Failed | Unknown. */
  phase: string;
  labels: Record<string, string>;
  annotations: Record<string, string>;
  owners: OwnerRef[];
  /** metadata.deletionTimestamp is set. */
  deleting: boolean;
  /** metadata.deletionTimestamp in ms since epoch, when set. */
  deletionTimestamp?: number;
  /** Names of emptyDir volumes. */
  emptyDirVolumes: string[];
  /** The Ready condition is True. */
  ready: boolean;
  /** When the Ready condition last changed (ms since epoch), if known. */
  readyChangedAt?: number;
  /** metadata.creationTimestamp in ms since epoch, if known. */
  createdAt?: number;
  containers: ContainerState[];
  /** Sum of container requests (init containers: the max, as the scheduler counts them). */
  requests: Resources;
  nodeSelector: Record<string, string>;
  tolerations: Toleration[];
  /** Images of containers and init containers. */
  images: string[];
  terminationGracePeriodSeconds?: number;
}

export interface NodeInfo {
  name: string;
  uid: string;
  labels: Record<string, string>;
  unschedulable: boolean;
  /** metadata.annotations (runbook's cordon mark lives there). */
  annotations?: Record<string, string>;
  ready: boolean;
  /** Reason/message of the Ready condition, for "last seen" messages. */
  readyReason?: string;
  kubeletVersion: string;
  allocatable: Resources;
  taints: Taint[];
}

/** An int or a percentage string ("50%"). */
export type IntOrPercent = number | string;

export interface PdbInfo {
  name: string;
  namespace: string;
  /** null: the PDB selects nothing (policy/v1 semantics for a missing selector). */
  selector: LabelSelector | null;
  minAvailable?: IntOrPercent;
  maxUnavailable?: IntOrPercent;
  generation?: number;
  status: {
    currentHealthy: number;
    desiredHealthy: number;
    expectedPods: number;
    disruptionsAllowed: number;
    observedGeneration?: number;
  };
}

/** What one eviction request did. Other failures (403, 409, 500, …) reject with KubeError. */
export type EvictOutcome =
  | { status: 'evicted'; message: string }
  /** 404: the pod is already gone. */
  | { status: 'gone'; message: string }
  /** 429: a PodDisruptionBudget forbids it now (pdb parsed from the cause when the server names it);
   *  403 NamespaceTerminating: the namespace controller will delete the pod. Both: ask again later. */
  | { status: 'blocked'; message: string; pdb?: string; reason?: 'DisruptionBudget' | 'NamespaceTerminating' };

export interface ApiResource {
  /** '' for the core group. */
  group: string;
  version: string;
  /** Resource name in URLs, e.g. "deployments". */
  plural: string;
  kind: string;
  namespaced: boolean;
  verbs: string[];
}

/** A Kubernetes object as JSON (apiVersion, kind, metadata, …). */
export type KubeObject = Record<string, unknown> & {
  apiVersion?: string;
  kind?: string;
  metadata?: { name?: string; namespace?: string; [k: string]: unknown };
};

export interface SecretInfo {
  name: string;
  namespace: string;
  labels: Record<string, string>;
  type?: string;
  /** Values as the API returns them (base64). */
  data: Record<string, string>;
}

export interface LeaseInfo {
  name: string;
  namespace: string;
  holderIdentity?: string;
  leaseDurationSeconds?: number;
  /** ms since epoch. */
  acquireTime?: number;
  renewTime?: number;
  leaseTransitions?: number;
  /** For optimistic concurrency: updates with a stale one fail with 409. */
  resourceVersion?: string;
}

export interface ListPodsOptions {
  namespace?: string;
  /** fieldSelector spec.nodeName=… */
  node?: string;
  labelSelector?: string;
}

/** One event of a watch (the API's watch.Event). */
export interface WatchEvent {
  type: 'ADDED' | 'MODIFIED' | 'DELETED' | 'BOOKMARK' | 'ERROR';
  /** The object as JSON (for ERROR: a Status). */
  object: KubeObject;
}

/** A collection to watch, addressed like listResource, plus selectors. */
export interface WatchTarget {
  /** '' for the core group. */
  group: string;
  version: string;
  plural: string;
  namespace?: string;
  /** e.g. "metadata.name=worker-1", "spec.nodeName=worker-1". */
  fieldSelector?: string;
  labelSelector?: string;
  /** The server ends the stream after this many seconds (default 300); callers start a new one. */
  timeoutSeconds?: number;
}

export interface KubeClient {
  /** Server version (gitVersion, e.g. "v1.30.4"). */
  serverVersion(signal?: AbortSignal): Promise<string>;
  /** Who we talk as (kubeconfig user), for messages and the lock holder. */
  readonly userName: string;

  getNode(name: string, signal?: AbortSignal): Promise<NodeInfo | undefined>;
  listNodes(signal?: AbortSignal): Promise<NodeInfo[]>;
  /**
   * Strategic-merge patch `{"spec":{"unschedulable":true|null}}`; with `annotations`, those are
   * set (a string) or removed (null) in the same patch, so the mark and the cordon never part.
   */
  patchNodeUnschedulable(name: string, unschedulable: boolean, signal?: AbortSignal, annotations?: Record<string, string | null>): Promise<NodeInfo>;

  listPods(opts: ListPodsOptions, signal?: AbortSignal): Promise<PodInfo[]>;
  getPod(namespace: string, name: string, signal?: AbortSignal): Promise<PodInfo | undefined>;
  /** Create a pod from a manifest (JSON object). */
  createPod(namespace: string, manifest: KubeObject, signal?: AbortSignal): Promise<PodInfo>;
  /** DELETE; 'gone' when it was not there. */
  deletePod(namespace: string, name: string, opts: { gracePeriodSeconds?: number }, signal?: AbortSignal): Promise<'deleted' | 'gone'>;
  /** POST pods/NAME/eviction (policy/v1); gracePeriodSeconds unset = the pod's own. */
  evictPod(namespace: string, name: string, opts: { gracePeriodSeconds?: number }, signal?: AbortSignal): Promise<EvictOutcome>;
  /** Discovery: does /api/v1 list the pods/eviction subresource? */
  supportsEviction(signal?: AbortSignal): Promise<boolean>;
  readPodLog(namespace: string, name: string, opts: { container?: string }, signal?: AbortSignal): Promise<string>;

  listPdbs(namespace: string | undefined, signal?: AbortSignal): Promise<PdbInfo[]>;
  /** apps/v1 DaemonSet, undefined when it does not exist. */
  getDaemonSet(namespace: string, name: string, signal?: AbortSignal): Promise<KubeObject | undefined>;

  /**
   * GET /metrics (the API server's Prometheus text), with its status: 401/403/404 when this
   * identity may not read it or the server does not serve it. Optional: older clients lack it.
   */
  getMetrics?(signal?: AbortSignal): Promise<{ status: number; text: string }>;
  /** Every served resource (core + every group's preferred and other versions). */
  discoverResources(signal?: AbortSignal): Promise<ApiResource[]>;
  /** List any resource as JSON objects. */
  listResource(r: { group: string; version: string; plural: string; namespace?: string; labelSelector?: string }, signal?: AbortSignal): Promise<KubeObject[]>;
  listSecrets(opts: { namespace?: string; labelSelector?: string }, signal?: AbortSignal): Promise<SecretInfo[]>;

  /** Generic objects by apiVersion/kind (resolved through discovery). undefined when absent. */
  getObject(ref: { apiVersion: string; kind: string; name: string; namespace?: string }, signal?: AbortSignal): Promise<KubeObject | undefined>;
  createObject(obj: KubeObject, signal?: AbortSignal): Promise<KubeObject>;
  /** PUT; obj.metadata.resourceVersion should be set from a prior read. */
  replaceObject(obj: KubeObject, signal?: AbortSignal): Promise<KubeObject>;
  deleteObject(ref: { apiVersion: string; kind: string; name: string; namespace?: string }, signal?: AbortSignal): Promise<'deleted' | 'gone'>;

  getLease(namespace: string, name: string, signal?: AbortSignal): Promise<LeaseInfo | undefined>;
  /** Create; rejects with KubeError 409 when it already exists. */
  createLease(lease: LeaseInfo, signal?: AbortSignal): Promise<LeaseInfo>;
  /** Replace (needs resourceVersion); rejects with KubeError 409 on a conflicting update. */
  updateLease(lease: LeaseInfo, signal?: AbortSignal): Promise<LeaseInfo>;
  deleteLease(namespace: string, name: string, signal?: AbortSignal): Promise<'deleted' | 'gone'>;

  /**
   * Watch a collection from now on: the server first sends ADDED for every current object, then
   * each change. Resolves when the stream ends (the server's timeout, a dropped connection, the
   * signal); rejects with KubeError when the server refuses the watch. No retries: callers start a
   * new watch. Optional — without it, waits poll at their interval (actions/kube/watch.ts).
   */
  watch?(target: WatchTarget, onEvent: (e: WatchEvent) => void, signal: AbortSignal): Promise<void>;

  /** Release connections (keep-alive sockets). */
  close?(): void;
}
