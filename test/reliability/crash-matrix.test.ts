// The full crash matrix (~6 s per point, 2 min in all; RUNBOOK_CRASH_MATRIX=0 skips it): for each point, a fresh 1.30
// lab, `runbook exec runbooks/upgrade-1.31.yaml` SIGKILLed at that point of its --json event
// stream, then `runbook resume` — which must finish with exit 0 and leave the same end state as an
// undamaged run (every node at 1.31 and schedulable, kubeadm upgrade apply once, no finished
// changing step re-run, no changing command twice on a node, no PDB below its budget, one node
// out of service at a time). With RUNBOOK_CRASH_MATRIX=0 one SKIP line is printed;
// RUNBOOK_CRASH_MATRIX_ONLY=text runs only the points whose name contains text.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { Scenario } from './scenario.js';
import { at, tail, until, type EngineOptions, type Trigger } from './engine.js';
import { upgradeHeld } from './checks.js';
import { scenarioSkip, TARGET, withScenario } from './scenario.js';

// Part of every test run since the waits use watches (~2 min); RUNBOOK_CRASH_MATRIX=0 turns it off
// for a quick local run. CI never sets it.
const enabled = process.env['RUNBOOK_CRASH_MATRIX'] !== '0';

interface Point {
  name: string;
  trigger: () => Trigger;
  /** Wait for this before the kill (e.g. the node is cordoned: "mid-drain"). */
  gate?: (s: Scenario) => () => Promise<void>;
  delayMs?: number;
}

const cordoned = (node: string) => (s: Scenario) => () => until(() => !!s.lab.control.nodes().find((n) => n.name === node)?.unschedulable, 20_000, `${node} cordoned`);

const POINTS: Point[] = [
  { name: 'pre-flight: taking the cluster lock', trigger: () => at('step.start', /Take the upgrade lock/, 'localhost') },
  { name: 'pre-flight: cluster checks (PDB analysis)', trigger: () => at('step.start', /Find PodDisruptionBudgets/, 'localhost') },
  { name: 'pre-flight: node checks running on every node at once', trigger: () => at('step.start', /Check free disk for packages/, 'gpu-1') },
  { name: 'etcd backup: snapshot save', trigger: () => at('step.start', /Save the etcd snapshot/, 'cp-1') },
  { name: 'etcd backup: copying the snapshot off the node', trigger: () => at('step.start', /Copy the snapshot off the node/, 'cp-1') },
  { name: 'first control plane: kubeadm upgrade apply just started', trigger: () => at('step.start', /kubeadm upgrade apply/, 'cp-1') },
  { name: 'first control plane: kubeadm upgrade apply, 150 ms in', trigger: () => at('step.start', /kubeadm upgrade apply/, 'cp-1'), delayMs: 150 },
  { name: 'first control plane: right after kubeadm upgrade apply ended', trigger: () => at('step.end', /kubeadm upgrade apply/, 'cp-1') },
  { name: 'later control plane: kubeadm upgrade node', trigger: () => at('step.start', /kubeadm upgrade node/, 'cp-2') },
  { name: 'later control plane: mid-drain', trigger: () => at('step.start', /^Drain the node/, 'cp-2'), gate: cordoned('cp-2') },
  { name: 'worker: mid-drain', trigger: () => at('step.start', /^Drain the node/, 'worker-1'), gate: cordoned('worker-1') },
  { name: 'worker: between package install and kubelet restart', trigger: () => at('step.end', /^Install the packages .*apt/, 'worker-2', 2) },
  { name: 'worker: kubelet restart', trigger: () => at('step.start', /restart the kubelet/, 'worker-2') },
  { name: 'worker: uncordon', trigger: () => at('step.start', /^Uncordon the node/, 'worker-1') },
  { name: 'worker: waiting for Ready at the new version', trigger: () => at('step.start', /^Wait until the node is Ready/, 'worker-2') },
  { name: 'GPU node: mid-drain', trigger: () => at('step.start', /^Drain the node/, 'gpu-2'), gate: cordoned('gpu-2') },
  { name: 'GPU node: waiting for its GPU Operator pods', trigger: () => at('step.start', /Wait for the GPU Operator pods/, 'gpu-1') },
  { name: 'GPU node: waiting for the inference workload', trigger: () => at('step.start', /Wait for the inference workload/, 'gpu-2') },
  { name: 'validation: pods in bad states', trigger: () => at('step.start', /No pod in a bad state/, 'localhost') },
];

const skip = enabled ? scenarioSkip() : `the crash matrix (${POINTS.length} points, about 2 minutes) was turned off with RUNBOOK_CRASH_MATRIX=0`;

// RUNBOOK_CRASH_MATRIX_ONLY=substring runs only the points whose name contains it.
const only = process.env['RUNBOOK_CRASH_MATRIX_ONLY'] ?? '';

if (!enabled) test('crash matrix', () => console.log(`SKIP: ${skip}`));
else for (const p of POINTS.filter((x) => x.name.includes(only))) {
  test(`SIGKILL at ${p.name}: resume finishes the upgrade exactly once`, async () => {
    if (skip) return void console.log(`SKIP: ${skip}`);
    await withScenario({}, async (s) => {
      const o: Partial<EngineOptions> = { trigger: p.trigger(), ...(p.delayMs ? { delayMs: p.delayMs } : {}), ...(p.gate ? { gate: p.gate(s) } : {}) };
      const killed = await s.exec([], o);
      assert.ok(killed.signalledAt, `the run never reached the point (exit ${killed.code}):\n${tail(killed)}`);
      assert.is(killed.signal, 'SIGKILL', `the run ended before the kill (exit ${killed.code}):\n${tail(killed)}`);
      const r = await s.resume();
      assert.is(r.code, 0, `resume after a kill at ${p.name}:\n${tail(r)}`);
      assert.equal(await upgradeHeld(s.lab, s.journal(), TARGET), []);
    });
  });
}

test.run();
