// Faults the lab injects, one after another in the same upgrade, each set and cleared through the
// lab's control endpoint (POST /faults) the way an operator's environment would break and heal:
//   etcd snapshot disk full (cp-1, after pre-flight) → SSH connection dropped during `kubeadm upgrade apply` (cp-1)
//   → API 5xx burst during a worker's drain → a PDB that never allows a disruption (gpu-1's drain)
//   → a node that never turns Ready (gpu-2).
// Each must stop the run safely (exit 1 or 3) with the cause named, touch nothing further (the
// next node's changing commands absent from the lab's records), and print a `runbook resume`
// command; once the fault is cleared, resume goes on — and the last one finishes the upgrade.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { LabRecords } from '../../engine/lab/contract.js';
import { changingCommand, upgradeHeld } from './checks.js';
import { tail, type EngineResult } from './engine.js';
import { scenarioSkip, TARGET, withScenario } from './scenario.js';

const skip = scenarioSkip();

// Short bounds so a blocked drain or a node that never comes back costs seconds, not minutes
// (normal lab drains at this time scale take up to ~11 s: kubectl's 5 s retry after a 429).
const BOUNDS = ['-e', 'gpu_drain_timeout=15s', '-e', 'gpu_ready_timeout=10s'];

/** Changing commands that succeeded on a node (lab records). */
function changesOn(r: LabRecords, node: string): string[] {
  return r.commands.filter((c) => c.node === node && c.exitCode === 0).flatMap((c) => changingCommand(c.command) ?? []);
}

/** Every command a node ran during one attempt (from its run.start on). */
function commandsDuring(r: LabRecords, node: string, attempt: EngineResult): string[] {
  const from = attempt.events.find((e) => e.kind === 'run.start')?.ts ?? 0;
  return r.commands.filter((c) => c.node === node && c.ts >= from).map((c) => c.command);
}

/** The stop is safe: exit 1 or 3, cause and host named, a resume command printed. */
function stoppedSafely(r: EngineResult, what: string, cause: RegExp, host: string): void {
  if (process.env['RUNBOOK_RELIABILITY_VERBOSE']) console.log(`${what}:\n${r.stderr.split('\n').filter((l) => /FAILED|Next:|resume|^\s{4,}\S/.test(l)).slice(-8).join('\n')}`);
  assert.is(r.timedOut, false, `${what}: the run did not stop in time:\n${tail(r)}`);
  assert.ok(r.code === 1 || r.code === 3, `${what}: expected exit 1 or 3, got ${r.code}:\n${tail(r)}`);
  assert.match(r.stderr, cause, `${what}: the cause must be named:\n${tail(r)}`);
  assert.match(r.stderr, new RegExp(`FAILED ${host}\\b`), `${what}: the failed host must be named:\n${tail(r)}`);
  assert.match(r.stderr, /runbook resume \d{8}-\d{4}-[0-9a-f]{4}/, `${what}: a resume command must be printed:\n${tail(r)}`);
}

test('lab faults stop the upgrade safely with the cause named, and resume finishes it once each is cleared', async () => {
  if (skip) return void console.log(`SKIP: ${skip}`);
  await withScenario({}, async (s) => {
    // 1. The etcd snapshot directory on cp-1 fills up after pre-flight passed (set as the last
    //    pre-flight step starts): the backup must stop before anything changes anywhere.
    let full = false;
    const r1 = await s.exec(BOUNDS, {
      onEvent: (e) => {
        if (!full && e.kind === 'step.start' && /Ask kubeadm what it would upgrade/.test(e.stepName)) {
          full = true;
          void s.faults({ diskFull: ['cp-1'] });
        }
      },
    });
    assert.ok(full, `the run never reached the end of pre-flight:\n${tail(r1)}`);
    stoppedSafely(r1, 'disk full', /not enough free disk in \S+ for the etcd snapshot/, 'cp-1');
    let rec = s.lab.records();
    for (const n of s.lab.nodes) assert.equal(changesOn(rec, n.name), [], `disk full: ${n.name} was changed`);
    assert.equal(rec.nodeEvents.filter((e) => e.event === 'cordon'), [], 'disk full: no node may be cordoned');

    // 2. SSH connection dropped while cp-1 runs `kubeadm upgrade apply`.
    await s.faults({ diskFull: [], sshDrop: { 'cp-1': 'kubeadm upgrade apply' } });
    const r2 = await s.resume();
    stoppedSafely(r2, 'ssh drop', /connection|closed|lost|reset|unreachable/i, 'cp-1');
    rec = s.lab.records();
    assert.equal(changesOn(rec, 'cp-2'), [], 'ssh drop: cp-2 must not be changed');
    assert.equal(commandsDuring(rec, 'cp-2', r2), [], 'ssh drop: no command may reach cp-2');

    // 3. API 5xx burst while worker-1 drains.
    await s.faults({ sshDrop: {} });
    let burst = false;
    const r3 = await s.resume([], {
      onEvent: (e) => {
        if (!burst && e.kind === 'step.start' && e.host === 'worker-1' && /^Drain the node/.test(e.stepName)) {
          burst = true;
          void s.faults({ api5xx: 400 });
        }
      },
    });
    assert.ok(burst, `resume never reached worker-1's drain:\n${tail(r3)}`);
    stoppedSafely(r3, 'API 5xx', /503|ServiceUnavailable|unable to handle/, 'worker-1');
    rec = s.lab.records();
    assert.equal(changesOn(rec, 'worker-2'), [], 'API 5xx: worker-2 must not be changed');
    assert.equal(commandsDuring(rec, 'worker-2', r3), [], 'API 5xx: no command may reach worker-2');

    // 4. The inference PDB never allows a disruption while gpu-1 drains.
    await s.faults({ api5xx: 0, pdbBlocked: ['inference/vllm'] });
    const r4 = await s.resume();
    stoppedSafely(r4, 'PDB blocked', /disruption budget|PodDisruptionBudget|vllm/i, 'gpu-1');
    assert.ok(s.lab.control.nodes().find((n) => n.name === 'gpu-1')?.unschedulable, 'PDB blocked: gpu-1 stays cordoned');
    rec = s.lab.records();
    assert.equal(changesOn(rec, 'gpu-2'), [], 'PDB blocked: gpu-2 must not be changed');
    assert.equal(commandsDuring(rec, 'gpu-2', r4), [], 'PDB blocked: no command may reach gpu-2');

    // 5. gpu-2 never turns Ready after its kubelet restart.
    await s.faults({ pdbBlocked: [], neverReady: ['gpu-2'] });
    const r5 = await s.resume();
    stoppedSafely(r5, 'never Ready', /Ready/, 'gpu-2');
    assert.equal(s.journal().filter((e) => e.kind === 'step.start' && /^Validate/.test(e.phaseName)), [], 'never Ready: validation must not start');

    // Cleared: the operator also restarts the kubelet by hand (the lab keeps a NotReady node
    // NotReady until its kubelet restarts again; the journal has the restart step as done).
    await s.faults({ neverReady: [] });
    s.lab.control.restartKubelet('gpu-2', TARGET);
    const r6 = await s.resume();
    assert.is(r6.code, 0, `resume after the last fault must finish the upgrade:\n${tail(r6)}`);
    assert.equal(await upgradeHeld(s.lab, s.journal(), TARGET), []);
  });
});

test.run();
