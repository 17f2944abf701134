// The transport port: how actions reach a host. Implemented by adapters/ (local, ssh2) and by
// in-memory fakes under test/. One CommandResult whether the command succeeded or not; the
// action decides what a non-zero exit means (execa's lesson). Failures to reach the host at all
// reject with model/errors.ts TransportError.

/** Privilege escalation for one command. The password never appears in argv, output or events. */
export interface Become {
  method: 'sudo';
  /** Target user, default root. */
  user?: string;
  /** Sudo password, when sudo asks for one; fed on stdin, never logged. */
  password?: string;
}

export type Stream = 'stdout' | 'stderr';

export interface ExecOptions {
  /** Aborting stops the remote process (signal, then close the channel) and resolves with aborted: true. */
  signal?: AbortSignal;
  /** Command timeout; on expiry the process is stopped and the result has timedOut: true. */
  timeoutMs?: number;
  /** Extra environment (best effort over SSH: sent as `export` lines, not via AcceptEnv). */
  env?: Record<string, string>;
  /** Data written to the command's stdin, then stdin is closed. */
  stdin?: string;
  become?: Become;
  /** Each complete line of output as it arrives (no trailing newline). */
  onLine?: (stream: Stream, line: string) => void;
}

export interface CommandResult {
  /** The command as given (before any sudo wrapping), for error messages. */
  command: string;
  /** Exit code; null when killed by a signal, timed out, aborted or the connection was lost. */
  exitCode: number | null;
  signal: string | null;
  stdout: string;
  stderr: string;
  durationMs: number;
  timedOut: boolean;
  aborted: boolean;
}

export interface TransferOptions {
  signal?: AbortSignal;
  timeoutMs?: number;
  /** File mode for the written file (default 0o600). */
  mode?: number;
  become?: Become;
}

export interface TransferResult {
  bytes: number;
  /** Hex SHA-256 of the file, verified on both ends after the transfer. */
  sha256: string;
  durationMs: number;
}

/** One host's connection. Reused for many commands; close() when the run ends. */
export interface Transport {
  readonly host: string;
  exec(command: string, opts?: ExecOptions): Promise<CommandResult>;
  /** Upload localPath to remotePath. */
  put(localPath: string, remotePath: string, opts?: TransferOptions): Promise<TransferResult>;
  /** Download remotePath to localPath. */
  get(remotePath: string, localPath: string, opts?: TransferOptions): Promise<TransferResult>;
  close(): Promise<void>;
  /**
   * Optional: the run needs this host no more for now (its last phase is over), so the
   * connection may be closed early instead of at close(); a later exec or transfer opens it again.
   * Resolves when it is closed (bounded); callers need not wait.
   */
  release?(): Promise<void>;
}

/** Opens (and reuses) one Transport per host; the executor's only way to reach hosts. */
export interface TransportPool {
  forHost(host: import('../model/inventory.js').Host): Promise<Transport>;
  closeAll(): Promise<void>;
}
