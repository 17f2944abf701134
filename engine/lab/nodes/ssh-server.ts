// One node's SSH server (ssh2's Server on 127.0.0.1): its own ed25519 host key, publickey auth
// for the lab's client key only, exec/shell in real bash with the shims first on PATH, env
// requests, signals, the sftp subsystem through OpenSSH's sftp-server, and the sshDrop fault.
import { timingSafeEqual } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import ssh2 from 'ssh2';
import type { Connection, ParsedKey, ServerChannel } from 'ssh2';
import type { LabFaults, LabRecords } from '../contract.js';
import type { NodeState } from './node-state.js';
import { ed25519KeyPair } from '../keys.js';
import { findSftpServer, runOnChannel, type ChannelProcess } from './processes.js';

const { Server, utils } = ssh2;

export interface NodeSshOptions {
  node: NodeState;
  /** The user name the lab accepts (the inventory's `user`). */
  user: string;
  /** OpenSSH public key line of the lab's client key. */
  clientPublicKey: string;
  /** Environment every command starts with (PATH with shims, LAB_*). */
  env: NodeJS.ProcessEnv;
  faults: LabFaults;
  records: LabRecords['commands'];
}

export interface NodeSsh {
  port: number;
  /** `ssh-ed25519 AAAA…` of this node's host key. */
  hostKey: string;
  stop(): Promise<void>;
}

type CommandRecord = LabRecords['commands'][number];

/** The sshDrop fault's substring for this node, if the command matches it. */
function dropsOn(faults: LabFaults, node: string, command: string): boolean {
  const sub = faults.sshDrop[node] ?? faults.sshDrop['*'];
  return typeof sub === 'string' && sub.length > 0 && command.includes(sub);
}

/** Abruptly cut a client's TCP connection, like a network failure (no SSH disconnect message). */
function cut(client: Connection): void {
  // ssh2 keeps the socket private; destroying it is the only way to drop without a goodbye.
  const sock = (client as unknown as { _sock?: { destroy(): void } })._sock;
  if (sock) sock.destroy();
  else client.end();
}

function sameKey(a: Buffer, b: Buffer): boolean {
  return a.length === b.length && timingSafeEqual(a, b);
}

export async function startNodeSsh(o: NodeSshOptions): Promise<NodeSsh> {
  const host = ed25519KeyPair();
  const allowed = utils.parseKey(o.clientPublicKey);
  if (allowed instanceof Error) throw new Error(`lab: the client public key cannot be parsed: ${allowed.message}`);
  const allowedKey = allowed as ParsedKey;
  const allowedBlob = allowedKey.getPublicSSH();
  const clients = new Set<Connection>();
  const procs = new Set<ChannelProcess>();
  /** Process groups of every command started here that may still have members. */
  const groups = new Set<number>();
  const sftpServer = findSftpServer();

  const server = new Server({ hostKeys: [host.private] }, (client) => {
    clients.add(client);
    // Nagle plus delayed ACKs costs ~40 ms a round trip on loopback (benchmarks.md).
    (client as unknown as { setNoDelay?(on: boolean): void }).setNoDelay?.(true); // missing from @types/ssh2
    client.on('close', () => clients.delete(client));
    client.on('error', () => { /* resets and drops are normal for a lab */ });
    client.on('authentication', (ctx) => {
      if (ctx.method !== 'publickey' || ctx.username !== o.user) return ctx.reject(['publickey']);
      if (ctx.key.algo !== allowedKey.type || !sameKey(ctx.key.data, allowedBlob)) return ctx.reject(['publickey']);
      if (ctx.signature && ctx.blob && allowedKey.verify(ctx.blob, ctx.signature, ctx.hashAlgo) !== true) return ctx.reject(['publickey']);
      ctx.accept();
    });
    client.on('ready', () => {
      client.on('session', (acceptSession) => {
        const session = acceptSession();
        const env: Record<string, string> = {};
        let current: ChannelProcess | undefined;
        session.on('env', (accept, _reject, info) => { env[info.key] = info.val; accept?.(); });
        session.on('pty', (accept) => accept?.());
        session.on('window-change', (accept) => accept?.());
        session.on('signal', (accept, _reject, info) => {
          accept?.();
          current?.kill(`SIG${info.name}` as NodeJS.Signals);
        });
        session.on('exec', (accept, _reject, info) => {
          const channel = accept();
          current = runCommand(client, channel, info.command, env);
        });
        session.on('shell', (accept) => {
          const channel = accept();
          current = start(channel, '/bin/bash', [], env, true);
          void finish(channel, current);
        });
        session.on('subsystem', (accept, reject, info) => {
          if (info.name !== 'sftp' || !sftpServer) return reject?.();
          const channel = accept();
          current = start(channel, sftpServer, [], env, false);
          void current.done.then(() => channel.end());
        });
      });
    });
  });

  function start(channel: ServerChannel, file: string, args: string[], env: Record<string, string>, stderr: boolean): ChannelProcess {
    const p = runOnChannel(channel, file, args, { cwd: o.node.home, env: { ...o.env, ...env }, stderr });
    procs.add(p);
    const pgid = p.child.pid;
    if (pgid !== undefined) groups.add(pgid);
    void p.done.then(() => {
      procs.delete(p);
      // Keep the group only while something in it (`cmd &`) still runs, so stop() can end it.
      if (pgid !== undefined) { try { process.kill(-pgid, 0); } catch { groups.delete(pgid); } }
    });
    return p;
  }

  async function finish(channel: ServerChannel, p: ChannelProcess, rec?: CommandRecord): Promise<void> {
    const { code, signal } = await p.done;
    if (rec) rec.exitCode = code;
    try {
      if (signal) channel.exit(signal.replace(/^SIG/, ''), false, '');
      else channel.exit(code ?? 255);
      channel.end();
    } catch { /* the client went away */ }
  }

  function runCommand(client: Connection, channel: ServerChannel, command: string, env: Record<string, string>): ChannelProcess {
    const rec: CommandRecord = { ts: Date.now(), node: o.node.name, command, exitCode: null };
    o.records.push(rec);
    const p = start(channel, '/bin/bash', ['-c', command], env, true);
    if (dropsOn(o.faults, o.node.name, command)) {
      // Mid-command: the process has started; the client never learns how it ended.
      const t = setTimeout(() => cut(client), 150);
      // The record keeps how the command really ended (null when the drop killed it).
      void p.done.then(({ code }) => { rec.exitCode = code; clearTimeout(t); cut(client); });
      return p;
    }
    void finish(channel, p, rec);
    return p;
  }

  await new Promise<void>((res, rej) => {
    server.once('error', rej);
    server.listen(0, '127.0.0.1', () => res());
  });
  const port = (server.address() as AddressInfo).port;
  return {
    port,
    hostKey: host.public.trim(),
    stop: async () => {
      for (const p of procs) p.kill('SIGKILL');
      for (const g of groups) { try { process.kill(-g, 'SIGKILL'); } catch { /* already empty */ } }
      for (const c of clients) cut(c);
      await new Promise<void>((res) => server.close(() => res()));
    },
  };
}
