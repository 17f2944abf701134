// The lab orchestrator: starts the cluster (cluster/) and the nodes (nodes/) on 127.0.0.1, wires
// the control endpoint between them, writes the lab directory, and stops it all again.
import { randomBytes } from 'node:crypto';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { LabClusterControl, LabFaults, LabHandle, LabNodeSpec, LabOptions, LabRecords, NodeRole } from './contract.js';
import { startControlServer } from './control.js';
import { ed25519KeyPair } from './keys.js';
import { inventoryText, knownHostsText, labPaths, writeAtomic, type LabState } from './files.js';
import { LAB_USER, startNodes, type LabNodes } from './nodes/index.js';

/** What the cluster half hands back (engine/lab/cluster/index.ts createCluster). */
export interface LabCluster {
  control: LabClusterControl;
  listen(): Promise<{ url: string; port: number; caPem: string; token: string }>;
  records(): Partial<LabRecords>;
  kubeconfig(listen: { url: string; port: number; caPem: string; token: string }): string;
  stop(): Promise<void>;
}

export type CreateCluster = (o: { version: string; nodes: LabNodeSpec[]; timeScale: number; faults: LabFaults }) => LabCluster | Promise<LabCluster>;

export const DEFAULT_VERSION = '1.30.4';
/**
 * Every simulated delay (kubelet restart 3 s, vLLM start 20 s, pod stop times, kubeadm) is
 * multiplied by this unless --time-scale says otherwise: at 0.5 a full 1.30 → 1.31 rehearsal
 * stays under a minute, with every wait still on the critical path in its real proportions.
 */
export const DEFAULT_TIME_SCALE = 0.5;
export const DEFAULT_TOPOLOGY = { controlPlanes: 3, workers: 3, gpus: 2 };

/** cp-1..N, worker-1..N, gpu-1..N with capacity enough to drain any one node of the default workloads. */
export function nodeSpecs(t: { controlPlanes: number; workers: number; gpus: number }): LabNodeSpec[] {
  const make = (prefix: string, role: NodeRole, n: number, cpu: number, memoryGi: number, gpus: number): LabNodeSpec[] =>
    Array.from({ length: n }, (_, i) => ({ name: `${prefix}-${i + 1}`, role, cpu, memoryGi, gpus }));
  return [
    ...make('cp', 'control-plane', t.controlPlanes, 4, 16, 0),
    ...make('worker', 'worker', t.workers, 8, 32, 0),
    ...make('gpu', 'gpu', t.gpus, 16, 128, 4),
  ];
}

export function fullFaults(f: Partial<LabFaults> | undefined): LabFaults {
  return { neverReady: [], api5xx: 0, pdbBlocked: [], sshDrop: {}, diskFull: [], crashLoop: [], deprecatedCalls: [], ...f };
}

/** A running lab with the extras the CLI and tests use beyond the shared LabHandle. */
export interface RunningLab extends LabHandle {
  token: string;
  identityFile: string;
  apiUrl: string;
  nodes: LabState['nodes'];
  control: LabClusterControl;
  nodesHalf: LabNodes;
  /** state.json as written. */
  state: LabState;
}

export async function startLabWith(opts: LabOptions, createCluster: CreateCluster): Promise<RunningLab> {
  const dir = resolve(opts.dir);
  const version = (opts.version ?? DEFAULT_VERSION).replace(/^v/, '');
  const topology = opts.topology ?? DEFAULT_TOPOLOGY;
  const timeScale = opts.timeScale ?? DEFAULT_TIME_SCALE;
  if (!(timeScale >= 0)) throw new Error(`lab: time scale must be a number ≥ 0 (got ${opts.timeScale})`);
  const specs = nodeSpecs(topology);
  if (specs.filter((s) => s.role === 'control-plane').length < 1) throw new Error('lab: the topology needs at least one control-plane node');
  mkdirSync(dir, { recursive: true });
  const paths = labPaths(dir);
  const faults = fullFaults(opts.faults);
  const token = randomBytes(24).toString('hex');
  const clientKey = ed25519KeyPair('runbook-lab');
  rmSync(paths.identityFile, { force: true }); // so the mode below applies to a new file
  writeFileSync(paths.identityFile, clientKey.private, { mode: 0o600 });
  writeFileSync(`${paths.identityFile}.pub`, `${clientKey.public.trim()}\n`, { mode: 0o644 });

  const stops: Array<() => Promise<void>> = [];
  const stopAll = async (): Promise<void> => {
    for (const s of stops.reverse()) await s().catch(() => undefined);
    stops.length = 0;
  };
  try {
    const control = await startControlServer(token);
    stops.push(() => control.stop());
    const cluster = await createCluster({ version, nodes: specs, timeScale, faults });
    stops.push(() => cluster.stop());
    const listen = await cluster.listen();
    const kubeconfig = cluster.kubeconfig(listen);
    writeAtomic(paths.kubeconfig, kubeconfig);
    const nodes = await startNodes({
      dir, specs, version, control: cluster.control, timeScale, clientPublicKey: clientKey.public,
      controlUrl: control.url, token, kubeconfigPath: paths.kubeconfig, kubeconfig, caPem: listen.caPem,
    });
    stops.push(() => nodes.stop());
    const records = (): LabRecords => {
      const c = cluster.records();
      return {
        commands: [...nodes.commands, ...(c.commands ?? [])].sort((a, b) => a.ts - b.ts),
        apiWrites: c.apiWrites ?? [],
        availability: c.availability ?? {},
        nodeEvents: c.nodeEvents ?? [],
        waits: [...(c.waits ?? []), ...structuredClone(nodes.waits)].sort((a, b) => a.start - b.start),
      };
    };
    const status = (): unknown => labStatus(cluster.control, nodes, records());
    control.setApp({ records, status, faults: cluster.control.faults, shims: nodes.context });

    const entries = nodes.nodes;
    writeAtomic(paths.knownHosts, knownHostsText(entries), 0o644);
    writeAtomic(paths.inventory, inventoryText({ dir, user: LAB_USER, version, nodes: entries }), 0o644);
    const state: LabState = {
      format: 1, ready: true, pids: [process.pid], dir, kubernetesVersion: version,
      controlUrl: control.url, token, apiUrl: listen.url,
      kubeconfig: paths.kubeconfig, inventory: paths.inventory, knownHosts: paths.knownHosts, identityFile: paths.identityFile,
      nodes: entries.map(({ name, role, port, root }) => ({ name, role, port, root })),
      startedAt: new Date().toISOString(),
    };
    writeAtomic(paths.state, JSON.stringify(state, null, 2) + '\n');
    let stopped: Promise<void> | undefined;
    return {
      dir, kubeconfig: paths.kubeconfig, inventory: paths.inventory, knownHosts: paths.knownHosts,
      controlUrl: control.url, token, identityFile: paths.identityFile, apiUrl: listen.url,
      nodes: state.nodes, control: cluster.control, nodesHalf: nodes, state,
      records,
      stop: () => {
        stopped ??= (async () => {
          // What the lab saw outlives it: `runbook exec --lab` points people at this file.
          try { writeAtomic(paths.records, JSON.stringify(records(), null, 1) + '\n', 0o644); } catch { /* the directory may be gone */ }
          await stopAll();
          rmSync(paths.state, { force: true });
        })();
        return stopped;
      },
    };
  } catch (e) {
    await stopAll();
    throw e;
  }
}

/** What `lab status` shows: each node as the cluster and the node itself see it, and a records summary. */
export function labStatus(control: LabClusterControl, nodes: LabNodes, records: LabRecords): unknown {
  const views = new Map(control.nodes().map((n) => [n.name, n]));
  return {
    serverVersion: control.serverVersion(),
    nodes: nodes.nodes.map((n) => {
      const st = nodes.states.get(n.name)!;
      const v = views.get(n.name);
      return {
        name: n.name, role: n.role, port: n.port,
        ready: v?.ready ?? false, unschedulable: v?.unschedulable ?? false, kubeletVersion: v?.kubeletVersion ?? '',
        packages: st.packages, held: [...st.held], kubelet: st.kubelet.state,
        ...(st.controlPlaneVersion ? { controlPlaneVersion: st.controlPlaneVersion } : {}),
      };
    }),
    faults: control.faults,
    records: {
      commands: records.commands.length,
      nonZeroExits: records.commands.filter((c) => c.exitCode !== 0 && c.exitCode !== null).length,
      cutOff: records.commands.filter((c) => c.exitCode === null).length,
      apiWrites: records.apiWrites.length,
      availability: records.availability,
    },
  };
}
