// The lab's internal contract between its two halves:
//   cluster/  — the object store, HTTPS API server, controllers and scheduler (what kubectl sees)
//   nodes/    — one SSH server per node and the shims (apt-get, kubeadm, kubelet, systemctl,
//               etcdctl, …) that change the simulated node and cluster like the real tools
// and the orchestrator (index.ts: startLab, cli.ts: `runbook lab up|down|status`).
// Nothing outside engine/lab/ imports this file except cli/ (startLab, labCommand).

export type NodeRole = 'control-plane' | 'worker' | 'gpu';

export interface LabNodeSpec {
  name: string;
  role: NodeRole;
  /** cpu cores, memory GiB, GPUs (nvidia.com/gpu) allocatable. */
  cpu: number;
  memoryGi: number;
  gpus: number;
}

export interface LabNodeView {
  name: string;
  role: NodeRole;
  /** As the Node object reports it, e.g. "v1.30.4". */
  kubeletVersion: string;
  ready: boolean;
  unschedulable: boolean;
}

/** Faults the lab can inject; set from `lab up` flags or the control endpoint. */
export interface LabFaults {
  /** Nodes whose kubelet never turns Ready after a restart. */
  neverReady: string[];
  /** Answer this many API requests with 500/503 (bursts), counting down. */
  api5xx: number;
  /** PDBs (namespace/name) that never allow a disruption. */
  pdbBlocked: string[];
  /** Drop the SSH connection while a command matching this substring runs: { node or '*': substring }. */
  sshDrop: Record<string, string>;
  /** Nodes whose etcd snapshot directory is full (snapshot save fails with ENOSPC). */
  diskFull: string[];
  /**
   * Nodes whose kube-proxy pod goes into CrashLoopBackOff when their kubelet comes back from a
   * restart (a kube-proxy that cannot start at the new version); a later restart without the
   * fault brings it back.
   */
  crashLoop: string[];
  /**
   * Calls a stale client keeps making to deprecated APIs, as GROUP/VERSION/RESOURCE@REMOVED_IN
   * (e.g. flowcontrol.apiserver.k8s.io/v1beta3/flowschemas@1.32): the API server's /metrics
   * reports each as apiserver_requested_deprecated_apis, as a real one does once called.
   */
  deprecatedCalls: string[];
}

/** What the node shims may do to the cluster (implemented by cluster/). */
export interface LabClusterControl {
  /** The API server's reported version, e.g. "v1.30.4". */
  serverVersion(): string;
  /** `kubeadm upgrade apply`: the control plane now runs v. */
  setServerVersion(v: string): void;
  nodes(): LabNodeView[];
  /**
   * `systemctl restart kubelet`: the node goes NotReady now and turns Ready reporting
   * kubeletVersion after the restart delay (scaled by the time scale) — or never, under the
   * neverReady fault.
   */
  restartKubelet(node: string, kubeletVersion: string): void;
  /** etcd snapshot: the whole object store, serialised. */
  snapshot(): string;
  /** etcd snapshot restore: replace the object store (resourceVersions move forward). */
  restore(data: string): void;
  faults: LabFaults;
}

/** Records a test (or `lab status --json`) reads after a run. */
export interface LabRecords {
  commands: Array<{ ts: number; node: string; command: string; exitCode: number | null }>;
  apiWrites: Array<{ ts: number; method: string; path: string; status: number }>;
  /** Per PDB-protected workload (namespace/name of the PDB). */
  availability: Record<string, { minAvailable: number; minHealthy: number; momentsBelow: number }>;
  /** Node out-of-service intervals (cordoned or NotReady), for "one node at a time" checks. */
  nodeEvents: Array<{ ts: number; node: string; event: 'cordon' | 'uncordon' | 'notready' | 'ready'; version?: string }>;
  /**
   * Every wait the lab imposed on a client, as an interval (ms since epoch): what a perfect
   * engine would still have to sit through. The engine-overhead benchmark (bench/README.md,
   * "Engine overhead") takes the union of those inside a run as its lower bound. Optional: labs
   * from before this field had none.
   */
  waits?: LabWait[];
}

/**
 * One wait the lab imposed:
 * - kubelet-restart: `systemctl restart kubelet` made the node NotReady → it reported Ready again;
 * - tool: a shim's simulated duration (kubeadm upgrade apply/node, etcdctl snapshot save, …);
 * - pod-termination: an eviction was accepted → the pod was gone (its stop time, at most its grace);
 * - pdb-block: the first eviction a PDB refused (429) → that PDB allowed a disruption again
 *   (the replacement pod Ready), while no earlier block of the same PDB is open;
 * - pod-run: a client created a one-off pod (restartPolicy Never/OnFailure) → it finished
 *   (Succeeded/Failed) or was deleted: start delay plus run time, what `run_pod` waits for.
 * - pod-start: any pod was created → it was Ready (or finished, or gone). Not a wait by itself:
 *   a client waits for it only through a PDB block or a readiness check of its own, so the
 *   benchmark counts it only inside a `pods` step that returned that pod (bench/README.md).
 */
export interface LabWait {
  kind: 'kubelet-restart' | 'tool' | 'pod-termination' | 'pdb-block' | 'pod-run' | 'pod-start';
  /** ms since epoch. */
  start: number;
  /** ms since epoch; unset while the wait is still open (a node that never turns Ready). */
  end?: number;
  node?: string;
  /** namespace/name of the pod (pod-termination, pod-run). */
  pod?: string;
  /** namespace/name of the PodDisruptionBudget (pdb-block). */
  pdb?: string;
  /** tool: the command that slept, e.g. "kubeadm upgrade apply v1.31.14 -y". */
  what?: string;
}

export interface LabOptions {
  /** Directory for kubeconfig, inventory.yaml, known_hosts, the SSH key and state.json. */
  dir: string;
  /** Starting Kubernetes version, default "1.30.4". */
  version?: string;
  topology?: { controlPlanes: number; workers: number; gpus: number };
  /** Multiplier on every simulated delay (restart, pod start, grace). 1 = default lab speed. */
  timeScale?: number;
  faults?: Partial<LabFaults>;
}

/** A running lab, in this process. */
export interface LabHandle {
  dir: string;
  kubeconfig: string;
  inventory: string;
  knownHosts: string;
  /** Base URL of the control endpoint (faults, records), e.g. http://127.0.0.1:PORT. */
  controlUrl: string;
  records(): LabRecords;
  stop(): Promise<void>;
}
