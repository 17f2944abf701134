// Ready is not healthy: a worker whose kube-proxy crash-loops once its kubelet is back at the new
// version (lab fault crashLoop) stops the upgrade at that node — the step names the pod and its
// CrashLoopBackOff — and the next worker is never touched. Once the operator has fixed it (the
// fault cleared, the kubelet restarted by hand), `runbook resume` finishes the upgrade with every
// guarantee held (lessons.md, lesson 15: "post-upgrade health checks").
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { tail } from './engine.js';
import { upgradeHeld } from './checks.js';
import { scenarioSkip, TARGET, withScenario } from './scenario.js';

const skip = scenarioSkip();
const healthStep = /^Wait for the node's kube-system pods to be healthy/;

test("a worker whose kube-proxy crash-loops after its upgrade stops the run there, named; the next worker is untouched; resume finishes once it is fixed", async () => {
  if (skip) return void console.log(`SKIP: ${skip}`);
  await withScenario({}, async (s) => {
    await s.faults({ crashLoop: ['worker-1'] });
    // ready_timeout also bounds how long a crash loop may take to clear.
    const r1 = await s.exec(['-e', 'ready_timeout=4s']);
    assert.is(r1.code, 1, `the run must fail at worker-1:\n${tail(r1)}`);
    const failed = r1.events.filter((e) => e.kind === 'step.end' && e.status === 'failed');
    assert.is(failed.length, 1, tail(r1));
    const f = failed[0]!;
    assert.ok(f.kind === 'step.end' && f.host === 'worker-1' && healthStep.test(f.stepName), `the failing step must be worker-1's pod check:\n${tail(r1)}`);
    assert.match(f.message ?? '', /kube-system\/kube-proxy-\S+.*CrashLoopBackOff/);
    const worker2 = r1.events.filter((e) => e.kind === 'step.start' && e.host === 'worker-2' && e.phaseName === 'Upgrade the workers');
    assert.equal(worker2, [], 'worker-2 must not be touched after worker-1 failed');

    // The operator fixes kube-proxy: the fault is cleared and the kubelet restarted by hand.
    await s.faults({ crashLoop: [] });
    s.lab.control.restartKubelet('worker-1', TARGET);
    const r2 = await s.resume();
    assert.is(r2.code, 0, `resume after the fix must finish the upgrade:\n${tail(r2)}`);
    assert.equal(await upgradeHeld(s.lab, s.journal(), TARGET), []);
  });
});

test.run();
