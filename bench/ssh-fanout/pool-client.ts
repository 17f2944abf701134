// Contender A' (until `runbook exec` lands, and beside it after): the engine's SSH pool doing the
// same work as the others — forHost per host, both commands, connects bounded by forks.
// Usage: node dist/bench/ssh-fanout/pool-client.js FLEET.json
import { createSshPool } from '../../engine/adapters/ssh/index.js';
import type { Host } from '../../engine/model/inventory.js';
import { readFleetFile } from './fleet-file.js';

const fleet = readFleetFile(process.argv[2]!);
const pool = createSshPool({ forks: fleet.concurrency, agentSock: null });
const hosts: Host[] = fleet.hosts.map((h) => ({
  name: h.name,
  connection: 'ssh',
  ssh: { address: '127.0.0.1', port: h.port, user: 'root', identityFile: fleet.keyPath, identitiesOnly: true, knownHosts: fleet.knownHosts },
  become: false,
  groups: ['fleet'],
  vars: {},
}));
try {
  await Promise.all(
    hosts.map(async (h) => {
      const t = await pool.forHost(h);
      for (const c of fleet.commands) {
        const r = await t.exec(c);
        if (r.exitCode !== 0) throw new Error(`${h.name}: \`${c}\` exited ${r.exitCode}`);
      }
    }),
  );
} finally {
  await pool.closeAll();
}
