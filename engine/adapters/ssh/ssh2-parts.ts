// The three parts of ssh2 the transport uses (Client, OpenSSHAgent, parseKey), loaded from their
// own files instead of ssh2's index: the index also loads its HTTP(S) agents (node:http, https,
// tls), the SSH server and key generation, ~5 ms of every `exec`'s start before the first connect
// (bench/README.md, SSH fan-out). Types stay ssh2's own. ssh2 has no "exports" map, so these
// paths are reachable today; they are not a documented API, so if a release moves or reshapes
// them the parts come from ssh2's public index instead (slower start, same behaviour).
import { createRequire } from 'node:module';
import type ssh2 from 'ssh2';

export interface Ssh2Parts {
  Client: typeof ssh2.Client;
  OpenSSHAgent: typeof ssh2.OpenSSHAgent;
  parseKey: typeof ssh2.utils.parseKey;
  /** 'files' when the internal files served, 'index' when ssh2's public index had to. */
  from: 'files' | 'index';
}

type Load = (id: string) => unknown;

/** The parts through `load` (Node's require), from ssh2's own files when they have the expected shape. */
export function loadSsh2Parts(load: Load): Ssh2Parts {
  try {
    const Client = load('ssh2/lib/client.js');
    const { OpenSSHAgent } = load('ssh2/lib/agent.js') as { OpenSSHAgent?: unknown };
    const { parseKey } = load('ssh2/lib/protocol/keyParser.js') as { parseKey?: unknown };
    if (typeof Client === 'function' && typeof OpenSSHAgent === 'function' && typeof parseKey === 'function') {
      return { Client: Client as Ssh2Parts['Client'], OpenSSHAgent: OpenSSHAgent as Ssh2Parts['OpenSSHAgent'], parseKey: parseKey as Ssh2Parts['parseKey'], from: 'files' };
    }
  } catch {
    /* moved in this ssh2 release: the index below has them */
  }
  const index = load('ssh2') as typeof ssh2;
  return { Client: index.Client, OpenSSHAgent: index.OpenSSHAgent, parseKey: index.utils.parseKey, from: 'index' };
}

// Named `load`, not `require`: the bundler leaves the call alone and Node resolves ssh2 at run time.
const parts = loadSsh2Parts(createRequire(import.meta.url));

export const { Client, OpenSSHAgent, parseKey } = parts;
