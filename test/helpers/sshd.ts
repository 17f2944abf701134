// Starts N real OpenSSH servers on 127.0.0.1 for tests and benchmarks: each its own config, host
// key, pid file and port; one client key authorised on all; a known_hosts naming every host key.
// Everything started is stopped by PID (stop(), and on process exit). Returns undefined when
// /usr/sbin/sshd is missing so callers can print `SKIP: sshd not installed (...)`.
import { execFile, spawn } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, openSync, readdirSync, readFileSync, rmSync, writeFileSync, closeSync } from 'node:fs';
import { createServer, connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);
export const SSHD = '/usr/sbin/sshd';
export const SSHD_SKIP = 'SKIP: sshd not installed (apt-get install openssh-server)';

export interface SshdHost {
  /** h0, h1, ... */
  name: string;
  port: number;
  pid: number;
  dir: string;
  /** `ssh-ed25519 AAAA...` */
  hostKeyPub: string;
  hostKeyFile: string;
}

export interface SshdFleet {
  dir: string;
  hosts: SshdHost[];
  /** known_hosts with every host's key as `[127.0.0.1]:PORT`. */
  knownHosts: string;
  /** The client private key authorised on every host. */
  keyPath: string;
  stop(): Promise<void>;
}

export interface SshdOptions {
  count?: number;
  /** Extra environment for sessions (sshd SetEnv), merged with SHLVL=1. */
  setEnv?: Record<string, string>;
  /** Extra sshd_config lines. */
  extraConfig?: string[];
}

const live = new Set<number>();
let exitHook = false;
function killOnExit(pid: number): void {
  live.add(pid);
  if (exitHook) return;
  exitHook = true;
  process.on('exit', () => {
    for (const p of live) {
      try {
        process.kill(p, 'SIGTERM');
      } catch {
        /* already gone */
      }
    }
  });
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const port = (srv.address() as { port: number }).port;
      srv.close(() => resolve(port));
    });
  });
}

function canConnect(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = connect({ host: '127.0.0.1', port });
    s.once('connect', () => {
      s.destroy();
      resolve(true);
    });
    s.once('error', () => resolve(false));
  });
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

async function waitFor(what: string, ms: number, check: () => Promise<boolean> | boolean): Promise<void> {
  const until = Date.now() + ms;
  while (Date.now() < until) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error(`sshd helper: ${what} did not happen within ${ms} ms`);
}

export async function keygen(file: string, comment = 'runbook-test'): Promise<void> {
  await run('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', comment, '-f', file]);
}

function sshdConfig(h: { port: number; dir: string; hostKeyFile: string }, authorized: string, opts: SshdOptions): string {
  const env = { SHLVL: '1', ...opts.setEnv };
  return [
    `Port ${h.port}`,
    'ListenAddress 127.0.0.1',
    `HostKey ${h.hostKeyFile}`,
    `PidFile ${join(h.dir, 'sshd.pid')}`,
    `AuthorizedKeysFile ${authorized}`,
    'PubkeyAuthentication yes',
    'PasswordAuthentication no',
    'KbdInteractiveAuthentication no',
    'PermitRootLogin yes',
    'UsePAM no',
    'UseDNS no',
    'PrintMotd no',
    'PrintLastLog no',
    // The files live in /tmp, which StrictModes would refuse.
    'StrictModes no',
    'MaxStartups 200',
    'MaxSessions 100',
    'AllowTcpForwarding yes',
    // bash skips root's heavy .bashrc for ssh commands when SHLVL is set (benchmarks.md).
    `SetEnv ${Object.entries(env).map(([k, v]) => `${k}=${v}`).join(' ')}`,
    'Subsystem sftp /usr/lib/openssh/sftp-server',
    'LogLevel ERROR',
    ...(opts.extraConfig ?? []),
    '',
  ].join('\n');
}

async function startOne(name: string, dir: string, authorized: string, opts: SshdOptions): Promise<SshdHost> {
  mkdirSync(dir, { recursive: true });
  const hostKeyFile = join(dir, 'ssh_host_ed25519_key');
  await keygen(hostKeyFile, name);
  const hostKeyPub = readFileSync(`${hostKeyFile}.pub`, 'utf8').trim().split(/\s+/).slice(0, 2).join(' ');
  // Another test may take a port between freePort() and sshd's bind: retry a few times.
  for (let attempt = 0; attempt < 5; attempt++) {
    const port = await freePort();
    const cfg = join(dir, 'sshd_config');
    writeFileSync(cfg, sshdConfig({ port, dir, hostKeyFile }, authorized, opts));
    const log = openSync(join(dir, 'sshd.log'), 'a');
    const child = spawn(SSHD, ['-D', '-e', '-f', cfg], { stdio: ['ignore', log, log] });
    closeSync(log);
    const pid = child.pid!;
    killOnExit(pid);
    let exited = false;
    child.once('exit', () => {
      exited = true;
      live.delete(pid);
    });
    child.unref();
    try {
      await waitFor(`sshd ${name} listening on ${port}`, 5_000, async () => exited || (await canConnect(port)));
    } catch (e) {
      process.kill(pid, 'SIGKILL');
      throw e;
    }
    if (!exited) return { name, port, pid, dir, hostKeyPub, hostKeyFile };
  }
  throw new Error(`sshd helper: sshd ${name} would not start; see ${join(dir, 'sshd.log')}`);
}

/** Start `count` sshd hosts (default 1). undefined when sshd is not installed. */
export async function startSshd(opts: SshdOptions = {}): Promise<SshdFleet | undefined> {
  if (!existsSync(SSHD)) return undefined;
  mkdirSync('/run/sshd', { recursive: true, mode: 0o755 }); // privilege separation dir
  const dir = mkdtempSync(join(tmpdir(), 'runbook-sshd-'));
  // sshd reads authorized_keys as the logging-in user: tests that add users need to reach it.
  chmodSync(dir, 0o755);
  const keyPath = join(dir, 'id_ed25519');
  await keygen(keyPath);
  const authorized = join(dir, 'authorized_keys');
  writeFileSync(authorized, readFileSync(`${keyPath}.pub`), { mode: 0o644 });
  const count = opts.count ?? 1;
  const hosts: SshdHost[] = [];
  let stopped = false;
  const stop = async (): Promise<void> => {
    if (stopped) return;
    stopped = true;
    for (const h of hosts) {
      try {
        process.kill(h.pid, 'SIGTERM');
      } catch {
        /* already gone */
      }
    }
    await waitFor('sshd hosts stopping', 5_000, () => hosts.every((h) => !alive(h.pid))).catch(() => {
      for (const h of hosts) if (alive(h.pid)) process.kill(h.pid, 'SIGKILL');
    });
    for (const h of hosts) live.delete(h.pid);
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    // Start in small parallel groups: fast for 100 hosts, gentle on 2 cores.
    const names = Array.from({ length: count }, (_, i) => `h${i}`);
    for (let i = 0; i < names.length; i += 10) {
      const group = names.slice(i, i + 10);
      hosts.push(...(await Promise.all(group.map((n) => startOne(n, join(dir, n), authorized, opts)))));
    }
  } catch (e) {
    await stop();
    throw e;
  }
  const knownHosts = join(dir, 'known_hosts');
  writeFileSync(knownHosts, hosts.map((h) => `[127.0.0.1]:${h.port} ${h.hostKeyPub}\n`).join(''));
  return { dir, hosts, knownHosts, keyPath, stop };
}

/** PIDs of the per-connection sshd processes under a listening sshd (to cut connections). */
export function sessionPids(listenerPid: number): number[] {
  const out: number[] = [];
  for (const d of readdirSync('/proc')) {
    if (!/^\d+$/.test(d)) continue;
    try {
      const stat = readFileSync(`/proc/${d}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      if (ppid === listenerPid) out.push(Number(d));
    } catch {
      /* process ended while we looked */
    }
  }
  return out;
}

/** Kill every connection an sshd host holds (the listener keeps running). */
export function dropConnections(h: SshdHost): number {
  const pids = sessionPids(h.pid);
  for (const p of pids) {
    try {
      process.kill(p, 'SIGKILL');
    } catch {
      /* gone */
    }
  }
  return pids.length;
}

/** An inventory Host for fleet host `i`, with the fleet's key and known_hosts (override as needed). */
export function fleetHost(
  fleet: SshdFleet,
  i: number,
  ssh: Partial<import('../../engine/model/inventory.js').SshSettings> = {},
  name = fleet.hosts[i]!.name,
): import('../../engine/model/inventory.js').Host {
  return {
    name,
    connection: 'ssh',
    ssh: { address: '127.0.0.1', port: fleet.hosts[i]!.port, user: 'root', identityFile: fleet.keyPath, identitiesOnly: true, knownHosts: fleet.knownHosts, ...ssh },
    become: false,
    groups: [],
    vars: {},
  };
}
