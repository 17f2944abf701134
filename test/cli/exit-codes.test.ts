// `runbook` exit codes as an operator or CI sees them: 0 done, 1 a step failed (resumable),
// 2 invalid input with FILE:LINE:COL, 3 refused; plus --json output and confirm without a TTY.
import { appendFileSync, existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { packageRoot } from '../../engine/paths.js';
import { cleanup, count, runCli, runIds, scratch } from './helpers.js';

test('exit 0: a good run, with a journal directory (0700) holding inputs, events and a report', async () => {
  const dir = scratch(['ok.yaml']);
  try {
    const r = await runCli(['exec', 'ok.yaml', '-i', 'inventory.yaml'], dir);
    assert.is(r.code, 0, r.stderr + r.stdout);
    assert.match(r.stdout, /Done\. ok=4 changed=1 skipped=1 failed=0/);
    const [id] = runIds(dir);
    assert.match(id!, /^\d{8}-\d{4}-[0-9a-f]{4}$/);
    assert.equal(readdirSync(join(dir, '.runbook', 'runs', id!)).sort(), ['events.jsonl', 'inputs.json', 'report.md']);
  } finally {
    cleanup(dir);
  }
});

test('--json: one JSON event per line on stdout; human output on stderr', async () => {
  const dir = scratch(['ok.yaml']);
  try {
    const r = await runCli(['exec', 'ok.yaml', '-i', 'inventory.yaml', '--json'], dir);
    assert.is(r.code, 0, r.stderr);
    const events = r.stdout.trim().split('\n').map((l) => JSON.parse(l) as { kind: string; status?: string; duration_ms?: number; counts?: unknown });
    assert.is(events[0]!.kind, 'run.start');
    const end = events.at(-1)!;
    assert.is(end.kind, 'run.end');
    assert.is(end.status, 'ok');
    assert.equal(end.counts, { ok: 4, changed: 1, skipped: 1, failed: 0 });
    const stepEnds = events.filter((e) => e.kind === 'step.end');
    assert.is(stepEnds.length, 6);
    assert.ok(stepEnds.every((e) => typeof e.duration_ms === 'number' && ['ok', 'changed', 'skipped'].includes(e.status!)));
    assert.match(r.stderr, /Done\./);
  } finally {
    cleanup(dir);
  }
});

test('exit 1: a failed step names host, step, command, exit code and stderr; the next node is untouched', async () => {
  const dir = scratch(['fails.yaml']);
  try {
    const r = await runCli(['exec', 'fails.yaml', '-i', 'inventory.yaml', '-e', `state_dir=${dir}`], dir);
    assert.is(r.code, 1, r.stderr + r.stdout);
    for (const part of ['node-a', 'Install packages', 'exited 100', 'Could not get lock']) assert.ok(r.stdout.includes(part), `${part} in:\n${r.stdout}`);
    const [id] = runIds(dir);
    assert.ok(r.stdout.includes(`runbook resume ${id}`));
    assert.is(count(dir, 'touched.node-a'), 1);
    assert.is(count(dir, 'touched.node-b'), 0);
    const st = await runCli(['status'], dir);
    assert.is(st.code, 0);
    assert.match(st.stdout, new RegExp(`run ${id}: failed`));
    assert.match(st.stdout, /failed: {4}p0\.s1@node-a — command exited 100/);
    assert.match(st.stdout, new RegExp(`next: {6}runbook resume ${id}`));
  } finally {
    cleanup(dir);
  }
});

test('exit 2: validate prints each problem as FILE:LINE:COL on stderr, exactly as test/fixtures/bad/*.expect says', async () => {
  const root = packageRoot();
  const picks = ['import-cycle.yaml', 'phase-missing-hosts.yaml', 'retries-negative.yaml', 'args-unknown-key.yaml'];
  const have = picks.filter((f) => existsSync(join(root, 'test', 'fixtures', 'bad', `${f}.expect`)));
  if (!have.length) console.log('SKIP: test/fixtures/bad/ has none of the picked fixtures; checking our own bad fixture only');
  for (const f of have) {
    const rel = `test/fixtures/bad/${f}`;
    const r = await runCli(['validate', rel], root);
    assert.is(r.code, 2, `${rel}: ${r.stderr}`);
    const expected = readFileSync(join(root, `${rel}.expect`), 'utf8').trim().split('\n');
    for (const line of expected) assert.ok(r.stderr.includes(line), `${line}\nnot in:\n${r.stderr}`);
  }
  const ours = await runCli(['validate', 'test/fixtures/exec/bad-unknown-action.yaml', 'test/fixtures/exec/ok.yaml'], root);
  assert.is(ours.code, 2);
  assert.match(ours.stderr, /^test\/fixtures\/exec\/bad-unknown-action\.yaml:9:9: unknown action "shh" \(did you mean "sh"\?\)$/m);
  assert.match(ours.stdout, /ok\.yaml: ok/);
});

test('exit 2: invalid input runs nothing (a missing required param; a bad -e; an unknown flag)', async () => {
  const dir = scratch(['fails.yaml']);
  try {
    const missing = await runCli(['exec', 'fails.yaml', '-i', 'inventory.yaml'], dir);
    assert.is(missing.code, 2);
    assert.match(missing.stderr, /fails\.yaml:\d+:\d+: .*state_dir/);
    assert.equal(runIds(dir), [], 'no journal for a run that never started');
    const badE = await runCli(['exec', 'fails.yaml', '-i', 'inventory.yaml', '-e', 'oops'], dir);
    assert.is(badE.code, 2);
    const flag = await runCli(['exec', 'fails.yaml', '--frobnicate'], dir);
    assert.is(flag.code, 2);
    assert.match(flag.stderr, /frobnicate/);
  } finally {
    cleanup(dir);
  }
});

test('confirm gate: no terminal and no --yes fails with a clear message; --yes passes', async () => {
  const dir = scratch(['confirm.yaml']);
  try {
    const no = await runCli(['exec', 'confirm.yaml', '-i', 'inventory.yaml'], dir);
    assert.is(no.code, 1, no.stderr + no.stdout);
    assert.ok(/no terminal; re-run with --yes/.test(no.stdout), `stdout:\n${no.stdout}\nstderr:\n${no.stderr}`);
    const yes = await runCli(['exec', 'confirm.yaml', '-i', 'inventory.yaml', '--yes'], dir);
    assert.is(yes.code, 0, yes.stdout);
  } finally {
    cleanup(dir);
  }
});

test('--check: changing steps are reported "would change" and do not run', async () => {
  const dir = scratch(['fails.yaml']);
  try {
    const r = await runCli(['exec', 'fails.yaml', '-i', 'inventory.yaml', '-e', `state_dir=${dir}`, '--check'], dir);
    assert.is(r.code, 0, r.stdout);
    assert.match(r.stdout, /would change/);
    assert.is(count(dir, 'touched.node-a'), 0);
  } finally {
    cleanup(dir);
  }
});

test('exit 3: resume refuses when the runbook changed since the run, naming the file; --allow-changed goes on', async () => {
  const dir = scratch(['until-fixed.yaml']);
  try {
    const first = await runCli(['exec', 'until-fixed.yaml', '-i', 'inventory.yaml', '-e', `state_dir=${dir}`], dir);
    assert.is(first.code, 1);
    appendFileSync(join(dir, 'until-fixed.yaml'), '# edited\n');
    const r = await runCli(['resume'], dir);
    assert.is(r.code, 3, r.stderr);
    assert.match(r.stderr, /until-fixed\.yaml/);
    assert.match(r.stderr, /--allow-changed/);
    writeFileSync(join(dir, 'fixed'), '');
    const ok = await runCli(['resume', '--allow-changed'], dir);
    assert.is(ok.code, 0, ok.stderr + ok.stdout);
  } finally {
    cleanup(dir);
  }
});

test('plan --json prints the plan as data; actions lists every action; --ask-become-pass without a terminal is a usage error', async () => {
  const dir = scratch(['ok.yaml']);
  try {
    const p = await runCli(['plan', 'ok.yaml', '-i', 'inventory.yaml', '--json', '-e', 'greeting=hi there'], dir);
    assert.is(p.code, 0, p.stderr + p.stdout);
    const plan = JSON.parse(p.stdout) as { phases: Array<{ batches: Array<Array<{ host: string; steps: Array<{ describe: string }> }>> }> };
    const nodeB = plan.phases[0]!.batches[0]!.find((h) => h.host === 'node-b')!;
    assert.is(nodeB.steps[0]!.describe, "echo 'hi there' from node-b at lab");
    assert.equal(runIds(dir), [], 'plan writes no journal');
    const a = await runCli(['actions'], dir);
    assert.match(a.stdout, /^sh +changes +Run a shell command/m);
    assert.match(a.stdout, /^assert +read-only/m);
    const k = await runCli(['exec', 'ok.yaml', '-i', 'inventory.yaml', '--ask-become-pass'], dir, { RUNBOOK_BECOME_PASSWORD: '' });
    assert.is(k.code, 0, 'RUNBOOK_BECOME_PASSWORD answers instead of a prompt');
    if (process.env['RUNBOOK_BECOME_PASSWORD'] === undefined) {
      const k2 = await runCli(['exec', 'ok.yaml', '-i', 'inventory.yaml', '--ask-become-pass'], dir);
      assert.is(k2.code, 2, k2.stderr);
      assert.match(k2.stderr, /needs a terminal; set RUNBOOK_BECOME_PASSWORD/);
    }
  } finally {
    cleanup(dir);
  }
});

test('a secret -e value never reaches plan output, the console, the journal or the report', async () => {
  const dir = scratch(['secret.yaml']);
  const token = 'tok-9f8e7d6c5b4a';
  try {
    const p = await runCli(['plan', 'secret.yaml', '-i', 'inventory.yaml', '-e', `api_token=${token}`], dir);
    assert.is(p.code, 0, p.stderr);
    assert.match(p.stdout, /logging in with ‹redacted›/);
    const r = await runCli(['exec', 'secret.yaml', '-i', 'inventory.yaml', '-e', `api_token=${token}`], dir);
    assert.is(r.code, 0, r.stderr);
    assert.match(r.stdout, /node-a \| logging in with ‹redacted›/);
    const [id] = runIds(dir);
    const runDir = join(dir, '.runbook', 'runs', id!);
    for (const f of readdirSync(runDir)) assert.not.ok(readFileSync(join(runDir, f), 'utf8').includes(token), `${f} holds the secret`);
    assert.not.ok((r.stdout + r.stderr + p.stdout).includes(token));
    const inputs = JSON.parse(readFileSync(join(runDir, 'inputs.json'), 'utf8')) as { secretVars: string[] };
    assert.equal(inputs.secretVars, ['api_token']);
  } finally {
    cleanup(dir);
  }
});

test('--version and --help answer quickly and exit 0', async () => {
  const v = await runCli(['--version'], packageRoot());
  assert.is(v.code, 0);
  assert.match(v.stdout, /^runbook \d+\.\d+\.\d+/);
  const h = await runCli(['--help'], packageRoot());
  assert.is(h.code, 0);
  assert.match(h.stdout, /runbook resume/);
});

test.run();
