// One host's SSH Transport: a single connection reused for every command and transfer, opened
// under the pool's connect limit, reopened once when it dropped between commands, and closed
// early (release) once the run is done with the host.
import type { Client, SFTPWrapper } from 'ssh2';
import { TransportError } from '../../model/errors.js';
import type { CommandResult, ExecOptions, Transport, TransferOptions, TransferResult } from '../../ports/transport.js';
import { connectChain, type Connection, type JumpSource } from './connect.js';
import { execOnClient } from './exec.js';
import type { ResolvedHost } from './settings.js';
import { getFile, putFile, type SftpDeps } from './sftp.js';

/** Runs `fn` under the pool's concurrency limit for connects. */
export type Limiter = <T>(fn: () => Promise<T>) => Promise<T>;

export class SshTransport implements Transport {
  private conn: Connection | undefined;
  private connecting: Promise<Connection> | undefined;
  private alive = false;
  private sftpSession: Promise<SFTPWrapper> | undefined;
  private closed = false;

  constructor(
    readonly host: string,
    private readonly resolved: ResolvedHost,
    private readonly limit: Limiter,
    private readonly becomePassword: string | undefined,
    /** Shared jump-host connections (the pool's); without it each host opens its own chain. */
    private readonly jumps?: JumpSource,
  ) {}

  /** Open the connection (or return the open one). Rejects with TransportError. */
  connect(): Promise<Connection> {
    if (this.closed) return Promise.reject(new TransportError('connect', this.host, 'the transport was closed (the run is ending)'));
    if (this.conn && this.alive) return Promise.resolve(this.conn);
    if (!this.connecting) {
      this.connecting = this.limit(() => connectChain(this.host, this.resolved, this.jumps))
        .then((conn) => {
          this.conn = conn;
          this.alive = true;
          this.sftpSession = undefined;
          conn.client.setMaxListeners(0); // one close listener per running command
          const down = (): void => {
            if (this.conn === conn) this.alive = false;
            // The jump hosts' connections served only this one; do not leak them on reconnect.
            for (const c of conn.chain) if (c !== conn.client) c.end();
          };
          conn.client.on('close', down);
          conn.client.on('end', down);
          if (this.closed) this.endChain(conn);
          return conn;
        })
        .finally(() => {
          this.connecting = undefined;
        });
    }
    return this.connecting;
  }

  /** The connection for the next command: a dropped one is reopened once; a failed reopen is the error. */
  private async client(): Promise<Client> {
    const conn = await this.connect();
    return conn.client;
  }

  async exec(command: string, opts: ExecOptions = {}): Promise<CommandResult> {
    const client = await this.client();
    return execOnClient({ client, host: this.host, becomePassword: this.becomePassword }, command, opts);
  }

  private sftpDeps(): SftpDeps {
    return {
      host: this.host,
      alive: () => this.alive,
      exec: (c, o) => this.exec(c, o),
      sftp: async () => {
        const client = await this.client();
        if (!this.sftpSession) {
          const session = new Promise<SFTPWrapper>((resolve, reject) => {
            client.sftp((err, s) => {
              if (err) return reject(new TransportError('transfer', this.host, `cannot start SFTP: ${err.message}`, 'is the sftp subsystem enabled in the host\'s sshd_config?'));
              // A session ended by an aborted transfer is replaced on next use.
              s.on('close', () => {
                if (this.sftpSession === session) this.sftpSession = undefined;
              });
              resolve(s);
            });
          });
          this.sftpSession = session;
          session.catch(() => {
            if (this.sftpSession === session) this.sftpSession = undefined;
          });
        }
        return this.sftpSession;
      },
    };
  }

  put(localPath: string, remotePath: string, opts: TransferOptions = {}): Promise<TransferResult> {
    return putFile(this.sftpDeps(), localPath, remotePath, opts);
  }

  get(remotePath: string, localPath: string, opts: TransferOptions = {}): Promise<TransferResult> {
    return getFile(this.sftpDeps(), remotePath, localPath, opts);
  }

  private endChain(conn: Connection): void {
    for (const c of [...conn.chain].reverse()) c.end();
  }

  /** Transport.release: close the connection now; the next exec or transfer opens it again. */
  release(): Promise<void> {
    if (this.connecting) return Promise.resolve(); // in use after all: keep it
    return this.shut();
  }

  async close(): Promise<void> {
    this.closed = true;
    return this.shut();
  }

  private async shut(): Promise<void> {
    const conn = this.conn;
    const wasAlive = this.alive;
    this.conn = undefined;
    this.alive = false;
    this.sftpSession = undefined;
    if (!conn) return;
    if (!wasAlive) return this.endChain(conn); // already closed: nothing to wait for
    const gone = new Promise<void>((resolve) => {
      const t = setTimeout(resolve, 2_000); // bounded: a dead peer must not hold up the end of a run
      conn.client.once('close', () => {
        clearTimeout(t);
        resolve();
      });
    });
    this.endChain(conn);
    await gone;
  }
}
