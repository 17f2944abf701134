// An in-memory TransportPool: each command is answered by the first matching rule (default: exit
// 0, no output), takes its simulated duration on the given Clock, honours abort and timeout like
// a real transport, and is logged with its host for assertions ("no command ran on worker-2").
import type { Host } from '../../engine/model/inventory.js';
import type { Clock } from '../../engine/ports/clock.js';
import type { Become, CommandResult, ExecOptions, Transport, TransportPool } from '../../engine/ports/transport.js';

export interface Rule {
  /** Substring or pattern of the command; optional host name filter. */
  match: string | RegExp;
  host?: string;
  exitCode?: number;
  stdout?: string;
  stderr?: string;
  durationMs?: number;
  /** Computed answer, given how many times this rule matched before (0-based). */
  respond?: (command: string, n: number, host: string) => { exitCode?: number; stdout?: string; stderr?: string };
}

export interface LoggedCommand {
  host: string;
  command: string;
  become?: Become;
  stdin?: string;
  env?: Record<string, string>;
}

export class ScriptedPool implements TransportPool {
  readonly log: LoggedCommand[] = [];
  private readonly hits = new Map<Rule, number>();

  constructor(private readonly clock: Clock, private readonly rules: Rule[] = []) {}

  /** Commands run on one host, in order. */
  commands(host: string): string[] {
    return this.log.filter((c) => c.host === host).map((c) => c.command);
  }

  private rule(host: string, command: string): Rule | undefined {
    return this.rules.find((r) => (!r.host || r.host === host) && (typeof r.match === 'string' ? command.includes(r.match) : r.match.test(command)));
  }

  async exec(host: string, command: string, opts: ExecOptions = {}): Promise<CommandResult> {
    const entry: LoggedCommand = { host, command };
    if (opts.become) entry.become = opts.become;
    if (opts.stdin !== undefined) entry.stdin = opts.stdin;
    if (opts.env) entry.env = opts.env;
    this.log.push(entry);
    const started = this.clock.now();
    const r = this.rule(host, command);
    const n = r ? (this.hits.get(r) ?? 0) : 0;
    if (r) this.hits.set(r, n + 1);
    const ans = r?.respond ? r.respond(command, n, host) : { exitCode: r?.exitCode ?? 0, stdout: r?.stdout ?? '', stderr: r?.stderr ?? '' };
    const base = { command, signal: null, stdout: '', stderr: '', durationMs: 0, timedOut: false, aborted: false };
    const duration = r?.durationMs ?? 0;
    if (duration > 0) {
      const limit = opts.timeoutMs !== undefined && opts.timeoutMs < duration ? opts.timeoutMs : duration;
      try {
        await this.clock.sleep(limit, opts.signal);
      } catch {
        return { ...base, exitCode: null, aborted: true, durationMs: this.clock.now() - started };
      }
      if (limit < duration) return { ...base, exitCode: null, timedOut: true, durationMs: limit };
    } else if (opts.signal?.aborted) {
      return { ...base, exitCode: null, aborted: true };
    }
    const stdout = ans.stdout ?? '';
    const stderr = ans.stderr ?? '';
    for (const [stream, text] of [['stdout', stdout], ['stderr', stderr]] as const) {
      for (const line of text.split('\n').filter((l, i, a) => l !== '' || i < a.length - 1)) opts.onLine?.(stream, line);
    }
    return { ...base, exitCode: ans.exitCode ?? 0, stdout, stderr, durationMs: this.clock.now() - started };
  }

  async forHost(h: Host): Promise<Transport> {
    return {
      host: h.name,
      exec: (command, opts) => this.exec(h.name, command, opts),
      put: async () => { throw new Error('ScriptedPool: put is not scripted'); },
      get: async () => { throw new Error('ScriptedPool: get is not scripted'); },
      close: async () => {},
    };
  }

  async closeAll(): Promise<void> {}
}
