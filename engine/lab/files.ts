// The files `runbook lab up` leaves in its directory for people and the engine: the native
// inventory, known_hosts, the client key, and state.json (what `lab status|down` read).
import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { NodeRole } from './contract.js';

export interface LabNodeEntry { name: string; role: NodeRole; port: number; hostKey: string; root: string }

/** state.json: written when the lab is ready, removed when it stops. */
export interface LabState {
  format: 1;
  ready: boolean;
  /** The process that serves the lab; `lab down` stops exactly these. */
  pids: number[];
  dir: string;
  kubernetesVersion: string;
  controlUrl: string;
  /** Bearer token of the control endpoint (the file is 0600). */
  token: string;
  apiUrl: string;
  kubeconfig: string;
  inventory: string;
  knownHosts: string;
  identityFile: string;
  nodes: Array<Omit<LabNodeEntry, 'hostKey'>>;
  startedAt: string;
}

export const STATE_FILE = 'state.json';

export function labPaths(dir: string): { kubeconfig: string; inventory: string; knownHosts: string; identityFile: string; state: string; log: string; records: string } {
  return {
    kubeconfig: join(dir, 'kubeconfig'),
    inventory: join(dir, 'inventory.yaml'),
    knownHosts: join(dir, 'known_hosts'),
    identityFile: join(dir, 'id_ed25519'),
    state: join(dir, STATE_FILE),
    log: join(dir, 'lab.log'),
    records: join(dir, 'records.json'),
  };
}

/** Write a file whole or not at all (readers poll state.json while it is written). */
export function writeAtomic(path: string, text: string, mode = 0o600): void {
  const tmp = `${path}.${process.pid}.tmp`;
  writeFileSync(tmp, text, { mode });
  renameSync(tmp, path);
}

export function readState(dir: string): LabState | undefined {
  const p = labPaths(dir).state;
  if (!existsSync(p)) return undefined;
  try { return JSON.parse(readFileSync(p, 'utf8')) as LabState; } catch { return undefined; }
}

export function knownHostsText(nodes: LabNodeEntry[]): string {
  return nodes.map((n) => `[127.0.0.1]:${n.port} ${n.hostKey} ${n.name}\n`).join('');
}

const q = (s: string): string => JSON.stringify(s); // a JSON string is a valid YAML double-quoted scalar

const GROUP_OF: Record<NodeRole, string> = { 'control-plane': 'control_plane', worker: 'workers', gpu: 'gpu' };

/** The lab as a native inventory (docs/runbook-language.md), every path absolute. */
export function inventoryText(o: { dir: string; user: string; version: string; nodes: LabNodeEntry[] }): string {
  const p = labPaths(o.dir);
  let s = `# The runbook lab in ${o.dir} — written by \`runbook lab up\`; ports and keys change on every start.
# A lab node's files live under its node_root (a directory on this machine): runbooks write
# {{node_root}}/etc/apt/sources.list.d/kubernetes.list, which on a real node (node_root "") is the real path.
kube:
  kubeconfig: ${q(p.kubeconfig)}
ssh:
  user: ${o.user}
  identity_file: ${q(p.identityFile)}
  known_hosts: ${q(p.knownHosts)}
  strict_host_key_checking: "yes"
forks: 10
vars:
  lab: true
  lab_dir: ${q(o.dir)}
  lab_kubernetes_version: ${q(o.version)}
  # The shipped runbooks copy etcd snapshots here (production default: ./backups/etcd), so a
  # rehearsal's snapshots stay with its records instead of the operator's working directory.
  local_backup_dir: ${q(`${o.dir}/backups/etcd`)}
groups:
`;
  for (const role of ['control-plane', 'worker', 'gpu'] as NodeRole[]) {
    const members = o.nodes.filter((n) => n.role === role);
    s += `  ${GROUP_OF[role]}:\n    hosts:\n`;
    if (members.length === 0) s = s.replace(/    hosts:\n$/, '    hosts: {}\n');
    for (const n of members) {
      s += `      ${n.name}: { address: 127.0.0.1, port: ${n.port}, vars: { node_root: ${q(n.root)}, node_role: ${role} } }\n`;
    }
  }
  s += '  nodes:\n    children: [control_plane, workers, gpu]\n';
  return s;
}
