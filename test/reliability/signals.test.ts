// More signals (~10 s; RUNBOOK_CRASH_MATRIX=0 skips them): SIGTERM during a drain ends the run like
// Ctrl-C (exit 130, journal "interrupted", node left cordoned); two Ctrl-C 20 ms apart end with
// 130 too — whether the second one still finds the run stopping ("exiting now", the drain left
// in flight in the journal) or the clean stop already ended it — and resume then finishes the
// upgrade with every crash-matrix check holding.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { upgradeHeld } from './checks.js';
import { at, tail, until } from './engine.js';
import { scenarioSkip, TARGET, withScenario, type Scenario } from './scenario.js';

// Part of every test run since the waits use watches (~10 s); RUNBOOK_CRASH_MATRIX=0 turns it off
// for a quick local run. CI never sets it.
const enabled = process.env['RUNBOOK_CRASH_MATRIX'] !== '0';
const skip = enabled ? scenarioSkip() : 'SIGTERM and double Ctrl-C were turned off with RUNBOOK_CRASH_MATRIX=0';

const cordoned = (s: Scenario, node: string) => () => until(() => !!s.lab.control.nodes().find((n) => n.name === node)?.unschedulable, 20_000, `${node} cordoned`);

test('SIGTERM mid-drain stops like Ctrl-C; a double Ctrl-C ends with 130 too; resume finishes the upgrade', async () => {
  if (skip) return void console.log(`SKIP: ${skip}`);
  await withScenario({}, async (s) => {
    const term = await s.exec([], { trigger: at('step.start', /^Drain the node/, 'worker-1'), signal: 'SIGTERM', gate: cordoned(s, 'worker-1') });
    assert.is(term.code, 130, `SIGTERM must end the run with 130:\n${tail(term)}`);
    const end = s.journal().at(-1);
    assert.ok(end?.kind === 'run.end' && end.status === 'interrupted', JSON.stringify(end));
    assert.ok(s.lab.control.nodes().find((n) => n.name === 'worker-1')?.unschedulable, 'worker-1 stays cordoned');

    // Two Ctrl-C 20 ms apart while worker-2 drains.
    let sent = false;
    const twice = await s.resume([], {
      onEvent: (e, child) => {
        if (sent || e.kind !== 'step.start' || e.host !== 'worker-2' || !/^Drain the node/.test(e.stepName)) return;
        sent = true;
        void cordoned(s, 'worker-2')().catch(() => undefined).then(() => {
          child.kill('SIGINT');
          setTimeout(() => child.kill('SIGINT'), 20);
        });
      },
    });
    assert.ok(sent, `resume never reached worker-2's drain:\n${tail(twice)}`);
    assert.is(twice.code, 130, `a second Ctrl-C exits with 130:\n${tail(twice)}`);
    if (process.env['RUNBOOK_RELIABILITY_VERBOSE']) console.log(/second SIGINT: exiting now/.test(twice.stderr) ? 'the second Ctrl-C exited at once' : 'the first Ctrl-C had already stopped the run');

    const r = await s.resume();
    assert.is(r.code, 0, `resume after two Ctrl-C must finish the upgrade:\n${tail(r)}`);
    assert.equal(await upgradeHeld(s.lab, s.journal(), TARGET), []);
  });
});

test.run();
