// A development aid for the fan-out benchmark: starts N sshd hosts and writes the contenders'
// files (fleet.json, inventory.yaml, ansible/) into a directory, prints the commands that run each
// contender against them, and keeps the fleet up until SIGINT/SIGTERM or --minutes (default 30)
// pass — so profiles and A/B runs need not start 100 servers each time. Stops every sshd by PID.
// Usage: node dist/bench/ssh-fanout/fleet.js [--hosts 100] [--minutes 30] [--dir DIR]
import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { packageRoot } from '../../engine/paths.js';
import { startSshd } from '../../test/helpers/sshd.js';
import { writeFiles } from './contenders.js';

const argv = process.argv.slice(2);
const opt = (name: string, dflt: string): string => {
  const i = argv.indexOf(name);
  return i >= 0 && argv[i + 1] ? argv[i + 1]! : dflt;
};
const n = Number(opt('--hosts', '100'));
const minutes = Number(opt('--minutes', '30'));
const dir = resolve(opt('--dir', `/tmp/runbook-fleet-${n}`));
mkdirSync(dir, { recursive: true });

const fleet = await startSshd({ count: n });
if (!fleet) {
  process.stderr.write('sshd not installed (apt-get install openssh-server)\n');
  process.exit(1);
}
const files = writeFiles(fleet, dir);
const root = packageRoot();
process.stdout.write([
  `${n} sshd hosts up (pid ${process.pid}; stop with kill -INT ${process.pid}, or after ${minutes} min)`,
  `  runbook: (cd ${dir} && node ${join(root, 'engine/cli/runbook.mjs')} exec ${join(root, 'bench/ssh-fanout/fan-out.yaml')} -i ${files.nativeInv} --yes)`,
  `  pool:    node ${join(root, 'dist/bench/ssh-fanout/pool-client.js')} ${files.fleetJson}`,
  `  ssh2:    node ${join(root, 'dist/bench/ssh-fanout/bare-ssh2.js')} ${files.fleetJson}`,
  '',
].join('\n'));

let stopping = false;
const stop = async (): Promise<void> => {
  if (stopping) return;
  stopping = true;
  clearTimeout(timer);
  await fleet.stop();
  process.exit(0);
};
const timer = setTimeout(() => void stop(), minutes * 60_000);
process.on('SIGINT', () => void stop());
process.on('SIGTERM', () => void stop());
