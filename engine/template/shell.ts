// Shell quoting for values that reach `sh -c`: one value stays one literal argument.
import { runtimeLabel, runtimeText } from './runtime.js';

const SAFE = /^[A-Za-z0-9_\-.,:/@%+=]+$/;

/** POSIX single-quote a word: `a b` → 'a b', `it's` → 'it'\''s'. Safe words stay bare. */
export function quoteWord(s: string): string {
  if (s === '') return "''";
  if (SAFE.test(s)) return s;
  return `'${s.replace(/'/g, `'\\''`)}'`;
}

/** Quote any template value for a shell: lists become several quoted words (as zx does). */
export function shellQuote(v: unknown): string {
  if (runtimeLabel(v)) return runtimeText(v);
  if (v === undefined || v === null) return "''";
  if (Array.isArray(v)) return v.map((x) => shellQuote(x)).join(' ');
  if (typeof v === 'object') return quoteWord(JSON.stringify(v));
  return quoteWord(String(v));
}
