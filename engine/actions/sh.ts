// The `sh` action: a shell command on the host through its transport (Ansible's shell/command).
// A non-zero exit outside expect_rc is a failure whose message names the command, the exit code
// and the tail of stderr, so the operator sees why without opening the journal.
import { quote } from 'shell-quote';
import type { Action, ActionResult } from './action.js';

export interface ShArgs {
  cmd: string;
  chdir?: string;
  env?: Record<string, string>;
  /** Skip when this path exists on the host (Ansible `creates`). */
  creates?: string;
  /** Skip when this path does not exist on the host (Ansible `removes`). */
  removes?: string;
  stdin?: string;
  expect_rc?: number[];
}

/** The last n lines of a text, for error messages. */
export function tailLines(text: string, n: number): string {
  const lines = text.replace(/\s+$/, '').split('\n');
  return lines.slice(-n).join('\n');
}

/** A script as one line for messages: its first line, and how many more there are. */
export function oneLine(cmd: string): string {
  const lines = cmd.trim().split('\n');
  return lines.length === 1 ? lines[0]! : `${lines[0]} … (+${lines.length - 1} lines)`;
}

export const sh: Action<ShArgs> = {
  name: 'sh',
  summary: 'Run a shell command on the host (bash -c); fails unless the exit code is in expect_rc',
  shorthand: 'cmd',
  changes: true,
  shellArgs: ['cmd'],
  schema: {
    type: 'object',
    required: ['cmd'],
    additionalProperties: false,
    properties: {
      cmd: { type: 'string', minLength: 1, description: 'The command, run by bash -c' },
      chdir: { type: 'string', description: 'Directory to run in' },
      env: { type: 'object', additionalProperties: { type: ['string', 'number', 'boolean'] } },
      creates: { type: 'string', description: 'Skip when this path exists' },
      removes: { type: 'string', description: 'Skip when this path does not exist' },
      stdin: { type: 'string', description: 'Text written to the command\'s standard input' },
      expect_rc: { type: 'array', items: { type: 'integer' }, minItems: 1, description: 'Exit codes counted as success (default [0])' },
    },
  },
  describe(a) {
    const pre = a.chdir ? `cd ${quote([a.chdir])} && ` : '';
    const guards = [a.creates ? `unless ${a.creates} exists` : '', a.removes ? `only if ${a.removes} exists` : '']
      .filter(Boolean)
      .join(', ');
    return `${pre}${a.cmd}${guards ? `   (${guards})` : ''}`;
  },
  async run(ctx, a): Promise<ActionResult> {
    const t = await ctx.transport();
    const become = ctx.become;
    for (const [path, wantExists] of [[a.creates, false], [a.removes, true]] as const) {
      if (!path) continue;
      const probe = await t.exec(`test -e ${quote([path])}`, { signal: ctx.signal, become });
      if (probe.aborted) return { status: 'failed', message: 'interrupted', data: {} };
      const exists = probe.exitCode === 0;
      if (exists !== wantExists) {
        const why = exists ? `${path} exists (creates)` : `${path} does not exist (removes)`;
        return { status: 'skipped', message: why, data: { rc: 0, stdout: '', stderr: '', stdout_lines: [], skipped: true, msg: why } };
      }
    }
    const command = a.chdir ? `cd ${quote([a.chdir])} && ${a.cmd}` : a.cmd;
    const env = a.env ? Object.fromEntries(Object.entries(a.env).map(([k, v]) => [k, String(v)])) : undefined;
    const r = await t.exec(command, {
      signal: ctx.signal,
      timeoutMs: Math.max(1, ctx.deadline - ctx.clock.now()),
      env,
      stdin: a.stdin,
      become,
      onLine: (stream, line) => ctx.output(stream, line),
    });
    // Like Ansible: one trailing newline is not part of the value (`{{x.stdout}}` in a command).
    const stdout = r.stdout.replace(/\r?\n$/, '');
    const data = {
      rc: r.exitCode,
      stdout,
      stderr: r.stderr.replace(/\r?\n$/, ''),
      stdout_lines: stdout === '' ? [] : stdout.split('\n'),
      signal: r.signal,
      duration_ms: r.durationMs,
    };
    const expect = a.expect_rc ?? [0];
    if (r.aborted) return { status: 'failed', message: 'interrupted', data };
    if (r.timedOut) return { status: 'failed', message: `timed out: ${oneLine(a.cmd)}`, data };
    if (r.exitCode === null || !expect.includes(r.exitCode)) {
      const how = r.exitCode === null ? `was killed by ${r.signal ?? 'a signal'}` : `exited ${r.exitCode}`;
      const want = expect.length === 1 && expect[0] === 0 ? '' : ` (expected ${expect.join(', ')})`;
      const err = tailLines(r.stderr, 10);
      return { status: 'failed', message: `command ${how}${want}: ${oneLine(a.cmd)}${err ? `\n${err}` : ''}`, data };
    }
    return { status: 'changed', data };
  },
};
