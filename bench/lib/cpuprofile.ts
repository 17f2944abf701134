// Summarises a V8 .cpuprofile (node --cpu-prof): the functions with the most self time and the
// most inclusive time (each function counted once per sample, however deep it recurses).
// CLI: node dist/bench/lib/cpuprofile.js FILE.cpuprofile [TOP]
import { readFileSync } from 'node:fs';
import { relative } from 'node:path';
import { fileURLToPath } from 'node:url';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}
interface Profile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

export interface Hot {
  fn: string;
  selfMs: number;
  totalMs: number;
}

function label(n: ProfileNode): string {
  const { functionName, url, lineNumber } = n.callFrame;
  let where = url;
  try { where = url.startsWith('file:') ? relative(process.cwd(), fileURLToPath(url)) : url; } catch { /* keep url */ }
  return `${functionName || '(anonymous)'} ${where ? `${where}:${lineNumber + 1}` : ''}`.trim();
}

export function hotFunctions(file: string, top = 15): { totalMs: number; bySelf: Hot[]; byTotal: Hot[] } {
  const p = JSON.parse(readFileSync(file, 'utf8')) as Profile;
  const byId = new Map(p.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of p.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const self = new Map<string, number>();
  const total = new Map<string, number>();
  let all = 0;
  p.samples.forEach((id, i) => {
    const dt = (p.timeDeltas[i] ?? 0) / 1000;
    all += dt;
    const leaf = byId.get(id);
    if (!leaf) return;
    self.set(label(leaf), (self.get(label(leaf)) ?? 0) + dt);
    const seen = new Set<string>();
    // Walk to the root; bounded by the node count so a malformed profile cannot loop.
    for (let cur: number | undefined = id, k = 0; cur !== undefined && k < p.nodes.length; cur = parent.get(cur), k++) {
      const l = label(byId.get(cur)!);
      if (seen.has(l)) continue;
      seen.add(l);
      total.set(l, (total.get(l) ?? 0) + dt);
    }
  });
  const hot = (fn: string): Hot => ({ fn, selfMs: self.get(fn) ?? 0, totalMs: total.get(fn) ?? 0 });
  const skip = /^\((root|program|idle|garbage collector)\)/;
  return {
    totalMs: all,
    bySelf: [...self.keys()].map(hot).sort((a, b) => b.selfMs - a.selfMs).slice(0, top),
    byTotal: [...total.keys()].filter((f) => !skip.test(f)).map(hot).sort((a, b) => b.totalMs - a.totalMs).slice(0, top),
  };
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  process.stdout.on('error', () => process.exit(0)); // a closed pipe (| head) is not an error
  const h = hotFunctions(process.argv[2]!, Number(process.argv[3] ?? 15));
  process.stdout.write(`profile: ${h.totalMs.toFixed(0)} ms sampled\n\nself time:\n`);
  for (const x of h.bySelf) process.stdout.write(`  ${x.selfMs.toFixed(0).padStart(7)} ms  ${x.fn}\n`);
  process.stdout.write('\ninclusive time:\n');
  for (const x of h.byTotal) process.stdout.write(`  ${x.totalMs.toFixed(0).padStart(7)} ms  ${x.fn}\n`);
}
