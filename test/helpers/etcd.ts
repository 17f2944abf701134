// A real etcd 3.4 for tests: kubeadm's PKI layout made with openssl under a temp root,
// client-certificate TLS on 127.0.0.1 random ports, stopped by PID (also when a test fails).
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const ETCD_BIN = '/usr/bin/etcd';
export const ETCDCTL_BIN = '/usr/bin/etcdctl';

/** Why etcd tests cannot run here, or undefined when they can. */
export function etcdMissing(): string | undefined {
  if (!existsSync(ETCD_BIN)) return `${ETCD_BIN} is missing (install Debian etcd-server)`;
  if (!existsSync(ETCDCTL_BIN)) return `${ETCDCTL_BIN} is missing (install Debian etcd-client)`;
  if (spawnSync('openssl', ['version']).status !== 0) return 'openssl is missing';
  return undefined;
}

/** A temp root holding etc/kubernetes/pki/etcd/* as kubeadm writes it. */
export interface EtcdPki {
  root: string;
  /** <root>/etc/kubernetes/pki/etcd */
  dir: string;
  ca: string;
  serverCert: string;
  serverKey: string;
  peerCert: string;
  peerKey: string;
  healthcheckCert: string;
  healthcheckKey: string;
}

function openssl(args: string[], cwd: string): void {
  const r = spawnSync('openssl', args, { cwd, encoding: 'utf8', timeout: 30_000 });
  if (r.status !== 0) throw new Error(`openssl ${args.join(' ')} failed (exit ${r.status}): ${r.stderr}`);
}

// kubeadm's etcd certificates: server and peer serve and authenticate as clients (serverAuth +
// clientAuth — kubeadm's own backup command uses server.crt as the client cert), the
// healthcheck client only authenticates. EC P-256 keys keep the test fast.
function issue(dir: string, name: string, cn: string, usage: string, san?: string): void {
  const ext = join(dir, `${name}.ext`);
  writeFileSync(
    ext,
    [
      'basicConstraints=critical,CA:FALSE',
      'keyUsage=critical,digitalSignature,keyEncipherment',
      `extendedKeyUsage=${usage}`,
      ...(san ? [`subjectAltName=${san}`] : []),
      '',
    ].join('\n'),
  );
  openssl(['ecparam', '-name', 'prime256v1', '-genkey', '-noout', '-out', `${name}.key`], dir);
  openssl(['req', '-new', '-key', `${name}.key`, '-subj', `/CN=${cn}`, '-out', `${name}.csr`], dir);
  openssl(['x509', '-req', '-in', `${name}.csr`, '-CA', 'ca.crt', '-CAkey', 'ca.key', '-CAcreateserial', '-days', '2', '-sha256', '-extfile', ext, '-out', `${name}.crt`], dir);
  rmSync(ext);
  rmSync(join(dir, `${name}.csr`));
}

/** Generate the kubeadm etcd PKI under a new temp root (or under `root` when given). */
export function makeEtcdPki(root = mkdtempSync(join(tmpdir(), 'runbook-etcd-'))): EtcdPki {
  const dir = join(root, 'etc/kubernetes/pki/etcd');
  mkdirSync(dir, { recursive: true });
  openssl(['ecparam', '-name', 'prime256v1', '-genkey', '-noout', '-out', 'ca.key'], dir);
  openssl(['req', '-x509', '-new', '-key', 'ca.key', '-subj', '/CN=etcd-ca', '-days', '2', '-sha256', '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign,cRLSign,digitalSignature', '-out', 'ca.crt'], dir);
  const san = 'DNS:localhost,IP:127.0.0.1,IP:0:0:0:0:0:0:0:1';
  issue(dir, 'server', 'cp-1', 'serverAuth,clientAuth', san);
  issue(dir, 'peer', 'cp-1', 'serverAuth,clientAuth', san);
  issue(dir, 'healthcheck-client', 'kube-etcd-healthcheck-client', 'clientAuth');
  return {
    root,
    dir,
    ca: join(dir, 'ca.crt'),
    serverCert: join(dir, 'server.crt'),
    serverKey: join(dir, 'server.key'),
    peerCert: join(dir, 'peer.crt'),
    peerKey: join(dir, 'peer.key'),
    healthcheckCert: join(dir, 'healthcheck-client.crt'),
    healthcheckKey: join(dir, 'healthcheck-client.key'),
  };
}

/** A free TCP port on 127.0.0.1 (closed again before etcd binds it; a clash makes start retry). */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const a = s.address();
      const port = typeof a === 'object' && a ? a.port : 0;
      s.close(() => resolve(port));
    });
  });
}

export interface RunningEtcd {
  pid: number;
  /** https://127.0.0.1:PORT */
  endpoint: string;
  dataDir: string;
  /** etcd's own stderr so far, for failure messages. */
  log(): string;
  /** SIGTERM, then SIGKILL after 5 s; resolves when the process is gone. */
  stop(): Promise<void>;
}

/** Run etcdctl (API v3) with arguments; returns exit code and output. Bounded by 30 s. */
export function etcdctl(args: string[], env: Record<string, string> = {}): { code: number | null; stdout: string; stderr: string } {
  const r = spawnSync(ETCDCTL_BIN, args, { encoding: 'utf8', timeout: 30_000, env: { ...process.env, ETCDCTL_API: '3', ...env } });
  return { code: r.status, stdout: r.stdout ?? '', stderr: r.stderr ?? '' };
}

/** Run a shell command line (as a runbook's `sh` step would on the node). Bounded by 30 s. */
export function shell(command: string): { code: number | null; stdout: string; stderr: string } {
  const r = spawnSync('bash', ['-c', command], { encoding: 'utf8', timeout: 30_000, env: { ...process.env } });
  return { code: r.status, stdout: r.stdout ?? '', stderr: r.stderr ?? '' };
}

const started = new Set<RunningEtcd>();
// Whatever a test forgets, its etcd does not outlive the test process.
process.once('exit', () => {
  for (const e of started) {
    try {
      process.kill(e.pid, 'SIGKILL');
    } catch {
      /* already gone */
    }
  }
});

function spawnEtcd(pki: EtcdPki, dataDir: string, client: number, peer: number, metrics: number): ChildProcess {
  const c = `https://127.0.0.1:${client}`;
  const p = `https://127.0.0.1:${peer}`;
  return spawn(
    ETCD_BIN,
    [
      '--name', 'default',
      '--data-dir', dataDir,
      '--listen-client-urls', c, '--advertise-client-urls', c,
      '--listen-peer-urls', p, '--initial-advertise-peer-urls', p,
      '--initial-cluster', `default=${p}`,
      '--listen-metrics-urls', `http://127.0.0.1:${metrics}`,
      '--client-cert-auth', '--trusted-ca-file', pki.ca, '--cert-file', pki.serverCert, '--key-file', pki.serverKey,
      '--peer-client-cert-auth', '--peer-trusted-ca-file', pki.ca, '--peer-cert-file', pki.peerCert, '--peer-key-file', pki.peerKey,
      '--snapshot-count', '10000',
    ],
    { stdio: ['ignore', 'ignore', 'pipe'], detached: false },
  );
}

/**
 * Start etcd on dataDir (created when missing) with the PKI's certificates and wait until
 * `endpoint health` answers (at most timeoutMs). Retries once on a port clash.
 */
export async function startEtcd(pki: EtcdPki, dataDir: string, timeoutMs = 20_000): Promise<RunningEtcd> {
  let lastErr = '';
  for (let attempt = 0; attempt < 2; attempt++) {
    const [client, peer, metrics] = [await freePort(), await freePort(), await freePort()];
    const child = spawnEtcd(pki, dataDir, client, peer, metrics);
    let log = '';
    child.stderr?.on('data', (d: Buffer) => {
      log = (log + d.toString()).slice(-20_000);
    });
    let exited = false;
    const gone = new Promise<void>((resolve) => child.once('exit', () => { exited = true; resolve(); }));
    const handle: RunningEtcd = {
      pid: child.pid ?? -1,
      endpoint: `https://127.0.0.1:${client}`,
      dataDir,
      log: () => log,
      stop: async () => {
        started.delete(handle);
        if (exited) return;
        child.kill('SIGTERM');
        const t = setTimeout(() => child.kill('SIGKILL'), 5_000);
        await gone;
        clearTimeout(t);
      },
    };
    started.add(handle);
    const until = Date.now() + timeoutMs;
    while (Date.now() < until && !exited) {
      const h = etcdctl(['--endpoints', handle.endpoint, '--cacert', pki.ca, '--cert', pki.healthcheckCert, '--key', pki.healthcheckKey, '--command-timeout', '2s', 'endpoint', 'health']);
      if (h.code === 0) return handle;
      await new Promise((r) => setTimeout(r, 200));
    }
    lastErr = log.split('\n').slice(-8).join('\n');
    await handle.stop();
  }
  throw new Error(`etcd did not become healthy on ${dataDir}; its last log lines:\n${lastErr}`);
}
