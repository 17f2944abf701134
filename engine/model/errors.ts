// Error classes shared by every layer. Only the CLI maps them to exit codes (design.md §8).

/** A position in a runbook or inventory file, 1-based, as editors show it. */
export interface SourcePos {
  file: string;
  line: number;
  col: number;
}

/** One problem in a runbook or inventory: printed as `FILE:LINE:COL: message`. */
export interface Problem {
  pos: SourcePos;
  message: string;
}

export function formatProblem(p: Problem): string {
  return `${p.pos.file}:${p.pos.line}:${p.pos.col}: ${p.message}`;
}

/** Invalid input (runbook, inventory, -e, argv). Carries every problem found in one pass. Exit 2. */
export class InputError extends Error {
  readonly problems: Problem[];
  constructor(problems: Problem[]) {
    super(problems.map(formatProblem).join('\n'));
    this.name = 'InputError';
    this.problems = problems;
  }
}

/** A precondition refused the run: version skip, lock held, pre-flight failed, changed inputs. Exit 3. */
export class RefusedError extends Error {
  constructor(message: string, readonly hint?: string) {
    super(message);
    this.name = 'RefusedError';
  }
}

/** Why a transport could not do what it was asked (as opposed to a command that ran and failed). */
export type TransportErrorKind =
  | 'connect' // TCP/handshake failed or timed out
  | 'hostkey' // unknown or changed host key
  | 'auth' // no accepted credential
  | 'connection-lost' // the connection dropped while a command or transfer ran
  | 'transfer' // SFTP failure or checksum mismatch
  | 'config'; // bad connection settings (missing key file, bad ProxyJump)

/** A transport failure, naming the host and what to do next. */
export class TransportError extends Error {
  constructor(
    readonly kind: TransportErrorKind,
    readonly host: string,
    message: string,
    readonly hint?: string,
  ) {
    super(`${host}: ${message}`);
    this.name = 'TransportError';
  }
}

/** A Kubernetes API failure after bounded retries. */
export class KubeError extends Error {
  constructor(
    readonly status: number | undefined,
    readonly reason: string | undefined,
    message: string,
  ) {
    super(message);
    this.name = 'KubeError';
  }
}

/** The run was interrupted (SIGINT/SIGTERM). Exit 130. */
export class InterruptedError extends Error {
  constructor(message = 'interrupted') {
    super(message);
    this.name = 'InterruptedError';
  }
}
