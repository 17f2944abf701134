// What must hold after a damaged upgrade was resumed to the end, as pure-ish checks that each
// return the problems they found (empty = held), so a failing test names exactly what broke:
// every node at the target and schedulable (real kubectl 1.31 when present), kubeadm upgrade
// apply succeeded once, no changing step ran again on a host where it had finished (journal),
// no changing command succeeded twice on a node (lab records), no PDB below its budget.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { LabRecords } from '../../engine/lab/contract.js';
import type { RunningLab } from '../../engine/lab/index.js';
import type { RunEvent } from '../../engine/model/events.js';
import { findKubectl, runKubectl } from '../helpers/kubectl.js';
import { applies, budgetBreaches, overlaps } from '../runbooks/lab-checks.js';

/** Actions that run again on every resume by design (Action.onResume 'rerun'): the run lock. */
const RERUN_BY_DESIGN = new Set(['lock']);

/**
 * Steps that finished (step.end not failed) in one attempt and started again in a later one.
 * Attempts are delimited by run.start events in the journal.
 */
export function rerunAfterDone(events: RunEvent[], onlyChanging = true): string[] {
  const done = new Map<string, number>(); // key@host → attempt it finished in
  const out: string[] = [];
  let attempt = 0;
  for (const e of events) {
    if (e.kind === 'run.start') attempt++;
    if (e.kind === 'step.end' && e.status !== 'failed') {
      const k = `${e.step}@${e.host}`;
      if (!done.has(k)) done.set(k, attempt);
    }
    if (e.kind === 'step.start' && !RERUN_BY_DESIGN.has(e.action) && (!onlyChanging || e.changes)) {
      const k = `${e.step}@${e.host}`;
      const when = done.get(k);
      if (when !== undefined && when < attempt) out.push(`${k} "${e.stepName}" finished in attempt ${when} and started again in attempt ${attempt}`);
    }
  }
  return out;
}

/** The changing commands of the upgrade, recognised in the lab's command records. */
const CHANGING: Array<[string, RegExp]> = [
  ['kubeadm upgrade apply', /kubeadm upgrade apply v/],
  ['kubeadm upgrade node', /; kubeadm upgrade node'?$/],
  ['install kubeadm', /pkgs=kubeadm;[\s\S]*apt-get install/],
  ['install kubelet kubectl', /pkgs='\\''kubelet kubectl'\\'';[\s\S]*apt-get install|pkgs=.kubelet kubectl.;[\s\S]*apt-get install/],
  ['restart kubelet', /systemctl restart kubelet/],
  ['switch the package repository', /sed -i -E .*kubernetes\.list/],
  ['etcd snapshot save', /etcdctl .* snapshot save /],
];

/** The name of a changing command, or undefined for guards and reads. */
export function changingCommand(command: string): string | undefined {
  return CHANGING.find(([, re]) => re.test(command))?.[0];
}

/** Changing commands that succeeded (exit 0) more than once on one node. */
export function commandsTwice(r: LabRecords): string[] {
  const count = new Map<string, number>();
  for (const c of r.commands) {
    if (c.exitCode !== 0) continue;
    const what = changingCommand(c.command);
    if (what) count.set(`${what} on ${c.node}`, (count.get(`${what} on ${c.node}`) ?? 0) + 1);
  }
  return [...count].filter(([, n]) => n > 1).map(([k, n]) => `${k} succeeded ${n} times`);
}

/** Every node Ready, schedulable and at `version`, as real kubectl 1.31 sees it (else the lab). */
export async function nodesAtTarget(lab: RunningLab, version: string): Promise<string[]> {
  const kubectl = findKubectl('1.31');
  type N = { name: string; version: string; ready: boolean; unschedulable: boolean };
  let nodes: N[];
  if (kubectl) {
    const cache = mkdtempSync(join(tmpdir(), 'runbook-kcache-'));
    try {
      const r = await runKubectl(kubectl, lab.kubeconfig, cache, ['get', 'nodes', '-o', 'json'], 30_000);
      if (r.code !== 0) return [`kubectl get nodes failed (${r.code}): ${r.stderr}`];
      const items = (JSON.parse(r.stdout) as { items: Array<{ metadata: { name: string }; spec: { unschedulable?: boolean }; status: { nodeInfo: { kubeletVersion: string }; conditions: Array<{ type: string; status: string }> } }> }).items;
      nodes = items.map((n) => ({
        name: n.metadata.name,
        version: n.status.nodeInfo.kubeletVersion,
        ready: n.status.conditions.some((c) => c.type === 'Ready' && c.status === 'True'),
        unschedulable: !!n.spec.unschedulable,
      }));
    } finally {
      rmSync(cache, { recursive: true, force: true });
    }
  } else {
    nodes = lab.control.nodes().map((n) => ({ name: n.name, version: n.kubeletVersion, ready: n.ready, unschedulable: n.unschedulable }));
  }
  const out: string[] = [];
  if (nodes.length !== lab.nodes.length) out.push(`expected ${lab.nodes.length} nodes, kubectl lists ${nodes.length}`);
  for (const n of nodes) {
    if (n.version !== version) out.push(`${n.name} runs kubelet ${n.version}, not ${version}`);
    if (!n.ready) out.push(`${n.name} is not Ready`);
    if (n.unschedulable) out.push(`${n.name} is still cordoned`);
  }
  return out;
}

/** Every post-condition of a resumed upgrade; [] when all held. */
export async function upgradeHeld(lab: RunningLab, events: RunEvent[], version: string): Promise<string[]> {
  const r = lab.records();
  const a = applies(r);
  return [
    ...(await nodesAtTarget(lab, version)),
    ...(a.length === 1 ? [] : [`kubeadm upgrade apply succeeded ${a.length} times: ${JSON.stringify(a)}`]),
    ...rerunAfterDone(events),
    ...commandsTwice(r),
    ...budgetBreaches(r),
    ...overlaps(r),
  ];
}

/** Run attempts in a journal: their run.end statuses in order (a killed attempt has none). */
export function attempts(events: RunEvent[]): string[] {
  const out: string[] = [];
  for (const e of events) {
    if (e.kind === 'run.start') out.push('(no run.end)');
    if (e.kind === 'run.end' && out.length) out[out.length - 1] = e.status;
  }
  return out;
}
