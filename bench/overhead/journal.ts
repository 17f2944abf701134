// Where a lab upgrade's wall time went, from the run's own journal (.runbook/runs/<id>/events.jsonl
// under the run's working directory): summed step durations per action. Steps on different hosts
// of one batch overlap, so the sums can exceed the wall time; node phases run one host at a time.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

export interface ActionTime {
  action: string;
  steps: number;
  ms: number;
}

export function timeByAction(runCwd: string): ActionTime[] {
  const runs = join(runCwd, '.runbook', 'runs');
  if (!existsSync(runs)) return [];
  const by = new Map<string, ActionTime>();
  for (const id of readdirSync(runs)) {
    const f = join(runs, id, 'events.jsonl');
    if (!existsSync(f)) continue;
    for (const line of readFileSync(f, 'utf8').split('\n')) {
      if (!line.includes('"step.end"')) continue;
      try {
        const e = JSON.parse(line) as { kind: string; action: string; duration_ms: number };
        if (e.kind !== 'step.end' || e.action === 'block') continue;
        const a = by.get(e.action) ?? { action: e.action, steps: 0, ms: 0 };
        a.steps++;
        a.ms += e.duration_ms;
        by.set(e.action, a);
      } catch { /* a torn last line */ }
    }
  }
  return [...by.values()].sort((a, b) => b.ms - a.ms);
}
