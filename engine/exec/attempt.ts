// The attempts of one step: run the action, judge it (until: over `result`, else its status),
// and retry `retries` more times `delay` apart. Every wait goes through the Clock and the step's
// abort signal, so a timeout or Ctrl-C ends it at once.
import type { Action, ActionContext, ActionResult } from '../actions/action.js';
import type { HostCtx } from './context.js';
import type { StepCall } from './run-step.js';

export interface AttemptOutcome {
  status: 'ok' | 'changed' | 'skipped' | 'failed';
  message?: string;
  result?: ActionResult;
}

/** "1h2m3s" / "250ms" for messages. */
export function formatMs(ms: number): string {
  if (ms < 1000) return `${ms}ms`;
  const s = Math.round(ms / 1000);
  const h = Math.floor(s / 3600), m = Math.floor((s % 3600) / 60), r = s % 60;
  return `${h ? `${h}h` : ''}${m ? `${m}m` : ''}${r || (!h && !m) ? `${r}s` : ''}`;
}

/** Settle when the signal aborts, so an action that ignores its signal cannot hold the run. */
function aborted(signal: AbortSignal): Promise<'aborted'> {
  return new Promise((resolve) => {
    if (signal.aborted) resolve('aborted');
    else signal.addEventListener('abort', () => resolve('aborted'), { once: true });
  });
}

/** Grace for an action to wind down (kill its process) after an abort, before we move on. */
const WIND_DOWN_MS = 5000;

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function attempt(hc: HostCtx, call: StepCall, ctx: ActionContext, action: Action<any>, args: Record<string, unknown>, scope: Record<string, unknown>): Promise<AttemptOutcome> {
  const { step } = call;
  const clock = hc.run.ports.clock;
  const tpl = hc.run.ports.templates;
  let last: AttemptOutcome = { status: 'failed', message: 'not run' };
  for (let n = 0; n <= step.retries; n++) {
    const p = action.run(ctx, args);
    const r = await Promise.race([p, aborted(ctx.signal)]);
    if (r === 'aborted') {
      // Let the action stop its process (the transport kills on abort) so the journal's
      // step.end comes after the process is gone.
      const wound = new AbortController();
      await Promise.race([p.catch(() => undefined), clock.sleep(WIND_DOWN_MS, wound.signal).catch(() => undefined)]);
      wound.abort();
      return { status: 'failed', message: 'interrupted' };
    }
    let pass: boolean;
    if (step.until) {
      const data = { ...r.data, status: r.status, failed: r.status === 'failed', changed: r.status === 'changed' };
      const s = { ...scope, result: data, ...(step.register ? { [step.register]: data } : {}) };
      try {
        pass = tpl.evalBool(step.until, s);
      } catch (e) {
        return { status: 'failed', message: `until: ${(e as Error).message}`, result: r };
      }
      last = pass
        ? { status: r.status === 'failed' ? 'ok' : r.status, result: r }
        : { status: 'failed', message: `until: ${step.until} still false after ${n + 1} attempt(s)${r.message ? ` (last: ${r.message})` : ''}`, result: r };
    } else {
      pass = r.status !== 'failed';
      last = { status: r.status, result: r, ...(r.message ? { message: r.message } : {}) };
    }
    if (pass || n === step.retries) break;
    ctx.progress(`attempt ${n + 1}/${step.retries + 1} ${step.until ? 'not there yet' : `failed: ${r.message ?? ''}`}; next in ${formatMs(step.delayMs)}`);
    await clock.sleep(step.delayMs, ctx.signal);
  }
  return last;
}
