// Test support for the lab cluster: the default topology, a cluster started on 127.0.0.1 with its
// kubeconfig written to a temp dir, and a plain HTTPS client (the "second client" besides kubectl).
import { request } from 'node:https';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { LabFaults, LabNodeSpec } from '../../engine/lab/contract.js';
import { createCluster, type CreateClusterOptions, type LabCluster, type ListenInfo } from '../../engine/lab/cluster/index.js';

export function defaultNodes(): LabNodeSpec[] {
  return [
    ...[1, 2, 3].map((i) => ({ name: `cp-${i}`, role: 'control-plane' as const, cpu: 4, memoryGi: 8, gpus: 0 })),
    ...[1, 2, 3].map((i) => ({ name: `worker-${i}`, role: 'worker' as const, cpu: 8, memoryGi: 32, gpus: 0 })),
    ...[1, 2].map((i) => ({ name: `gpu-${i}`, role: 'gpu' as const, cpu: 16, memoryGi: 64, gpus: 2 })),
  ];
}

export function noFaults(): LabFaults {
  return { neverReady: [], api5xx: 0, pdbBlocked: [], sshDrop: {}, diskFull: [], crashLoop: [], deprecatedCalls: [] };
}

export interface Running {
  cluster: LabCluster;
  info: ListenInfo;
  dir: string;
  kubeconfig: string;
  api: Api;
  stop(): Promise<void>;
}

export async function startCluster(opts: Partial<CreateClusterOptions> = {}): Promise<Running> {
  const cluster = createCluster({ version: '1.30.4', nodes: defaultNodes(), timeScale: 0.01, faults: noFaults(), ...opts });
  let info: ListenInfo;
  try {
    info = await cluster.listen();
  } catch (e) {
    await cluster.stop();
    throw e;
  }
  const dir = mkdtempSync(join(tmpdir(), 'lab-cluster-test-'));
  const kubeconfig = join(dir, 'kubeconfig');
  writeFileSync(kubeconfig, cluster.kubeconfig(info), { mode: 0o600 });
  return {
    cluster, info, dir, kubeconfig, api: new Api(info),
    async stop() {
      await cluster.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export interface Answer<T = any> { status: number; contentType: string; body: T; text: string } // any: JSON answers of every shape, checked field by field in tests

/** A minimal HTTPS client trusting the lab's CA, with the lab's token (or another, to test 401). */
export class Api {
  constructor(private readonly info: ListenInfo, private readonly token: string | null = info.token) {}

  /** Another token, or null for none. */
  withToken(token: string | null): Api {
    return new Api(this.info, token);
  }

  call(method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<Answer> {
    return new Promise((resolve, reject) => {
      const data = body === undefined ? undefined : typeof body === 'string' || Buffer.isBuffer(body) ? body : JSON.stringify(body);
      const req = request(`${this.info.url}${path}`, {
        method, ca: this.info.caPem, timeout: 10_000,
        headers: { Accept: 'application/json', ...(data !== undefined ? { 'Content-Type': 'application/json', 'Content-Length': String(Buffer.byteLength(data)) } : {}), ...(this.token ? { Authorization: `Bearer ${this.token}` } : {}), ...headers },
      }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          let parsed: unknown = undefined;
          try { parsed = JSON.parse(text); } catch { parsed = undefined; }
          resolve({ status: res.statusCode ?? 0, contentType: String(res.headers['content-type'] ?? ''), body: parsed, text });
        });
      });
      req.on('timeout', () => req.destroy(new Error(`${method} ${path}: timed out after 10 s`)));
      req.on('error', reject);
      if (data !== undefined) req.write(data);
      req.end();
    });
  }

  get(path: string, headers?: Record<string, string>) { return this.call('GET', path, undefined, headers); }
}

/** Poll fn every 20 ms until it returns a truthy value or timeoutMs passes (then throws with what). */
export async function waitFor<T>(what: string, fn: () => Promise<T | undefined | false> | T | undefined | false, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}
