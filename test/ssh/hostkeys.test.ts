// Host keys against a real sshd: unknown keys refused (then recorded only with accept-new), changed
// keys refused even with accept-new, hashed known_hosts entries (made by ssh-keygen -H) accepted.
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { createSshPool } from '../../engine/adapters/ssh/index.js';
import { TransportError } from '../../engine/model/errors.js';
import { fleetHost, keygen, SSHD_SKIP, startSshd, type SshdFleet } from '../helpers/sshd.js';

let fleet: SshdFleet | undefined;

test.before(async () => {
  fleet = await startSshd({ count: 1 });
  if (!fleet) console.log(SSHD_SKIP);
});
test.after(async () => {
  await fleet?.stop();
});

async function connectError(knownHosts: string, strict: 'yes' | 'accept-new' = 'yes'): Promise<TransportError | undefined> {
  const pool = createSshPool({ agentSock: null });
  try {
    const t = await pool.forHost(fleetHost(fleet!, 0, { knownHosts, strictHostKeyChecking: strict }));
    assert.is((await t.exec('echo hi')).stdout, 'hi\n');
    return undefined;
  } catch (e) {
    assert.instance(e, TransportError);
    return e as TransportError;
  } finally {
    await pool.closeAll();
  }
}

/** The fingerprint exactly as `ssh-keygen -lf` prints it. */
function opensshFingerprint(pubFile: string): string {
  return execFileSync('ssh-keygen', ['-lf', pubFile], { encoding: 'utf8' }).split(' ')[1]!;
}

test('an unknown host is refused, naming host, SHA256 fingerprint, file and the way out', async () => {
  if (!fleet) return;
  const kh = join(fleet.dir, 'empty_known_hosts');
  writeFileSync(kh, '');
  const err = await connectError(kh);
  assert.ok(err, 'refused');
  assert.is(err!.kind, 'hostkey');
  assert.is(err!.host, 'h0');
  assert.ok(err!.message.includes(opensshFingerprint(`${fleet.hosts[0]!.hostKeyFile}.pub`)), err!.message);
  assert.ok(err!.message.includes(kh), err!.message);
  assert.match(err!.hint ?? '', 'ssh-keyscan');
  assert.match(err!.hint ?? '', 'accept-new');
  assert.is(readFileSync(kh, 'utf8'), '', 'nothing recorded without the opt-in');
});

test('with accept-new an unknown host is accepted and recorded, then known without the opt-in', async () => {
  if (!fleet) return;
  const kh = join(fleet.dir, 'accept_known_hosts');
  writeFileSync(kh, '# mine\n');
  assert.is(await connectError(kh, 'accept-new'), undefined);
  const text = readFileSync(kh, 'utf8');
  assert.ok(text.includes(`[127.0.0.1]:${fleet.hosts[0]!.port} ${fleet.hosts[0]!.hostKeyPub}`), text);
  assert.ok(text.startsWith('# mine\n'));
  assert.is(await connectError(kh, 'yes'), undefined);
});

test('a changed host key is refused, even with accept-new, naming the old entry\'s line', async () => {
  if (!fleet) return;
  const other = join(fleet.dir, 'impostor_key');
  await keygen(other);
  const otherPub = readFileSync(`${other}.pub`, 'utf8').trim().split(' ').slice(0, 2).join(' ');
  const kh = join(fleet.dir, 'changed_known_hosts');
  writeFileSync(kh, `# line 1\n[127.0.0.1]:${fleet.hosts[0]!.port} ${otherPub}\n`);
  for (const strict of ['yes', 'accept-new'] as const) {
    const err = await connectError(kh, strict);
    assert.ok(err, `refused with ${strict}`);
    assert.is(err!.kind, 'hostkey');
    assert.match(err!.message, 'HOST KEY CHANGED');
    assert.ok(err!.message.includes(`${kh}:2`), err!.message);
    assert.ok(err!.message.includes(opensshFingerprint(`${fleet.hosts[0]!.hostKeyFile}.pub`)), err!.message);
    assert.match(err!.hint ?? '', 'ssh-keygen -R');
  }
  assert.not.ok(readFileSync(kh, 'utf8').includes(fleet.hosts[0]!.hostKeyPub), 'the new key was not recorded');
});

test('hashed known_hosts entries (ssh-keygen -H) are understood', async () => {
  if (!fleet) return;
  const kh = join(fleet.dir, 'hashed_known_hosts');
  writeFileSync(kh, readFileSync(fleet.knownHosts));
  execFileSync('ssh-keygen', ['-H', '-f', kh], { stdio: 'ignore' });
  const text = readFileSync(kh, 'utf8');
  assert.match(text, /^\|1\|/);
  assert.not.ok(text.includes('127.0.0.1'));
  assert.is(await connectError(kh), undefined);
});

test('a @revoked host key is refused', async () => {
  if (!fleet) return;
  const kh = join(fleet.dir, 'revoked_known_hosts');
  writeFileSync(kh, `${readFileSync(fleet.knownHosts, 'utf8')}@revoked * ${fleet.hosts[0]!.hostKeyPub}\n`);
  const err = await connectError(kh);
  assert.is(err?.kind, 'hostkey');
  assert.match(err!.message, '@revoked');
});

test.run();
