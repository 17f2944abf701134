// The action interface: one action per file in this folder, registered in registry.ts.
// An action is `describe (pure, for plan) → run (I/O through ports) → result (data)`; it never
// prints: progress goes through ctx.progress / ctx.output, which become events.

import type { Clock } from '../ports/clock.js';
import type { KubeClient } from '../ports/kube.js';
import type { Become, Transport } from '../ports/transport.js';
import type { Host } from '../model/inventory.js';
import type { ActionSpec } from '../model/action-spec.js';

export interface ActionContext {
  host: Host;
  /** The host's transport (ssh or local), opened lazily and reused. */
  transport(): Promise<Transport>;
  /** The cluster API client, from the inventory's kube settings. */
  kube(): Promise<KubeClient>;
  /** Operator-side transport (for copies to the operator's disk, local checks). */
  local(): Promise<Transport>;
  clock: Clock;
  /** Aborted on SIGINT or when the step's timeout expires. */
  signal: AbortSignal;
  /** The step's deadline (ms since epoch); every wait inside the action must end by it. */
  deadline: number;
  /** --check: read-only actions run for real; changing actions must not be called at all. */
  check: boolean;
  /** Sudo settings for this step, if the step/phase/host asked for become. */
  become?: Become;
  /** A line of command output (tagged with host/step by the executor). */
  output(stream: 'stdout' | 'stderr', line: string): void;
  /** A progress message ("3 pods left; PDB web-pdb blocks web-7d9f"). */
  progress(message: string): void;
  /** The run's journal directory, for artefacts (fetched snapshots, reports). */
  runDir: string;
  /** Run-scoped clean-up (e.g. release a Lease), called once when the run ends, however it ends. */
  defer(cleanup: () => Promise<void>): void;
  /**
   * The run may no longer change anything (its lock was taken over or lapsed): steps already
   * running finish, no changing step starts after this, and the run ends failed with `reason`.
   * Callable at any time from run-scoped work a step left behind (the lock's renewal).
   */
  haltChanges?(reason: string): void;
  /** The step's variable scope (read-only), for actions that evaluate expressions (assert). */
  vars?: Readonly<Record<string, unknown>>;
  /** Evaluate a bare guard expression over `vars` (the same library as when/unless). */
  evaluate?(expr: string): unknown;
}

/** What an action returns. `data` is what `register:` stores and guards see. */
export interface ActionResult {
  /** 'skipped': the action found nothing to do for a reason of its own (sh `creates:`). */
  status: 'ok' | 'changed' | 'failed' | 'skipped';
  /** One line for the console and the step.end event. For failures: what failed and why. */
  message?: string;
  data: Record<string, unknown>;
  /** Variables set for the host from now on (the `set` action), above registered results. */
  facts?: Record<string, unknown>;
}

/** An action: its spec (what load/ validates against) plus describe and run. */
export interface Action<A = Record<string, unknown>> extends ActionSpec {
  /** One line for plan output, from rendered (or partially rendered) args. Pure. */
  describe(args: A): string;
  run(ctx: ActionContext, args: A): Promise<ActionResult>;
  /**
   * 'rerun': on `runbook resume`, run this step again even if it finished before — for run-scoped
   * resources released by ctx.defer at the end of every attempt (the run lock). Default: skip.
   */
  onResume?: 'skip' | 'rerun';
}
