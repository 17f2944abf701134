// What the run's own journal (.runbook/runs/<id>/events.jsonl under the run's working directory)
// tells the benchmark: summed step durations per action (steps on different hosts of one batch
// overlap, so the sums can exceed the wall time), and which pods each `pods` wait returned.
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

/** A `pods` step that registered its result: when it ran and which pods it returned. */
export interface PodsStep {
  start: number;
  end: number;
  /** namespace/name of every pod in its result. */
  pods: string[];
}

/** The `pods` steps of the run whose results the journal kept (steps with `register:`). */
export function podsSteps(runCwd: string): PodsStep[] {
  const runs = join(runCwd, '.runbook', 'runs');
  if (!existsSync(runs)) return [];
  const out: PodsStep[] = [];
  for (const id of readdirSync(runs)) {
    const f = join(runs, id, 'events.jsonl');
    if (!existsSync(f)) continue;
    const started = new Map<string, number>();
    for (const line of readFileSync(f, 'utf8').split('\n')) {
      if (!line.includes('"action":"pods"')) continue;
      try {
        const e = JSON.parse(line) as { kind: string; ts: number; step: string; host: string; result?: { pods?: Array<{ name: string; namespace: string }> } };
        const key = `${e.step}@${e.host}`;
        if (e.kind === 'step.start') started.set(key, e.ts);
        else if (e.kind === 'step.end' && started.has(key) && Array.isArray(e.result?.pods)) {
          out.push({ start: started.get(key)!, end: e.ts, pods: e.result!.pods!.map((p) => `${p.namespace}/${p.name}`) });
        }
      } catch { /* a torn last line */ }
    }
  }
  return out;
}
