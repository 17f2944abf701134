// Which credentials one hop offers, in order: its identity files, then ssh-agent keys. With
// IdentitiesOnly the agent only gets to sign for the named keys, so an agent holding many keys
// never trips the server's MaxAuthTries ("Too many authentication failures", kubeone #3356).
import { existsSync, readFileSync, statSync } from 'node:fs';
import type { AnyAuthMethod, ParsedKey } from 'ssh2';
import type { Hop } from './settings.js';
import { OpenSSHAgent, parseKey } from './ssh2-parts.js';

/** An agent that lists only the keys whose public blobs are allowed. */
class FilteredAgent extends OpenSSHAgent {
  constructor(
    socketPath: string,
    private readonly allowed: Set<string>,
  ) {
    super(socketPath);
  }
  override getIdentities(cb: (err: Error | undefined, keys?: ParsedKey[]) => void): void {
    super.getIdentities((err, keys) => {
      if (err || !keys) return cb(err ?? undefined, undefined);
      // OpenSSHAgent hands back parsed public keys.
      const parsed = keys as ParsedKey[];
      cb(undefined, parsed.filter((k) => this.allowed.has(k.getPublicSSH().toString('base64'))));
    });
  }
}

export interface AuthPlan {
  methods: AnyAuthMethod[];
  /** Human list of what is offered, for the "no accepted credential" message. */
  offered: string[];
}

/** The public blob of a key, from its private file or its `.pub` beside it. */
function publicBlob(file: string, parsed: ParsedKey | Error): string | undefined {
  if (!(parsed instanceof Error)) return parsed.getPublicSSH().toString('base64');
  const pub = `${file}.pub`;
  if (!existsSync(pub)) return undefined;
  const k = parseKey(readFileSync(pub));
  return k instanceof Error ? undefined : k.getPublicSSH().toString('base64');
}

/** Parsed identity files, kept until the file changes: a fan-out offers one key to every host. */
const keyCache = new Map<string, { mtimeMs: number; size: number; parsed: ParsedKey | Error; blob: string | undefined }>();

/** The key in `file` (or why it cannot be used directly) and its public blob; undefined if there is no such file. */
function readKey(file: string): { parsed: ParsedKey | Error; blob: string | undefined } | undefined {
  let st;
  try {
    st = statSync(file);
  } catch {
    return undefined;
  }
  const hit = keyCache.get(file);
  if (hit && hit.mtimeMs === st.mtimeMs && hit.size === st.size) return hit;
  const parsed = parseKey(readFileSync(file));
  const entry = { mtimeMs: st.mtimeMs, size: st.size, parsed, blob: publicBlob(file, parsed) };
  keyCache.set(file, entry);
  return entry;
}

/** Offer order as OpenSSH: named keys, then the agent, then the default keys (only if none is named). */
export function planAuth(hop: Hop, agentSock: string | undefined): AuthPlan {
  const methods: AnyAuthMethod[] = [];
  const offered: string[] = [];
  // IdentitiesOnly without a named key: OpenSSH limits itself to the default key files.
  const onlyDefaults = hop.identitiesOnly && hop.identityFiles.length === 0;
  const named = onlyDefaults ? hop.defaultIdentityFiles : hop.identityFiles;
  const namedBlobs = new Set<string>();
  const offerFiles = (files: string[]): void => {
    for (const file of files) {
      const key = readKey(file);
      if (!key) continue;
      const { parsed, blob } = key;
      if (blob) namedBlobs.add(blob);
      if (parsed instanceof Error) {
        // Encrypted or unreadable: the agent may still hold it (ssh-add), so it is offered there.
        offered.push(`${file} (not usable directly: ${parsed.message}; tried through the agent)`);
        continue;
      }
      methods.push({ type: 'publickey', username: hop.user, key: parsed });
      offered.push(file);
    }
  };
  offerFiles(named);
  if (agentSock) {
    if (!hop.identitiesOnly) {
      methods.push({ type: 'agent', username: hop.user, agent: new OpenSSHAgent(agentSock) });
      offered.push(`ssh-agent keys (${agentSock})`);
    } else if (namedBlobs.size > 0) {
      methods.push({ type: 'agent', username: hop.user, agent: new FilteredAgent(agentSock, namedBlobs) });
      offered.push(`ssh-agent, only the keys named above (IdentitiesOnly)`);
    }
  }
  if (!onlyDefaults) offerFiles(hop.defaultIdentityFiles);
  return { methods, offered };
}
