// Connection settings for one host, resolved the way OpenSSH would: inventory values first, then
// the matching ~/.ssh/config blocks (parsed by the `ssh-config` package), then defaults. The result
// is plain data (a chain of hops ending at the target) that connect.ts acts on.
import { existsSync, readFileSync } from 'node:fs';
import { homedir, userInfo } from 'node:os';
import { join } from 'node:path';
import SSHConfig from 'ssh-config';
import type { SshSettings } from '../../model/inventory.js';
import { TransportError } from '../../model/errors.js';

/** Everything needed to open one SSH connection (a jump host or the target). */
export interface Hop {
  /** What the user calls it (inventory name or the ProxyJump spelling), for messages. */
  label: string;
  address: string;
  port: number;
  user: string;
  /** Private key files named (inventory, then ssh_config), offered first in this order. */
  identityFiles: string[];
  /** ~/.ssh/id_ed25519, id_rsa, id_ecdsa: offered after the agent, only when no key is named. */
  defaultIdentityFiles: string[];
  /** Only the keys above, never other agent keys. */
  identitiesOnly: boolean;
  knownHosts: string;
  strict: 'yes' | 'accept-new';
  connectTimeoutMs: number;
  /** SSH keepalive while connected (ssh_config ServerAliveInterval / ServerAliveCountMax). */
  keepaliveIntervalMs: number;
  keepaliveCountMax: number;
}

export interface ResolvedHost {
  target: Hop;
  /** Jump hosts in the order they are connected (the first is reached directly). */
  jumps: Hop[];
  /** ssh-agent socket, if any. */
  agentSock: string | undefined;
}

/** The environment settings are resolved in (injectable so tests need no real ~/.ssh). */
export interface SettingsEnv {
  home: string;
  localUser: string;
  /** ssh_config path; a missing file means no config. */
  sshConfig: string;
  agentSock: string | undefined;
  /** Overrides every host's keepalive interval (tests of dead peers). */
  keepaliveIntervalMs?: number;
}

export function defaultSettingsEnv(sshConfig?: string): SettingsEnv {
  const home = homedir();
  return {
    home,
    localUser: userInfo().username,
    sshConfig: sshConfig ?? join(home, '.ssh', 'config'),
    agentSock: process.env.SSH_AUTH_SOCK || undefined,
  };
}

const DEFAULT_KEYS = ['id_ed25519', 'id_rsa', 'id_ecdsa'];
const DEFAULT_CONNECT_TIMEOUT_MS = 10_000;
/** benchmarks.md: a keepalive every 15 s, the connection given up after 3 unanswered. */
const DEFAULT_KEEPALIVE_MS = 15_000;
const DEFAULT_KEEPALIVE_COUNT = 3;

type Computed = Record<string, string | string[]>;

/** Parsed ssh_config per path, so a fan-out over 100 hosts reads it once. */
const configCache = new Map<string, SSHConfig | null>();

function loadConfig(path: string): SSHConfig | null {
  if (configCache.has(path)) return configCache.get(path)!;
  const cfg = existsSync(path) ? SSHConfig.parse(readFileSync(path, 'utf8')) : null;
  configCache.set(path, cfg);
  return cfg;
}

/** The options that apply to `name` (lower-cased keys); `Match exec` is never run (config is data). */
function compute(env: SettingsEnv, name: string): Computed {
  const cfg = loadConfig(env.sshConfig);
  if (!cfg) return {};
  return cfg.compute(name, { ignoreCase: true, matchExec: false }) as Computed;
}

function one(c: Computed, key: string): string | undefined {
  const v = c[key];
  return Array.isArray(v) ? v[0] : v;
}

function many(c: Computed, key: string): string[] {
  const v = c[key];
  return v === undefined ? [] : Array.isArray(v) ? v : [v];
}

/** `~` and the common ssh_config tokens (%d home, %u local user, %h host, %r remote user, %%). */
function expandPath(p: string, env: SettingsEnv, host: string, user: string): string {
  const tilde = p === '~' ? env.home : p.startsWith('~/') ? join(env.home, p.slice(2)) : p;
  return tilde.replace(/%([%dhur])/g, (_m, t: string) =>
    t === '%' ? '%' : t === 'd' ? env.home : t === 'h' ? host : t === 'u' ? env.localUser : user,
  );
}

function yes(v: string | undefined): boolean | undefined {
  if (v === undefined) return undefined;
  return /^(yes|true)$/i.test(v);
}

/** OpenSSH's StrictHostKeyChecking mapped to ours. Anything but accept-new means "yes": we never accept changed keys. */
function strictFrom(v: string | undefined): 'yes' | 'accept-new' | undefined {
  if (v === undefined) return undefined;
  return v.toLowerCase() === 'accept-new' ? 'accept-new' : 'yes';
}

interface HopInput {
  label: string;
  address: string;
  port?: number;
  user?: string;
  identityFiles: string[];
  identitiesOnly?: boolean;
  knownHosts?: string;
  strict?: 'yes' | 'accept-new';
  connectTimeoutMs?: number;
}

function resolveHop(env: SettingsEnv, inp: HopInput, c: Computed): Hop {
  const address = one(c, 'hostname') ? expandPath(one(c, 'hostname')!, env, inp.address, '') : inp.address;
  const port = inp.port ?? (one(c, 'port') ? Number(one(c, 'port')) : 22);
  const user = inp.user ?? one(c, 'user') ?? env.localUser;
  const fromConfig = many(c, 'identityfile').map((f) => expandPath(f, env, address, user));
  const identityFiles = [...inp.identityFiles.map((f) => expandPath(f, env, address, user)), ...fromConfig];
  const defaultIdentityFiles = identityFiles.length === 0 ? DEFAULT_KEYS.map((k) => join(env.home, '.ssh', k)) : [];
  const kh = inp.knownHosts ?? one(c, 'userknownhostsfile')?.split(/\s+/)[0] ?? '~/.ssh/known_hosts';
  const cto = one(c, 'connecttimeout');
  const alive = one(c, 'serveraliveinterval');
  const aliveMax = one(c, 'serveralivecountmax');
  return {
    label: inp.label,
    address,
    port,
    user,
    identityFiles: [...new Set(identityFiles)],
    defaultIdentityFiles,
    identitiesOnly: inp.identitiesOnly ?? yes(one(c, 'identitiesonly')) ?? false,
    knownHosts: expandPath(kh, env, address, user),
    strict: inp.strict ?? strictFrom(one(c, 'stricthostkeychecking')) ?? 'yes',
    connectTimeoutMs: inp.connectTimeoutMs ?? (cto ? Number(cto) * 1000 : DEFAULT_CONNECT_TIMEOUT_MS),
    // ServerAliveInterval 0 means "off" in OpenSSH; we keep a keepalive anyway, so a dead peer is always noticed.
    keepaliveIntervalMs: env.keepaliveIntervalMs ?? (alive && Number(alive) > 0 ? Number(alive) * 1000 : DEFAULT_KEEPALIVE_MS),
    keepaliveCountMax: aliveMax && Number(aliveMax) > 0 ? Number(aliveMax) : DEFAULT_KEEPALIVE_COUNT,
  };
}

/** One ProxyJump element: `[user@]host[:port]`, `[user@][v6addr]:port` or `ssh://user@host:port`. */
export function parseJump(spec: string, hostName: string): { user?: string; host: string; port?: number } {
  const m = /^(?:ssh:\/\/)?(?:([^@]+)@)?(\[[^\]]+\]|[^:@]+)(?::(\d+))?$/.exec(spec.trim());
  if (!m) {
    throw new TransportError('config', hostName, `cannot read ProxyJump element "${spec}"`, 'write it as user@host:port, several separated by commas');
  }
  const host = m[2]!.replace(/^\[|\]$/g, '');
  return { ...(m[1] ? { user: m[1] } : {}), host, ...(m[3] ? { port: Number(m[3]) } : {}) };
}

/**
 * Resolve a host's settings. Jump hosts get their own ~/.ssh/config block; where that names no
 * key, the target's inventory key is offered (one key for a whole fleet is common), and they
 * share the target's known_hosts and checking mode unless their block says otherwise.
 */
export function resolveHost(hostName: string, ssh: SshSettings, env: SettingsEnv): ResolvedHost {
  const c = compute(env, ssh.address);
  const target = resolveHop(
    env,
    {
      label: hostName,
      address: ssh.address,
      port: ssh.port,
      user: ssh.user,
      identityFiles: ssh.identityFile ? [ssh.identityFile] : [],
      identitiesOnly: ssh.identitiesOnly,
      knownHosts: ssh.knownHosts,
      strict: ssh.strictHostKeyChecking,
      connectTimeoutMs: ssh.connectTimeoutMs,
    },
    c,
  );
  const jumpSpec = ssh.proxyJump ?? one(c, 'proxyjump');
  const jumps: Hop[] = [];
  if (jumpSpec && jumpSpec.toLowerCase() !== 'none') {
    for (const el of jumpSpec.split(',')) {
      const j = parseJump(el, hostName);
      const jc = compute(env, j.host);
      const jumpOwnKeys = many(jc, 'identityfile').length > 0;
      jumps.push(
        resolveHop(
          env,
          {
            label: el.trim(),
            address: j.host,
            port: j.port,
            user: j.user,
            identityFiles: !jumpOwnKeys && ssh.identityFile ? [ssh.identityFile] : [],
            identitiesOnly: ssh.identitiesOnly,
            knownHosts: one(jc, 'userknownhostsfile') ? undefined : target.knownHosts,
            strict: one(jc, 'stricthostkeychecking') ? undefined : target.strict,
            connectTimeoutMs: ssh.connectTimeoutMs,
          },
          jc,
        ),
      );
    }
  }
  return { target, jumps, agentSock: env.agentSock };
}
