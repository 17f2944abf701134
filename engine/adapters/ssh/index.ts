// The ssh2 transport pool: one SshTransport per inventory host, connects bounded by `forks`.
// Settings come from the inventory, then ~/.ssh/config, then ssh-agent and default keys
// (settings.ts); host keys are always checked against known_hosts (connect.ts).
import pLimit from 'p-limit';
import type { Host } from '../../model/inventory.js';
import type { Transport, TransportPool } from '../../ports/transport.js';
import { defaultSettingsEnv, resolveHost, type SettingsEnv } from './settings.js';
import { JumpShare } from './jump-share.js';
import { SshTransport } from './transport.js';

export interface SshPoolOptions {
  /** Hosts contacted at once (connects in flight); default 50. */
  forks?: number;
  /** ~/.ssh/config path; default the user's. A missing file means no config. */
  sshConfig?: string;
  /** Sudo password for become, from a prompt or RUNBOOK_BECOME_PASSWORD; never logged. */
  becomePassword?: string;
  /** ssh-agent socket; default SSH_AUTH_SOCK. Pass null to use no agent. */
  agentSock?: string | null;
  /** Home directory for ~ and default keys (tests); default the user's. */
  home?: string;
  /** SSH keepalive interval for every host; default ServerAliveInterval from ssh_config, else 15 s. */
  keepaliveIntervalMs?: number;
}

export const DEFAULT_FORKS = 50;

export function createSshPool(opts: SshPoolOptions = {}): TransportPool {
  const limit = pLimit(opts.forks ?? DEFAULT_FORKS);
  const env: SettingsEnv = { ...defaultSettingsEnv(opts.sshConfig) };
  if (opts.home) env.home = opts.home;
  if (opts.keepaliveIntervalMs) env.keepaliveIntervalMs = opts.keepaliveIntervalMs;
  if (opts.agentSock !== undefined) env.agentSock = opts.agentSock ?? undefined;
  const transports = new Map<string, SshTransport>();
  const jumps = new JumpShare();

  return {
    async forHost(host: Host): Promise<Transport> {
      let t = transports.get(host.name);
      if (!t) {
        t = new SshTransport(host.name, resolveHost(host.name, host.ssh, env), (fn) => limit(fn), opts.becomePassword, jumps);
        transports.set(host.name, t);
      }
      await t.connect();
      return t;
    },
    async closeAll(): Promise<void> {
      const all = [...transports.values()];
      transports.clear();
      await Promise.all(all.map((t) => t.close()));
      await jumps.closeAll();
    },
  };
}

export { SshTransport } from './transport.js';
export { fingerprintSha256, knownHostsName, parseKnownHosts } from './known-hosts.js';
