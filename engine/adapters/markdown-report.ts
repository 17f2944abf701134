// report.md: a run's summary for the change ticket — status, counts, and per phase a table of
// every step on every host with its status, duration and message. Built from the journal events.
import type { EventHandlers, EventOf, RunEvent } from '../model/events.js';

const cell = (s: string) => s.replace(/\|/g, '\\|').replace(/\n/g, '<br>');

export function markdownReport(events: RunEvent[]): string {
  const out: string[] = [];
  let starts = 0;
  const rows: string[] = [];
  const flushRows = () => {
    if (!rows.length) return;
    out.push('', '| host | step | status | duration | message |', '|---|---|---|---|---|', ...rows);
    rows.length = 0;
  };
  const each: EventHandlers<void> = {
    'run.start': (e) => {
      flushRows();
      out.push(starts++ === 0 ? `# Run ${e.runId}` : `\n## Resumed`, '', `- runbook: \`${e.runbook}\``, `- inventory: \`${e.inventory}\``, `- started: ${new Date(e.ts).toISOString()}${e.check ? ' (check mode)' : ''}`);
    },
    'phase.start': (e) => {
      flushRows();
      out.push('', `### Phase ${e.phase + 1}: ${e.phaseName}`, '', `Hosts: ${e.hosts.join(', ') || 'none'}`);
    },
    'phase.skip': (e) => {
      flushRows();
      out.push('', `### Phase ${e.phase + 1}: ${e.phaseName} — skipped (${e.reason})`);
    },
    'batch.start': () => {},
    'step.start': () => {},
    'step.output': () => {},
    'step.progress': () => {},
    'step.end': (e) => {
      rows.push(`| ${cell(e.host)} | ${cell(`${e.step} ${e.stepName}`)} | ${e.status}${e.ignored ? ' (ignored)' : ''} | ${(e.duration_ms / 1000).toFixed(1)}s | ${cell(e.message ?? '')} |`);
    },
    warning: (e) => {
      flushRows();
      out.push('', `> warning: ${e.host ? `${e.host}: ` : ''}${e.message}`);
    },
    'run.end': (e: EventOf<'run.end'>) => {
      flushRows();
      const n = e.counts;
      out.push('', `**Result: ${e.status}** — ok ${n.ok}, changed ${n.changed}, skipped ${n.skipped}, failed ${n.failed}; ${(e.duration_ms / 1000).toFixed(1)}s`);
      if (e.message) out.push('', '```', e.message, '```');
      if (e.hint) out.push('', `Next: \`${e.hint}\``);
    },
  };
  for (const e of events) (each[e.kind] as (x: RunEvent) => void)(e);
  flushRows();
  return `${out.join('\n')}\n`;
}
