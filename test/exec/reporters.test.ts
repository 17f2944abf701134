// What the console and NDJSON reporters print for a run, from real executor events.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { Chalk } from 'chalk';
import { consoleReporter, openConsoleReporter } from '../../engine/adapters/console-reporter.js';
import { ndjsonReporter } from '../../engine/adapters/ndjson-reporter.js';
import { inventory, phase, runbook, sh } from '../fakes/build.js';
import { run } from '../fakes/harness.js';

function fakeStream(): { stream: NodeJS.WriteStream; text: () => string } {
  let out = '';
  const stream = { isTTY: false, columns: 100, write: (s: string) => { out += s; return true; } } as unknown as NodeJS.WriteStream;
  return { stream, text: () => out };
}

async function failingRun() {
  return run(
    runbook([phase('workers', [sh('echo hi', { name: 'Say hi' }), sh('apt-get install kubelet', { name: 'Install' })], { name: 'Workers' })]),
    inventory({ workers: ['w1', 'w2'] }),
    { rules: [{ match: 'echo hi', stdout: 'hi\n' }, { match: 'apt-get', exitCode: 100, stderr: 'E: Unable to locate package kubelet\n' }] },
  );
}

test('console: phase header, host-tagged output, one line per step, the failure with stderr, counts and the resume hint', async () => {
  const h = await failingRun();
  const { stream, text } = fakeStream();
  const con = consoleReporter({ stream });
  h.events.forEach(con);
  con.close();
  const out = text();
  assert.match(out, /▶ Phase 1: Workers \(w1, w2\)/);
  assert.match(out, /w1 \| hi/);
  assert.match(out, /changed w1 {2}Say hi/);
  assert.match(out, /FAILED w1 {2}Install/);
  assert.match(out, /E: Unable to locate package kubelet/);
  assert.match(out, /Failed\. ok=0 changed=1 skipped=0 failed=1/);
  assert.match(out, /To continue: runbook resume 20261125-1432-ab12/);
  assert.not.match(out, /\x1b\[/, 'no colour codes when not a terminal');
});

test('console without a terminal: progress of one step is printed at most every few seconds', () => {
  const { stream, text } = fakeStream();
  const con = consoleReporter({ stream });
  const ref = { phase: 0, phaseName: 'p', step: 's1', stepName: 'Drain', action: 'drain', host: 'w1' };
  con({ kind: 'step.start', ts: 0, changes: true, ...ref });
  for (let i = 0; i < 50; i++) con({ kind: 'step.progress', ts: i, message: `${50 - i} pods left`, ...ref });
  con.close();
  assert.is(text().split('\n').filter((l) => l.includes('pods left')).length, 1);
});

test('NDJSON: one parseable event per line; step.end has status and duration_ms; run.end has status and counts', async () => {
  const h = await failingRun();
  const lines: string[] = [];
  const nd = ndjsonReporter((s) => lines.push(s));
  h.events.forEach(nd);
  assert.ok(lines.every((l) => l.endsWith('\n') && !l.slice(0, -1).includes('\n')));
  const ev = lines.map((l) => JSON.parse(l) as Record<string, unknown>);
  const ends = ev.filter((e) => e['kind'] === 'step.end');
  assert.equal(ends.map((e) => e['status']), ['changed', 'failed']);
  assert.ok(ends.every((e) => typeof e['duration_ms'] === 'number'));
  const last = ev.at(-1)!;
  assert.equal([last['kind'], last['status'], last['counts']], ['run.end', 'failed', { ok: 0, changed: 1, skipped: 0, failed: 1 }]);
});

test('console on a terminal: the summary and statuses in colour (chalk loaded for terminals only)', async () => {
  const h = await failingRun();
  let out = '';
  const tty = { isTTY: true, columns: 100, write: (s: string) => { out += s; return true; } } as unknown as NodeJS.WriteStream;
  const con = consoleReporter({ stream: tty, chalk: new Chalk({ level: 1 }) });
  h.events.forEach(con);
  con.close();
  assert.ok(out.includes('\x1b[31m\x1b[1mFailed.\x1b[22m\x1b[39m'), 'red bold "Failed."');
  assert.ok(out.includes('\x1b[32mok\x1b[39m') || out.includes('\x1b[33mchanged\x1b[39m'), 'a coloured status');
  // Off a terminal openConsoleReporter loads no colours at all.
  const plain = fakeStream();
  const con2 = await openConsoleReporter({ stream: plain.stream });
  h.events.forEach(con2);
  con2.close();
  assert.not.match(plain.text(), /\x1b\[/);
  assert.match(plain.text(), /Failed\. ok=0 changed=1/);
});

test.run();
