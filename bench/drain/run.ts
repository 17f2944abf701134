// Bench: runbook's `drain` action vs real `kubectl.1.33 drain` on the same lab node holding 100
// pods. Paired runs in rotating order, medians and the ratio. Entry: node dist/bench/drain/run.js
// [--pairs N] [--pods N] [--time-scale X]. See README.md for what is measured and why.
import { spawn, execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { drain } from '../../engine/actions/kube/drain.js';
import { createKubeClient } from '../../engine/adapters/kube/index.js';
import { createCluster } from '../../engine/lab/cluster/index.js';
import type { KubeClient } from '../../engine/ports/kube.js';
import { benchContext, systemClock } from './context.js';

const arg = (name: string, dflt: number) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : dflt;
};
const PAIRS = arg('pairs', 5);
const PODS = arg('pods', 100);
const TIME_SCALE = arg('time-scale', 0.02);
const NODE = 'worker-1';
const OTHERS = ['cp-1', 'worker-2', 'worker-3'];

function kubectl133(): string {
  const onPath = execFileSync('bash', ['-c', 'command -v kubectl'], { encoding: 'utf8' }).trim();
  const real = realpathSync(onPath);
  const p = join(dirname(real), 'kubectl.1.33');
  if (!existsSync(p)) throw new Error(`kubectl.1.33 not found beside ${real}`);
  return p;
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
};

async function waitFor(what: string, ms: number, check: () => Promise<boolean>): Promise<void> {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (await check()) return;
    await systemClock.sleep(100);
  }
  throw new Error(`bench: timed out waiting for ${what}`);
}

/** 100 ReplicaSet pods on NODE: schedule while the other nodes are cordoned, then uncordon them. */
async function setup(kube: KubeClient, n: number): Promise<string> {
  const name = `bench-${n}`;
  for (const o of OTHERS) await kube.patchNodeUnschedulable(o, true);
  await kube.patchNodeUnschedulable(NODE, false);
  const labels = { app: name };
  await kube.createObject({
    apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name, namespace: 'default' },
    spec: {
      replicas: PODS, selector: { matchLabels: labels },
      template: {
        metadata: { labels, annotations: { 'lab.runbook.dev/start-seconds': '1' } },
        spec: { terminationGracePeriodSeconds: 30, containers: [{ name: 'app', image: 'nginx:1.27', resources: { requests: { cpu: '10m', memory: '16Mi' } } }] },
      },
    },
  });
  await waitFor(`${PODS} pods Ready on ${NODE}`, 120_000, async () => (await kube.listPods({ node: NODE, labelSelector: `app=${name}` })).filter((p) => p.ready).length >= PODS);
  for (const o of OTHERS) await kube.patchNodeUnschedulable(o, false);
  return name;
}

async function teardown(kube: KubeClient, name: string): Promise<void> {
  const d = await kube.getObject({ apiVersion: 'apps/v1', kind: 'Deployment', name, namespace: 'default' });
  if (d) await kube.replaceObject({ ...d, spec: { ...(d.spec as object), replicas: 0 } });
  await waitFor(`pods of ${name} gone`, 120_000, async () => (await kube.listPods({ namespace: 'default', labelSelector: `app=${name}` })).length === 0);
  await kube.deleteObject({ apiVersion: 'apps/v1', kind: 'Deployment', name, namespace: 'default' });
}

/** Wall time and CPU seconds (user+sys, from GNU time) of one process. */
function timeProcess(cmd: string, args: string[], env: NodeJS.ProcessEnv): Promise<{ ms: number; cpu: number; code: number | null; out: string }> {
  return new Promise((resolve, reject) => {
    const t0 = process.hrtime.bigint();
    const child = spawn('/usr/bin/time', ['-f', 'RUNBOOK_BENCH_CPU %U %S', cmd, ...args], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (out += d));
    const kill = setTimeout(() => child.kill('SIGKILL'), 330_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(kill);
      const m = /RUNBOOK_BENCH_CPU ([\d.]+) ([\d.]+)/.exec(out);
      resolve({ ms: Number(process.hrtime.bigint() - t0) / 1e6, cpu: m ? Number(m[1]) + Number(m[2]) : NaN, code, out: out.replace(/RUNBOOK_BENCH_CPU.*\n?/, '') });
    });
  });
}

type Tool = 'runbook' | 'runbook-cold' | 'kubectl';

async function main(): Promise<void> {
  const kubectl = kubectl133();
  const dir = mkdtempSync(join(tmpdir(), 'runbook-bench-drain-'));
  const faults = { neverReady: [], api5xx: 0, pdbBlocked: [], sshDrop: {}, diskFull: [], crashLoop: [], deprecatedCalls: [] };
  const cluster = createCluster({
    version: '1.32.4', timeScale: TIME_SCALE, faults, workloads: 'none',
    nodes: [{ name: 'cp-1', role: 'control-plane', cpu: 8, memoryGi: 16, gpus: 0 }, ...['worker-1', 'worker-2', 'worker-3'].map((name) => ({ name, role: 'worker' as const, cpu: 64, memoryGi: 256, gpus: 0 }))],
  });
  const oneJs = join(dirname(fileURLToPath(import.meta.url)), 'one.js');
  const results: Record<Tool, number[]> = { runbook: [], 'runbook-cold': [], kubectl: [] };
  const cpu: Record<Tool, number[]> = { runbook: [], 'runbook-cold': [], kubectl: [] };
  let kubectlOut = '';
  try {
    const info = await cluster.listen();
    const kubeconfig = join(dir, 'kubeconfig');
    writeFileSync(kubeconfig, cluster.kubeconfig(info), { mode: 0o600 });
    const env = { ...process.env, KUBECONFIG: kubeconfig, KUBECACHEDIR: join(dir, 'kube-cache') };
    const admin = await createKubeClient({ kubeconfig });
    let n = 0;
    const once = async (tool: Tool): Promise<{ ms: number; cpu: number }> => {
      const name = await setup(admin, n++);
      let ms: number;
      let cpuS = NaN;
      if (tool === 'kubectl') {
        const r = await timeProcess(kubectl, ['drain', NODE, '--ignore-daemonsets', '--delete-emptydir-data', '--timeout=300s', `--cache-dir=${join(dir, 'kube-cache')}`], env);
        if (r.code !== 0) throw new Error(`kubectl drain failed (${r.code}): ${r.out.slice(-500)}`);
        ms = r.ms;
        cpuS = r.cpu;
        kubectlOut = r.out;
      } else if (tool === 'runbook-cold') {
        const r = await timeProcess(process.execPath, [oneJs, kubeconfig, NODE], env);
        if (r.code !== 0) throw new Error(`runbook drain (cold) failed: ${r.out.slice(-500)}`);
        ms = r.ms;
        cpuS = r.cpu;
      } else {
        // In the engine's process: a fresh client (new connection, discovery) per drain.
        const kube = await createKubeClient({ kubeconfig });
        const t0 = process.hrtime.bigint();
        const r = await drain.run(benchContext(kube, 300_000), { node: NODE, ignore_daemonsets: true, delete_emptydir_data: true, timeout: '300s' });
        ms = Number(process.hrtime.bigint() - t0) / 1e6;
        kube.close?.();
        if (r.status !== 'changed' || (r.data.evicted as string[]).length !== PODS) throw new Error(`runbook drain: ${r.status}: ${r.message}`);
      }
      await teardown(admin, name);
      return { ms, cpu: cpuS };
    };
    process.stderr.write(`bench drain: ${PODS} pods on ${NODE}, ${PAIRS} rounds, lab time scale ${TIME_SCALE} (pod grace 30 s → ${(30 * TIME_SCALE).toFixed(2)} s)\n`);
    // Warm-up (not counted): kubectl's discovery cache, the lab's JIT paths.
    await once('kubectl');
    await once('runbook');
    const orders: Tool[][] = [['runbook', 'kubectl', 'runbook-cold'], ['kubectl', 'runbook-cold', 'runbook'], ['runbook-cold', 'runbook', 'kubectl']];
    for (let i = 0; i < PAIRS; i++) {
      const row: string[] = [];
      for (const tool of orders[i % orders.length]!) {
        const r = await once(tool);
        results[tool].push(r.ms);
        if (!Number.isNaN(r.cpu)) cpu[tool].push(r.cpu);
        row.push(`${tool} ${r.ms.toFixed(0)} ms${Number.isNaN(r.cpu) ? '' : ` (${r.cpu.toFixed(2)} CPU-s)`}`);
      }
      process.stderr.write(`round ${i + 1}: ${row.join(', ')}\n`);
    }
    admin.close?.();
  } finally {
    await cluster.stop();
    rmSync(dir, { recursive: true, force: true });
  }
  const mk = median(results.kubectl);
  const summary = {
    pods: PODS,
    rounds: PAIRS,
    time_scale: TIME_SCALE,
    median_ms: { runbook: median(results.runbook), 'runbook-cold': median(results['runbook-cold']), kubectl: mk },
    ratio_vs_kubectl: { runbook: +(median(results.runbook) / mk).toFixed(3), 'runbook-cold': +(median(results['runbook-cold']) / mk).toFixed(3) },
    process_cpu_s_median: { 'runbook-cold': cpu['runbook-cold'].length ? median(cpu['runbook-cold']) : null, kubectl: cpu.kubectl.length ? median(cpu.kubectl) : null },
    kubectl_client_throttling: /client-side throttling/.test(kubectlOut),
    runs_ms: results,
  };
  process.stdout.write(`${JSON.stringify(summary, null, 2)}\n`);
}

await main();
