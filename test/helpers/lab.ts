// For any test that needs a running lab: start a full lab (real cluster + SSH nodes) in a fresh
// temporary directory, and stop it and remove the directory afterwards — also when the test fails.
//
//   const t = await startTestLab({ timeScale: 0.05 });
//   try { ... t.lab.inventory, t.lab.kubeconfig, t.lab.records() ... } finally { await t.stop(); }
//   // or: await withLab({}, async (lab) => { ... });
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { LabFaults, LabOptions } from '../../engine/lab/contract.js';
import { startRunningLab, type RunningLab } from '../../engine/lab/index.js';

export interface TestLab {
  lab: RunningLab;
  /** The lab directory (kubeconfig, inventory.yaml, known_hosts, id_ed25519, state.json, nodes/). */
  dir: string;
  stop(): Promise<void>;
}

/** Start a lab in a temporary directory (default topology 3,3,2 at 1.30.4 unless opts say otherwise). */
export async function startTestLab(opts: Partial<Omit<LabOptions, 'dir'>> = {}): Promise<TestLab> {
  const dir = mkdtempSync(join(tmpdir(), 'runbook-lab-'));
  let lab: RunningLab;
  try {
    lab = await startRunningLab({ ...opts, dir });
  } catch (e) {
    rmSync(dir, { recursive: true, force: true });
    throw e;
  }
  return {
    lab, dir,
    stop: async () => { await lab.stop(); rmSync(dir, { recursive: true, force: true }); },
  };
}

/** Run fn with a fresh lab; the lab is stopped whatever happens. */
export async function withLab<T>(opts: Partial<Omit<LabOptions, 'dir'>>, fn: (lab: RunningLab, dir: string) => Promise<T>): Promise<T> {
  const t = await startTestLab(opts);
  try { return await fn(t.lab, t.dir); } finally { await t.stop(); }
}

/** Set faults through the lab's control endpoint, as a person or another process would. */
export async function setFaults(lab: RunningLab, faults: Partial<LabFaults>): Promise<LabFaults> {
  const res = await fetch(`${lab.controlUrl}/faults`, {
    method: 'POST',
    headers: { authorization: `Bearer ${lab.token}`, 'content-type': 'application/json' },
    body: JSON.stringify(faults),
    signal: AbortSignal.timeout(5_000),
  });
  const body = (await res.json()) as LabFaults & { error?: string };
  if (!res.ok) throw new Error(`lab: POST /faults failed (HTTP ${res.status}): ${body.error}`);
  return body;
}

/** Wait (bounded) until a node reports Ready at the given kubelet version. */
export async function waitNodeReady(lab: RunningLab, node: string, version: string, timeoutMs = 15_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const n = lab.control.nodes().find((x) => x.name === node);
    if (n?.ready && n.kubeletVersion === version) return;
    if (Date.now() > until) throw new Error(`lab: ${node} not Ready at ${version} within ${timeoutMs} ms (now ${n?.ready ? 'Ready' : 'NotReady'} at ${n?.kubeletVersion})`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
