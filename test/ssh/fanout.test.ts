// Fan-out: 50 real sshd hosts through one pool, two commands each on one connection per host,
// with connects bounded by `forks`.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { createSshPool } from '../../engine/adapters/ssh/index.js';
import { fleetHost, sessionPids, SSHD_SKIP, startSshd, type SshdFleet } from '../helpers/sshd.js';

let fleet: SshdFleet | undefined;

test.before(async () => {
  fleet = await startSshd({ count: 50 });
  if (!fleet) console.log(SSHD_SKIP);
});
test.after(async () => {
  await fleet?.stop();
});

test('50 hosts in one fan-out: every host answers both commands over one connection', async () => {
  if (!fleet) return;
  const pool = createSshPool({ agentSock: null, forks: 10 });
  try {
    const results = await Promise.all(
      fleet.hosts.map(async (h, i) => {
        const t = await pool.forHost(fleetHost(fleet!, i));
        const a = await t.exec('hostname >/dev/null && echo first');
        const b = await t.exec(`echo second ${h.name}`);
        return `${a.stdout.trim()} ${b.stdout.trim()}`;
      }),
    );
    assert.equal(results, fleet.hosts.map((h) => `first second ${h.name}`));
    assert.ok(fleet.hosts.every((h) => sessionPids(h.pid).length === 1), 'exactly one connection per host');
  } finally {
    await pool.closeAll();
  }
});

test.run();
