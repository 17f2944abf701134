// The plan as text for the terminal (phases, batches, hosts and each rendered command) and as
// JSON, both made in chunks as they are needed (generators: the CLI waits for stdout to drain
// between two): a 1,000-host plan is ~8 MB of text, never held whole. Hosts of a batch whose steps render identically are grouped, so a 50-worker phase stays
// short. A step shared by many hosts (build-plan.ts) is formatted once. Secrets are replaced by
// `redact` in every string of the plan, as if the plan had been redacted before it was written.
import type { Plan, PlanStep } from './build-plan.js';
import { Chunks } from './chunks.js';

/** Replaces secret values inside one string of the plan. */
export type Redact = (s: string) => string;
/** Receives the output in order, a chunk at a time. */
export type Write = (chunk: string) => void;

const same: Redact = (s) => s;

/** A step's lines, joined; cached per step object and indentation (shared steps are formatted once). */
class StepText {
  private readonly cache = new Map<string, WeakMap<PlanStep, string>>();
  private readonly seen = new WeakSet<PlanStep>();
  constructor(private readonly r: Redact) {}

  of(s: PlanStep, indent: string): string {
    let m = this.cache.get(indent);
    if (!m) this.cache.set(indent, (m = new WeakMap()));
    let t = m.get(s);
    if (t !== undefined) return t;
    t = this.lines(s, indent);
    // Kept from its second use on: a step of one host only is never kept, so memory stays flat.
    if (this.seen.has(s)) m.set(s, t);
    else this.seen.add(s);
    return t;
  }

  list(steps: PlanStep[], indent: string): string {
    return steps.map((s) => this.of(s, indent)).join('\n');
  }

  private lines(s: PlanStep, indent: string): string {
    const r = this.r;
    const flags = [
      s.changes ? '' : 'read-only',
      s.become ? 'sudo' : '',
      s.register ? `register ${r(s.register)}` : '',
      s.tags.length ? `tags ${s.tags.map(r).join(',')}` : '',
    ].filter(Boolean);
    const out = [`${indent}${r(s.key)}  ${r(s.name)}${flags.length ? `  [${flags.join('; ')}]` : ''}`];
    const sub = `${indent}    `;
    if (s.when) out.push(field(sub, 'when', r(s.when)));
    if (s.unless) out.push(field(sub, 'unless', r(s.unless)));
    if (s.loop) out.push(field(sub, 'loop', r(s.loop)));
    if (s.confirm) out.push(field(sub, 'confirm', r(s.confirm)));
    if (s.skipIf) out.push(field(sub, 'skip if', r(s.skipIf)));
    if (s.error) out.push(field(sub, '!! cannot render', r(s.error)));
    if (s.block) {
      for (const part of ['block', 'rescue', 'always'] as const) {
        if (!s.block[part].length) continue;
        out.push(`${sub}${part}:`, this.list(s.block[part], `${sub}  `));
      }
    } else if (s.describe) {
      const prefix = `${sub}${r(s.action) === 'sh' ? '$ ' : ''}`;
      for (const line of r(s.describe).replace(/\s+$/, '').split('\n')) out.push(`${prefix}${line}`);
    }
    return out.join('\n');
  }
}

/**
 * `label: text` under a step. A multi-line text (a `skip_if: |` script, a long `when`) keeps its
 * other lines under its first, so they read as part of the step, not as lines of the plan.
 */
export function field(sub: string, label: string, text: string): string {
  const lines = text.replace(/\s+$/, '').split('\n');
  if (lines.length === 1) return `${sub}${label}: ${lines[0]}`;
  const pad = `${sub}${' '.repeat(label.length + 2)}`;
  return lines.map((l, i) => (i === 0 ? `${sub}${label}: ${l}` : l ? `${pad}${l}` : '')).join('\n');
}

/** A value with every string inside redacted (what the plan's `vars` and loop items need). */
function redactDeep(v: unknown, r: Redact): unknown {
  if (typeof v === 'string') return r(v);
  if (Array.isArray(v)) return v.map((x) => redactDeep(x, r));
  if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, redactDeep(x, r)]));
  return v;
}

/**
 * The plan as text, one line per fact, each line ending with a newline, in chunks of ~64 KiB as
 * they are made (a consumer can wait for its output to drain between two chunks).
 */
export function* planTextChunks(plan: Plan, redact: Redact = same): Generator<string, void, undefined> {
  const r = redact;
  const out = new Chunks();
  const line = (s: string) => out.push(`${s}\n`);
  const steps = new StepText(r);
  line(`Plan for ${r(plan.runbook)} on ${r(plan.inventory)}`);
  for (const p of plan.phases) {
    const iter = p.iteration ? ` [${p.iteration.index}: ${JSON.stringify(redactDeep(p.iteration.item, r))}]` : '';
    line('');
    if (p.skipped) {
      line(`Phase ${p.index + 1}${iter}: ${r(p.name)}   (skipped: ${r(p.skipped)})`);
      continue;
    }
    line(`Phase ${p.index + 1}${iter}: ${r(p.name)}   (hosts: ${p.hosts.length ? p.hosts.map(r).join(', ') : 'none'}; serial ${r(p.serial)}; max fail ${p.maxFailPercentage}%)`);
    if (p.condition) line(`  only if ${r(p.condition)} (known at run time)`);
    if (p.problem) line(`  !! ${r(p.problem)}`);
    for (let bi = 0; bi < p.batches.length; bi++) {
      const batch = p.batches[bi]!;
      line(`  Batch ${bi + 1}/${p.batches.length}: ${batch.map((h) => r(h.host)).join(', ')}`);
      if (batch.length === 1) {
        // Nothing to group (serial 1): each step's text straight out, no host-sized string.
        line(`    host ${r(batch[0]!.host)}:`);
        for (const s of batch[0]!.steps) line(steps.of(s, '      '));
      } else {
        // Hosts whose steps read the same, in order of first appearance (a Map: one lookup per host).
        const groups = new Map<string, string[]>();
        for (const h of batch) {
          const text = steps.list(h.steps, '      ');
          const g = groups.get(text);
          if (g) g.push(r(h.host));
          else groups.set(text, [r(h.host)]);
        }
        for (const [text, hosts] of groups) {
          line(`    ${hosts.length > 1 ? `hosts ${hosts.join(', ')}` : `host ${hosts[0]}`}:`);
          if (text) line(text);
          if (out.full) yield out.take();
        }
      }
      if (out.full) yield out.take();
    }
  }
  line('');
  line(`${plan.phases.length} phase(s). Values shown as ⟨…⟩ are known only at run time. Nothing was contacted.`);
  yield out.take();
}

/** planTextChunks, handed to `write` one after the other. */
export function writePlanText(plan: Plan, write: Write, redact: Redact = same): void {
  for (const c of planTextChunks(plan, redact)) write(c);
}

/** Plan text, one line per fact; ends with a newline. */
export function renderPlanText(plan: Plan, redact?: Redact): string {
  const parts: string[] = [];
  writePlanText(plan, (c) => parts.push(c), redact);
  return parts.join('');
}

export { planJsonChunks, writePlanJson } from './plan-json.js';
