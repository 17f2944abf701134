// A bare ssh2 client for the lab tests: connects to one lab node, verifying its host key against
// the lab's known_hosts (as strict host key checking does), and runs commands.
import { readFileSync } from 'node:fs';
import ssh2 from 'ssh2';
import type { Client } from 'ssh2';

export interface Ran { code: number | null; signal: string | null; stdout: string; stderr: string; closedWithoutExit: boolean }

/** The key known_hosts records for [127.0.0.1]:port, as the base64 blob. */
export function knownKey(knownHosts: string, port: number): string | undefined {
  for (const line of readFileSync(knownHosts, 'utf8').split('\n')) {
    const [host, , blob] = line.split(' ');
    if (host === `[127.0.0.1]:${port}`) return blob;
  }
  return undefined;
}

export async function connect(o: { port: number; knownHosts: string; identityFile: string; user?: string; privateKey?: string }): Promise<Client> {
  const want = knownKey(o.knownHosts, o.port);
  const c = new ssh2.Client();
  await new Promise<void>((res, rej) => {
    const t = setTimeout(() => rej(new Error(`ssh to 127.0.0.1:${o.port} timed out`)), 10_000);
    c.on('ready', () => { clearTimeout(t); res(); });
    c.on('error', (e) => { clearTimeout(t); rej(e); });
    c.connect({
      host: '127.0.0.1', port: o.port, username: o.user ?? 'ubuntu',
      privateKey: o.privateKey ?? readFileSync(o.identityFile, 'utf8'),
      hostVerifier: (key: Buffer) => want !== undefined && key.toString('base64') === want,
      readyTimeout: 10_000,
    });
  });
  return c;
}

export function run(c: Client, command: string, opts: { stdin?: string; env?: Record<string, string>; timeoutMs?: number } = {}): Promise<Ran> {
  return new Promise((res, rej) => {
    const t = setTimeout(() => rej(new Error(`command timed out: ${command}`)), opts.timeoutMs ?? 15_000);
    c.exec(command, opts.env ? { env: opts.env } : {}, (err, s) => {
      if (err) { clearTimeout(t); return rej(err); }
      const r: Ran = { code: null, signal: null, stdout: '', stderr: '', closedWithoutExit: true };
      s.on('data', (d: Buffer) => { r.stdout += d.toString(); });
      s.stderr.on('data', (d: Buffer) => { r.stderr += d.toString(); });
      s.on('exit', (code: number | null, signal?: string) => { r.code = code; r.signal = signal ?? null; r.closedWithoutExit = false; });
      s.on('close', () => { clearTimeout(t); res(r); });
      if (opts.stdin !== undefined) s.end(opts.stdin);
    });
  });
}
