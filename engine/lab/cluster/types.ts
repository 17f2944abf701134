// Shapes of the Kubernetes objects the simulated cluster stores and reasons about. Only the fields
// the lab reads are typed; everything else a client sends is kept as it came (index signatures).

export type Json = null | boolean | number | string | Json[] | { [k: string]: Json };
export type JsonObject = { [k: string]: Json };

export interface OwnerReference {
  apiVersion: string;
  kind: string;
  name: string;
  uid: string;
  controller?: boolean;
  blockOwnerDeletion?: boolean;
}

export interface ObjectMeta {
  name: string;
  namespace?: string;
  generateName?: string;
  uid?: string;
  resourceVersion?: string;
  generation?: number;
  creationTimestamp?: string;
  deletionTimestamp?: string;
  deletionGracePeriodSeconds?: number;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  ownerReferences?: OwnerReference[];
  finalizers?: string[];
  [k: string]: unknown;
}

/** Any stored object: what every handler can rely on. */
export interface KObject {
  apiVersion: string;
  kind: string;
  metadata: ObjectMeta;
  spec?: Record<string, unknown>;
  status?: Record<string, unknown>;
  [k: string]: unknown;
}

export interface LabelSelectorRequirement { key: string; operator: 'In' | 'NotIn' | 'Exists' | 'DoesNotExist'; values?: string[] }
export interface LabelSelector { matchLabels?: Record<string, string>; matchExpressions?: LabelSelectorRequirement[] }

export interface Toleration { key?: string; operator?: 'Exists' | 'Equal'; value?: string; effect?: string }
export interface Taint { key: string; value?: string; effect: 'NoSchedule' | 'PreferNoSchedule' | 'NoExecute' }

export interface Container {
  name: string;
  image: string;
  command?: string[];
  args?: string[];
  resources?: { requests?: Record<string, string>; limits?: Record<string, string> };
  [k: string]: unknown;
}

export interface PodSpec {
  nodeName?: string;
  nodeSelector?: Record<string, string>;
  tolerations?: Toleration[];
  containers: Container[];
  volumes?: Array<{ name: string; emptyDir?: unknown; [k: string]: unknown }>;
  restartPolicy?: 'Always' | 'OnFailure' | 'Never';
  terminationGracePeriodSeconds?: number;
  [k: string]: unknown;
}

export interface PodCondition { type: string; status: 'True' | 'False' | 'Unknown'; lastTransitionTime?: string; lastProbeTime?: string | null; reason?: string }

export interface PodStatus {
  phase: 'Pending' | 'Running' | 'Succeeded' | 'Failed' | 'Unknown';
  conditions?: PodCondition[];
  podIP?: string;
  hostIP?: string;
  startTime?: string;
  containerStatuses?: Array<Record<string, unknown>>;
  qosClass?: string;
  [k: string]: unknown;
}

export interface Pod extends KObject { spec: PodSpec & Record<string, unknown>; status: PodStatus & Record<string, unknown> }

export interface NodeCondition { type: string; status: 'True' | 'False' | 'Unknown'; reason: string; message: string; lastHeartbeatTime: string; lastTransitionTime: string }

export interface Node extends KObject {
  spec: { unschedulable?: boolean; taints?: Taint[]; podCIDR?: string; [k: string]: unknown };
  status: {
    conditions: NodeCondition[];
    nodeInfo: { kubeletVersion: string; kubeProxyVersion?: string; containerRuntimeVersion: string; osImage: string; kernelVersion: string; [k: string]: unknown };
    addresses: Array<{ type: string; address: string }>;
    capacity: Record<string, string>;
    allocatable: Record<string, string>;
    [k: string]: unknown;
  };
}

export interface PodTemplate { metadata?: { labels?: Record<string, string>; annotations?: Record<string, string> }; spec: PodSpec }

export interface Workload extends KObject {
  spec: { replicas?: number; selector: LabelSelector; template: PodTemplate; [k: string]: unknown };
  status?: Record<string, unknown>;
}

export interface PodDisruptionBudget extends KObject {
  spec: { minAvailable?: number | string; maxUnavailable?: number | string; selector?: LabelSelector; unhealthyPodEvictionPolicy?: 'IfHealthyBudget' | 'AlwaysAllow'; [k: string]: unknown };
  status?: {
    observedGeneration?: number;
    disruptedPods?: Record<string, string>;
    disruptionsAllowed: number;
    currentHealthy: number;
    desiredHealthy: number;
    expectedPods: number;
    conditions?: Array<Record<string, unknown>>;
    [k: string]: unknown;
  };
}
