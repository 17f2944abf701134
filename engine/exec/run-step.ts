// One action step on one host: resume record, guards, skip_if, --check, confirm, then the action
// with retries/until under one timeout, and the step.start/step.end events around it all.
import { RefusedError } from '../model/errors.js';
import type { StepRef, StepStatus } from '../model/events.js';
import type { ActionStep, Template } from '../model/runbook.js';
import type { ActionContext, ActionResult } from '../actions/action.js';
import type { Become, Transport } from '../ports/transport.js';
import { buildScope } from '../plan/scope.js';
import { REDACTED } from './redact.js';
import { refKey } from './resume-state.js';
import type { HostCtx, WalkResult } from './context.js';
import { attempt, formatMs } from './attempt.js';
import { timeoutValue } from '../load/duration.js';

/** Why a finished step's timeout timer is cancelled. One shared value: abort() without a reason
 * builds a DOMException with a stack trace for every step, which nobody reads. */
const STEP_ENDED = Symbol('step ended');

export interface StepCall {
  step: ActionStep;
  key: string;
  layers: Array<Record<string, Template>>;
  become: boolean;
}

function registered(step: ActionStep, status: StepStatus, r: ActionResult | undefined): Record<string, unknown> {
  return { ...(r?.data ?? {}), status, changed: status === 'changed', failed: status === 'failed', skipped: status === 'skipped' };
}

/** Run one action step; 'failed' means the host's walk must stop (or rescue). */
export async function runActionStep(hc: HostCtx, call: StepCall): Promise<WalkResult> {
  const { run, host } = hc;
  const { step, key } = call;
  const { ports, opts } = run;
  const ref: StepRef = { phase: hc.phase, phaseName: hc.phaseName, step: key, stepName: step.name, action: step.action, host: host.name };

  const prior = opts.resume?.records.get(refKey(key, host.name));
  const rerunsOnResume = ports.actions.get(step.action)?.onResume === 'rerun';
  if (prior?.state === 'done' && !rerunsOnResume) {
    if (step.register && prior.result) hc.runtime[step.register] = prior.result;
    if (prior.facts) {
      Object.assign(hc.runtime, prior.facts);
      Object.assign(hc.facts, prior.facts);
    }
    return 'ok';
  }
  // In flight when the run stopped: safe to run again if it changes nothing (read-only), its
  // guard will tell (skip_if), it is idempotent, or the operator said so (--rerun).
  const safeAgain = !step.changes || !!step.skipIf || step.idempotent || rerunsOnResume;
  if (prior?.state === 'in-flight' && !safeAgain && !opts.resume!.rerun.has(refKey(key, host.name))) {
    const id = opts.resume!.runId;
    throw new RefusedError(
      `step ${key} "${step.name}" on host ${host.name} was running when run ${id} stopped; it changes things, has no skip_if and is not marked idempotent, so it may have half-run`,
      `check ${host.name}, then run \`runbook resume ${id} --mark-done ${key}@${host.name}\` if it finished, or \`runbook resume ${id} --rerun ${key}@${host.name}\` to run it again`,
    );
  }

  const started = ports.clock.now();
  run.emit({ kind: 'step.start', ts: started, changes: step.changes, ...ref });
  const end = (status: StepStatus, message?: string, r?: ActionResult, ignored?: boolean): void => {
    const data = registered(step, status, r);
    if (step.register) hc.runtime[step.register] = data;
    if (r?.facts) {
      Object.assign(hc.runtime, r.facts);
      Object.assign(hc.facts, r.facts);
    }
    if (step.secret) run.redactor.add(r?.data ?? {});
    run.counts[status]++;
    run.emit({
      kind: 'step.end',
      ts: ports.clock.now(),
      status,
      duration_ms: ports.clock.now() - started,
      ...(message ? { message: step.secret && status !== 'failed' ? REDACTED : message } : {}),
      ...(step.register ? { result: step.secret ? { secret: REDACTED, status } : data } : {}),
      ...(r?.facts ? { facts: step.secret ? Object.fromEntries(Object.keys(r.facts).map((k) => [k, REDACTED])) : r.facts } : {}),
      ...(ignored ? { ignored: true } : {}),
      ...ref,
    });
  };

  const tpl = ports.templates;
  // Where a field's template starts in its file, so errors read FILE:LINE:COL.
  const at = (field: string) => step.positions?.[field] ?? step.pos;
  let scope: Record<string, unknown>;
  const args: Record<string, unknown> = {};
  let timeoutMs = step.timeoutMs;
  const action = ports.actions.get(step.action);
  try {
    scope = hostScope(hc, call.layers);
    if (step.when && !tpl.evalBool(step.when, scope, at('when'))) return (end('skipped', `when: ${step.when} is false`), 'ok');
    if (step.unless && tpl.evalBool(step.unless, scope, at('unless'))) return (end('skipped', `unless: ${step.unless} is true`), 'ok');
    if (!action) throw new Error(`unknown action ${step.action} (see \`runbook actions\`)`);
    for (const [k, v] of Object.entries(step.args)) args[k] = tpl.render(v, scope, { shell: action.shellArgs?.includes(k) ?? false, pos: at(`args.${k}`), runtime: 'error' });
    if (step.timeoutTemplate !== undefined) timeoutMs = readTimeout(tpl.render(step.timeoutTemplate, scope, { pos: at('timeout'), runtime: 'error' }));
  } catch (e) {
    return fail(`cannot evaluate the step: ${(e as Error).message}`);
  }

  function fail(message: string, r?: ActionResult): WalkResult {
    end('failed', message, r, step.ignoreErrors);
    if (step.ignoreErrors) return 'ok';
    if (!run.stop) run.stop = stopFor(hc, `host ${host.name}, step ${key} "${step.name}": ${message}`);
    return 'failed';
  }

  const become: Become | undefined = (step.become ?? call.become)
    ? { method: 'sudo', ...(opts.becomePassword !== undefined ? { password: opts.becomePassword } : {}) }
    : undefined;

  // One deadline for the whole step, retries and skip_if included.
  const ctl = new AbortController();
  const deadline = started + timeoutMs;
  let timedOut = false;
  const onRunAbort = () => ctl.abort(run.abort.signal.reason);
  if (run.abort.signal.aborted) onRunAbort();
  run.abort.signal.addEventListener('abort', onRunAbort, { once: true });
  const timer = new AbortController();
  ports.clock.sleep(timeoutMs, timer.signal).then(
    () => { timedOut = true; ctl.abort(new Error('timeout')); },
    () => {},
  );
  const why = () => (timedOut ? `timed out after ${formatMs(timeoutMs)} (raise the step's timeout:)` : 'interrupted');

  let transport: Promise<Transport> | undefined;
  const ctx: ActionContext = {
    host,
    transport: () =>
      (transport ??= ports.pool.forHost(host).then((t) => {
        run.opened.set(host.name, t);
        return t;
      })),
    kube: () => ports.kube(),
    local: () => ports.local(),
    clock: ports.clock,
    signal: ctl.signal,
    deadline,
    check: opts.check,
    ...(become ? { become } : {}),
    output: (stream, line) => { if (!step.secret) run.emit({ kind: 'step.output', ts: ports.clock.now(), stream, line, ...ref }); },
    progress: (message) => run.emit({ kind: 'step.progress', ts: ports.clock.now(), message, ...ref }),
    runDir: opts.runDir,
    defer: (cleanup) => { run.deferred.push(cleanup); },
    haltChanges: (reason) => {
      if (run.halted !== undefined) return;
      run.halted = reason;
      run.emit({ kind: 'warning', ts: ports.clock.now(), message: `${reason}: no further changing step will start` });
    },
    vars: scope,
    evaluate: (expr) => tpl.evalExpr(expr, scope),
  };

  try {
    if (step.skipIf) {
      const cmd = String(tpl.render(step.skipIf, scope, { shell: true, pos: at('skipIf'), runtime: 'error' }));
      const t = await ctx.transport();
      const r = await t.exec(cmd, { signal: ctl.signal, timeoutMs: Math.max(1, deadline - ports.clock.now()), ...(become ? { become } : {}) });
      if (r.aborted || r.timedOut) return fail(why());
      if (r.exitCode === 0) return (end('skipped', `already done (skip_if: ${cmd})`), 'ok');
    }
    if (opts.check && step.changes) return (end('skipped', `would change: ${action!.describe(args)}`), 'ok');
    if (step.confirm) {
      const yes = await ports.confirm({ host: host.name, step: step.name, question: step.confirm, signal: ctl.signal });
      if (ctl.signal.aborted) return fail(why());
      if (!yes) return fail(`not confirmed: ${step.confirm}`);
    }
    // Resume decides from the step.start line whether a changing step was in flight, so it must
    // be on disk before the action runs — and with it every earlier line, so each finished step's
    // end is durable before the next changing step starts. Only here: a read-only step needs no
    // barrier (resume runs it again whether its start was recorded or not), nor does a step that
    // ends before its action (when/unless false, skip_if true, --check), which runs nothing; the
    // next changing step's barrier covers their lines. At 100 hosts × 2 read-only steps this
    // saves 200 waits on the group commit's fsync; in the lab upgrade, 32 skipped dnf variants.
    if (step.changes && run.halted !== undefined) return fail(`not started: ${run.halted}`);
    if (step.changes) await ports.durable?.();
    if (ctl.signal.aborted) return fail(why());
    const out = await attempt(hc, call, ctx, action!, args, scope);
    if (ctl.signal.aborted) return fail(why(), out.result);
    if (out.status === 'failed') return fail(out.message ?? 'failed', out.result);
    let status = out.status;
    if (status === 'changed' && !step.changes) status = 'ok';
    end(status, out.result?.message, out.result);
    return 'ok';
  } catch (e) {
    if (e instanceof RefusedError) {
      end('failed', e.message);
      throw e;
    }
    if (ctl.signal.aborted) return fail(why());
    // Transport errors carry what to try next (host key, auth, ProxyJump…).
    const hint = (e as { hint?: unknown }).hint;
    return fail(`${(e as Error).message ?? String(e)}${typeof hint === 'string' ? `\n${hint}` : ''}`);
  } finally {
    timer.abort(STEP_ENDED);
    run.abort.signal.removeEventListener('abort', onRunAbort);
  }
}

/** The variables a step (or a block's guard, or a loop) sees on this host at run time. */
export function hostScope(hc: HostCtx, layers: Array<Record<string, Template>>): Record<string, unknown> {
  const { run } = hc;
  return buildScope(run.ports.templates, { ...run.opts, host: hc.host, templateLayers: layers, runtime: hc.runtime, facts: hc.facts, ...(hc.batch ? { batchHosts: hc.batch } : {}) }, { runtime: 'error' });
}

/** A templated timeout's rendered value in milliseconds; otherwise the step cannot be evaluated. */
function readTimeout(v: unknown): number {
  const r = timeoutValue(v);
  if (typeof r !== 'number') throw new Error(r.error);
  return r;
}

/** A step that failed before it could start (e.g. its loop cannot be evaluated). */
export function reportStepFailure(hc: HostCtx, step: ActionStep, key: string, message: string): WalkResult {
  const { run, host } = hc;
  const ref: StepRef = { phase: hc.phase, phaseName: hc.phaseName, step: key, stepName: step.name, action: step.action, host: host.name };
  const ts = run.ports.clock.now();
  run.emit({ kind: 'step.start', ts, changes: step.changes, ...ref });
  run.counts.failed++;
  run.emit({ kind: 'step.end', ts, status: 'failed', duration_ms: 0, message, ...(step.ignoreErrors ? { ignored: true } : {}), ...ref });
  if (step.ignoreErrors) return 'ok';
  if (!run.stop) run.stop = stopFor(hc, `host ${host.name}, step ${key} "${step.name}": ${message}`);
  return 'failed';
}

/** Why the run stops after this failed step: a pre-flight check refuses the run, anything else fails it. */
function stopFor(hc: HostCtx, message: string): NonNullable<HostCtx['run']['stop']> {
  const { opts } = hc.run;
  return hc.preflight
    ? { status: 'refused', message: `pre-flight check failed: ${message}`, hint: `fix the cause, then ${opts.resumeHint ?? `runbook resume ${opts.runId}`}` }
    : { status: 'failed', message };
}
