// Path arguments of copy/fetch. They are shell words (the template layer shell-quotes `{{x}}` in
// them, docs/runbook-language.md), so a rendered `'/etc/my file'` is unquoted back to one path here.
import { homedir } from 'node:os';
import { isAbsolute, resolve } from 'node:path';
import { parse } from 'shell-quote';

/** One shell word → the path it names; an error message when it is not exactly one word. */
export function pathWord(arg: string, what: string): { path: string } | { error: string } {
  // Keep $VAR literal: a path is data here, not something to expand.
  const words = parse(arg, (name) => `$${name}`);
  if (words.length !== 1 || typeof words[0] !== 'string' || words[0] === '') {
    return { error: `${what} must be one path, got ${JSON.stringify(arg)}` };
  }
  return { path: words[0] };
}

/** A path on the operator's machine: `~` is the operator's home, relative paths are from the working directory. */
export function localPath(p: string): string {
  if (p === '~' || p.startsWith('~/')) return resolve(homedir(), p.slice(2));
  return isAbsolute(p) ? p : resolve(p);
}

/** A path on the host: `~/x` becomes `x`, which SFTP and the remote shell resolve from the login home. */
export function remotePath(p: string): string {
  if (p === '~') return '.';
  return p.startsWith('~/') ? p.slice(2) : p;
}

/** `"0644"`, `"644"`, `0o644` or 420 → 0o644; undefined when not a valid mode. */
export function parseMode(m: string | number | undefined): number | undefined {
  if (m === undefined) return undefined;
  if (typeof m === 'number') return Number.isInteger(m) && m >= 0 && m <= 0o7777 ? m : undefined;
  if (!/^0?o?[0-7]{3,4}$/.test(m)) return undefined;
  return parseInt(m.replace(/^0?o/, ''), 8);
}
