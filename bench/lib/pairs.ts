// Paired runs: each round runs every contender once, the order rotated per round (A B, B A, …), so
// load from the other engineers on the machine lands on all contenders alike; ratios are formed
// per round.
import type { Timed } from './proc.js';

export interface Contender {
  key: string;
  run(): Promise<Timed>;
}

export type Rounds = Record<string, Timed[]>;

export async function runPaired(list: Contender[], rounds: number, log: (line: string) => void = (l) => process.stderr.write(`${l}\n`)): Promise<Rounds> {
  const out: Rounds = Object.fromEntries(list.map((c) => [c.key, []]));
  for (let r = 0; r < rounds; r++) {
    const order = list.map((_, i) => list[(i + r) % list.length]!);
    const parts: string[] = [];
    for (const c of order) {
      const t = await c.run();
      out[c.key]!.push(t);
      parts.push(`${c.key} ${t.wallMs.toFixed(0)} ms${t.code === 0 ? '' : t.timedOut ? ' TIMED OUT' : ` exit ${t.code}`}`);
    }
    log(`  round ${r + 1}/${rounds}: ${parts.join(', ')}`);
  }
  return out;
}

/** Wall times of the successful runs (failed ones become NaN so pairing stays aligned). */
export function walls(ts: Timed[]): number[] {
  return ts.map((t) => (t.code === 0 ? t.wallMs : NaN));
}
