// The three parts of ssh2 the transport uses (Client, OpenSSHAgent, parseKey), loaded from their
// own files instead of ssh2's index: the index also loads its HTTP(S) agents (node:http, https,
// tls), the SSH server and key generation, ~5 ms of every `exec`'s start before the first connect
// (bench/README.md, SSH fan-out). Types stay ssh2's own. ssh2 has no "exports" map, so these
// paths are reachable; if a release moves them, the first SSH connect fails loudly (test/ssh).
import { createRequire } from 'node:module';
import type ssh2 from 'ssh2';

// Named `load`, not `require`: the bundler leaves the call alone and Node resolves ssh2 at run time.
const load = createRequire(import.meta.url);

export const Client = load('ssh2/lib/client.js') as typeof ssh2.Client;
export const { OpenSSHAgent } = load('ssh2/lib/agent.js') as { OpenSSHAgent: typeof ssh2.OpenSSHAgent };
export const { parseKey } = load('ssh2/lib/protocol/keyParser.js') as { parseKey: typeof ssh2.utils.parseKey };
