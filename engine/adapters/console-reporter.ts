// The human console (chalk on a terminal): phase and batch headers, one line per finished step, host-tagged
// output, a live line for running steps with elapsed time (TTY only), and a closing summary
// with the counts and what to run next. Writes to stderr under --json, else stdout.
import type { ChalkInstance } from 'chalk';
import type { EventHandlers, EventOf, RunEvent, StepStatus } from '../model/events.js';

const HEARTBEAT_MS = 30_000;
const PROGRESS_EVERY_MS = 5_000;

export interface ConsoleOptions {
  stream: NodeJS.WriteStream;
  /** Show command output lines (default true). */
  output?: boolean;
  color?: boolean;
  /** The colours for a terminal (openConsoleReporter loads chalk); without it, plain text. */
  chalk?: ChalkInstance;
}

/** The styles the console uses: chalk's, or plain text (identity) off a terminal. */
type Paint = (s: string) => string;
interface Palette { dim: Paint; cyan: Paint; green: Paint; red: Paint; yellow: Paint; bold: Paint; greenBold: Paint; redBold: Paint; yellowBold: Paint }
const same: Paint = (s) => s;
const PLAIN: Palette = { dim: same, cyan: same, green: same, red: same, yellow: same, bold: same, greenBold: same, redBold: same, yellowBold: same };
function palette(k: ChalkInstance): Palette {
  return { dim: k.dim, cyan: k.cyan, green: k.green, red: k.red, yellow: k.yellow, bold: k.bold, greenBold: k.green.bold, redBold: k.red.bold, yellowBold: k.yellow.bold };
}

/**
 * The console reporter, with chalk's colours when it writes to a terminal. chalk (and through it
 * node:tty) is loaded only then: off a terminal nothing is coloured, and `exec`'s start-up before
 * the first SSH connect is ~3 ms shorter without it.
 */
export async function openConsoleReporter(o: ConsoleOptions): Promise<ConsoleReporter> {
  if (o.color === false || !o.stream.isTTY || o.chalk) return consoleReporter(o);
  return consoleReporter({ ...o, chalk: (await import('chalk')).default });
}

function secs(ms: number): string {
  if (ms < 1000) return `${ms}ms`;
  const s = ms / 1000;
  if (s < 60) return `${s.toFixed(1)}s`;
  const m = Math.floor(s / 60);
  return `${m}m${String(Math.round(s % 60)).padStart(2, '0')}s`;
}

export interface ConsoleReporter {
  (e: RunEvent): void;
  /** Stop the live line's timer. */
  close(): void;
}

export function consoleReporter(o: ConsoleOptions): ConsoleReporter {
  const c: Palette = o.color !== false && o.stream.isTTY && o.chalk ? palette(o.chalk) : PLAIN;
  const live = !!o.stream.isTTY;
  const running = new Map<string, { label: string; since: number; note?: string; lastPrinted?: number }>();
  let liveShown = false;
  let timer: NodeJS.Timeout | undefined;

  const clearLive = () => {
    if (liveShown) o.stream.write('\r\x1b[K');
    liveShown = false;
  };
  const drawLive = () => {
    if (!live || !running.size) return clearLive();
    const now = Date.now();
    const parts = [...running.values()].map((r) => `${r.label} ${c.dim(secs(now - r.since))}${r.note ? c.dim(` · ${r.note}`) : ''}`);
    const text = parts.length > 2 ? `${parts.slice(0, 2).join('  |  ')}  (+${parts.length - 2} more)` : parts.join('  |  ');
    const width = o.stream.columns || 120;
    o.stream.write(`\r\x1b[K${c.cyan('…')} ${text.length > width - 3 ? text.slice(0, width - 4) : text}`);
    liveShown = true;
  };
  // Without a terminal (CI logs), a line now and then for steps that run long, so a long drain
  // or wait does not look like a hang.
  const heartbeat = () => {
    const now = Date.now();
    for (const r of running.values()) {
      if (now - r.since >= HEARTBEAT_MS) o.stream.write(`    … still running: ${r.label} (${secs(now - r.since)})${r.note ? ` · ${r.note}` : ''}\n`);
    }
  };
  const print = (s: string | undefined) => {
    if (s === undefined) return drawLive();
    clearLive();
    o.stream.write(`${s}\n`);
    drawLive();
  };
  const statusMark: Record<StepStatus, string> = { ok: c.green('ok'), changed: c.yellow('changed'), skipped: c.cyan('skipped'), failed: c.red('FAILED') };
  const key = (e: { step: string; host: string }) => `${e.step}@${e.host}`;

  const format: EventHandlers<string | undefined> = {
    'run.start': (e) => `${c.bold('runbook')} ${e.resumed ? 'resuming' : 'run'} ${c.bold(e.runId)}: ${e.runbook} on ${e.inventory}${e.check ? c.yellow(' (check mode: nothing will change)') : ''}`,
    'phase.start': (e) => `\n${c.bold(`▶ Phase ${e.phase + 1}: ${e.phaseName}`)} ${c.dim(`(${e.hosts.join(', ') || 'no hosts'})`)}`,
    'phase.skip': (e) => c.dim(`\n▷ Phase ${e.phase + 1}: ${e.phaseName} — skipped (${e.reason})`),
    'batch.start': (e) => c.dim(`  batch ${e.batch + 1}: ${e.hosts.join(', ')}`),
    'step.start': (e) => {
      running.set(key(e), { label: `${e.host}: ${e.stepName}`, since: Date.now() });
      if (!timer) timer = live ? setInterval(drawLive, 1000).unref() : setInterval(heartbeat, HEARTBEAT_MS).unref();
      return undefined;
    },
    'step.output': (e) => (o.output === false ? undefined : `    ${c.dim(`${e.host} |`)} ${e.stream === 'stderr' ? c.red(e.line) : e.line}`),
    'step.progress': (e) => {
      const r = running.get(key(e));
      if (r) r.note = e.message;
      if (r && live) return undefined;
      // Without a terminal, at most one progress line per step every few seconds (a drain may
      // report many times a second); the heartbeat shows the latest.
      const now = Date.now();
      if (r && r.lastPrinted !== undefined && now - r.lastPrinted < PROGRESS_EVERY_MS) return undefined;
      if (r) r.lastPrinted = now;
      return c.dim(`    ${e.host}: ${e.stepName}: ${e.message}`);
    },
    'step.end': (e) => {
      running.delete(key(e));
      const msg = e.message ? (e.status === 'failed' ? `\n${e.message.split('\n').map((l) => `      ${c.red(l)}`).join('\n')}` : c.dim(`  ${e.message.split('\n')[0]}`)) : '';
      return `  ${statusMark[e.status]}${e.ignored ? c.dim(' (ignored)') : ''} ${c.bold(e.host)}  ${e.stepName} ${c.dim(`(${secs(e.duration_ms)})`)}${msg}`;
    },
    warning: (e) => c.yellow(`warning: ${e.host ? `${e.host}: ` : ''}${e.message}`),
    'run.end': (e) => summary(e),
  };

  function summary(e: EventOf<'run.end'>): string {
    const n = e.counts;
    const counts = `ok=${n.ok} changed=${n.changed} skipped=${n.skipped} failed=${n.failed}`;
    const head: Record<typeof e.status, string> = {
      ok: c.greenBold('Done.'),
      failed: c.redBold('Failed.'),
      interrupted: c.yellowBold('Interrupted.'),
      refused: c.redBold('Refused.'),
    };
    const lines = ['', `${head[e.status]} ${counts} in ${secs(e.duration_ms)}`];
    if (e.message) lines.push(...e.message.split('\n').map((l) => `  ${l}`));
    if (e.hint) lines.push(`${e.status === 'refused' ? 'Next' : 'To continue'}: ${c.bold(e.hint)}`);
    return lines.join('\n');
  }

  const reporter = ((e: RunEvent) => print((format[e.kind] as (x: RunEvent) => string | undefined)(e))) as ConsoleReporter;
  reporter.close = () => {
    if (timer) clearInterval(timer);
    timer = undefined;
    clearLive();
  };
  return reporter;
}
