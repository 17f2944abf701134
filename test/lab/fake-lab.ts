// Starts the lab's nodes against the in-memory fake cluster in a temporary directory — for tests
// of the SSH servers and shims that need no API server.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { LabOptions } from '../../engine/lab/contract.js';
import { startLabWith, type RunningLab } from '../../engine/lab/lab.js';
import { createFakeCluster, type FakeCluster } from './fake-cluster.js';

export interface FakeLab { lab: RunningLab; fake: FakeCluster; dir: string; stop(): Promise<void> }

export async function startFakeLab(opts: Partial<LabOptions> = {}): Promise<FakeLab> {
  const dir = mkdtempSync(join(tmpdir(), 'runbook-lab-test-'));
  let fake: FakeCluster | undefined;
  const lab = await startLabWith({ timeScale: 0.05, topology: { controlPlanes: 2, workers: 1, gpus: 1 }, ...opts, dir }, (o) => (fake = createFakeCluster(o)));
  return {
    lab, fake: fake!, dir,
    stop: async () => { await lab.stop(); rmSync(dir, { recursive: true, force: true }); },
  };
}

/** The node entry of a started lab, by name. */
export function nodeOf(lab: RunningLab, name: string): RunningLab['nodes'][number] {
  const n = lab.nodes.find((x) => x.name === name);
  if (!n) throw new Error(`no node ${name} in the lab`);
  return n;
}
