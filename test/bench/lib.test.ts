// bench/lib and the orchestrator's judging: paired ratios and spreads, rows from the older
// benchmarks' outputs, "not run" never shown as met, and usage errors that run nothing.
// (No benchmark runs here: timing belongs in `npm run bench`.)
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { packageRoot } from '../../engine/paths.js';
import { drainRows, fanoutRows, lastJsonObject, type FanoutJson } from '../../bench/lib/adapt.js';
import { resultsMarkdown } from '../../bench/lib/markdown.js';
import { median, pairedRatios, spread } from '../../bench/lib/stats.js';

test('ratios are formed per round and failed runs drop out of the spread', () => {
  assert.equal(pairedRatios([2, 4, NaN], [1, 1, 1]), [2, 4]);
  assert.is(median([3, 1, 2, 10]), 2.5);
  assert.equal(spread([5, NaN, 1, 3]), { median: 3, min: 1, max: 5, n: 3 });
});

test('drain rows judge runbook / kubectl per round against ≤ 1.0×', () => {
  const rows = drainRows({ pods: 100, rounds: 2, time_scale: 0.02, runs_ms: { runbook: [5000, 6000], 'runbook-cold': [21000, 23000], kubectl: [19000, 20000] } });
  assert.is(rows[0]!.met, true);
  assert.is(rows[1]!.met, false);
  assert.ok(Math.abs(rows[1]!.ratio!.max - 23000 / 20000) < 1e-9);
});

test('SSH fan-out without Ansible says "not run" and is never judged met', () => {
  const s = (w: number) => ({ wallS: w, cpuS: 0.1, ok: true });
  const j: FanoutJson = { date: '2026-11-25T00:00:00Z', rounds: 2, cli: 'x', results: [{ n: 100, labels: { runbook: 'runbook exec', ssh2: 'ssh2' }, samples: { runbook: [s(1.3), s(1.4)], ssh2: [s(1), s(1)] } }] };
  const rows = fanoutRows(j, 'ansible-playbook missing');
  const vsAnsible = rows.find((r) => r.ratioOf?.startsWith('ansible'))!;
  assert.is(vsAnsible.met, null);
  assert.match(vsAnsible.note ?? '', /^not run: ansible-playbook missing/);
  assert.is(rows.find((r) => r.ratioOf === 'runbook / ssh2')!.met, false);
  const md = resultsMarkdown([{ key: 'ssh-fanout', title: 'SSH', result: { name: 'ssh-fanout', date: j.date, rows }, machine: 'm', machineLong: 'm' }], 'npm run bench', 'now');
  const line = md.split('\n').find((l) => l.includes('not run: ansible'))!;
  assert.match(line, /\| not run \|/);
  assert.not.match(line, /\| yes \|/);
});

test('the drain summary is found after log lines on stdout', () => {
  assert.equal(lastJsonObject('note\n{\n  "a": {\n    "b": 1\n  }\n}\n'), { a: { b: 1 } });
});

test('npm run bench with an unknown benchmark name fails with usage and runs nothing', () => {
  const r = spawnSync(process.execPath, [join(packageRoot(), 'dist', 'bench', 'run.js'), '--only', 'nope'], { encoding: 'utf8', timeout: 20_000 });
  assert.is(r.status, 2);
  assert.match(r.stderr, /unknown benchmark "nope"/);
  assert.match(r.stderr, /--only startup,scale,drain,ssh-fanout,overhead/);
});

test.run();
