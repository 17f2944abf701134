// The `pause` action (alias `wait`): sleep for a duration through the Clock, bounded by the
// step's deadline. Polling "until X" is done with the step's retries/delay/until, not here.
import type { Action, ActionResult } from './action.js';

export interface PauseArgs {
  /** Seconds (number) or a duration string: "90s", "5m", "1h30m", "500ms". */
  duration: number | string;
  prompt?: string;
}

const UNIT_MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

/** Milliseconds of a pause duration, or undefined when it cannot be read. */
export function pauseMs(d: number | string): number | undefined {
  if (typeof d === 'number') return d >= 0 ? d * 1000 : undefined;
  const s = d.trim();
  if (/^\d+(\.\d+)?$/.test(s)) return Number(s) * 1000;
  const re = /(\d+(?:\.\d+)?)(ms|h|m|s)/gy;
  let total = 0;
  let m: RegExpExecArray | null;
  let at = 0;
  while ((m = re.exec(s))) {
    total += Number(m[1]) * UNIT_MS[m[2]!]!;
    at = re.lastIndex;
  }
  return at === s.length && at > 0 ? total : undefined;
}

function make(name: string): Action<PauseArgs> {
  return {
    name,
    summary: 'Wait for a duration (seconds or "90s", "5m"); every wait is bounded by the step timeout',
    shorthand: 'duration',
    changes: false,
    schema: {
      type: 'object',
      required: ['duration'],
      additionalProperties: false,
      properties: {
        duration: { oneOf: [{ type: 'number', minimum: 0 }, { type: 'string', pattern: '^\\s*(\\d+(\\.\\d+)?(ms|h|m|s)?)+\\s*$' }] },
        prompt: { type: 'string', description: 'Shown while waiting' },
      },
    },
    describe(a) {
      return `${name} ${typeof a.duration === 'number' ? `${a.duration}s` : a.duration}${a.prompt ? ` (${a.prompt})` : ''}`;
    },
    async run(ctx, a): Promise<ActionResult> {
      const ms = pauseMs(a.duration);
      if (ms === undefined) return { status: 'failed', message: `cannot read duration ${JSON.stringify(a.duration)} (use e.g. 30, "90s", "5m")`, data: {} };
      // --check shows the run, it does not wait through it.
      if (ctx.check) return { status: 'ok', message: `would wait ${Math.round(ms / 1000)}s (check mode)`, data: { waited_ms: 0 } };
      const left = ctx.deadline - ctx.clock.now();
      if (ms > left) return { status: 'failed', message: `a pause of ${ms} ms is longer than the step's timeout (${left} ms left); raise timeout:`, data: {} };
      ctx.progress(a.prompt ? `${a.prompt} (${Math.round(ms / 1000)}s)` : `waiting ${Math.round(ms / 1000)}s`);
      await ctx.clock.sleep(ms, ctx.signal);
      return { status: 'ok', data: { waited_ms: ms } };
    },
  };
}

export const pause = make('pause');
export const wait = make('wait');
