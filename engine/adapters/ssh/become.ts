// sudo wrapping for become. The password is fed on stdin only when sudo actually prompts (a
// random prompt marker on stderr), and the caller's stdin only after a random success marker
// appears on stdout — so a password is never handed to the command itself when sudo does not
// ask (NOPASSWD, cached credentials), the approach Ansible's become plugins take.
import { randomBytes } from 'node:crypto';
import type { Become } from '../../ports/transport.js';

/** POSIX single-quoting: the result is one literal shell word. */
export function shQuote(s: string): string {
  return `'${s.replace(/'/g, `'\\''`)}'`;
}

export interface BecomeWrap {
  command: string;
  /** sudo prints this on stderr (no newline) when it wants the password. */
  prompt: string;
  /** The wrapped shell prints this line on stdout once sudo let it run. */
  success: string;
  password: string | undefined;
}

export function wrapBecome(command: string, become: Become, poolPassword: string | undefined): BecomeWrap {
  const id = randomBytes(8).toString('hex');
  const prompt = `[runbook-sudo-prompt-${id}]`;
  const success = `RUNBOOK-BECOME-OK-${id}`;
  const password = become.password ?? poolPassword;
  const user = become.user ?? 'root';
  const inner = `echo ${success}; ${command}`;
  // Without a password, -n makes sudo fail at once instead of waiting for one on stdin.
  const mode = password !== undefined ? `-S -p ${shQuote(prompt)}` : '-n';
  return { command: `sudo ${mode} -u ${shQuote(user)} -- bash -c ${shQuote(inner)}`, prompt, success, password };
}

/** sudo's messages when it needs a password it did not get (-n), across sudo versions. */
export function sudoWantsPassword(stderr: string): boolean {
  return /sudo: (a password is required|a terminal is required)/.test(stderr);
}
