// Secrets out of everything the run writes: values of variables whose names look secret
// (/pass|secret|token|key/i, except *_file/_path/_dir), the become password and `secret: true` results are replaced by
// ‹redacted› in events (hence journal, report, console, NDJSON) and error messages.
import type { RunEvent } from '../model/events.js';

export const REDACTED = '‹redacted›';
const SECRET_WORD = /pass|secret|token|key/i;
/** Names of files and places (a key *file*'s path, `strict_host_key_checking`) are not secrets. */
const NOT_SECRET = /(_file|_path|_dir|_checking)$/i;
/** Whether a variable of this name holds a secret. */
export const SECRET_NAME = { test: (name: string): boolean => SECRET_WORD.test(name) && !NOT_SECRET.test(name) };
/** Shorter values are not searched for in free text (they would mangle ordinary output). */
const MIN_LEN = 4;

export class Redactor {
  private readonly values = new Set<string>();

  /** Remember a secret value (every string inside it). */
  add(v: unknown): void {
    if (typeof v === 'string' || typeof v === 'number') {
      const s = String(v);
      if (s.length >= MIN_LEN) this.values.add(s);
      for (const line of s.split('\n')) if (line.trim().length >= MIN_LEN && line !== s) this.values.add(line.trim());
    } else if (Array.isArray(v)) v.forEach((x) => this.add(x));
    else if (v && typeof v === 'object') Object.values(v).forEach((x) => this.add(x));
  }

  /** Remember the values of every variable whose name looks secret, at any depth. */
  addVarsByName(vars: Record<string, unknown>): void {
    for (const [k, v] of Object.entries(vars)) {
      if (SECRET_NAME.test(k)) this.add(v);
      else if (v && typeof v === 'object' && !Array.isArray(v)) this.addVarsByName(v as Record<string, unknown>);
    }
  }

  text(s: string): string {
    let out = s;
    // Longest first, so a secret containing another is replaced whole.
    for (const v of [...this.values].sort((a, b) => b.length - a.length)) if (out.includes(v)) out = out.split(v).join(REDACTED);
    return out;
  }

  deep<T>(v: T): T {
    if (typeof v === 'string') return this.text(v) as T;
    if (Array.isArray(v)) return v.map((x) => this.deep(x)) as T;
    if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, this.deep(x)])) as T;
    return v;
  }

  event(e: RunEvent): RunEvent {
    return this.values.size ? this.deep(e) : e;
  }
}

/** A copy of vars with secret-looking names' values replaced (for inputs.json). */
export function redactVarsByName(vars: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(
    Object.entries(vars).map(([k, v]) => [
      k,
      SECRET_NAME.test(k) ? REDACTED : v && typeof v === 'object' && !Array.isArray(v) ? redactVarsByName(v as Record<string, unknown>) : v,
    ]),
  );
}
