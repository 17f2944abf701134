// `runbook plan --json`: exactly JSON.stringify(plan, null, 2) and a newline, with `redact`
// applied to every string value, written in chunks as it is made (a 1,000-host plan is ~16 MB)
// and with each shared step or list of steps (build-plan.ts) serialised once.
import type { Plan } from './build-plan.js';
import { Chunks } from './chunks.js';
import type { Redact, Write } from './render-plan.js';

/** Plan → phases → phase → batches → batch: written piece by piece; a host and below as one string. */
const STREAM_DEPTH = 5;

function isContainer(v: unknown): v is object {
  return v !== null && typeof v === 'object';
}

/** What JSON.stringify leaves out of an object (and writes as null in an array). */
function skipped(v: unknown): boolean {
  return v === undefined || typeof v === 'function' || typeof v === 'symbol';
}

class Json {
  private readonly cache = new Map<object, { indent: string; text: string }>();
  private readonly seen = new WeakSet<object>();
  constructor(private readonly r: Redact) {}

  /** JSON.stringify(v, null, 2) for a value at this indentation (undefined where it would omit it). */
  value(v: unknown, indent: string): string | undefined {
    if (typeof v === 'string') return JSON.stringify(this.r(v));
    if (skipped(v)) return undefined;
    if (!isContainer(v)) return JSON.stringify(v);
    if (typeof (v as { toJSON?: unknown }).toJSON === 'function') {
      // Not in a plan today; JSON.stringify's own rules, re-indented to this depth.
      const text = JSON.stringify(v, (_k, x: unknown) => (typeof x === 'string' ? this.r(x) : x), 2);
      return text === undefined ? undefined : text.replace(/\n/g, `\n${indent}`);
    }
    const hit = this.cache.get(v);
    if (hit && hit.indent === indent) return hit.text;
    const text = this.container(v, indent);
    // Kept from its second use on: a step of one host only is never kept, so memory stays flat.
    if (this.seen.has(v)) this.cache.set(v, { indent, text });
    else this.seen.add(v);
    return text;
  }

  private container(v: object, indent: string): string {
    const inner = `${indent}  `;
    if (Array.isArray(v)) {
      if (v.length === 0) return '[]';
      return `[\n${v.map((x) => `${inner}${this.value(x, inner) ?? 'null'}`).join(',\n')}\n${indent}]`;
    }
    const props: string[] = [];
    for (const [k, x] of Object.entries(v)) {
      const t = this.value(x, inner);
      if (t !== undefined) props.push(`${inner}${JSON.stringify(k)}: ${t}`);
    }
    return props.length ? `{\n${props.join(',\n')}\n${indent}}` : '{}';
  }

  /** The same text, made piece by piece down to STREAM_DEPTH, in chunks of ~64 KiB. */
  *stream(v: unknown, indent: string, depth: number, out: Chunks): Generator<string, void, undefined> {
    if (depth >= STREAM_DEPTH || !isContainer(v) || typeof (v as { toJSON?: unknown }).toJSON === 'function') {
      out.push(this.value(v, indent) ?? 'null');
      if (out.full) yield out.take();
      return;
    }
    const inner = `${indent}  `;
    if (Array.isArray(v)) {
      if (v.length === 0) return out.push('[]');
      out.push('[\n');
      for (let i = 0; i < v.length; i++) {
        const x: unknown = v[i];
        out.push(inner);
        if (skipped(x)) out.push('null');
        else yield* this.stream(x, inner, depth + 1, out);
        out.push(i < v.length - 1 ? ',\n' : '\n');
      }
      return out.push(`${indent}]`);
    }
    const entries = Object.entries(v).filter(([, x]) => !skipped(x));
    if (entries.length === 0) return out.push('{}');
    out.push('{\n');
    for (let i = 0; i < entries.length; i++) {
      const [k, x] = entries[i]!;
      out.push(`${inner}${JSON.stringify(k)}: `);
      yield* this.stream(x, inner, depth + 1, out);
      out.push(i < entries.length - 1 ? ',\n' : '\n');
    }
    out.push(`${indent}}`);
  }
}

/**
 * The plan as JSON — JSON.stringify(plan, null, 2) and a newline, every string passed through
 * `redact` — in chunks of ~64 KiB as they are made.
 */
export function* planJsonChunks(plan: Plan, redact: Redact = (s) => s): Generator<string, void, undefined> {
  const out = new Chunks();
  yield* new Json(redact).stream(plan, '', 0, out);
  out.push('\n');
  yield out.take();
}

/** planJsonChunks, handed to `write` one after the other. */
export function writePlanJson(plan: Plan, write: Write, redact?: Redact): void {
  for (const c of planJsonChunks(plan, redact)) write(c);
}
