// Opening an SSH connection: one hop (TCP or a channel forwarded by the previous hop), host key
// verified against known_hosts on every hop, credentials from auth.ts, Nagle off, keepalives on.
// Every failure becomes a TransportError that names the host, the cause and what to do next.
import { appendFileSync, existsSync, mkdirSync, readFileSync } from 'node:fs';
import { dirname } from 'node:path';
import type { Duplex } from 'node:stream';
import type { Client as ClientT, ConnectConfig } from 'ssh2';
import { TransportError } from '../../model/errors.js';
import { planAuth } from './auth.js';
import { checkHostKey, fingerprintSha256, keyTypeOf, knownHostsFor, knownHostsName, knownKeyTypes } from './known-hosts.js';
import type { Hop, ResolvedHost } from './settings.js';
import { Client } from './ssh2-parts.js';

/** A connected chain: `client` reaches the target, `chain` holds it and its jump hosts (closed in reverse). */
export interface Connection {
  client: ClientT;
  chain: ClientT[];
}

function algorithmsFor(types: string[]): string[] {
  const out: string[] = [];
  for (const t of types) {
    if (t === 'ssh-rsa') out.push('rsa-sha2-512', 'rsa-sha2-256', 'ssh-rsa');
    else out.push(t);
  }
  return out;
}

function where(hop: Hop, isJump: boolean): string {
  const at = `${hop.address}:${hop.port}`;
  return isJump ? `jump host ${hop.label} (${at})` : at;
}

/** Record a newly accepted key the way OpenSSH's accept-new does (one plain line appended). */
function recordKey(file: string, name: string, keyBlob: Buffer): void {
  mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
  let sep = '';
  if (existsSync(file)) {
    const text = readFileSync(file, 'utf8');
    if (text.length > 0 && !text.endsWith('\n')) sep = '\n';
  }
  appendFileSync(file, `${sep}${name} ${keyTypeOf(keyBlob)} ${keyBlob.toString('base64')}\n`, { mode: 0o600 });
}

/** Connect one hop; `sock` is the forwarded channel when the hop sits behind a jump host. */
export function connectHop(hostName: string, hop: Hop, agentSock: string | undefined, isJump: boolean, sock?: Duplex): Promise<ClientT> {
  const name = knownHostsName(hop.address, hop.port);
  const entries = knownHostsFor(hop.knownHosts, name);
  const auth = planAuth(hop, agentSock);
  const place = where(hop, isJump);
  if (auth.methods.length === 0) {
    return Promise.reject(
      new TransportError('auth', hostName, `no SSH key to offer to ${place} as ${hop.user}: none of ${[...hop.identityFiles, ...hop.defaultIdentityFiles].join(', ')} exists and no ssh-agent (SSH_AUTH_SOCK) is usable`,
        'set identity_file in the inventory (or IdentityFile in ~/.ssh/config), or load a key with ssh-add'),
    );
  }
  let hostKeyError: TransportError | undefined;
  const hostVerifier = (key: Buffer, verify: (ok: boolean) => void): void => {
    const fp = fingerprintSha256(key);
    const type = keyTypeOf(key);
    const verdict = checkHostKey(entries, name, key);
    switch (verdict.kind) {
      case 'known':
        return verify(true);
      case 'revoked':
        hostKeyError = new TransportError('hostkey', hostName, `${place} presents the ${type} key ${fp}, which ${hop.knownHosts}:${verdict.entry.line} marks @revoked; refusing to connect`, 'the key was revoked on purpose: ask who manages the host');
        return verify(false);
      case 'changed':
        hostKeyError = new TransportError('hostkey', hostName,
          `HOST KEY CHANGED for ${place}: it presents ${type} ${fp}, but ${hop.knownHosts}:${verdict.entry.line} holds a different ${type} key. Someone could be intercepting the connection (man-in-the-middle); refusing to connect`,
          `if the host was reinstalled, check the new fingerprint out of band, then remove the old key: ssh-keygen -R '${name}' -f ${hop.knownHosts}`);
        return verify(false);
      case 'unknown': {
        if (hop.strict === 'accept-new') {
          try {
            recordKey(hop.knownHosts, name, key);
          } catch (e) {
            hostKeyError = new TransportError('hostkey', hostName, `cannot record the new host key of ${place} in ${hop.knownHosts}: ${(e as Error).message}`);
            return verify(false);
          }
          return verify(true);
        }
        const others = verdict.otherTypes.length ? ` (${hop.knownHosts} has only ${[...new Set(verdict.otherTypes.map((e) => e.keyType))].join(', ')} keys for it)` : '';
        hostKeyError = new TransportError('hostkey', hostName,
          `unknown host key for ${place}: ${type} ${fp} is not in ${hop.knownHosts}${others}; refusing to connect`,
          `check the fingerprint, then record it: ssh-keyscan -p ${hop.port} -t ${type.replace(/^ssh-/, '')} ${hop.address} >> ${hop.knownHosts} — or set strict_host_key_checking: accept-new to record keys of new hosts automatically`);
        return verify(false);
      }
    }
  };

  const known = algorithmsFor(knownKeyTypes(entries, name));
  const cfg: ConnectConfig = {
    host: hop.address,
    port: hop.port,
    username: hop.user,
    readyTimeout: hop.connectTimeoutMs,
    keepaliveInterval: hop.keepaliveIntervalMs,
    keepaliveCountMax: hop.keepaliveCountMax,
    hostVerifier,
    authHandler: auth.methods,
    // Like OpenSSH: ask first for the key types known_hosts already has, so a host with an RSA
    // entry is not reported as "unknown" just because it also offers ed25519.
    ...(known.length ? { algorithms: { serverHostKey: { prepend: known } as never } } : {}),
    ...(sock ? { sock } : {}),
  };

  return new Promise<ClientT>((resolve, reject) => {
    const client = new Client();
    let settled = false;
    const fail = (err: TransportError): void => {
      if (settled) return;
      settled = true;
      client.end();
      reject(err);
    };
    client.once('ready', () => {
      settled = true;
      client.removeAllListeners('error');
      // Errors after the handshake surface as 'close' on the transport; keep one listener so an
      // emitted 'error' never crashes the process.
      client.on('error', () => undefined);
      resolve(client);
    });
    client.on('error', (err: Error & { level?: string; code?: string }) => {
      if (hostKeyError) return fail(hostKeyError);
      if (/too many authentication failures/i.test(err.message)) {
        return fail(new TransportError('auth', hostName, `${place} gave up: too many authentication failures for user ${hop.user} (offered: ${auth.offered.join('; ')})`,
          'name the right key with identity_file (IdentityFile) and set identities_only: true (IdentitiesOnly yes) so the agent\'s other keys are not tried first'));
      }
      if (err.level === 'client-authentication') {
        return fail(new TransportError('auth', hostName, `${place} refused every key offered for user ${hop.user}: ${auth.offered.join('; ')}`,
          'check the user and that the public key is in ~/.ssh/authorized_keys on the host'));
      }
      if (err.level === 'client-timeout') {
        return fail(new TransportError('connect', hostName, `SSH handshake with ${place} timed out after ${hop.connectTimeoutMs} ms`, 'is the host up and the port right? raise connect_timeout if the network is slow'));
      }
      fail(new TransportError('connect', hostName, `cannot connect to ${place}: ${err.code ? `${err.code} ` : ''}${err.message}`, 'is the host up, the address and port right, and sshd running?'));
    });
    client.once('close', () => {
      if (settled) return; // a connection that was up: its users watch 'close' themselves
      if (hostKeyError) return fail(hostKeyError);
      fail(new TransportError('connect', hostName, `${place} closed the connection during the SSH handshake`));
    });
    client.connect(cfg);
    // benchmarks.md: ssh2 leaves Nagle on and each command then waits on delayed ACKs.
    if (!sock) client.setNoDelay(true);
  });
}

/** A channel from `via` (a connected jump host) to the next hop's address and port. */
function forward(hostName: string, via: ClientT, viaLabel: string, next: Hop): Promise<Duplex> {
  return new Promise<Duplex>((resolve, reject) => {
    via.forwardOut('127.0.0.1', 0, next.address, next.port, (err, stream) => {
      if (err) {
        reject(new TransportError('connect', hostName, `jump host ${viaLabel} could not reach ${next.address}:${next.port}: ${err.message}`, 'check the address as seen from the jump host, and that its sshd allows TCP forwarding'));
      } else resolve(stream);
    });
  });
}

/** Connect a ProxyJump chain: the first directly, each next one through the previous. */
export async function connectJumps(hostName: string, jumps: Hop[], agentSock: string | undefined): Promise<ClientT[]> {
  const clients: ClientT[] = [];
  try {
    let sock: Duplex | undefined;
    for (let i = 0; i < jumps.length; i++) {
      const client = await connectHop(hostName, jumps[i]!, agentSock, true, sock);
      clients.push(client);
      if (i < jumps.length - 1) sock = await forward(hostName, client, jumps[i]!.label, jumps[i + 1]!);
    }
    return clients;
  } catch (e) {
    for (const c of clients.reverse()) c.end();
    throw e;
  }
}

/** Hands out one connection per distinct jump chain, shared by every host behind it. */
export interface JumpSource {
  get(hostName: string, jumps: Hop[], agentSock: string | undefined): Promise<ClientT>;
}

/**
 * Connect the target, through its jump hosts when it has some, each verified like the target.
 * With a JumpSource the jump connection is shared (not part of this host's chain).
 */
export async function connectChain(hostName: string, r: ResolvedHost, jumps?: JumpSource): Promise<Connection> {
  if (r.jumps.length === 0) {
    const client = await connectHop(hostName, r.target, r.agentSock, false);
    return { client, chain: [client] };
  }
  const own = jumps ? [] : await connectJumps(hostName, r.jumps, r.agentSock);
  try {
    const via = jumps ? await jumps.get(hostName, r.jumps, r.agentSock) : own[own.length - 1]!;
    const sock = await forward(hostName, via, r.jumps[r.jumps.length - 1]!.label, r.target);
    const client = await connectHop(hostName, r.target, r.agentSock, false, sock);
    return { client, chain: [...own, client] };
  } catch (e) {
    for (const c of own.reverse()) c.end();
    throw e;
  }
}
