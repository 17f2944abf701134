// The lab's entry point for the rest of the engine: startLab() runs a simulated kubeadm cluster
// (HTTPS API + one SSH server per node) in this process until stop().
import { createCluster } from './cluster/index.js';
import type { LabHandle, LabOptions } from './contract.js';
import { startLabWith, type RunningLab } from './lab.js';

export type { RunningLab };

export async function startLab(opts: LabOptions): Promise<LabHandle> {
  return startLabWith(opts, createCluster);
}

/** startLab with the extras `runbook lab` and the tests use (token, nodes, control). */
export async function startRunningLab(opts: LabOptions): Promise<RunningLab> {
  return startLabWith(opts, createCluster);
}
