// Contender C: the floor. A bare ssh2 script doing the same work as the others — one connection
// per host, both commands on it, concurrency 50, Nagle off, host key checked against known_hosts.
// Usage: node dist/bench/ssh-fanout/bare-ssh2.js FLEET.json
import { readFileSync } from 'node:fs';
import pLimit from 'p-limit';
import ssh2 from 'ssh2';
import { readFleetFile } from './fleet-file.js';

const fleet = readFleetFile(process.argv[2]!);
const key = readFileSync(fleet.keyPath);
// known_hosts lines are `[127.0.0.1]:PORT type base64`: the key blob per port.
const known = new Map<number, string>();
for (const line of readFileSync(fleet.knownHosts, 'utf8').split('\n')) {
  const m = /^\[127\.0\.0\.1\]:(\d+) \S+ (\S+)/.exec(line);
  if (m) known.set(Number(m[1]), m[2]!);
}

function run(client: ssh2.Client, cmd: string): Promise<number> {
  return new Promise((resolve, reject) => {
    client.exec(cmd, (err, ch) => {
      if (err) return reject(err);
      let code = -1;
      ch.on('exit', (c: number) => (code = c)).on('close', () => resolve(code)).resume();
      ch.stderr.resume();
    });
  });
}

async function host(port: number): Promise<void> {
  const client = new ssh2.Client();
  await new Promise<void>((resolve, reject) => {
    client.once('ready', resolve).once('error', reject);
    client.connect({ host: '127.0.0.1', port, username: 'root', privateKey: key, hostVerifier: (k: Buffer) => k.toString('base64') === known.get(port) });
    client.setNoDelay(true);
  });
  for (const c of fleet.commands) {
    const code = await run(client, c);
    if (code !== 0) throw new Error(`port ${port}: \`${c}\` exited ${code}`);
  }
  client.end();
}

const limit = pLimit(fleet.concurrency);
await Promise.all(fleet.hosts.map((h) => limit(() => host(h.port))));
