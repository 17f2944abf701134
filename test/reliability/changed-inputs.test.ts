// Changed inputs: a run that stopped must not silently continue with different instructions.
// After a crash, editing a runbook piece (runbooks/ is copied into a temp dir first) and the
// inventory makes `runbook resume` refuse with exit 3 naming both files; `--allow-changed` lets
// the operator go on deliberately, for that attempt only.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { appendFileSync } from 'node:fs';
import { join } from 'node:path';
import { at, tail } from './engine.js';
import { scenarioSkip, withScenario } from './scenario.js';

const skip = scenarioSkip();

test('resume after the runbook and inventory changed is refused naming them, and accepted with --allow-changed', async () => {
  if (skip) return void console.log(`SKIP: ${skip}`);
  await withScenario({ topology: { controlPlanes: 1, workers: 1, gpus: 0 } }, async (s) => {
    const r1 = await s.exec([], { trigger: at('step.start', /Find objects using APIs removed/, 'localhost') });
    assert.is(r1.signal, 'SIGKILL', `the run never reached pre-flight:\n${tail(r1)}`);

    const piece = join(s.work, 'runbooks/lib/worker.yaml');
    appendFileSync(piece, '# edited after the crash\n');
    appendFileSync(s.lab.inventory, '# edited after the crash\n');

    const refused = await s.resume();
    assert.is(refused.code, 3, `resume must refuse changed inputs:\n${tail(refused)}`);
    assert.match(refused.stderr, /files changed since run/);
    assert.ok(refused.stderr.includes(piece), `the changed runbook piece must be named:\n${tail(refused)}`);
    assert.ok(refused.stderr.includes(s.lab.inventory), `the changed inventory must be named:\n${tail(refused)}`);
    assert.match(refused.stderr, /--allow-changed/, 'the refusal says how to go on');
    assert.is(refused.events.filter((e) => e.kind === 'step.start').length, 0, 'nothing ran');

    // Accepted with the flag: the run goes on (stopped again at its next step to keep this short).
    const accepted = await s.resume(['--allow-changed'], { trigger: (e) => e.kind === 'step.start' && !/lock/i.test(e.stepName) });
    assert.ok(accepted.signalledAt, `resume --allow-changed must run steps again:\n${tail(accepted)}`);

    // The flag is a decision for one attempt, not a new baseline: the next resume asks again.
    const again = await s.resume();
    assert.is(again.code, 3, `a later resume without the flag must refuse again:\n${tail(again)}`);
  });
});

test.run();
