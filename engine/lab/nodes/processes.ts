// The processes behind one SSH channel — `bash -c COMMAND`, a plain `bash` for shell requests,
// OpenSSH's sftp-server for the sftp subsystem — each in its own process group so a closed
// channel can stop the whole tree, as sshd does with SIGHUP.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import type { ServerChannel } from 'ssh2';

export interface ChannelProcess {
  child: ChildProcess;
  /** Resolves when the process has exited and its output is flushed into the channel. */
  done: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** Signal the whole process group (ignored when it is already gone). */
  kill(signal: NodeJS.Signals): void;
}

/** Signal a process group, then make sure it is gone after a grace period. */
export function killGroup(child: ChildProcess, signal: NodeJS.Signals, graceMs = 500): void {
  const pid = child.pid;
  if (pid === undefined || child.exitCode !== null || child.signalCode !== null) return;
  try { process.kill(-pid, signal); } catch { /* already gone */ }
  if (signal === 'SIGKILL') return;
  const t = setTimeout(() => { try { process.kill(-pid, 'SIGKILL'); } catch { /* gone */ } }, graceMs);
  t.unref();
  child.once('exit', () => clearTimeout(t));
}

/** Start `file args` with the channel as its stdio. Output goes to the channel; exit is left to the caller. */
export function runOnChannel(channel: ServerChannel, file: string, args: string[], opts: { cwd: string; env: NodeJS.ProcessEnv; stderr: boolean }): ChannelProcess {
  const child = spawn(file, args, { cwd: opts.cwd, env: opts.env, detached: true, stdio: ['pipe', 'pipe', 'pipe'] });
  child.stdin!.on('error', () => { /* the process stopped reading; the client may still send */ });
  channel.pipe(child.stdin!);
  child.stdout!.pipe(channel, { end: false });
  child.stderr!.pipe(opts.stderr ? channel.stderr : channel, { end: false });
  const done = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    child.on('error', (e) => {
      channel.stderr.write(`lab: cannot start ${file}: ${e.message}\n`);
      resolve({ code: 127, signal: null });
    });
    child.on('close', (code, signal) => resolve({ code, signal }));
  });
  // A channel closed by the client (or a dropped connection) stops everything the command started.
  channel.on('close', () => killGroup(child, 'SIGHUP'));
  return { child, done, kill: (s) => killGroup(child, s) };
}

const SFTP_SERVERS = ['/usr/lib/openssh/sftp-server', '/usr/libexec/openssh/sftp-server', '/usr/libexec/sftp-server', '/usr/lib/ssh/sftp-server'];

/** OpenSSH's sftp-server binary, if this machine has one. */
export function findSftpServer(): string | undefined {
  return SFTP_SERVERS.find((p) => existsSync(p));
}

/** Find an executable on PATH, skipping the given directories (our shims). */
export function which(name: string, skipDirs: string[]): string | undefined {
  for (const dir of (process.env['PATH'] ?? '').split(':')) {
    if (!dir || skipDirs.includes(dir)) continue;
    const p = `${dir}/${name}`;
    if (existsSync(p)) return p;
  }
  return undefined;
}
