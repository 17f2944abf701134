// The executor's order of work and failure rules, with a fake clock and a scripted transport.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { RefusedError } from '../../engine/model/errors.js';
import type { Action } from '../../engine/actions/action.js';
import { block, inventory, phase, runbook, serial, sh } from '../fakes/build.js';
import { run } from '../fakes/harness.js';

const inv3 = inventory({ workers: ['w1', 'w2', 'w3'] });

test('steps run in order on each host, one host at a time by default', async () => {
  const rb = runbook([phase('workers', [sh('echo one', { name: 'one' }), sh('echo two', { name: 'two' })])]);
  const h = await run(rb, inv3);
  assert.is(h.summary.status, 'ok');
  assert.equal(h.pool.log.map((c) => `${c.host}:${c.command}`), ['w1:echo one', 'w1:echo two', 'w2:echo one', 'w2:echo two', 'w3:echo one', 'w3:echo two']);
  assert.equal(h.summary.counts, { ok: 0, changed: 6, skipped: 0, failed: 0 });
});

test('a failed host stops the run: the next host is never touched, the error names host, step, command, exit code and stderr', async () => {
  const rb = runbook([phase('workers', [sh('upgrade-node', { name: 'Upgrade' })]), phase('all', [sh('echo later')])]);
  const h = await run(rb, inv3, { rules: [{ match: 'upgrade-node', host: 'w2', exitCode: 3, stderr: 'line 1\nE: dpkg was interrupted\n' }] });
  assert.is(h.summary.status, 'failed');
  assert.equal(h.pool.commands('w3'), []);
  assert.not.ok(h.pool.log.some((c) => c.command === 'echo later'));
  const msg = h.summary.message ?? '';
  for (const part of ['w2', 'Upgrade', 'upgrade-node', 'exited 3', 'E: dpkg was interrupted']) assert.ok(msg.includes(part), `${part} in ${msg}`);
  assert.is(h.summary.hint, 'runbook resume 20261125-1432-ab12');
});

test('a failed check in a pre-flight phase refuses the run (exit 3 status) and no later phase starts', async () => {
  const rb = runbook([phase('workers', [sh('check-pdbs', { name: 'PDBs' })], { preflight: true }), phase('workers', [sh('drain')])]);
  const h = await run(rb, inv3, { rules: [{ match: 'check-pdbs', host: 'w1', exitCode: 1, stderr: 'web-pdb blocks' }] });
  assert.is(h.summary.status, 'refused');
  assert.match(h.summary.message ?? '', /pre-flight check failed: host w1, step .* "PDBs"/);
  assert.match(h.summary.hint ?? '', /runbook resume 20261125-1432-ab12/);
  assert.not.ok(h.pool.log.some((c) => c.command === 'drain'));
  // The same failure outside pre-flight fails the run (exit 1) instead.
  const later = await run(runbook([phase('workers', [sh('check-pdbs')])]), inv3, { rules: [{ match: 'check-pdbs', host: 'w1', exitCode: 1 }] });
  assert.is(later.summary.status, 'failed');
});

test('serial ramp [1, 50%] over 5 hosts gives batches 1, 2, 2 and a failing batch stops later batches', async () => {
  const inv = inventory({ web: ['a', 'b', 'c', 'd', 'e'] });
  const ok = await run(runbook([phase('web', [sh('true')], { serial: serial(1, '50%') })]), inv);
  const batches = ok.events.flatMap((e) => (e.kind === 'batch.start' ? [e.hosts.join(',')] : []));
  assert.equal(batches, ['a', 'b,c', 'd,e']);
  const bad = await run(runbook([phase('web', [sh('true')], { serial: serial(1, '50%') })]), inv, { rules: [{ match: 'true', host: 'b', exitCode: 1 }] });
  assert.equal(bad.pool.commands('d'), []);
  assert.equal(bad.pool.commands('c'), ['true'], 'the other host of the failing batch finishes its batch');
});

test('serial from an inventory var ("{{batch}}") sets the batches; the phase name is rendered too; a bad value stops the run before any host is touched', async () => {
  const inv = inventory({ web: ['a', 'b', 'c', 'd', 'e'] }, { vars: { batch: [2, '100%'], to: '1.31' } });
  const rb = runbook([phase('web', [sh('true')], { name: 'Upgrade web to {{to}}', serialTemplate: '{{batch}}' })]);
  const ok = await run(rb, inv);
  assert.equal(ok.events.flatMap((e) => (e.kind === 'batch.start' ? [e.hosts.join(',')] : [])), ['a,b', 'c,d,e']);
  assert.equal(ok.events.flatMap((e) => (e.kind === 'phase.start' ? [e.phaseName] : [])), ['Upgrade web to 1.31']);
  const bad = await run(rb, inventory({ web: ['a', 'b'] }, { vars: { batch: 'half', to: '1.31' } }));
  assert.is(bad.summary.status, 'failed');
  assert.match(bad.summary.message ?? '', /phase "Upgrade web to \{\{to\}\}": serial: "half" is not a count of at least 1 or a percentage/);
  assert.equal(bad.pool.commands('a'), []);
});

test('batch_hosts names the hosts of the batch a host runs in, itself included', async () => {
  const inv = inventory({ web: ['a', 'b', 'c'] });
  const h = await run(runbook([phase('web', [sh('echo {{join batch_hosts ","}}')], { serial: serial(2) })]), inv);
  assert.equal(['a', 'b', 'c'].map((x) => h.pool.commands(x)[0]), ['echo a,b', 'echo a,b', 'echo c']);
});

test('max_fail_percentage is per batch and must be exceeded, as in Ansible: one failure in each batch of two at 50% goes on; two in one batch stop the run', async () => {
  const inv = inventory({ web: ['a', 'b', 'c', 'd', 'e', 'f'] });
  const rb = runbook([phase('web', [sh('upgrade')], { serial: serial(2), maxFailPercentage: 50 }), phase('web', [sh('validate')])]);
  // a, c and e fail: each batch (a,b) (c,d) (e,f) is exactly at 50%, never over it.
  const at = await run(rb, inv, { rules: [{ match: 'upgrade', host: 'a', exitCode: 1 }, { match: 'upgrade', host: 'c', exitCode: 1 }, { match: 'upgrade', host: 'e', exitCode: 1 }] });
  assert.equal(['a', 'b', 'c', 'd', 'e', 'f'].map((h) => at.pool.commands(h).join(',')), ['upgrade', 'upgrade,validate', 'upgrade', 'upgrade,validate', 'upgrade', 'upgrade,validate']);
  assert.is(at.summary.status, 'failed', 'failed hosts still fail the run');
  // Both hosts of the second batch fail: 100% > 50%, so the third batch never starts.
  const over = await run(rb, inv, { rules: [{ match: 'upgrade', host: 'c', exitCode: 1 }, { match: 'upgrade', host: 'd', exitCode: 1 }] });
  assert.equal(over.pool.commands('e'), []);
  assert.equal(over.pool.commands('a'), ['upgrade'], 'the next phase does not start either');
  assert.is(over.summary.status, 'failed');
});

test('max_fail_percentage 50: one of four hosts failing lets the run go on without it, and the run ends failed', async () => {
  const inv = inventory({ web: ['a', 'b', 'c', 'd'] });
  const rb = runbook([phase('web', [sh('step1'), sh('step2')], { serial: serial(4), maxFailPercentage: 50 }), phase('web', [sh('phase2')])]);
  const h = await run(rb, inv, { rules: [{ match: 'step1', host: 'a', exitCode: 1 }] });
  assert.equal(h.pool.commands('a'), ['step1']);
  assert.equal(h.pool.commands('d'), ['step1', 'step2', 'phase2']);
  assert.is(h.summary.status, 'failed');
});

test('with forks 1 and max_fail 0, a host of the batch not yet started never starts after a failure', async () => {
  const inv = inventory({ web: ['a', 'b', 'c'] }, { forks: 1 });
  const h = await run(runbook([phase('web', [sh('go')], { serial: serial('100%') })]), inv, { rules: [{ match: 'go', host: 'a', exitCode: 1 }] });
  assert.equal(h.pool.commands('b'), []);
  assert.equal(h.pool.commands('c'), []);
});

test('block, rescue and always run in that order; a rescued failure does not fail the run', async () => {
  const rb = runbook([
    phase('workers', [
      block({ block: [sh('b1', { name: 'b1' }), sh('b2-fails', { name: 'b2' }), sh('b3', { name: 'b3' })], rescue: [sh('r1', { name: 'r1' })], always: [sh('a1', { name: 'a1' })] }),
      sh('after', { name: 'after' }),
    ]),
  ]);
  const h = await run(rb, inventory({ workers: ['w1'] }), { rules: [{ match: 'b2-fails', exitCode: 1 }] });
  assert.equal(h.pool.commands('w1'), ['b1', 'b2-fails', 'r1', 'a1', 'after']);
  assert.is(h.summary.status, 'ok');
});

test('always runs when the block fails without rescue, and the host still fails', async () => {
  const rb = runbook([phase('workers', [block({ block: [sh('boom')], always: [sh('cleanup')] }), sh('never')])]);
  const h = await run(rb, inventory({ workers: ['w1'] }), { rules: [{ match: 'boom', exitCode: 2 }] });
  assert.equal(h.pool.commands('w1'), ['boom', 'cleanup']);
  assert.is(h.summary.status, 'failed');
});

test('when/unless guard steps; ignore_errors records the failure and goes on', async () => {
  const rb = runbook([
    phase('workers', [
      sh('gpu-only', { when: "inventory_hostname == 'w2'" }),
      sh('not-w1', { unless: "inventory_hostname == 'w1'" }),
      sh('flaky', { ignoreErrors: true }),
      sh('next'),
    ]),
  ]);
  const h = await run(rb, inventory({ workers: ['w1', 'w2'] }), { rules: [{ match: 'flaky', exitCode: 1 }] });
  assert.equal(h.pool.commands('w1'), ['flaky', 'next']);
  assert.equal(h.pool.commands('w2'), ['gpu-only', 'not-w1', 'flaky', 'next']);
  assert.is(h.summary.status, 'ok');
  assert.ok(h.events.some((e) => e.kind === 'step.end' && e.status === 'failed' && e.ignored));
});

test('register stores the result for later steps on the same host only', async () => {
  const rb = runbook([
    phase('workers', [
      sh('hostname', { register: 'hn' }),
      sh('echo {{hn.stdout}} rc={{hn.rc}}', { when: 'hn.rc == 0' }),
    ]),
  ]);
  const h = await run(rb, inventory({ workers: ['w1', 'w2'] }), { rules: [{ match: 'hostname', respond: (_c, _n, host) => ({ stdout: `${host}.internal\n` }) }] });
  assert.equal(h.pool.commands('w1'), ['hostname', "echo w1.internal rc=0"]);
  assert.equal(h.pool.commands('w2'), ['hostname', "echo w2.internal rc=0"]);
});

test('a template value reaches the shell quoted: "; rm -rf /" stays one literal argument', async () => {
  const rb = runbook([phase('workers', [sh('echo {{name}}')])]);
  const h = await run(rb, inventory({ workers: ['w1'] }), { extraVars: { name: '; rm -rf /' } });
  assert.equal(h.pool.commands('w1'), ["echo '; rm -rf /'"]);
});

test('tags: --tags runs matching (and always-tagged) steps, --skip-tags wins', async () => {
  const steps = [sh('pre', { tags: ['preflight'] }), sh('up', { tags: ['upgrade'] }), sh('log', { tags: ['always'] }), sh('plain')];
  const t = await run(runbook([phase('workers', steps)]), inventory({ workers: ['w1'] }), { tags: ['upgrade'] });
  assert.equal(t.pool.commands('w1'), ['up', 'log']);
  const s = await run(runbook([phase('workers', steps)]), inventory({ workers: ['w1'] }), { skipTags: ['upgrade'] });
  assert.equal(s.pool.commands('w1'), ['pre', 'log', 'plain']);
});

test('an action refusing (lock held) ends the run refused and nothing else starts', async () => {
  const refuse: Action = {
    name: 'lock', summary: 'test lock', changes: true, schema: {},
    describe: () => 'take the lock',
    run: async () => { throw new RefusedError('lock held by ops@other since 14:02', 'wait for their run, or break the lock'); },
  };
  const h = await run(runbook([phase('workers', [{ ...sh('x'), action: 'lock', args: {} }, sh('after')])]), inv3, { extraActions: [refuse] });
  assert.is(h.summary.status, 'refused');
  assert.ok(h.summary.message?.includes('lock held'));
  assert.equal(h.pool.log, []);
});

test('deferred clean-ups run once at the end, also when the run fails', async () => {
  let cleaned = 0;
  const takes: Action = {
    name: 'take', summary: 'takes something', changes: false, schema: {},
    describe: () => 'take',
    run: async (ctx) => { ctx.defer(async () => { cleaned++; }); return { status: 'ok', data: {} }; },
  };
  const h = await run(runbook([phase('workers', [{ ...sh('x'), action: 'take', args: {}, changes: false }, sh('boom')])]), inventory({ workers: ['w1'] }), { extraActions: [takes], rules: [{ match: 'boom', exitCode: 1 }] });
  assert.is(h.summary.status, 'failed');
  assert.is(cleaned, 1);
});

test('a looping phase runs once per item, in order, with step keys per iteration', async () => {
  const rb = runbook([phase('workers', [sh('upgrade to {{hop}}', { id: 'p0.s0' })], { loop: { items: ['1.30', '1.31'], var: 'hop' } })]);
  const h = await run(rb, inventory({ workers: ['w1', 'w2'] }));
  assert.equal(h.pool.log.map((c) => `${c.host}:${c.command}`), ['w1:upgrade to 1.30', 'w2:upgrade to 1.30', 'w1:upgrade to 1.31', 'w2:upgrade to 1.31']);
  const keys = h.events.flatMap((e) => (e.kind === 'step.end' ? [`${e.step}@${e.host}`] : []));
  assert.equal(keys, ['p0.s0#0@w1', 'p0.s0#0@w2', 'p0.s0#1@w1', 'p0.s0#1@w2']);
});

test('a phase whose pattern matches no host is skipped with a warning', async () => {
  const h = await run(runbook([phase('nothing', [sh('x')]), phase('workers', [sh('y')])]), inventory({ workers: ['w1'] }));
  assert.ok(h.events.some((e) => e.kind === 'warning' && e.message.includes('no host matches nothing')));
  assert.equal(h.pool.commands('w1'), ['y']);
});

test('a block whose guard cannot be evaluated fails that host with the reason, not the whole engine', async () => {
  const rb = runbook([phase('workers', [block({ block: [sh('inside')] }, { when: 'nosuchvar.x > 1', name: 'Guarded' })])]);
  const h = await run(rb, inventory({ workers: ['w1'] }));
  assert.is(h.summary.status, 'failed');
  assert.match(h.summary.message ?? '', /Guarded.*cannot evaluate the block's guard/);
  assert.equal(h.pool.log, []);
});

test('requires.cluster_version: a cluster outside the range refuses the run before any step', async () => {
  const kube = (v: string) => ({ serverVersion: async () => v }) as unknown as import('../../engine/ports/kube.js').KubeClient;
  const rb = runbook([phase('workers', [sh('upgrade')])], { requires: { groups: [], clusterVersion: '>=1.30.0 <1.32.0' } });
  const ok = await run(rb, inventory({ workers: ['w1'] }), { kube: kube('v1.30.4') });
  assert.is(ok.summary.status, 'ok');
  const skip = await run(rb, inventory({ workers: ['w1'] }), { kube: kube('v1.28.9') });
  assert.is(skip.summary.status, 'refused');
  assert.match(skip.summary.message ?? '', /cluster runs v1\.28\.9; test\.yaml needs >=1\.30\.0 <1\.32\.0/);
  assert.equal(skip.pool.log, []);
  const down = await run(rb, inventory({ workers: ['w1'] }));
  assert.is(down.summary.status, 'refused');
  assert.match(down.summary.message ?? '', /cannot read the cluster's version/);
});

test('a phase whose when: is false does not run, and says so', async () => {
  const rb = runbook([
    phase('workers', [sh('canary')], { when: 'false', name: 'Canary' }),
    phase('workers', [sh('hop {{hop}}')], { when: 'length(hops) > 0', vars: { hop: '{{lookup hops 0}}' } }),
    phase('workers', [sh('hop2')], { when: 'length(hops) > 1' }),
  ]);
  const h = await run(rb, inventory({ workers: ['w1'] }), { extraVars: { hops: ['1.31.4'] } });
  assert.equal(h.pool.commands('w1'), ['hop 1.31.4']);
  const skips = h.events.flatMap((e) => (e.kind === 'phase.skip' ? [`${e.phaseName}: ${e.reason}`] : []));
  assert.equal(skips, ['Canary: when: false is false', 'phase on workers: when: length(hops) > 1 is false']);
});

test.run();
