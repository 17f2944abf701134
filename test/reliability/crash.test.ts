// Crash and interrupt in the normal suite: one upgrade of a 1.30 lab to 1.31 is damaged three
// times — SIGKILL while the first control plane runs `kubeadm upgrade apply`, Ctrl-C (SIGINT) in
// the middle of a worker's drain, SIGKILL while a GPU node waits for its GPU Operator pods — and
// `runbook resume` after each. The end state must be the same as an undamaged run: every node at
// 1.31 and schedulable, apply once, nothing that finished ran again, no PDB below its budget.
// (The full matrix, one kill point per lab, is crash-matrix.test.ts.)
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { statSync } from 'node:fs';
import { at, tail, until } from './engine.js';
import { attempts, upgradeHeld } from './checks.js';
import { scenarioSkip, TARGET, withScenario } from './scenario.js';

const skip = scenarioSkip();

test('an upgrade killed in kubeadm apply, interrupted mid-drain and killed while GPU pods wait resumes to the same end state', async () => {
  if (skip) return void console.log(`SKIP: ${skip}`);
  await withScenario({}, async (s) => {
    // 1. SIGKILL as the first control plane starts `kubeadm upgrade apply`.
    const r1 = await s.exec([], { trigger: at('step.start', /kubeadm upgrade apply/, 'cp-1') });
    assert.ok(r1.signalledAt, `the run never reached kubeadm upgrade apply:\n${tail(r1)}`);
    assert.is(r1.signal, 'SIGKILL', tail(r1));

    // 2. Resume, and press Ctrl-C while worker-1 drains.
    const cordoned = () => !!s.lab.control.nodes().find((n) => n.name === 'worker-1')?.unschedulable;
    const r2 = await s.resume([], { trigger: at('step.start', /^Drain the node/, 'worker-1'), signal: 'SIGINT', gate: () => until(cordoned, 15_000, 'worker-1 cordoned') });
    assert.ok(r2.signalledAt, `resume never reached worker-1's drain (exit ${r2.code}):\n${tail(r2)}`);
    assert.is(r2.code, 130, `Ctrl-C must end the run with 130:\n${tail(r2)}`);
    const j2 = s.journal();
    const drainEnd = j2.filter((e) => e.kind === 'step.end' && e.host === 'worker-1' && /^Drain the node/.test(e.stepName)).at(-1);
    assert.ok(drainEnd && drainEnd.kind === 'step.end' && drainEnd.status === 'failed' && drainEnd.message === 'interrupted', `the journal must say the drain on worker-1 was interrupted: ${JSON.stringify(drainEnd)}`);
    const end2 = j2.at(-1);
    assert.ok(end2?.kind === 'run.end' && end2.status === 'interrupted', `journal ends with ${JSON.stringify(end2)}`);
    const w1 = s.lab.control.nodes().find((n) => n.name === 'worker-1');
    assert.ok(w1?.unschedulable, 'worker-1 must stay cordoned after the interrupt');
    assert.match(r2.stderr, /FAILED worker-1\s+Drain the node[^\n]*\n\s*interrupted/, 'the interrupted node and step are named in the output');
    assert.match(r2.stderr, /runbook resume/, 'the output says how to continue');
    const st = await s.cli(['status']);
    assert.match(`${st.stdout}${st.stderr}`, /in flight: \S+@worker-1 \(Drain the node\)/, `runbook status says where the run stopped:\n${tail(st)}`);

    // 3. Resume, SIGKILL while gpu-1 waits for its GPU Operator pods.
    const r3 = await s.resume([], { trigger: at('step.start', /Wait for the GPU Operator pods/, 'gpu-1') });
    assert.ok(r3.signalledAt, `resume never reached gpu-1's GPU Operator wait (exit ${r3.code}):\n${tail(r3)}`);
    assert.is(r3.signal, 'SIGKILL');

    // 4. Resume to the end.
    // The wait was in flight; it changes nothing, so resume runs it again without asking.
    const r4 = await s.resume();
    assert.is(r4.code, 0, `the last resume must finish the upgrade:\n${tail(r4)}`);
    const events = s.journal();
    assert.equal(attempts(events), ['(no run.end)', 'interrupted', '(no run.end)', 'ok']);
    assert.equal(await upgradeHeld(s.lab, events, TARGET), []);

    // The journal stays private to the operator.
    const dir = s.runDir();
    assert.is(statSync(dir).mode & 0o777, 0o700, 'run directory mode');
    for (const f of ['events.jsonl', 'inputs.json', 'report.md']) assert.is(statSync(`${dir}/${f}`).mode & 0o777, 0o600, `${f} mode`);
  });
});

test.run();
