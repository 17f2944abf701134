// The local transport: commands on the operator's machine via `bash -c`, each in its own process
// group so an abort or timeout stops the whole tree (a `sleep` inside a pipeline included).
import { spawn } from 'node:child_process';
import { copyFile, chmod, stat } from 'node:fs/promises';
import { quote } from 'shell-quote';
import type { Host } from '../model/inventory.js';
import type { CommandResult, ExecOptions, Stream, TransferOptions, TransferResult, Transport, TransportPool } from '../ports/transport.js';
import { sha256OfFile } from '../hash.js';

/** Grace between SIGTERM and SIGKILL when stopping a command. */
const KILL_GRACE_MS = 2000;

function wrapBecome(command: string, opts: ExecOptions): { argv: string[]; stdinPrefix: string } {
  if (!opts.become) return { argv: ['bash', '-c', command], stdinPrefix: '' };
  const user = opts.become.user ?? 'root';
  // -S reads the password from stdin; -p '' keeps sudo's prompt out of stderr; -n when no password.
  const auth = opts.become.password !== undefined ? ['-S', '-p', ''] : ['-n'];
  return {
    argv: ['sudo', ...auth, '-u', user, '--', 'bash', '-c', command],
    stdinPrefix: opts.become.password !== undefined ? `${opts.become.password}\n` : '',
  };
}

function lineSplitter(stream: Stream, onLine?: (s: Stream, l: string) => void) {
  let buf = '';
  return {
    push(chunk: string) {
      if (!onLine) return;
      buf += chunk;
      let i: number;
      while ((i = buf.indexOf('\n')) >= 0) {
        onLine(stream, buf.slice(0, i).replace(/\r$/, ''));
        buf = buf.slice(i + 1);
      }
    },
    flush() {
      if (onLine && buf) onLine(stream, buf);
      buf = '';
    },
  };
}

/** Run one command locally; resolves with the result whatever happens to the command. */
export function execLocal(command: string, opts: ExecOptions = {}): Promise<CommandResult> {
  const started = Date.now();
  const { argv, stdinPrefix } = wrapBecome(command, opts);
  return new Promise((resolve) => {
    const child = spawn(argv[0]!, argv.slice(1), {
      detached: true, // own process group: kill(-pid) reaches every descendant
      stdio: ['pipe', 'pipe', 'pipe'],
      env: { ...process.env, ...(opts.env ?? {}) },
    });
    let stdout = '';
    let stderr = '';
    let timedOut = false;
    let aborted = false;
    let killTimer: NodeJS.Timeout | undefined;
    const outLines = lineSplitter('stdout', opts.onLine);
    const errLines = lineSplitter('stderr', opts.onLine);
    child.stdout.setEncoding('utf8').on('data', (d: string) => { stdout += d; outLines.push(d); });
    child.stderr.setEncoding('utf8').on('data', (d: string) => { stderr += d; errLines.push(d); });
    child.stdin.on('error', () => { /* the command may exit without reading stdin */ });
    child.stdin.end(stdinPrefix + (opts.stdin ?? ''));

    const stop = () => {
      if (child.exitCode !== null || child.signalCode !== null || child.pid === undefined) return;
      try { process.kill(-child.pid, 'SIGTERM'); } catch { /* already gone */ }
      killTimer = setTimeout(() => {
        try { process.kill(-child.pid!, 'SIGKILL'); } catch { /* already gone */ }
      }, KILL_GRACE_MS);
    };
    const onAbort = () => { aborted = true; stop(); };
    if (opts.signal?.aborted) onAbort();
    else opts.signal?.addEventListener('abort', onAbort, { once: true });
    const timer = opts.timeoutMs !== undefined ? setTimeout(() => { timedOut = true; stop(); }, opts.timeoutMs) : undefined;

    const finish = (exitCode: number | null, signal: string | null) => {
      if (timer) clearTimeout(timer);
      if (killTimer) clearTimeout(killTimer);
      opts.signal?.removeEventListener('abort', onAbort);
      outLines.flush();
      errLines.flush();
      // A killed group leader can leave children holding the pipes; make sure they are gone too.
      if ((timedOut || aborted) && child.pid !== undefined) {
        try { process.kill(-child.pid, 'SIGKILL'); } catch { /* already gone */ }
      }
      resolve({
        command,
        exitCode: timedOut || aborted ? null : exitCode,
        signal,
        stdout,
        stderr,
        durationMs: Date.now() - started,
        timedOut,
        aborted,
      });
    };
    child.on('error', (e) => { stderr += `${e.message}\n`; finish(127, null); });
    child.on('close', (code, sig) => finish(code, sig));
  });
}

async function copyLocal(from: string, to: string, opts: TransferOptions = {}): Promise<TransferResult> {
  const started = Date.now();
  if (opts.become) {
    const r = await execLocal(`cp -- ${quote([from, to])} && chmod ${(opts.mode ?? 0o600).toString(8)} -- ${quote([to])}`, { become: opts.become, signal: opts.signal, timeoutMs: opts.timeoutMs });
    if (r.exitCode !== 0) throw new Error(`copy ${from} → ${to} failed: ${r.stderr.trim()}`);
  } else {
    await copyFile(from, to);
    await chmod(to, opts.mode ?? 0o600);
  }
  const [a, b] = (await Promise.all([sha256OfFile(from), sha256OfFile(to)])).map((x) => x.sha256);
  if (a !== b) throw new Error(`copy ${from} → ${to}: checksum mismatch`);
  return { bytes: (await stat(to)).size, sha256: a, durationMs: Date.now() - started };
}

/** A Transport for the operator's machine. */
export function createLocalTransport(host = 'localhost'): Transport {
  return {
    host,
    exec: (command, opts) => execLocal(command, opts),
    put: (localPath, remotePath, opts) => copyLocal(localPath, remotePath, opts),
    get: (remotePath, localPath, opts) => copyLocal(remotePath, localPath, opts),
    close: async () => {},
  };
}

/** A pool that serves every host locally (for inventories of `connection: local` hosts). */
export function createLocalPool(): TransportPool {
  const open = new Map<string, Transport>();
  return {
    async forHost(h: Host) {
      let t = open.get(h.name);
      if (!t) open.set(h.name, (t = createLocalTransport(h.name)));
      return t;
    },
    async closeAll() { open.clear(); },
  };
}
