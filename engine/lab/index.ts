// The lab's entry point for the rest of the engine: startLab() runs a simulated kubeadm cluster
// (HTTPS API + one SSH server per node) in this process until stop().
import type { LabHandle, LabOptions } from './contract.js';
import { startLabWith, type CreateCluster, type RunningLab } from './lab.js';

export type { RunningLab };

/** The real cluster half, loaded on first use. */
async function realCluster(): Promise<CreateCluster> {
  // A computed specifier: the cluster half is built in parallel and may not exist in this checkout yet.
  const spec = './cluster/index.js';
  const mod = (await import(spec)) as { createCluster?: CreateCluster };
  if (!mod.createCluster) throw new Error('lab: engine/lab/cluster/index.js exports no createCluster — this is a bug');
  return mod.createCluster;
}

export async function startLab(opts: LabOptions): Promise<LabHandle> {
  return startLabWith(opts, await realCluster());
}

/** startLab with the extras `runbook lab` and the tests use (token, nodes, control). */
export async function startRunningLab(opts: LabOptions): Promise<RunningLab> {
  return startLabWith(opts, await realCluster());
}
