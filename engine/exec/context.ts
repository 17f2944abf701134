// The executor's inputs (ports and options) and the mutable state of one run, shared by the
// files of exec/. Nothing here does I/O by itself: the world is reached through the ports.
import type { Action } from '../actions/action.js';
import type { RunEvent, StepStatus } from '../model/events.js';
import type { Host, Inventory } from '../model/inventory.js';
import type { Runbook } from '../model/runbook.js';
import type { Clock } from '../ports/clock.js';
import type { KubeClient } from '../ports/kube.js';
import type { Transport, TransportPool } from '../ports/transport.js';
import type { HostSelector, TemplateEngine } from '../plan/deps.js';
import type { Redactor } from './redact.js';
import type { ResumeState } from './resume-state.js';

export interface ConfirmRequest {
  host: string;
  step: string;
  question: string;
  /** Aborted when the step times out or the run is interrupted: stop asking, answer no. */
  signal?: AbortSignal;
}

export interface ExecutorPorts {
  // Heterogeneous argument types: each action validates its own args.
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  actions: ReadonlyMap<string, Action<any>>;
  pool: TransportPool;
  local(): Promise<Transport>;
  kube(): Promise<KubeClient>;
  clock: Clock;
  templates: TemplateEngine;
  selectHosts: HostSelector;
  /** Every event (already redacted) to the reporters and the journal. */
  emit(e: RunEvent): void;
  /** Resolves when every event emitted so far is on disk (the journal's group commit). */
  durable?(): Promise<void>;
  /** Ask the operator; resolve true for yes. Throw with a clear message when nobody can answer. */
  confirm(req: ConfirmRequest): Promise<boolean>;
}

export interface RunOptions {
  runId: string;
  runDir: string;
  runbook: Runbook;
  inventory: Inventory;
  extraVars: Record<string, unknown>;
  limit?: string;
  check: boolean;
  tags: string[];
  skipTags: string[];
  becomePassword?: string;
  /** Aborted on SIGINT: running steps are stopped, nothing new starts. */
  signal: AbortSignal;
  resume?: ResumeState;
  /** What to tell the operator after a failure; default `runbook resume <id>`. */
  resumeHint?: string;
}

export interface RunSummary {
  status: 'ok' | 'failed' | 'interrupted' | 'refused';
  counts: Record<StepStatus, number>;
  message?: string;
  hint?: string;
}

/** State of one run, shared by every host's walk. */
export interface RunCtx {
  ports: ExecutorPorts;
  opts: RunOptions;
  redactor: Redactor;
  counts: Record<StepStatus, number>;
  /** Aborted on SIGINT, on refusal, or when a failure stops the run. */
  abort: AbortController;
  /** Set once: why no changing step may start any more (the run lock was lost; ActionContext.haltChanges). */
  halted?: string;
  /** Set once: why the run stops (first failure, refusal or interrupt). */
  stop?: { status: 'failed' | 'refused' | 'interrupted'; message: string; hint?: string };
  deferred: Array<() => Promise<void>>;
  /** Each host's transport once a step has opened it, so the run can release it after the host's last phase. */
  opened: Map<string, Transport>;
  emit(e: RunEvent): void;
}

/** One host's walk through one phase execution. */
export interface HostCtx {
  run: RunCtx;
  host: Host;
  phase: number;
  phaseName: string;
  /** A failure here refuses the run (exit 3) instead of failing it. */
  preflight?: boolean;
  phaseIter?: number;
  /** Inventory names of the hosts of this host's batch, itself included (`batch_hosts`). */
  batch?: readonly string[];
  /** Registered results and facts of this host (carried across phases). */
  runtime: Record<string, unknown>;
  /** Facts actions reported for this host (`set`, cluster facts), seen as `facts.x` too. */
  facts: Record<string, unknown>;
}

/** How a step (or a block) ended for the host's walk. */
export type WalkResult = 'ok' | 'failed';
