// The nodes half of the lab: a root directory, machine state and an SSH server per node, and the
// dispatcher for the shims those nodes run. The orchestrator (../lab.ts) wires it to the cluster.
import { mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { packageRoot } from '../../paths.js';
import type { LabClusterControl, LabNodeSpec, LabRecords, LabWait, NodeRole } from '../contract.js';
import type { NodesContext } from './handlers/types.js';
import { LAB_USER, newNodeState, seedNodeRoot, type NodeState } from './node-state.js';
import { which } from './processes.js';
import { dispatchShim, isShimRequest } from './shim-dispatch.js';
import { startNodeSsh, type NodeSsh } from './ssh-server.js';
import { parseVersion, type KVersion } from './versions.js';

export { isShimRequest, dispatchShim };
export { LAB_USER };

export interface StartNodesOptions {
  /** The lab directory; nodes live in <dir>/nodes/<name>/. */
  dir: string;
  specs: LabNodeSpec[];
  /** Starting Kubernetes version of every node, e.g. "1.30.4". */
  version: string;
  control: LabClusterControl;
  timeScale: number;
  clientPublicKey: string;
  /** Where the shims call back to, and the token they present. */
  controlUrl: string;
  token: string;
  /** The lab's kubeconfig path and CA, written into the nodes' /etc/kubernetes. */
  kubeconfigPath: string;
  kubeconfig: string;
  caPem: string;
}

export interface LabNodeInfo {
  name: string;
  role: NodeRole;
  port: number;
  hostKey: string;
  /** The node's "/" on this machine (inventory var node_root). */
  root: string;
}

export interface LabNodes {
  nodes: LabNodeInfo[];
  context: NodesContext;
  states: ReadonlyMap<string, NodeState>;
  /** Every command run over SSH, in start order; exitCode fills in when it ends. */
  commands: LabRecords['commands'];
  /** Simulated tool durations (kubeadm, etcdctl) as waits, in start order. */
  waits: LabWait[];
  stop(): Promise<void>;
}

export function shimDir(): string {
  return join(packageRoot(), 'engine', 'lab', 'nodes', 'shims');
}

export async function startNodes(o: StartNodesOptions): Promise<LabNodes> {
  const version: KVersion | undefined = parseVersion(o.version);
  if (!version) throw new Error(`lab: "${o.version}" is not a Kubernetes version (expected e.g. 1.30.4)`);
  const shims = shimDir();
  const kubectl = which('kubectl', [shims]);
  const states = new Map<string, NodeState>();
  for (const spec of o.specs) {
    const root = join(o.dir, 'nodes', spec.name);
    // A new lab starts from fresh nodes: nothing of an earlier run (snapshots, restored data dirs).
    rmSync(root, { recursive: true, force: true });
    mkdirSync(root, { recursive: true });
    const state = newNodeState(spec, version, root);
    seedNodeRoot(state, { kubeconfig: o.kubeconfig, caPem: o.caPem });
    states.set(spec.name, state);
  }
  const commands: LabRecords['commands'] = [];
  const waits: LabWait[] = [];
  const context: NodesContext = { control: o.control, nodes: states, timeScale: o.timeScale, waits };
  const servers: NodeSsh[] = [];
  try {
    for (const state of states.values()) {
      const env: NodeJS.ProcessEnv = {
        PATH: `${shims}:${process.env['PATH'] ?? '/usr/bin:/bin'}`,
        HOME: state.home,
        USER: LAB_USER,
        LOGNAME: LAB_USER,
        SHELL: '/bin/bash',
        LANG: 'C.UTF-8',
        LAB_NODE: state.name,
        LAB_NODE_ROOT: state.root,
        LAB_CONTROL_URL: o.controlUrl,
        LAB_TOKEN: o.token,
        LAB_SHIMS: shims,
        LAB_NODE_BIN: process.execPath,
        LAB_KUBECONFIG: o.kubeconfigPath,
        ...(kubectl ? { LAB_KUBECTL: kubectl } : {}),
      };
      servers.push(await startNodeSsh({ node: state, user: LAB_USER, clientPublicKey: o.clientPublicKey, env, faults: o.control.faults, records: commands }));
    }
  } catch (e) {
    await Promise.all(servers.map((s) => s.stop()));
    throw e;
  }
  const list = [...states.values()];
  return {
    nodes: list.map((s, i) => ({ name: s.name, role: s.role, port: servers[i]!.port, hostKey: servers[i]!.hostKey, root: s.root })),
    context,
    states,
    commands,
    waits,
    stop: async () => { await Promise.all(servers.map((s) => s.stop())); },
  };
}
