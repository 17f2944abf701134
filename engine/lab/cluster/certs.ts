// The lab's TLS material: a fresh CA and a server certificate for 127.0.0.1 and localhost, made
// with the openssl CLI (two fast EC key generations) in a temporary directory that is removed at
// once; made once per process.
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

export interface LabCerts { caPem: string; certPem: string; keyPem: string }

let cached: Promise<LabCerts> | undefined;

/**
 * The certificates for this process: made once, shared by every cluster it starts (tests start
 * dozens). Each cluster still has its own bearer token, so sharing a CA opens nothing.
 */
export function labCerts(): Promise<LabCerts> {
  cached ??= makeCerts();
  cached.catch(() => (cached = undefined));
  return cached;
}

export async function makeCerts(): Promise<LabCerts> {
  const dir = await mkdtemp(join(tmpdir(), 'runbook-lab-tls-'));
  const ec = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-days', '3650'];
  try {
    await run('openssl', ['req', '-x509', ...ec, '-keyout', join(dir, 'ca.key'), '-out', join(dir, 'ca.crt'), '-subj', '/CN=runbook-lab-ca',
      '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign,cRLSign']);
    await run('openssl', ['req', '-x509', ...ec, '-keyout', join(dir, 'server.key'), '-out', join(dir, 'server.crt'), '-subj', '/CN=kube-apiserver',
      '-CA', join(dir, 'ca.crt'), '-CAkey', join(dir, 'ca.key'),
      '-addext', 'subjectAltName=IP:127.0.0.1,DNS:localhost', '-addext', 'extendedKeyUsage=serverAuth', '-addext', 'basicConstraints=CA:FALSE']);
    const [caPem, certPem, keyPem] = await Promise.all(['ca.crt', 'server.crt', 'server.key'].map((f) => readFile(join(dir, f), 'utf8')));
    return { caPem: caPem!, certPem: certPem!, keyPem: keyPem! };
  } catch (e) {
    throw new Error(`lab: could not make the API server's certificates with openssl (${(e as Error).message.split('\n')[0]}); is openssl 3 on PATH?`);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
