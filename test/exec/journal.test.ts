// The journal on disk (modes, append-only events, torn last line) and what resume reads from it:
// finished steps skipped with their registered results restored, in-flight steps refused unless
// guarded, failed steps retried.
import { appendFileSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { FileJournal, listRuns, readEvents, readInputs, type RunInputs } from '../../engine/adapters/file-journal.js';
import { markdownReport } from '../../engine/adapters/markdown-report.js';
import { redactVarsByName } from '../../engine/exec/redact.js';
import { resumeStateFrom } from '../../engine/exec/resume-state.js';
import { inventory, phase, runbook, sh } from '../fakes/build.js';
import { run } from '../fakes/harness.js';
import type { Action } from '../../engine/actions/action.js';

function inputs(runId: string): RunInputs {
  return {
    version: 1, runId, createdAt: '2026-11-25T14:32:00Z', cwd: '/', runbook: '/r.yaml', sources: [],
    inventory: { file: '/i.yaml', sha256: 'x' },
    extraVars: redactVarsByName({ target: '1.31.4', api_token: 'abcd-efgh' }),
    secretVars: ['api_token'],
    options: { check: false, tags: [], skipTags: [], yes: false, askBecomePass: false, json: false },
  };
}

test('the run directory is 0700, its files 0600; -e secrets are redacted in inputs.json; a torn last line is ignored', () => {
  const base = mkdtempSync(join(tmpdir(), 'runbook-j-'));
  try {
    const j = FileJournal.create(join(base, 'runs'), inputs('20261125-1432-ab12'));
    j.append({ kind: 'warning', ts: 1, message: 'hello' });
    j.close();
    const dir = join(base, 'runs', '20261125-1432-ab12');
    assert.is(statSync(dir).mode & 0o777, 0o700);
    assert.is(statSync(join(dir, 'inputs.json')).mode & 0o777, 0o600);
    assert.is(statSync(join(dir, 'events.jsonl')).mode & 0o777, 0o600);
    const back = readInputs(dir);
    assert.equal(back.extraVars, { target: '1.31.4', api_token: '‹redacted›' });
    appendFileSync(join(dir, 'events.jsonl'), '{"kind":"step.st');
    assert.is(readEvents(dir).length, 1);
    assert.equal(listRuns(join(base, 'runs')), ['20261125-1432-ab12']);
  } finally {
    rmSync(base, { recursive: true, force: true });
  }
});

test('a step start or end is in events.jsonl as soon as it is recorded, before anyone sees it (a SIGKILL right after the report loses nothing)', () => {
  const base = mkdtempSync(join(tmpdir(), 'runbook-j-'));
  try {
    const j = FileJournal.create(join(base, 'runs'), inputs('20261125-1432-cd34'));
    const dir = join(base, 'runs', '20261125-1432-cd34');
    const ref = { phase: 11, phaseName: 'Validate', step: 'p11.s4', stepName: 'Delete the test ConfigMap', action: 'sh', host: 'localhost' };
    j.append({ kind: 'step.output', ts: 1, stream: 'stdout', line: 'configmap deleted', ...ref });
    j.append({ kind: 'step.end', ts: 2, status: 'changed', duration_ms: 5, ...ref });
    // No tick has passed, no barrier, no close: what a killed process would leave behind.
    assert.equal(readEvents(dir).map((e) => e.kind), ['step.output', 'step.end']);
    j.append({ kind: 'step.output', ts: 3, stream: 'stdout', line: 'chatter', ...ref });
    assert.is(readEvents(dir).length, 2, 'output lines wait for the end of the tick');
    j.close();
    assert.is(readEvents(dir).length, 3);
  } finally {
    rmSync(base, { recursive: true, force: true });
  }
});

test('resume skips finished steps silently, restores their registered results, and retries the failed one', async () => {
  const rb = runbook([phase('workers', [sh('get-version', { register: 'v', changes: false }), sh('install {{v.stdout}}'), sh('restart')])]);
  const inv = inventory({ workers: ['w1', 'w2'] });
  const first = await run(rb, inv, { rules: [{ match: 'get-version', stdout: '1.31.4\n' }, { match: 'install', host: 'w1', exitCode: 1 }] });
  assert.is(first.summary.status, 'failed');
  const state = resumeStateFrom('20261125-1432-ab12', first.events);
  const second = await run(rb, inv, { resume: state });
  assert.is(second.summary.status, 'ok');
  assert.equal(second.pool.commands('w1'), ['install 1.31.4', 'restart'], 'get-version not re-run; its result restored');
  // w2 never ran before: it runs everything (this second run's transport answers get-version with nothing).
  assert.equal(second.pool.commands('w2'), ['get-version', "install ''", 'restart']);
});

test('an in-flight changing step without skip_if is refused on resume; with skip_if the guard decides; read-only or idempotent ones run again', async () => {
  const inv = inventory({ workers: ['w1'] });
  const ref = { phase: 0, phaseName: 'p', stepName: 'Upgrade', action: 'sh', host: 'w1' };
  const events = [{ kind: 'step.start' as const, ts: 1, changes: true, step: 'up', ...ref }];
  const state = resumeStateFrom('20261125-1432-ab12', events);
  const refused = await run(runbook([phase('workers', [sh('upgrade', { id: 'up', name: 'Upgrade' })])]), inv, { resume: state });
  assert.is(refused.summary.status, 'refused');
  assert.match(refused.summary.message ?? '', /step up "Upgrade" on host w1 was running/);
  assert.match(refused.summary.hint ?? '', /--mark-done up@w1/);
  assert.equal(refused.pool.log, []);
  const guarded = await run(runbook([phase('workers', [sh('upgrade', { id: 'up', name: 'Upgrade', skipIf: 'is-upgraded' })])]), inv, { resume: state, rules: [{ match: 'is-upgraded', exitCode: 0 }] });
  assert.is(guarded.summary.status, 'ok');
  assert.equal(guarded.pool.commands('w1'), ['is-upgraded']);
  const idem = await run(runbook([phase('workers', [sh('upgrade', { id: 'up', name: 'Upgrade', idempotent: true })])]), inv, { resume: state });
  assert.equal(idem.pool.commands('w1'), ['upgrade']);
  const readOnly = await run(runbook([phase('workers', [sh('wait-for-pods', { id: 'up', name: 'Upgrade', changes: false })])]), inv, { resume: state });
  assert.equal(readOnly.pool.commands('w1'), ['wait-for-pods'], 'a read-only step in flight is simply run again');
});

test('journal words per (step, host): last wins; an interrupted step counts as in flight; ignored failures as done', () => {
  const ref = (step: string, host = 'w1') => ({ phase: 0, phaseName: 'p', step, stepName: step, action: 'sh', host });
  const ev = [
    { kind: 'step.start' as const, ts: 1, changes: true, ...ref('a') },
    { kind: 'step.end' as const, ts: 2, status: 'failed' as const, duration_ms: 1, message: 'boom', ...ref('a') },
    { kind: 'step.start' as const, ts: 3, changes: true, ...ref('a') },
    { kind: 'step.end' as const, ts: 4, status: 'changed' as const, duration_ms: 1, ...ref('a') },
    { kind: 'step.start' as const, ts: 5, changes: true, ...ref('b') },
    { kind: 'step.end' as const, ts: 6, status: 'failed' as const, duration_ms: 1, message: 'interrupted', ...ref('b') },
    { kind: 'step.end' as const, ts: 7, status: 'failed' as const, duration_ms: 1, message: 'meh', ignored: true, ...ref('c') },
    { kind: 'step.end' as const, ts: 8, status: 'failed' as const, duration_ms: 1, message: 'no', ...ref('d') },
  ];
  const s = resumeStateFrom('x', ev, ['b@w1']);
  assert.equal(s.records.get('a@w1'), { state: 'done', status: 'changed' });
  assert.equal(s.records.get('b@w1'), { state: 'in-flight', stepName: 'b' });
  assert.equal(s.records.get('c@w1'), { state: 'done', status: 'ok' });
  assert.equal(s.records.get('d@w1'), { state: 'failed', message: 'no' });
  assert.ok(s.rerun.has('b@w1'));
});

test('an action that holds a run-scoped resource (the lock) runs again on resume even though it finished', async () => {
  let takes = 0;
  const lock: Action = {
    name: 'lock', summary: 'lock', changes: true, schema: {}, onResume: 'rerun',
    describe: () => 'take the lock',
    run: async (ctx) => { takes++; ctx.defer(async () => {}); return { status: 'changed', data: {} }; },
  };
  const rb = runbook([phase('workers', [{ ...sh('x', { id: 'lk' }), action: 'lock', args: {} }, sh('work', { id: 'wk' })])]);
  const inv = inventory({ workers: ['w1'] });
  const first = await run(rb, inv, { extraActions: [lock], rules: [{ match: 'work', exitCode: 1 }] });
  const second = await run(rb, inv, { extraActions: [lock], resume: resumeStateFrom('20261125-1432-ab12', first.events) });
  assert.is(second.summary.status, 'ok');
  assert.is(takes, 2);
});

test('report.md lists every step per host with status and the next command', async () => {
  const h = await run(runbook([phase('workers', [sh('ok-step', { name: 'Fine' }), sh('bad', { name: 'Broken' })])]), inventory({ workers: ['w1'] }), { rules: [{ match: 'bad', exitCode: 2 }] });
  const md = markdownReport(h.events);
  assert.match(md, /\| w1 \| s\d+ Fine \| changed \|/);
  assert.match(md, /\| w1 \| s\d+ Broken \| failed \|/);
  assert.match(md, /Next: `runbook resume 20261125-1432-ab12`/);
});

test.run();
