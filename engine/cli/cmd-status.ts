// `runbook status [ID] [--json]`: what a run did — its state, counts per status, failed and
// in-flight steps, and what to run next.
import { readEvents, readInputs } from '../adapters/file-journal.js';
import { inFlight, resumeStateFrom } from '../exec/resume-state.js';
import type { StepStatus } from '../model/events.js';
import { parse } from './args.js';
import { EXIT } from './errors.js';
import { findRun } from './journal-files.js';

export interface RunStatusView {
  runId: string;
  runbook: string;
  inventory: string;
  startedAt?: string;
  /** Last run.end status, or 'stopped' when the process died without one. */
  status: 'ok' | 'failed' | 'interrupted' | 'refused' | 'stopped';
  attempts: number;
  counts: Record<StepStatus, number>;
  failed: Array<{ step: string; host: string; message?: string }>;
  inFlight: Array<{ ref: string; stepName: string }>;
  hint?: string;
}

export function statusOf(id: string, dir: string): RunStatusView {
  const inputs = readInputs(dir);
  const events = readEvents(dir);
  const state = resumeStateFrom(id, events);
  const counts: Record<StepStatus, number> = { ok: 0, changed: 0, skipped: 0, failed: 0 };
  const failed: RunStatusView['failed'] = [];
  for (const [ref, r] of state.records) {
    if (r.state === 'done') counts[r.status]++;
    else if (r.state === 'failed') {
      counts.failed++;
      const at = ref.lastIndexOf('@');
      failed.push({ step: ref.slice(0, at), host: ref.slice(at + 1), ...(r.message ? { message: r.message } : {}) });
    }
  }
  const last = [...events].reverse().find((e) => e.kind === 'run.end' || e.kind === 'run.start');
  const status = last?.kind === 'run.end' ? last.status : 'stopped';
  const first = events.find((e) => e.kind === 'run.start');
  const view: RunStatusView = {
    runId: id,
    runbook: inputs.runbook,
    inventory: 'file' in inputs.inventory ? inputs.inventory.file : `lab ${inputs.inventory.lab}`,
    status,
    attempts: events.filter((e) => e.kind === 'run.start').length,
    counts,
    failed,
    inFlight: inFlight(state),
  };
  if (first) view.startedAt = new Date(first.ts).toISOString();
  if (status !== 'ok') view.hint = `runbook resume ${id}`;
  return view;
}

export async function statusCommand(argv: string[]): Promise<number> {
  const { values, positionals } = parse('status', argv, { json: { type: 'boolean' } });
  const { id, dir } = findRun(positionals[0]);
  const v = statusOf(id, dir);
  if (values.json) {
    process.stdout.write(`${JSON.stringify(v, null, 2)}\n`);
    return EXIT.ok;
  }
  const n = v.counts;
  const lines = [
    `run ${v.runId}: ${v.status === 'stopped' ? 'stopped (no run.end: still running, or the process was killed)' : v.status}${v.attempts > 1 ? ` (${v.attempts} attempts)` : ''}`,
    `  runbook:   ${v.runbook}`,
    `  inventory: ${v.inventory}`,
    ...(v.startedAt ? [`  started:   ${v.startedAt}`] : []),
    `  steps:     ok=${n.ok} changed=${n.changed} skipped=${n.skipped} failed=${n.failed}`,
    ...v.failed.map((f) => `  failed:    ${f.step}@${f.host}${f.message ? ` — ${f.message.split('\n')[0]}` : ''}`),
    ...v.inFlight.map((f) => `  in flight: ${f.ref} (${f.stepName}) — resume re-runs it if it changes nothing, has skip_if or is idempotent; otherwise it asks`),
    ...(v.hint ? [`  next:      ${v.hint}`] : []),
    `  journal:   ${dir}`,
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
  return EXIT.ok;
}
