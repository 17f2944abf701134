// The executor: phases → batches (hosts concurrently, at most `forks` at once) → each host's steps
// in order. A batch over its failure threshold stops the run: no new host of it starts and no
// later batch or phase runs. Run-scoped clean-ups (ctx.defer) run once at the end, however it ends.
import { setMaxListeners } from 'node:events';
import pLimit from 'p-limit';
import { RefusedError } from '../model/errors.js';
import type { StepStatus } from '../model/events.js';
import { expandPhases } from '../plan/phases.js';
import type { ExecutorPorts, HostCtx, RunCtx, RunOptions, RunSummary } from './context.js';
import { Redactor } from './redact.js';
import { checkClusterVersion } from './preconditions.js';
import { walkSteps } from './walk.js';

/**
 * The run is done with this host (its last phase is over, or it failed and drops out): close its
 * connection now, as a hand-written fan-out would, instead of all of them together at the end.
 * Not awaited — the host's slot goes to the next host meanwhile; a later use reconnects.
 */
function releaseHost(run: RunCtx, name: string): void {
  const t = run.opened.get(name);
  if (!t?.release) return;
  run.opened.delete(name);
  t.release().catch(() => undefined);
}

function overThreshold(failed: number, batchSize: number, maxFailPercentage: number): boolean {
  return failed > 0 && (failed * 100) / batchSize > maxFailPercentage;
}

/** Execute a runbook. Never throws for run-time failures: they end up in the summary and events. */
export async function execute(ports: ExecutorPorts, opts: RunOptions, redactor = new Redactor()): Promise<RunSummary> {
  redactor.addVarsByName(opts.extraVars);
  redactor.addVarsByName(opts.inventory.vars);
  for (const h of opts.inventory.hosts) redactor.addVarsByName(h.vars);
  if (opts.becomePassword) redactor.add(opts.becomePassword);

  const counts: Record<StepStatus, number> = { ok: 0, changed: 0, skipped: 0, failed: 0 };
  const abort = new AbortController();
  // Every step running at once listens on the run's signal: 100 hosts in a batch are 100
  // listeners, which is no leak — without this Node prints MaxListenersExceededWarning at 11.
  setMaxListeners(0, abort.signal);
  const run: RunCtx = {
    ports,
    opts,
    redactor,
    counts,
    abort,
    deferred: [],
    opened: new Map(),
    emit: (e) => ports.emit(redactor.event(e)),
  };
  const onInterrupt = () => {
    if (!run.stop || run.stop.status === 'failed') run.stop = { status: 'interrupted', message: 'interrupted by the operator' };
    abort.abort(opts.signal.reason);
  };
  if (opts.signal.aborted) onInterrupt();
  opts.signal.addEventListener('abort', onInterrupt, { once: true });

  const started = ports.clock.now();
  run.emit({
    kind: 'run.start',
    ts: started,
    runId: opts.runId,
    runbook: opts.runbook.file,
    inventory: opts.inventory.file,
    check: opts.check,
    resumed: opts.resume !== undefined,
  });

  const failedHosts = new Set<string>();
  const runtime = new Map<string, { vars: Record<string, unknown>; facts: Record<string, unknown> }>();
  try {
    await checkClusterVersion(run);
    const phaseRuns = expandPhases({ ...opts, templates: ports.templates, selectHosts: ports.selectHosts }, { runtime: 'error' });
    // The last phase run each host takes part in: after it, its connection can go.
    const lastRun = new Map<string, number>();
    phaseRuns.forEach((pr, i) => {
      if (!pr.skipped) for (const h of pr.hosts) lastRun.set(h.name, i);
    });
    phases: for (const [pi, pr] of phaseRuns.entries()) {
      if (run.stop) break;
      if (pr.skipped) {
        run.emit({ kind: 'phase.skip', ts: ports.clock.now(), phase: pr.phase.index, phaseName: pr.name, reason: pr.skipped });
        continue;
      }
      if (pr.problem && !pr.hosts.length) {
        run.emit({ kind: 'warning', ts: ports.clock.now(), message: `phase ${pr.phase.index + 1} "${pr.name}": ${pr.problem}; skipped` });
        continue;
      }
      run.emit({ kind: 'phase.start', ts: ports.clock.now(), phase: pr.phase.index, phaseName: pr.name, hosts: pr.hosts.map((h) => h.name) });
      const limit = pLimit(Math.max(1, opts.inventory.forks || 1));
      for (const [bi, batch] of pr.batches.entries()) {
        const hosts = batch.filter((h) => !failedHosts.has(h.name));
        if (!hosts.length) continue;
        const batchNames = hosts.map((h) => h.name);
        run.emit({ kind: 'batch.start', ts: ports.clock.now(), phase: pr.phase.index, batch: bi, hosts: batchNames });
        let failed = 0;
        await Promise.all(
          hosts.map((host) =>
            limit(async () => {
              // A host not yet started when the batch went over its threshold never starts.
              if (abort.signal.aborted || overThreshold(failed, batch.length, pr.phase.maxFailPercentage)) return;
              let rt = runtime.get(host.name);
              if (!rt) runtime.set(host.name, (rt = { vars: {}, facts: {} }));
              const hc: HostCtx = { run, host, phase: pr.phase.index, phaseName: pr.name, batch: batchNames, ...(pr.phase.preflight ? { preflight: true } : {}), runtime: rt.vars, facts: rt.facts, ...(pr.iter !== undefined ? { phaseIter: pr.iter } : {}) };
              try {
                const r = await walkSteps(hc, pr.phase.steps, { layers: [pr.vars], tags: pr.phase.tags, become: pr.phase.become || host.become });
                if (r === 'failed') {
                  failed++;
                  failedHosts.add(host.name);
                }
                if (r === 'failed' || lastRun.get(host.name) === pi) releaseHost(run, host.name);
              } catch (e) {
                if (!(e instanceof RefusedError)) throw e;
                run.stop = { status: 'refused', message: e.message, ...(e.hint ? { hint: e.hint } : {}) };
                abort.abort(e);
              }
            }),
          ),
        );
        // run.stop is set from inside the hosts' walks (TypeScript cannot see that).
        const stop = run.stop as RunCtx['stop'];
        if (stop && stop.status !== 'failed') break phases;
        if (overThreshold(failed, batch.length, pr.phase.maxFailPercentage)) {
          run.stop ??= { status: 'failed', message: `batch ${bi + 1} of phase "${pr.name}" failed` };
          break phases;
        }
        // Failures within the threshold: the run goes on without those hosts (it still ends failed).
        if (failed) delete run.stop;
      }
    }
  } catch (e) {
    if (e instanceof RefusedError) run.stop = { status: 'refused', message: e.message, ...(e.hint ? { hint: e.hint } : {}) };
    else if (!opts.signal.aborted) run.stop = { status: 'failed', message: `internal error (this is a bug): ${(e as Error).stack ?? e}` };
  } finally {
    opts.signal.removeEventListener('abort', onInterrupt);
    for (const cleanup of run.deferred.reverse()) {
      try {
        await cleanup();
      } catch (e) {
        run.emit({ kind: 'warning', ts: ports.clock.now(), message: `clean-up failed: ${(e as Error).message}` });
      }
    }
  }

  let status: RunSummary['status'] = run.stop?.status ?? (failedHosts.size ? 'failed' : 'ok');
  if (opts.signal.aborted) status = 'interrupted';
  const summary: RunSummary = { status, counts };
  const message = run.stop?.message ?? (failedHosts.size ? `failed on ${[...failedHosts].join(', ')} (within max_fail_percentage)` : undefined);
  if (message) summary.message = redactor.text(message);
  if (status === 'failed' || status === 'interrupted') summary.hint = opts.resumeHint ?? `runbook resume ${opts.runId}`;
  else if (run.stop?.hint) summary.hint = redactor.text(run.stop.hint);
  run.emit({
    kind: 'run.end',
    ts: ports.clock.now(),
    status,
    duration_ms: ports.clock.now() - started,
    counts,
    ...(summary.hint ? { hint: summary.hint } : {}),
    ...(summary.message ? { message: summary.message } : {}),
  });
  return summary;
}
