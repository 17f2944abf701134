// The executor lets a host's connection go once the run is done with it: after the last phase that
// names the host, or when the host fails and drops out — not before, and never for a host whose
// transport was never opened.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { Host } from '../../engine/model/inventory.js';
import type { Transport, TransportPool } from '../../engine/ports/transport.js';
import { inventory, phase, runbook, sh } from '../fakes/build.js';
import { FakeClock } from '../fakes/fake-clock.js';
import { run } from '../fakes/harness.js';
import { ScriptedPool, type Rule } from '../fakes/scripted-transport.js';

/** A scripted pool whose transports can be released; commands and releases in one log. */
class ReleasingPool extends ScriptedPool implements TransportPool {
  readonly trail: string[] = [];
  override async forHost(h: Host): Promise<Transport> {
    const t = await super.forHost(h);
    return {
      ...t,
      exec: (command, opts) => {
        this.trail.push(`${h.name}: ${command}`);
        return t.exec(command, opts);
      },
      release: async () => {
        this.trail.push(`${h.name}: released`);
      },
    };
  }
}

async function runTrail(rb: ReturnType<typeof runbook>, inv: ReturnType<typeof inventory>, rules: Rule[] = []) {
  const clock = new FakeClock();
  const pool = new ReleasingPool(clock, rules);
  const h = await run(rb, inv, { clock, pool });
  return { h, trail: pool.trail };
}

test('a host is released after the last phase that names it, each host on its own', async () => {
  const inv = inventory({ cp: ['cp1'], workers: ['w1', 'w2'] });
  const rb = runbook([
    phase('cp', [sh('upgrade cp')]),
    phase('workers', [sh('upgrade worker')]),
    phase('cp', [sh('validate')]),
  ]);
  const { h, trail } = await runTrail(rb, inv);
  assert.is(h.summary.status, 'ok');
  assert.equal(trail, [
    'cp1: upgrade cp',
    'w1: upgrade worker',
    'w1: released',
    'w2: upgrade worker',
    'w2: released',
    'cp1: validate',
    'cp1: released',
  ]);
});

test('a host that fails within max_fail_percentage drops out and is released at once; the others go on', async () => {
  const inv = inventory({ web: ['a', 'b'] });
  const rb = runbook([phase('web', [sh('step1')], { maxFailPercentage: 50, serial: [{ kind: 'count', n: 2 }] }), phase('web', [sh('step2')])]);
  const { h, trail } = await runTrail(rb, inv, [{ match: 'step1', host: 'a', exitCode: 1 }]);
  assert.is(h.summary.status, 'failed');
  assert.ok(trail.indexOf('a: released') > trail.indexOf('a: step1'));
  assert.ok(trail.indexOf('a: released') < trail.indexOf('b: step2'), 'released before the next phase');
  assert.not.ok(trail.includes('b: released') && trail.indexOf('b: released') < trail.indexOf('b: step2'), 'b is kept for phase 2');
  assert.ok(trail.indexOf('b: released') > trail.indexOf('b: step2'));
});

test('a host whose steps never opened a transport is not released (nothing was opened)', async () => {
  const inv = inventory({ web: ['a'] });
  const rb = runbook([phase('web', [sh('never', { when: 'false' })])]);
  const { trail } = await runTrail(rb, inv);
  assert.equal(trail, []);
});

test.run();
