// --json: one JSON event per line on stdout (run.start, step.start, step.end with status and
// duration_ms, run.end with status and counts, and the rest), for scripts and CI.
import type { EventHandlers, RunEvent } from '../model/events.js';

type Line = string | undefined;
const asJson = (e: RunEvent): Line => JSON.stringify(e);

/** Each kind's line; a new kind without an entry here fails to compile. */
const FORMAT: EventHandlers<Line> = {
  'run.start': asJson,
  'phase.start': asJson,
  'phase.skip': asJson,
  'batch.start': asJson,
  'step.start': asJson,
  'step.output': asJson,
  'step.progress': asJson,
  'step.end': asJson,
  warning: asJson,
  'run.end': asJson,
};

export function ndjsonReporter(write: (s: string) => void = (s) => process.stdout.write(s)): (e: RunEvent) => void {
  return (e) => {
    const line = (FORMAT[e.kind] as (e: RunEvent) => Line)(e);
    if (line !== undefined) write(`${line}\n`);
  };
}
