// Test harness for the Kubernetes actions: a lab cluster (engine/lab/cluster) reached through the
// real client-node adapter, and a small ActionContext whose progress, output and deferred
// clean-ups the test can inspect. Every cluster started here is stopped by the caller's `stop`.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ActionContext } from '../../engine/actions/action.js';
import { createKubeClient } from '../../engine/adapters/kube/index.js';
import type { LabFaults, LabNodeSpec } from '../../engine/lab/contract.js';
import type { Clock } from '../../engine/ports/clock.js';
import { systemClock as realClock } from '../../engine/adapters/system-clock.js';
import type { KubeClient } from '../../engine/ports/kube.js';


export interface Lab {
  kube: KubeClient;
  kubeconfig: string;
  faults: LabFaults;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- the cluster's own types stay in the lab
  cluster: any;
  stop(): Promise<void>;
}

export const NODES: LabNodeSpec[] = [
  { name: 'cp-1', role: 'control-plane', cpu: 4, memoryGi: 8, gpus: 0 },
  { name: 'worker-1', role: 'worker', cpu: 8, memoryGi: 16, gpus: 0 },
  { name: 'worker-2', role: 'worker', cpu: 8, memoryGi: 16, gpus: 0 },
  { name: 'worker-3', role: 'worker', cpu: 8, memoryGi: 16, gpus: 0 },
];

/** The lab's cluster module, or undefined when it is not there (the caller prints SKIP). */
/**
 * The lab's cluster is part of the project: a module that fails to load must fail these suites,
 * not turn them into silent SKIPs (as it did while the lab was still being written).
 */
export async function labAvailable(): Promise<boolean> {
  await import('../../engine/lab/cluster/index.js');
  return true;
}

export async function startLab(opts: { nodes?: LabNodeSpec[]; faults?: Partial<LabFaults>; timeScale?: number; workloads?: string; version?: string } = {}): Promise<Lab> {
  const { createCluster } = await import('../../engine/lab/cluster/index.js');
  const faults: LabFaults = { neverReady: [], api5xx: 0, pdbBlocked: [], sshDrop: {}, diskFull: [], crashLoop: [], deprecatedCalls: [], ...opts.faults };
  const cluster = createCluster({ version: opts.version ?? '1.30.4', nodes: opts.nodes ?? NODES, timeScale: opts.timeScale ?? 0.01, faults, workloads: (opts.workloads ?? 'default') as never });
  const dir = mkdtempSync(join(tmpdir(), 'runbook-kube-'));
  try {
    const info = await cluster.listen();
    const kubeconfig = join(dir, 'kubeconfig');
    writeFileSync(kubeconfig, cluster.kubeconfig(info), { mode: 0o600 });
    const kube = await createKubeClient({ kubeconfig });
    return {
      kube,
      kubeconfig,
      faults,
      cluster,
      async stop() {
        kube.close?.();
        await cluster.stop();
        rmSync(dir, { recursive: true, force: true });
      },
    };
  } catch (e) {
    await cluster.stop();
    rmSync(dir, { recursive: true, force: true });
    throw e;
  }
}

export interface TestContext extends ActionContext {
  progressLog: string[];
  outputLog: string[];
  runDeferred(): Promise<void>;
}

export function makeContext(kube: KubeClient, opts: { timeoutMs?: number; clock?: Clock; runDir?: string } = {}): TestContext {
  const clock = opts.clock ?? realClock;
  const timeoutMs = opts.timeoutMs ?? 30_000;
  const deferred: Array<() => Promise<void>> = [];
  const progressLog: string[] = [];
  const outputLog: string[] = [];
  return {
    host: { name: 'localhost', connection: 'local', ssh: { address: '127.0.0.1' }, become: false, groups: [], vars: {} },
    transport: () => Promise.reject(new Error('no transport in kube tests')),
    local: () => Promise.reject(new Error('no transport in kube tests')),
    kube: async () => kube,
    clock,
    signal: AbortSignal.timeout(timeoutMs),
    deadline: clock.now() + timeoutMs,
    check: false,
    output: (_s, line) => outputLog.push(line),
    progress: (m) => progressLog.push(m),
    runDir: opts.runDir ?? '/tmp/.runbook/runs/test-run-1',
    defer: (f) => deferred.push(f),
    progressLog,
    outputLog,
    async runDeferred() {
      for (const f of deferred.splice(0).reverse()) await f();
    },
  };
}
