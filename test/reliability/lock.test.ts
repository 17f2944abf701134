// Concurrent operators: the upgrade holds a Lease (kube-system/runbook-upgrade) for the whole
// run. A second `runbook exec` against the same cluster while one runs is refused with exit 3
// naming the holder; after the holder is SIGKILLed the lease outlives it until it expires or is
// taken over explicitly, and `runbook resume` of the killed run takes its own lease back. A run
// whose lease another run takes over stops before its next changing step.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { RunEvent } from '../../engine/model/events.js';
import { packageRoot } from '../../engine/paths.js';
import { at, tail, type EngineResult } from './engine.js';
import { scenarioSkip, withScenario } from './scenario.js';

const skip = scenarioSkip();
const HOLD = join(packageRoot(), 'test/fixtures/reliability/lock-hold.yaml');
const THEN_CHANGE = join(packageRoot(), 'test/fixtures/reliability/lock-then-change.yaml');
const lockStep = /Take the upgrade lock/;

const runIdOf = (r: EngineResult): string => {
  const start = r.events.find((e) => e.kind === 'run.start');
  if (start?.kind !== 'run.start') throw new Error(`no run.start event:\n${tail(r)}`);
  return start.runId;
};
const lockEnd = (r: EngineResult): Extract<RunEvent, { kind: 'step.end' }> | undefined =>
  r.events.find((e): e is Extract<RunEvent, { kind: 'step.end' }> => e.kind === 'step.end' && lockStep.test(e.stepName));

test('a second exec while an upgrade runs is refused naming the holder; the killed run resumes with its own lease', async () => {
  if (skip) return void console.log(`SKIP: ${skip}`);
  await withScenario({}, async (s) => {
    let second: EngineResult | undefined;
    // The first operator's run: once it holds the lease, a second operator starts the same upgrade.
    const first = await s.exec([], {
      trigger: at('step.end', lockStep, 'localhost'),
      gate: async () => void (second = await s.exec()),
    });
    assert.ok(second, `the first run never took the lock:\n${tail(first)}`);
    const firstId = runIdOf(first);
    assert.is(second.code, 3, `the second exec must be refused:\n${tail(second)}`);
    assert.match(second.stderr, new RegExp(`locked by \\S+/${firstId}\\b`), `the holder (the first run) must be named:\n${tail(second)}`);
    const secondSteps = second.events.flatMap((e) => (e.kind === 'step.start' ? [e.stepName] : []));
    assert.ok(secondSteps.every((n) => lockStep.test(n)), `the refused run must stop at the lock, before any other step: ${secondSteps.join(', ')}`);

    // The holder dies without releasing: the lease lives on and still refuses a new run.
    assert.is(first.signal, 'SIGKILL');
    const third = await s.exec();
    assert.is(third.code, 3, `a new exec right after the crash is refused while the lease lives:\n${tail(third)}`);
    assert.match(third.stderr, new RegExp(`locked by \\S+/${firstId}\\b[^\\n]*expires`), tail(third));

    // The killed run resumes: the lease is its own, so it is taken again (renewed), not refused;
    // while the resumed run holds it, another operator is refused again. The resume is stopped
    // once it is past the lock (the first step of a later phase), whichever comes first.
    let during: EngineResult | undefined;
    const resumed = await s.resume([firstId], {
      trigger: (e) => (e.kind === 'step.end' && lockStep.test(e.stepName)) || (e.kind === 'step.start' && e.phase > 0),
      gate: async () => void (during = await s.exec()),
    });
    assert.ok(resumed.signalledAt, `the resume stopped before it got past the lock:\n${tail(resumed)}`);
    const end = lockEnd(resumed);
    assert.ok(end && end.status === 'changed', `resume must take the lock again:\n${tail(resumed)}`);
    assert.match(end.message ?? '', /renewed \(already ours\)/);
    assert.is(during?.code, 3, `an exec while the resumed run holds the lock must be refused:\n${during ? tail(during) : ''}`);
    assert.match(during!.stderr, new RegExp(`locked by \\S+/${firstId}\\b`));
  });
});

test('after a holder is killed its lease expires (ttl) or is taken over explicitly (take_over)', async () => {
  if (skip) return void console.log(`SKIP: ${skip}`);
  await withScenario({ topology: { controlPlanes: 1, workers: 0, gpus: 0 } }, async (s) => {
    const hold = (extra: string[], o: Parameters<typeof s.cli>[1] = {}) =>
      s.cli(['exec', HOLD, '-i', s.lab.inventory, '--yes', '--json', ...extra], { timeoutMs: 60_000, ...o });
    // A fresh trigger per run: at() counts the events it has seen.
    const killAfterLock = () => ({ trigger: at('step.end', lockStep, 'localhost') });

    const a = await hold(['-e', 'lock_ttl=10s'], killAfterLock());
    assert.is(lockEnd(a)?.status, 'changed', tail(a));
    const aId = runIdOf(a);
    const lockedAt = lockEnd(a)!.ts;

    const b = await hold([]);
    assert.is(b.code, 3, `refused while the dead holder's lease lives:\n${tail(b)}`);
    assert.match(b.stderr, new RegExp(`locked by \\S+/${aId}\\b`), tail(b));

    // After the ttl the lease is free for the next run.
    await new Promise((r) => setTimeout(r, Math.max(0, lockedAt + 10_200 - Date.now())));
    const c = await hold(['-e', 'lock_ttl=60s'], killAfterLock());
    assert.match(lockEnd(c)?.message ?? '', /taken \(the previous lease was expired\)/, tail(c));
    const cId = runIdOf(c);

    // A live lease (60 s) is taken only when the operator says so.
    const d = await hold(['-e', 'take_over=true'], killAfterLock());
    assert.match(lockEnd(d)?.message ?? '', new RegExp(`taken over from \\S+/${cId}\\b`), tail(d));
  });
});

test('a run whose lease is taken over by another run changes nothing more: its next changing step is refused and it ends failed, naming the new holder', async () => {
  if (skip) return void console.log(`SKIP: ${skip}`);
  const tmp = mkdtempSync(join(tmpdir(), 'runbook-lock-'));
  try {
    await withScenario({ topology: { controlPlanes: 1, workers: 0, gpus: 0 } }, async (s) => {
      const marker = join(tmp, 'changed');
      let taker: Promise<EngineResult> | undefined;
      // Run A holds the lease (ttl 3 s, renewed every second) and waits 8 s before its change;
      // as soon as it holds the lease, run B takes it over (take_over) and is killed holding it.
      const a = await s.cli(['exec', THEN_CHANGE, '-i', s.lab.inventory, '--yes', '--json', '-e', `marker=${marker}`], {
        timeoutMs: 60_000,
        onEvent: (e) => {
          if (taker || e.kind !== 'step.end' || !lockStep.test(e.stepName)) return;
          taker = s.cli(['exec', HOLD, '-i', s.lab.inventory, '--yes', '--json', '-e', 'take_over=true'], { timeoutMs: 60_000, trigger: at('step.end', lockStep, 'localhost') });
        },
      });
      assert.ok(taker, `run A never took the lock:\n${tail(a)}`);
      const b = await taker;
      const bId = runIdOf(b);
      assert.match(lockEnd(b)?.message ?? '', /taken over from \S+/, tail(b));
      assert.is(a.code, 1, `run A must end failed once its lease is gone:\n${tail(a)}`);
      assert.not.ok(existsSync(marker), 'run A made its change after losing the lock');
      const change = a.events.find((e) => e.kind === 'step.end' && e.stepName === 'Change something');
      assert.ok(change?.kind === 'step.end' && change.status === 'failed', tail(a));
      assert.match(change.message ?? '', new RegExp(`not started: the run lock \\(Lease kube-system/runbook-upgrade\\) was taken over by \\S+/${bId}\\b`));
      assert.ok(a.events.some((e) => e.kind === 'warning' && /no further changing step will start/.test(e.message)), tail(a));
    });
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
});

test.run();
