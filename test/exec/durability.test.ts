// The executor's durability barrier (the journal's group commit, docs/reliability.md): a changing
// step's command runs only once its own step.start and every line before it — so the previous
// step's end — is on disk; a read-only step (changes: false) does not wait for the disk.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { allActions } from '../../engine/actions/registry.js';
import type { ExecutorPorts, RunOptions } from '../../engine/exec/context.js';
import { execute } from '../../engine/exec/executor.js';
import type { RunEvent } from '../../engine/model/events.js';
import type { Host } from '../../engine/model/inventory.js';
import type { TransportPool } from '../../engine/ports/transport.js';
import { inventory, phase, runbook, sh } from '../fakes/build.js';
import { FakeClock } from '../fakes/fake-clock.js';
import { simpleSelect, templates } from '../fakes/harness.js';
import { ScriptedPool } from '../fakes/scripted-transport.js';

/** Index of the last element matching, or -1 (ES2022 has no findLastIndex). */
function lastIndex<T>(xs: T[], pred: (x: T, i: number) => boolean): number {
  for (let i = xs.length - 1; i >= 0; i--) if (pred(xs[i]!, i)) return i;
  return -1;
}

/** A journal whose fsync covers what was appended when it was asked for, and lands a tick later. */
class FakeJournal {
  readonly lines: RunEvent[] = [];
  /** How many lines are known to be on disk. */
  synced = 0;
  barriers = 0;
  durable(): Promise<void> {
    this.barriers++;
    const upTo = this.lines.length;
    return Promise.resolve().then(() => {
      this.synced = Math.max(this.synced, upTo);
    });
  }
}

interface Seen {
  host: string;
  command: string;
  /** Lines on disk when the command started, and the index of its own step.start. */
  synced: number;
  startAt: number;
}

async function runWith(steps: ReturnType<typeof sh>[], hosts: string[]): Promise<{ seen: Seen[]; journal: FakeJournal; status: string }> {
  const clock = new FakeClock();
  const scripted = new ScriptedPool(clock, []);
  const journal = new FakeJournal();
  const seen: Seen[] = [];
  const pool: TransportPool = {
    forHost: async (h: Host) => {
      const t = await scripted.forHost(h);
      return {
        ...t,
        exec: (command, opts) => {
          const startAt = lastIndex(journal.lines, (e) => e.kind === 'step.start' && e.host === h.name);
          seen.push({ host: h.name, command, synced: journal.synced, startAt });
          return t.exec(command, opts);
        },
      };
    },
    closeAll: async () => {},
  };
  const ports: ExecutorPorts = {
    actions: new Map(allActions.map((a) => [a.name, a])),
    pool,
    local: () => pool.forHost({ name: 'localhost', connection: 'local', ssh: { address: 'localhost' }, become: false, groups: [], vars: {} }),
    kube: async () => {
      throw new Error('no kube in this test');
    },
    clock,
    templates,
    selectHosts: simpleSelect,
    emit: (e) => journal.lines.push(e),
    durable: () => journal.durable(),
    confirm: async () => true,
  };
  const opts: RunOptions = {
    runId: '20261125-1432-ab12', runDir: '/nonexistent/run', runbook: runbook([phase('web', steps)]), inventory: inventory({ web: hosts }),
    extraVars: {}, check: false, tags: [], skipTags: [], signal: new AbortController().signal,
  };
  const summary = await execute(ports, opts);
  return { seen, journal, status: summary.status };
}

test('a changing step runs only after its start and the previous step\'s end are on disk', async () => {
  const { seen, status } = await runWith([sh('apt-get install -y kubeadm', { name: 'install' }), sh('systemctl restart kubelet', { name: 'restart' })], ['w1', 'w2']);
  assert.is(status, 'ok');
  assert.is(seen.length, 4);
  for (const s of seen) assert.ok(s.synced > s.startAt, `${s.command} on ${s.host} ran before its step.start was durable (synced ${s.synced}, start at line ${s.startAt})`);
  // The second step of a host: the first step's end (just before its start) is durable too.
  const restart = seen.find((s) => s.host === 'w1' && s.command.startsWith('systemctl'))!;
  assert.ok(restart.synced >= restart.startAt, 'the previous step.end was on disk before the restart ran');
});

test('read-only steps do not wait for the disk; the next changing step\'s barrier covers their lines', async () => {
  const { seen, journal } = await runWith([
    sh('kubeadm version', { name: 'check', changes: false }),
    sh('cat /etc/os-release', { name: 'facts', changes: false }),
    sh('kubeadm upgrade node', { name: 'upgrade' }),
  ], ['w1']);
  assert.equal(seen.map((s) => s.command), ['kubeadm version', 'cat /etc/os-release', 'kubeadm upgrade node']);
  assert.is(seen[0]!.synced, 0, 'the first read-only step ran without a barrier');
  assert.is(journal.barriers, 1, 'one barrier: before the changing step');
  const upgrade = seen[2]!;
  const lastReadOnlyEnd = lastIndex(journal.lines, (e, i) => i < upgrade.startAt && e.kind === 'step.end');
  assert.ok(upgrade.synced > upgrade.startAt && upgrade.synced > lastReadOnlyEnd, 'the read-only steps\' ends were durable before the changing step ran');
});

test('a changing step that ends before its action (when false, skip_if already done) waits for no disk', async () => {
  const { seen, journal, status } = await runWith([
    sh('dnf install -y kubeadm', { name: 'dnf variant', when: 'false' }),
    sh('apt-get install -y kubeadm', { name: 'apt variant', skipIf: 'dpkg -s kubeadm' }),
    sh('systemctl restart kubelet', { name: 'restart' }),
  ], ['w1']);
  assert.is(status, 'ok');
  const guard = seen.find((x) => x.command.includes('dpkg -s kubeadm'));
  assert.ok(guard, `the skip_if guard ran: ${seen.map((x) => x.command).join(' | ')}`);
  assert.is(guard.synced, 0, 'the read-only guard ran without a barrier');
  assert.not.ok(seen.some((x) => x.command.includes('dnf install')), 'the when-false step ran nothing');
  assert.is(journal.barriers, 1, 'one barrier: before the restart, the only action that ran');
  const restart = seen.find((x) => x.command.startsWith('systemctl'))!;
  const skippedEnds = journal.lines.filter((e, i) => i < restart.startAt && e.kind === 'step.end').length;
  assert.is(skippedEnds, 2, 'both skipped steps ended before the restart started');
  assert.ok(restart.synced > restart.startAt, 'the skipped steps\' lines and the restart\'s start were on disk before it ran');
});

test.run();
