// Variable precedence, --check, confirm, retries/until/delay, timeouts and secrets, as the
// operator sees them in commands and events.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { action, inventory, phase, runbook, sh } from '../fakes/build.js';
import { run } from '../fakes/harness.js';

test('precedence: runbook vars < inventory all < group < host < phase < step < -e < registered', async () => {
  const levels = ['rb', 'all', 'group', 'host', 'phase', 'step', 'extra', 'reg'];
  // Variable vN is set at levels 0..N; the command shows which level won for each.
  const at = (lvl: number) => Object.fromEntries(levels.slice(lvl).map((_, i) => [`v${lvl + i}`, levels[lvl]]));
  const rb = runbook(
    [
      phase('workers', [
        sh('true', { register: 'v7' }),
        sh(levels.map((_, i) => `{{{v${i}}}}`).join(' ').replace('{{{v7}}}', '{{{v7.rc}}}'), { vars: at(5), name: 'show' }),
      ], { vars: at(4) }),
    ],
    { vars: at(0), params: {} },
  );
  const inv = inventory({ workers: ['w1'] }, { vars: at(1), groupVars: { workers: at(2) }, hostVars: { w1: at(3) } });
  const h = await run(rb, inv, { extraVars: { ...at(6) } });
  assert.equal(h.pool.commands('w1')[1], 'rb all group host phase step extra 0');
});

test('runbook vars are templates rendered over the final scope (a -e value reaches them)', async () => {
  const rb = runbook([phase('workers', [sh('echo {{k8s_minor}}')])], {
    vars: { k8s_minor: '{{minor target_version}}' },
    params: { target_version: { name: 'target_version', type: 'version', default: '1.30.2', required: false, pos: { file: 't', line: 1, col: 1 } } },
  });
  const h = await run(rb, inventory({ workers: ['w1'] }), { extraVars: { target_version: '1.31.4' } });
  assert.equal(h.pool.commands('w1'), ['echo 1.31']);
});

test('--check: read-only steps and skip_if run for real, changing steps are reported "would change" and not run', async () => {
  const rb = runbook([
    phase('workers', [
      sh('kubelet --version', { changes: false, register: 'ver' }),
      sh('apt-get install -y kubelet', { skipIf: 'dpkg -s kubelet | grep -q 1.31' }),
      sh('systemctl restart kubelet'),
      action('set', { x: 1 }),
    ]),
  ]);
  const h = await run(rb, inventory({ workers: ['w1'] }), { check: true, rules: [{ match: 'dpkg -s', exitCode: 1 }] });
  assert.equal(h.pool.commands('w1'), ['kubelet --version', 'dpkg -s kubelet | grep -q 1.31']);
  const would = h.events.filter((e) => e.kind === 'step.end' && e.message?.startsWith('would change'));
  assert.is(would.length, 2);
  assert.is(h.summary.status, 'ok');
});

test('skip_if exiting 0 skips the step as already done', async () => {
  const h = await run(runbook([phase('workers', [sh('install', { skipIf: 'test -f /done' })])]), inventory({ workers: ['w1'] }));
  assert.equal(h.pool.commands('w1'), ['test -f /done']);
  assert.match(h.ends[0]!, /^skipped /);
});

test('confirm: a no stops the host with "not confirmed"; the question reaches the operator', async () => {
  const rb = runbook([phase('workers', [sh('kubeadm upgrade apply', { confirm: 'Upgrade the control plane now?' }), sh('after')])]);
  const h = await run(rb, inventory({ workers: ['w1'] }), { confirm: async () => false });
  assert.equal(h.confirms.map((c) => c.question), ['Upgrade the control plane now?']);
  assert.equal(h.pool.log, []);
  assert.match(h.summary.message ?? '', /not confirmed/);
});

test('a confirm prompt is bounded by the step timeout: no answer in time fails the step as timed out', async () => {
  const rb = runbook([phase('workers', [sh('x', { confirm: 'Go?', timeoutMs: 60_000 })])]);
  const h = await run(rb, inventory({ workers: ['w1'] }), {
    confirm: (r) => new Promise((res) => r.signal?.addEventListener('abort', () => res(false))),
  });
  assert.match(h.summary.message ?? '', /timed out after 1m/);
  assert.equal(h.pool.log, []);
});

test('confirm with nobody to answer fails with the message the CLI gives', async () => {
  const rb = runbook([phase('workers', [sh('x', { confirm: 'Go?' })])]);
  const h = await run(rb, inventory({ workers: ['w1'] }), {
    confirm: async () => { throw new Error('confirmation needed but there is no terminal: re-run with --yes'); },
  });
  assert.is(h.summary.status, 'failed');
  assert.match(h.summary.message ?? '', /--yes/);
});

test('retries with until poll delay apart on the clock, and stop when the condition holds', async () => {
  const rb = runbook([phase('workers', [sh('kubectl get node', { register: 'n', retries: 5, delayMs: 10_000, until: "n.stdout == 'Ready'", changes: false })])]);
  const h = await run(rb, inventory({ workers: ['w1'] }), { rules: [{ match: 'kubectl', respond: (_c, n) => ({ stdout: n < 2 ? 'NotReady' : 'Ready' }) }] });
  assert.is(h.pool.commands('w1').length, 3);
  assert.is(h.summary.status, 'ok');
  assert.equal(h.clock.sleeps.filter((ms) => ms === 10_000).length, 2);
});

test('retries are bounded: after the last attempt the step fails naming the condition', async () => {
  const rb = runbook([phase('workers', [sh('probe', { retries: 2, delayMs: 1000, until: 'result.rc == 0' })])]);
  const h = await run(rb, inventory({ workers: ['w1'] }), { rules: [{ match: 'probe', exitCode: 1 }] });
  assert.is(h.pool.commands('w1').length, 3);
  assert.match(h.summary.message ?? '', /still false after 3 attempt/);
});

test('a step timeout stops a long command and fails the step with a hint', async () => {
  const rb = runbook([phase('workers', [sh('sleep 3600', { timeoutMs: 60_000 }), sh('after')])]);
  const h = await run(rb, inventory({ workers: ['w1'] }), { rules: [{ match: 'sleep', durationMs: 3_600_000 }] });
  assert.equal(h.pool.commands('w1'), ['sleep 3600']);
  assert.match(h.summary.message ?? '', /timed out after 1m/);
});

test('a templated timeout is rendered on each host: a host var gives that host its own bound; a value that is no duration fails the step before it runs', async () => {
  const rb = runbook([phase('workers', [sh('apt-get install -y kubelet', { timeoutTemplate: '{{apt_timeout}}' })], { serial: [{ kind: 'count', n: 2 }] })]);
  const inv = inventory({ workers: ['w1', 'w2'] }, { vars: { apt_timeout: '90s' }, hostVars: { w2: { apt_timeout: '20m' } } });
  const h = await run(rb, inv, { rules: [{ match: 'apt-get', durationMs: 5 * 60_000 }] });
  const ends = h.events.flatMap((e) => (e.kind === 'step.end' ? [`${e.host} ${e.status} ${e.message ?? ''}`] : []));
  assert.equal(ends.sort(), ['w1 failed timed out after 1m30s (raise the step\'s timeout:)', 'w2 changed ']);
  const bad = await run(rb, inventory({ workers: ['w1'] }, { vars: { apt_timeout: 'soon' } }));
  assert.match(bad.summary.message ?? '', /cannot evaluate the step: timeout: "soon" is not a duration like "30s"/);
  assert.equal(bad.pool.log, []);
});

test('the timeout bounds retries and delays too', async () => {
  const rb = runbook([phase('workers', [sh('probe', { retries: 100, delayMs: 30_000, timeoutMs: 95_000 })])]);
  const h = await run(rb, inventory({ workers: ['w1'] }), { rules: [{ match: 'probe', exitCode: 1 }] });
  assert.is(h.pool.commands('w1').length, 4);
  assert.match(h.summary.message ?? '', /timed out/);
});

test('pause waits on the clock for its duration', async () => {
  const rb = runbook([phase('workers', [action('pause', { duration: '2h' }, { timeoutMs: 3 * 3600_000 })])]);
  const h = await run(rb, inventory({ workers: ['w1'] }));
  assert.is(h.summary.status, 'ok');
  assert.ok(h.clock.sleeps.includes(2 * 3600_000));
  const check = await run(rb, inventory({ workers: ['w1'] }), { check: true });
  assert.not.ok(check.clock.sleeps.includes(2 * 3600_000), '--check does not wait');
  const tooLong = await run(runbook([phase('workers', [action('pause', { duration: '2h' }, { timeoutMs: 60_000 })])]), inventory({ workers: ['w1'] }));
  assert.match(tooLong.summary.message ?? '', /longer than the step's timeout/);
});

test('interrupting the run stops the running command; the step ends "interrupted" and nothing else starts', async () => {
  const ctl = new AbortController();
  const rb = runbook([phase('workers', [sh('sleep 3600'), sh('after')])]);
  const h = await run(rb, inventory({ workers: ['w1', 'w2'] }), {
    signal: ctl.signal,
    rules: [{ match: 'sleep', durationMs: 3_600_000, respond: () => { ctl.abort(new Error('SIGINT')); return {}; } }],
  });
  assert.is(h.summary.status, 'interrupted');
  const end = h.events.find((e) => e.kind === 'step.end');
  assert.ok(end && end.kind === 'step.end' && end.status === 'failed' && end.message === 'interrupted');
  assert.equal(h.pool.log.map((c) => c.command), ['sleep 3600']);
  const last = h.events.at(-1);
  assert.ok(last?.kind === 'run.end' && last.status === 'interrupted');
});

test('secrets: -e values with secret-looking names and secret results never reach events', async () => {
  const rb = runbook([
    phase('workers', [
      sh('login --password {{db_password}}', { name: 'login' }),
      sh('cat /etc/token', { register: 'tok', secret: true, changes: false }),
      sh('echo {{tok.stdout}}', { name: 'use' }),
    ]),
  ]);
  const h = await run(rb, inventory({ workers: ['w1'] }), {
    extraVars: { db_password: 'hunter2-very-secret' },
    rules: [
      { match: 'cat /etc/token', stdout: 's3cr3t-token-value\n' },
      { match: 'login', exitCode: 1, stderr: 'bad password hunter2-very-secret\n' },
    ],
    becomePassword: 'sudo-pass-123',
  });
  const text = JSON.stringify(h.events) + (h.summary.message ?? '');
  assert.not.ok(text.includes('hunter2-very-secret'), text);
  assert.not.ok(text.includes('s3cr3t-token-value'), text);
  assert.ok(text.includes('‹redacted›'));
});

test('a key file path is not a secret: it stays readable in output', async () => {
  const rb = runbook([phase('workers', [sh('ls {{ssh_key_file}} {{api_key}}')])]);
  const h = await run(rb, inventory({ workers: ['w1'] }, { vars: { ssh_key_file: '/home/ops/.ssh/id_ed25519', api_key: 'k-123456' } }), {
    rules: [{ match: 'ls', respond: (c) => ({ stdout: `${c}\n` }) }],
  });
  const lines = h.events.flatMap((e) => (e.kind === 'step.output' ? [e.line] : []));
  assert.equal(lines, ['ls /home/ops/.ssh/id_ed25519 ‹redacted›']);
  assert.equal(h.pool.commands('w1'), ['ls /home/ops/.ssh/id_ed25519 k-123456'], 'the command itself gets the real values');
});

test('assert checks expressions over the scope, with fail_msg', async () => {
  const rb = runbook([phase('workers', [action('assert', { that: ['nodes > 2', 'nodes < 10'], fail_msg: 'need 3 to 9 nodes' })])]);
  const ok = await run(rb, inventory({ workers: ['w1'] }, { vars: { nodes: 5 } }));
  assert.is(ok.summary.status, 'ok');
  const bad = await run(rb, inventory({ workers: ['w1'] }, { vars: { nodes: 1 } }));
  assert.match(bad.summary.message ?? '', /need 3 to 9 nodes/);
});

test('set facts are seen by later steps and win over -e', async () => {
  const rb = runbook([phase('workers', [action('set', { target: 'v{{base}}' }), sh('echo {{target}}')])]);
  const h = await run(rb, inventory({ workers: ['w1'] }), { extraVars: { base: '1.31', target: 'x' } });
  assert.equal(h.pool.commands('w1'), ['echo v1.31']);
});

test('loops run the step once per item with the loop variable', async () => {
  const rb = runbook([phase('workers', [sh('apt-mark unhold {{item}}', { loop: { items: '{{pkgs}}', var: 'item' } })])]);
  const h = await run(rb, inventory({ workers: ['w1'] }, { vars: { pkgs: ['kubeadm', 'kubelet'] } }));
  assert.equal(h.pool.commands('w1'), ['apt-mark unhold kubeadm', 'apt-mark unhold kubelet']);
});

test('a looped step registers every iteration under results, like Ansible', async () => {
  const rb = runbook([
    phase('workers', [
      sh('dpkg-query -W {{item}}', { loop: { items: ['kubeadm', 'kubelet'], var: 'item' }, register: 'pkgs', changes: false }),
      sh('echo {{pkgs.results.[1].stdout}} {{pkgs.changed}}'),
    ]),
  ]);
  const h = await run(rb, inventory({ workers: ['w1'] }), { rules: [{ match: 'dpkg-query', respond: (c) => ({ stdout: `${c.split(' ').pop()} 1.31.4` }) }] });
  assert.equal(h.pool.commands('w1').at(-1), "echo 'kubelet 1.31.4' false");
});

test('become: the phase asks for sudo, with the become password, and a step can opt out', async () => {
  const rb = runbook([phase('workers', [sh('apt-get update'), sh('whoami', { become: false })], { become: true })]);
  const h = await run(rb, inventory({ workers: ['w1'] }), { becomePassword: 'pw-1234' });
  assert.equal(h.pool.log.map((c) => c.become?.password ?? '-'), ['pw-1234', '-']);
});

test('sh: creates/removes skip like Ansible; chdir, env, stdin and expect_rc reach the command', async () => {
  const rb = runbook([
    phase('workers', [
      action('sh', { cmd: 'kubeadm init', creates: '/etc/kubernetes/admin.conf' }),
      action('sh', { cmd: 'rm -rf /tmp/old', removes: '/tmp/old' }),
      action('sh', { cmd: 'grep -c x', chdir: '/var/tmp', env: { LANG: 'C' }, stdin: 'x\n', expect_rc: [0, 1] }),
    ]),
  ]);
  const h = await run(rb, inventory({ workers: ['w1'] }), { rules: [{ match: "test -e /etc/kubernetes/admin.conf", exitCode: 0 }, { match: 'test -e /tmp/old', exitCode: 1 }, { match: 'grep', exitCode: 1 }] });
  assert.equal(h.pool.commands('w1'), ['test -e /etc/kubernetes/admin.conf', 'test -e /tmp/old', 'cd /var/tmp && grep -c x']);
  assert.equal(h.ends.map((e) => e.split(' ')[0]), ['skipped', 'skipped', 'changed']);
  const grep = h.pool.log[2]!;
  assert.equal([grep.env, grep.stdin], [{ LANG: 'C' }, 'x\n']);
});

test.run();
