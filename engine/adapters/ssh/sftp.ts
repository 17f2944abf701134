// put/get over SFTP with a SHA-256 check on both ends. Uploads land on a temporary name beside the
// destination and are renamed only after the remote checksum matched, so a failed or corrupted
// transfer never replaces the file. With become: upload to the login user's home, then a sudo
// script copies it next to the destination, checks it and renames it; downloads of root-only files
// go through a sudo copy into a private mktemp file the login user then reads over SFTP.
import { randomBytes } from 'node:crypto';
import { chmod, mkdir, rename, rm, stat } from 'node:fs/promises';
import { basename, dirname, posix } from 'node:path';
import type { SFTPWrapper } from 'ssh2';
import { TransportError } from '../../model/errors.js';
import type { CommandResult, ExecOptions, TransferOptions, TransferResult } from '../../ports/transport.js';
import { shQuote } from './become.js';
import { sha256OfFile } from '../../hash.js';

/** What the transfer needs from its transport. */
export interface SftpDeps {
  host: string;
  sftp(): Promise<SFTPWrapper>;
  exec(command: string, opts?: ExecOptions): Promise<CommandResult>;
  /** False once the connection dropped. */
  alive(): boolean;
}

const MISMATCH_EXIT = 97;

/** Run an SFTP operation bounded by the transfer's timeout and signal; failures become TransportErrors. */
function bounded<T>(deps: SftpDeps, sftp: SFTPWrapper, what: string, opts: TransferOptions, op: (cb: (err: Error | null | undefined, v?: T) => void) => void): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    let timer: NodeJS.Timeout | undefined;
    const stopWith = (why: string): void => {
      sftp.end(); // ends the SFTP channel; the pending operation then fails and is ignored
      finish(new TransportError('transfer', deps.host, `${what} ${why}`));
    };
    const onAbort = (): void => stopWith('was aborted');
    const finish = (err: Error | null | undefined, v?: T): void => {
      if (timer) clearTimeout(timer);
      opts.signal?.removeEventListener('abort', onAbort);
      if (!err) return resolve(v as T);
      if (err instanceof TransportError) return reject(err);
      if (!deps.alive()) return reject(new TransportError('connection-lost', deps.host, `connection lost during ${what}`));
      reject(new TransportError('transfer', deps.host, `${what} failed: ${err.message}`));
    };
    if (opts.signal?.aborted) return stopWith('was aborted');
    opts.signal?.addEventListener('abort', onAbort, { once: true });
    if (opts.timeoutMs) timer = setTimeout(() => stopWith(`timed out after ${opts.timeoutMs} ms`), opts.timeoutMs);
    let settled = false;
    op((err, v) => {
      if (settled) return;
      settled = true;
      finish(err, v);
    });
  });
}

function octal(mode: number): string {
  return (mode & 0o7777).toString(8).padStart(4, '0');
}

/** The shell script that checks a staged upload and renames it into place (exit 97 on mismatch). */
function finishUploadScript(stage: string, dest: string, mode: number, expected: string, copyFirst: boolean): string {
  const d = shQuote(dest);
  const lines = ['set -e'];
  if (copyFirst) {
    // become: copy the user's staged file next to the destination, as the target user.
    lines.push(`t=$(mktemp -- ${shQuote(`${posix.dirname(dest)}/.${posix.basename(dest)}.runbook-XXXXXXXX`)})`, `trap 'rm -f -- "$t"' EXIT`, `cat -- ${shQuote(stage)} > "$t"`, `rm -f -- ${shQuote(stage)}`);
  } else {
    lines.push(`t=${shQuote(stage)}`, `trap 'rm -f -- "$t"' EXIT`);
  }
  lines.push(
    `chmod ${octal(mode)} -- "$t"`,
    `s=$(sha256sum -- "$t")`,
    's=${s%% *}',
    `if [ "$s" != ${shQuote(expected)} ]; then echo "runbook-sha256 $s" >&2; exit ${MISMATCH_EXIT}; fi`,
    `mv -f -- "$t" ${d}`,
    `echo "runbook-sha256 $s"`,
  );
  return lines.join('\n');
}

export async function putFile(deps: SftpDeps, localPath: string, remotePath: string, opts: TransferOptions = {}): Promise<TransferResult> {
  const started = Date.now();
  const what = `upload of ${localPath} to ${deps.host}:${remotePath}`;
  let local;
  try {
    local = await sha256OfFile(localPath);
  } catch (e) {
    throw new TransportError('transfer', deps.host, `cannot read ${localPath}: ${(e as Error).message}`);
  }
  const sftp = await deps.sftp();
  const id = randomBytes(8).toString('hex');
  let stage: string;
  if (opts.become) {
    const home = await bounded<string>(deps, sftp, what, opts, (cb) => sftp.realpath('.', cb));
    stage = posix.join(home, `.runbook-put-${id}`);
  } else {
    stage = posix.join(posix.dirname(remotePath), `.${posix.basename(remotePath)}.runbook-${id}`);
  }
  try {
    await bounded<void>(deps, sftp, what, opts, (cb) => sftp.fastPut(localPath, stage, { mode: 0o600 }, (err) => cb(err)));
  } catch (e) {
    // Leave no half-written staging file behind (best effort, bounded; the connection may be gone).
    if (deps.alive()) await deps.exec(`rm -f -- ${shQuote(stage)}`, { timeoutMs: 5_000 }).catch(() => undefined);
    throw e;
  }
  const script = finishUploadScript(stage, remotePath, opts.mode ?? 0o600, local.sha256, opts.become !== undefined);
  const res = await deps.exec(`bash -c ${shQuote(script)}`, {
    ...(opts.become ? { become: opts.become } : {}),
    ...(opts.signal ? { signal: opts.signal } : {}),
    ...(opts.timeoutMs ? { timeoutMs: opts.timeoutMs } : {}),
  });
  const remoteSum = /runbook-sha256 ([0-9a-f]{64})/.exec(res.stdout + res.stderr)?.[1];
  if (res.exitCode === MISMATCH_EXIT) {
    await deps.exec(`rm -f -- ${shQuote(stage)}`).catch(() => undefined);
    throw new TransportError('transfer', deps.host, `checksum mismatch after ${what}: local sha256 ${local.sha256}, remote ${remoteSum ?? '?'}; ${remotePath} was left unchanged`, 'retry the step; if it repeats, check the disk and memory of the host');
  }
  if (res.exitCode !== 0) {
    await deps.exec(`rm -f -- ${shQuote(stage)}`).catch(() => undefined);
    const why = res.timedOut ? 'timed out' : res.aborted ? 'was aborted' : `failed (exit ${res.exitCode ?? res.signal}): ${res.stderr.trim()}`;
    throw new TransportError('transfer', deps.host, `${what}: moving the file into place ${why}`);
  }
  return { bytes: local.bytes, sha256: local.sha256, durationMs: Date.now() - started };
}

export async function getFile(deps: SftpDeps, remotePath: string, localPath: string, opts: TransferOptions = {}): Promise<TransferResult> {
  const started = Date.now();
  const what = `download of ${deps.host}:${remotePath} to ${localPath}`;
  const execOpts: ExecOptions = { ...(opts.signal ? { signal: opts.signal } : {}), ...(opts.timeoutMs ? { timeoutMs: opts.timeoutMs } : {}) };
  let source = remotePath;
  let cleanup: string | undefined;
  if (opts.become) {
    // A private copy the login user can read: mktemp makes it 0600, then it is handed to the login user.
    const script = ['set -e', 't=$(mktemp /tmp/.runbook-fetch.XXXXXXXX)', `cat -- ${shQuote(remotePath)} > "$t"`, 'chown "${SUDO_UID:-0}" -- "$t"', 'echo "$t"'].join('\n');
    const res = await deps.exec(`bash -c ${shQuote(script)}`, { ...execOpts, become: opts.become });
    if (res.exitCode !== 0) throw new TransportError('transfer', deps.host, `${what}: cannot read it through sudo: ${res.stderr.trim() || `exit ${res.exitCode}`}`);
    source = res.stdout.trim().split('\n').pop()!;
    cleanup = source;
  }
  try {
    await mkdir(dirname(localPath), { recursive: true });
    const tmp = `${dirname(localPath)}/.${basename(localPath)}.runbook-${randomBytes(6).toString('hex')}`;
    const sftp = await deps.sftp();
    try {
      await bounded<void>(deps, sftp, what, opts, (cb) => sftp.fastGet(source, tmp, (err) => cb(err)));
      await chmod(tmp, opts.mode ?? 0o600);
      const local = await sha256OfFile(tmp);
      const res = await deps.exec(`sha256sum -- ${shQuote(source)}`, execOpts);
      const remoteSum = /^([0-9a-f]{64})/.exec(res.stdout)?.[1];
      if (res.exitCode !== 0 || !remoteSum) throw new TransportError('transfer', deps.host, `${what}: sha256sum on the host failed: ${res.stderr.trim() || `exit ${res.exitCode}`}`);
      if (remoteSum !== local.sha256) {
        throw new TransportError('transfer', deps.host, `checksum mismatch after ${what}: remote sha256 ${remoteSum}, local ${local.sha256}; ${localPath} was not written`, 'retry; if the file changes while it is read (a live database), snapshot it first');
      }
      await rename(tmp, localPath);
      const st = await stat(localPath);
      return { bytes: st.size, sha256: local.sha256, durationMs: Date.now() - started };
    } finally {
      await rm(tmp, { force: true });
    }
  } finally {
    if (cleanup && deps.alive()) await deps.exec(`rm -f -- ${shQuote(cleanup)}`).catch(() => undefined);
  }
}
