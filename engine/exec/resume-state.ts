// What a journal says about each (step, host): finished, failed, or in flight when the run
// stopped. Built from the events of every earlier attempt of the run, last word wins.
import type { RunEvent, StepStatus } from '../model/events.js';

export type StepRecord =
  | { state: 'done'; status: Exclude<StepStatus, 'failed'>; result?: Record<string, unknown>; facts?: Record<string, unknown> }
  | { state: 'failed'; message?: string }
  /** step.start without step.end (crash), or ended by an interrupt: it may have half-run. */
  | { state: 'in-flight'; stepName: string };

export interface ResumeState {
  runId: string;
  records: Map<string, StepRecord>;
  /** `STEP@HOST` the operator allowed to run again (--rerun). */
  rerun: Set<string>;
}

export const refKey = (step: string, host: string): string => `${step}@${host}`;

/** Fold journal events into per-(step, host) records. */
export function resumeStateFrom(runId: string, events: RunEvent[], rerun: Iterable<string> = []): ResumeState {
  const records = new Map<string, StepRecord>();
  for (const e of events) {
    if (e.kind === 'step.start') records.set(refKey(e.step, e.host), { state: 'in-flight', stepName: e.stepName });
    else if (e.kind === 'step.end') {
      const k = refKey(e.step, e.host);
      if (e.status === 'failed' && e.message === 'interrupted') records.set(k, { state: 'in-flight', stepName: e.stepName });
      else if (e.status === 'failed' && !e.ignored) records.set(k, e.message !== undefined ? { state: 'failed', message: e.message } : { state: 'failed' });
      else {
        const rec: StepRecord = { state: 'done', status: e.status === 'failed' ? 'ok' : e.status };
        if (e.result) rec.result = e.result;
        if (e.facts) rec.facts = e.facts;
        records.set(k, rec);
      }
    }
  }
  return { runId, records, rerun: new Set(rerun) };
}

/** Steps in flight (key@host → step name), for the resume refusal and `status`. */
export function inFlight(s: ResumeState): Array<{ ref: string; stepName: string }> {
  return [...s.records].flatMap(([ref, r]) => (r.state === 'in-flight' ? [{ ref, stepName: r.stepName }] : []));
}
