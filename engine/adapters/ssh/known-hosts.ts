// known_hosts: parsing (plain, `[host]:port`, hashed `|1|salt|hash`, comma lists, wildcards,
// markers) and the pure decision "is this key known, unknown, changed or revoked for this host".
// The decision is data; host-verify.ts turns it into errors and appends accepted keys.
import { createHash, createHmac } from 'node:crypto';
import { readFileSync, statSync } from 'node:fs';

export interface KnownHostEntry {
  /** 1-based line in the file, for "the old key is at FILE:LINE". */
  line: number;
  marker: 'revoked' | 'cert-authority' | undefined;
  /** The host field as written (comma list, hashed or patterns). */
  hosts: string;
  keyType: string;
  /** The base64 key blob as written. */
  keyBase64: string;
}

export type HostKeyVerdict =
  | { kind: 'known'; entry: KnownHostEntry }
  | { kind: 'unknown'; otherTypes: KnownHostEntry[] }
  | { kind: 'changed'; entry: KnownHostEntry }
  | { kind: 'revoked'; entry: KnownHostEntry };

/** The name OpenSSH looks up: `host` on port 22, `[host]:port` otherwise. */
export function knownHostsName(address: string, port: number): string {
  return port === 22 ? address : `[${address}]:${port}`;
}

/** OpenSSH's fingerprint format: `SHA256:` + unpadded base64 of the SHA-256 of the key blob. */
export function fingerprintSha256(keyBlob: Buffer): string {
  return 'SHA256:' + createHash('sha256').update(keyBlob).digest('base64').replace(/=+$/, '');
}

/** The key type string at the start of an SSH public key blob (`ssh-ed25519`, ...). */
export function keyTypeOf(keyBlob: Buffer): string {
  if (keyBlob.length < 4) return 'unknown';
  const len = keyBlob.readUInt32BE(0);
  return keyBlob.subarray(4, 4 + len).toString('latin1');
}

export function parseKnownHosts(text: string): KnownHostEntry[] {
  const out: KnownHostEntry[] = [];
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const raw = lines[i]!.trim();
    if (raw === '' || raw.startsWith('#')) continue;
    const fields = raw.split(/\s+/);
    let marker: KnownHostEntry['marker'];
    if (fields[0]!.startsWith('@')) {
      const m = fields.shift()!;
      if (m === '@revoked') marker = 'revoked';
      else if (m === '@cert-authority') marker = 'cert-authority';
      else continue; // an unknown marker: OpenSSH skips the line too
    }
    if (fields.length < 3) continue;
    out.push({ line: i + 1, marker, hosts: fields[0]!, keyType: fields[1]!, keyBase64: fields[2]! });
  }
  return out;
}

/** A host pattern matches a name: plain names compare directly (the common case, and fast for big files). */
function patternMatches(pattern: string, name: string): boolean {
  if (!/[*?]/.test(pattern)) return pattern.toLowerCase() === name.toLowerCase();
  return globToRegExp(pattern).test(name);
}

function globToRegExp(pattern: string): RegExp {
  const esc = pattern.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.');
  return new RegExp(`^${esc}$`, 'i');
}

/** Does the host field (hashed, or a comma list of patterns with `!` negation) name `name`? */
export function hostFieldMatches(field: string, name: string): boolean {
  if (field.startsWith('|1|')) {
    const [, , salt, hash] = field.split('|');
    if (!salt || !hash) return false;
    const mac = createHmac('sha1', Buffer.from(salt, 'base64')).update(name).digest('base64');
    return mac === hash;
  }
  let matched = false;
  for (const pat of field.split(',')) {
    if (pat.startsWith('!')) {
      if (patternMatches(pat.slice(1), name)) return false; // a negated match wins
    } else if (patternMatches(pat, name)) {
      matched = true;
    }
  }
  return matched;
}

/** Decide what the presented key means for `name`, as OpenSSH would. */
export function checkHostKey(entries: KnownHostEntry[], name: string, keyBlob: Buffer): HostKeyVerdict {
  const type = keyTypeOf(keyBlob);
  const b64 = keyBlob.toString('base64');
  const forHost = entries.filter((e) => e.marker !== 'cert-authority' && hostFieldMatches(e.hosts, name));
  const revoked = forHost.find((e) => e.marker === 'revoked' && e.keyBase64 === b64);
  if (revoked) return { kind: 'revoked', entry: revoked };
  const plain = forHost.filter((e) => e.marker === undefined);
  const same = plain.find((e) => e.keyBase64 === b64);
  if (same) return { kind: 'known', entry: same };
  const sameType = plain.find((e) => e.keyType === type);
  if (sameType) return { kind: 'changed', entry: sameType };
  return { kind: 'unknown', otherTypes: plain };
}

/** Host key algorithms to offer first, so the server presents a key type we already know. */
export function knownKeyTypes(entries: KnownHostEntry[], name: string): string[] {
  const types = new Set<string>();
  for (const e of entries) if (e.marker === undefined && hostFieldMatches(e.hosts, name)) types.add(e.keyType);
  return [...types];
}

/**
 * Entries by the plain names in their host field (lower-cased), and those that need matching
 * (hashed, wildcards, negations): a host's candidates are found without scanning the whole file,
 * which at 100 hosts and a 100-line known_hosts was 20,000 pattern tests per run.
 */
interface HostIndex {
  byName: Map<string, KnownHostEntry[]>;
  matched: KnownHostEntry[];
}

function indexEntries(entries: KnownHostEntry[]): HostIndex {
  const byName = new Map<string, KnownHostEntry[]>();
  const matched: KnownHostEntry[] = [];
  for (const e of entries) {
    if (e.hosts.startsWith('|') || /[*?!]/.test(e.hosts)) {
      matched.push(e);
      continue;
    }
    for (const n of new Set(e.hosts.toLowerCase().split(','))) {
      const list = byName.get(n);
      if (list) list.push(e);
      else byName.set(n, [e]);
    }
  }
  return { byName, matched };
}

const cache = new Map<string, { mtimeMs: number; size: number; entries: KnownHostEntry[]; index?: HostIndex }>();

function cached(file: string): { entries: KnownHostEntry[]; index?: HostIndex } {
  let st;
  try {
    st = statSync(file);
  } catch {
    return { entries: [] };
  }
  const hit = cache.get(file);
  if (hit && hit.mtimeMs === st.mtimeMs && hit.size === st.size) return hit;
  const entry = { mtimeMs: st.mtimeMs, size: st.size, entries: parseKnownHosts(readFileSync(file, 'utf8')) };
  cache.set(file, entry);
  return entry;
}

/** Parsed entries of a known_hosts file (cached until the file changes); [] if it is missing. */
export function loadKnownHosts(file: string): KnownHostEntry[] {
  return cached(file).entries;
}

/**
 * The entries of a known_hosts file that may concern `name`, in file order: enough for
 * checkHostKey and knownKeyTypes to reach the same verdict as over the whole file.
 */
export function knownHostsFor(file: string, name: string): KnownHostEntry[] {
  const c = cached(file);
  if (c.entries.length === 0) return c.entries;
  const index = (c.index ??= indexEntries(c.entries));
  const plain = index.byName.get(name.toLowerCase()) ?? [];
  if (index.matched.length === 0) return plain;
  return [...plain, ...index.matched].sort((a, b) => a.line - b.line);
}
