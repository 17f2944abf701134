// Operator intent survives the upgrade: a worker cordoned by hand (real `kubectl cordon`) before
// the run is drained and upgraded like the others but left cordoned at the end, named in its
// uncordon step's message; every node the run cordoned itself is given back (lessons.md,
// lesson 3: "nodes left cordoned … or uncordoned that an admin had cordoned").
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { findKubectl, runKubectl, type KubectlResult } from '../helpers/kubectl.js';
import { tail } from './engine.js';
import { nodesAtTarget } from './checks.js';
import { scenarioSkip, TARGET, withScenario, type Scenario } from './scenario.js';

const kubectl = findKubectl('1.33');
const skip = scenarioSkip() ?? (kubectl ? undefined : 'kubectl.1.33 is not installed beside kubectl');

test('a worker cordoned by hand before the upgrade is upgraded and stays cordoned; the nodes the run cordoned are all given back', async () => {
  if (skip) return void console.log(`SKIP: ${skip}`);
  // Three workers: with two, the other worker could not take a drained one's pods and pre-flight
  // would rightly refuse (the capacity check counts the cordoned node out).
  await withScenario({ topology: { controlPlanes: 1, workers: 3, gpus: 2 } }, async (s) => {
    const cache = mkdtempSync(join(tmpdir(), 'runbook-kcache-'));
    const k = (args: string[]) => runKubectl(kubectl!, s.lab.kubeconfig, cache, args, 30_000);
    try {
      const c = await k(['cordon', 'worker-3']);
      assert.is(c.code, 0, c.stderr);
      await upgradeAndCheck(s, k);
    } finally {
      rmSync(cache, { recursive: true, force: true });
    }
  });
});

async function upgradeAndCheck(s: Scenario, k: (args: string[]) => Promise<KubectlResult>): Promise<void> {
    const r = await s.exec();
    assert.is(r.code, 0, tail(r));
    // Every node at the target and Ready; the only one still cordoned is the operator's.
    assert.equal(await nodesAtTarget(s.lab, TARGET), ['worker-3 is still cordoned']);
    const uncordon = (host: string) => r.events.find((e) => e.kind === 'step.end' && e.host === host && /^Uncordon the node/.test(e.stepName));
    const kept = uncordon('worker-3');
    assert.ok(kept?.kind === 'step.end' && kept.status === 'ok', tail(r));
    assert.match(kept.message ?? '', /node worker-3 stays cordoned: it was cordoned before this run, not by runbook/);
    const given = uncordon('worker-1');
    assert.ok(given?.kind === 'step.end' && given.status === 'changed', `worker-1 was cordoned by the run and must be uncordoned by it:\n${tail(r)}`);
    const w1 = await k(['get', 'node', 'worker-1', '-o', 'json']);
    assert.is(w1.code, 0, w1.stderr);
    const annotations = (JSON.parse(w1.stdout) as { metadata: { annotations?: Record<string, string> } }).metadata.annotations ?? {};
    assert.not.ok('runbook.dev/cordoned-by' in annotations, 'the run leaves no cordon mark behind');
}

test.run();
