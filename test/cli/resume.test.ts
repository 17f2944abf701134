// Crash and resume with the real CLI on the local transport: a run killed with SIGKILL in the
// middle of a long `sh` step is finished by `runbook resume`, and no finished step runs twice
// (each step appends to a count file). Plus the in-flight rules, --mark-done/--rerun, SIGINT.
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { alive, cleanup, count, journal, killGroup, runCli, runIds, scratch, startCli, waitCli, waitForFile } from './helpers.js';

/** Start exec, wait until the long step is running (its PID file), SIGKILL the runbook process. */
async function crashInLongStep(dir: string, file: string): Promise<number> {
  writeFileSync(join(dir, 'slow'), '');
  const child = startCli(['exec', file, '-i', 'inventory.yaml', '-e', `state_dir=${dir}`], dir);
  const done = waitCli(child);
  let stepPid = 0;
  try {
    await waitForFile(join(dir, 'long.pid'));
    stepPid = Number(readFileSync(join(dir, 'long.pid'), 'utf8').trim());
    child.kill('SIGKILL');
    const r = await done;
    assert.is(r.signal, 'SIGKILL');
  } finally {
    child.kill('SIGKILL');
    // The step's process group outlives a SIGKILLed runbook (nothing could stop it): stop it here.
    if (stepPid) killGroup(stepPid);
  }
  rmSync(join(dir, 'slow'));
  rmSync(join(dir, 'long.pid'));
  return stepPid;
}

test('SIGKILL in the middle of a long sh step, then resume: every step done exactly once, the in-flight one re-run because its skip_if said not done', async () => {
  const dir = scratch(['counting.yaml']);
  try {
    await crashInLongStep(dir, 'counting.yaml');
    assert.is(count(dir, 'first.node-a'), 1);
    assert.is(count(dir, 'long.node-a'), 1);
    assert.is(count(dir, 'last.node-a'), 0);
    const [id] = runIds(dir);
    const st = await runCli(['status', '--json'], dir);
    const view = JSON.parse(st.stdout) as { status: string; inFlight: Array<{ ref: string }> };
    assert.is(view.status, 'stopped');
    assert.equal(view.inFlight.map((f) => f.ref), ['p0.s1@node-a']);

    const r = await runCli(['resume'], dir);
    assert.is(r.code, 0, r.stderr + r.stdout);
    assert.match(r.stdout, /resuming/);
    assert.is(count(dir, 'first.node-a'), 1, 'a finished step never runs twice');
    assert.is(count(dir, 'long.node-a'), 2, 'the step in flight ran again (skip_if said not done)');
    assert.is(count(dir, 'last.node-a'), 1);
    for (const f of ['first', 'long', 'last']) assert.is(count(dir, `${f}.node-b`), 1, `${f} on node-b`);
    assert.equal(runIds(dir), [id], 'resume continues the same run and journal');
    const ends = journal(dir, id!).filter((e) => e.kind === 'run.end');
    assert.is(ends.at(-1)?.kind === 'run.end' && ends.at(-1)!.status, 'ok');
    const again = await runCli(['resume', id!], dir);
    assert.is(again.code, 0);
    assert.match(again.stderr, /already finished/);
  } finally {
    cleanup(dir);
  }
});

test('a step in flight with no skip_if and not idempotent: resume stops with exit 3 naming host and step; --mark-done continues without re-running it', async () => {
  const dir = scratch(['unguarded.yaml']);
  try {
    await crashInLongStep(dir, 'unguarded.yaml');
    const [id] = runIds(dir);
    const r = await runCli(['resume'], dir);
    assert.is(r.code, 3, r.stderr + r.stdout);
    for (const part of ['p0.s1', 'node-a', 'Risky', `--mark-done p0.s1@node-a`, `--rerun p0.s1@node-a`]) assert.ok(r.stdout.includes(part), `${part} in ${r.stdout}`);
    assert.is(count(dir, 'risky'), 1);
    assert.is(count(dir, 'after'), 0);
    const ok = await runCli(['resume', id!, '--mark-done', 'p0.s1@node-a'], dir);
    assert.is(ok.code, 0, ok.stderr + ok.stdout);
    assert.is(count(dir, 'before'), 1);
    assert.is(count(dir, 'risky'), 1, 'marked done: not run again');
    assert.is(count(dir, 'after'), 1);
  } finally {
    cleanup(dir);
  }
});

test('--rerun STEP@HOST runs the step that was in flight again', async () => {
  const dir = scratch(['unguarded.yaml']);
  try {
    await crashInLongStep(dir, 'unguarded.yaml');
    const r = await runCli(['resume', '--rerun', 'p0.s1@node-a'], dir);
    assert.is(r.code, 0, r.stderr + r.stdout);
    assert.is(count(dir, 'before'), 1);
    assert.is(count(dir, 'risky'), 2);
    assert.is(count(dir, 'after'), 1);
  } finally {
    cleanup(dir);
  }
});

test('a failed step is retried on resume; steps that finished are not', async () => {
  const dir = scratch(['until-fixed.yaml']);
  try {
    const first = await runCli(['exec', 'until-fixed.yaml', '-i', 'inventory.yaml', '-e', `state_dir=${dir}`], dir);
    assert.is(first.code, 1);
    writeFileSync(join(dir, 'fixed'), '');
    // Another live process holding the run (here: this test's own PID) → refused, nothing runs.
    const [id] = runIds(dir);
    const lockFile = join(dir, '.runbook', 'runs', id!, 'run.lock');
    writeFileSync(lockFile, `${process.pid}\n`);
    const busy = await runCli(['resume'], dir);
    assert.is(busy.code, 3, busy.stderr);
    assert.match(busy.stderr, new RegExp(`in progress in another process \\(pid ${process.pid}\\)`));
    rmSync(lockFile);
    const r = await runCli(['resume'], dir);
    assert.is(r.code, 0, r.stderr + r.stdout);
    assert.is(count(dir, 'touched.node-a'), 1);
    assert.is(count(dir, 'tries.node-a'), 2);
    assert.is(count(dir, 'done.node-a'), 1);
    assert.is(count(dir, 'done.node-b'), 1, 'resume continues into the next batch');
  } finally {
    cleanup(dir);
  }
});

test('resume asks again for secret -e values, which the journal does not keep', async () => {
  const dir = scratch(['until-fixed.yaml']);
  try {
    const first = await runCli(['exec', 'until-fixed.yaml', '-i', 'inventory.yaml', '-e', `state_dir=${dir}`, '-e', 'db_password=hunter2-x'], dir);
    assert.is(first.code, 1);
    writeFileSync(join(dir, 'fixed'), '');
    const ask = await runCli(['resume'], dir);
    assert.is(ask.code, 2);
    assert.match(ask.stderr, /give them again: -e db_password=…/);
    const ok = await runCli(['resume', '-e', 'db_password=hunter2-x'], dir);
    assert.is(ok.code, 0, ok.stderr + ok.stdout);
  } finally {
    cleanup(dir);
  }
});

test('SIGINT stops the running command, exits 130, and the journal says where', async () => {
  const dir = scratch(['unguarded.yaml']);
  writeFileSync(join(dir, 'slow'), '');
  const child = startCli(['exec', 'unguarded.yaml', '-i', 'inventory.yaml', '-e', `state_dir=${dir}`], dir);
  const done = waitCli(child);
  let stepPid = 0;
  try {
    await waitForFile(join(dir, 'long.pid'));
    stepPid = Number(readFileSync(join(dir, 'long.pid'), 'utf8').trim());
    child.kill('SIGINT');
    const r = await done;
    assert.is(r.code, 130, r.stderr + r.stdout);
    assert.not.ok(alive(stepPid), 'the step\'s process was stopped');
    const [id] = runIds(dir);
    const ev = journal(dir, id!);
    const end = ev.filter((e) => e.kind === 'step.end').at(-1);
    assert.ok(end?.kind === 'step.end' && end.step === 'p0.s1' && end.host === 'node-a' && end.status === 'failed' && end.message === 'interrupted', JSON.stringify(end));
    const last = ev.at(-1);
    assert.ok(last?.kind === 'run.end' && last.status === 'interrupted');
    assert.is(count(dir, 'after'), 0);
  } finally {
    child.kill('SIGKILL');
    if (stepPid) killGroup(stepPid);
    cleanup(dir);
  }
});

test.run();
