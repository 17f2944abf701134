// The run's events: the only way out of the executor. One union feeds the console and NDJSON
// reporters and the journal; resume replays the journal. Adding a kind without teaching every
// reporter about it must fail to compile (see style.md, "A reporter every event kind must satisfy").

export type StepStatus = 'ok' | 'changed' | 'skipped' | 'failed';
export type RunStatus = 'ok' | 'failed' | 'interrupted' | 'refused';

export interface StepRef {
  /** Phase index and name. */
  phase: number;
  phaseName: string;
  /** Stable step id within the compiled plan (e.g. "2.5" or "2.5.rescue.1"); journal key with host. */
  step: string;
  stepName: string;
  action: string;
  host: string;
}

export type RunEvent =
  | { kind: 'run.start'; ts: number; runId: string; runbook: string; inventory: string; check: boolean; resumed: boolean }
  | { kind: 'phase.start'; ts: number; phase: number; phaseName: string; hosts: string[] }
  /** A phase that does not run: its `when:` is false. */
  | { kind: 'phase.skip'; ts: number; phase: number; phaseName: string; reason: string }
  | { kind: 'batch.start'; ts: number; phase: number; batch: number; hosts: string[] }
  | ({ kind: 'step.start'; ts: number; changes: boolean } & StepRef)
  | ({ kind: 'step.output'; ts: number; stream: 'stdout' | 'stderr'; line: string } & StepRef)
  | ({ kind: 'step.progress'; ts: number; message: string } & StepRef)
  | ({
      kind: 'step.end';
      ts: number;
      status: StepStatus;
      duration_ms: number;
      /** Why skipped/failed, or a one-line summary. */
      message?: string;
      /** Registered data of the step (secrets redacted), for resume and status. */
      result?: Record<string, unknown>;
      /** Facts the step set for the host (the `set` action), for resume. */
      facts?: Record<string, unknown>;
      ignored?: boolean;
    } & StepRef)
  | { kind: 'warning'; ts: number; message: string; host?: string }
  | {
      kind: 'run.end';
      ts: number;
      status: RunStatus;
      duration_ms: number;
      counts: Record<StepStatus, number>;
      /** What to run next, e.g. `runbook resume 20261125-1432-ab12`. */
      hint?: string;
      message?: string;
    };

export type RunEventKind = RunEvent['kind'];
export type EventOf<K extends RunEventKind> = Extract<RunEvent, { kind: K }>;

/** A handler for every event kind; a missing kind is a compile error. */
export type EventHandlers<R> = { [K in RunEventKind]: (e: EventOf<K>) => R };
