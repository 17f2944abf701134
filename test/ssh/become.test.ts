// become through real sudo: as root (no password asked), as a user whose sudo asks for a password
// (fed only when sudo prompts, never echoed), wrong and missing passwords, and file transfers of
// root-only files. The password user is created for the test and removed afterwards.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { createSshPool } from '../../engine/adapters/ssh/index.js';
import { TransportError } from '../../engine/model/errors.js';
import type { Transport } from '../../engine/ports/transport.js';
import { fleetHost, SSHD_SKIP, startSshd, type SshdFleet } from '../helpers/sshd.js';

let fleet: SshdFleet | undefined;
let skip = '';
const user = `rbt${randomBytes(3).toString('hex')}`;
const password = `pw-${randomBytes(6).toString('hex')}`;
let userMade = false;
const sudoers = `/etc/sudoers.d/runbook-test-${user}`;

test.before(async () => {
  if (!existsSync('/usr/bin/sudo')) skip = 'SKIP: sudo not installed (apt-get install sudo)';
  else if (process.getuid?.() !== 0) skip = 'SKIP: creating a sudo test user needs root';
  fleet = await startSshd({ count: 1 });
  if (!fleet) skip = SSHD_SKIP;
  if (skip) return console.log(skip);
  execFileSync('useradd', ['-m', '-d', join(fleet!.dir, user), '-s', '/bin/bash', user]);
  userMade = true;
  execFileSync('chpasswd', { input: `${user}:${password}\n` });
  writeFileSync(sudoers, `${user} ALL=(ALL:ALL) ALL\n`, { mode: 0o440 });
});
test.after(async () => {
  if (userMade) {
    rmSync(sudoers, { force: true });
    // Processes still running as the test user (sudo leftovers), by PID.
    const uid = Number(execFileSync('id', ['-u', user], { encoding: 'utf8' }).trim());
    for (const d of readdirSync('/proc').filter((x) => /^\d+$/.test(x))) {
      try {
        if (new RegExp(`^Uid:\\s+${uid}\\s`, 'm').test(readFileSync(`/proc/${d}/status`, 'utf8'))) process.kill(Number(d), 'SIGKILL');
      } catch {
        /* gone */
      }
    }
    execFileSync('userdel', ['-r', '-f', user], { stdio: 'ignore' });
  }
  await fleet?.stop();
});

async function withTransport(u: string, becomePassword: string | undefined, fn: (t: Transport) => Promise<void>): Promise<void> {
  const pool = createSshPool({ agentSock: null, ...(becomePassword !== undefined ? { becomePassword } : {}) });
  try {
    await fn(await pool.forHost(fleetHost(fleet!, 0, { user: u })));
  } finally {
    await pool.closeAll();
  }
}

test('become runs the command as root or another user through sudo', async () => {
  if (skip) return;
  await withTransport('root', undefined, async (t) => {
    assert.is((await t.exec('id -u', { become: { method: 'sudo' } })).stdout, '0\n');
    const r = await t.exec("id -un; echo \"it's $((6*7))\"", { become: { method: 'sudo', user: 'nobody' } });
    assert.is(r.stdout, "nobody\nit's 42\n");
    assert.is(r.command, "id -un; echo \"it's $((6*7))\"");
  });
});

test('a password is fed only when sudo asks: a command reading stdin never sees it', async () => {
  if (skip) return;
  // root's sudo does not ask: the password must not end up on the command's stdin.
  await withTransport('root', password, async (t) => {
    const r = await t.exec('cat', { become: { method: 'sudo' }, stdin: 'payload\n' });
    assert.is(r.stdout, 'payload\n');
    assert.not.ok(JSON.stringify(r).includes(password));
  });
});

test('sudo that asks for a password gets it, and it appears nowhere in the result or output', async () => {
  if (skip) return;
  await withTransport(user, password, async (t) => {
    const lines: string[] = [];
    const r = await t.exec('whoami; cat', { become: { method: 'sudo' }, stdin: 'after-auth\n', onLine: (_s, l) => lines.push(l) });
    assert.is(r.exitCode, 0, r.stderr);
    assert.is(r.stdout, 'root\nafter-auth\n');
    assert.not.ok(JSON.stringify(r).includes(password));
    assert.not.ok(lines.join('\n').includes(password));
  });
});

test('a wrong sudo password fails clearly without echoing it', async () => {
  if (skip) return;
  await withTransport(user, 'not-the-password', async (t) => {
    const err = await t.exec('true', { become: { method: 'sudo' } }).then(() => undefined, (e: unknown) => e);
    assert.instance(err, TransportError);
    assert.is((err as TransportError).kind, 'auth');
    assert.match((err as TransportError).message, 'rejected the become password');
    assert.not.ok((err as TransportError).message.includes('not-the-password'));
  });
});

test('sudo asking for a password when none was given says how to give one', async () => {
  if (skip) return;
  await withTransport(user, undefined, async (t) => {
    const err = await t.exec('true', { become: { method: 'sudo' } }).then(() => undefined, (e: unknown) => e);
    assert.instance(err, TransportError);
    assert.is((err as TransportError).message, `h0: sudo on h0 asks for a password: set RUNBOOK_BECOME_PASSWORD or use --ask-become-pass`);
  });
});

test('with become, put writes a root-owned file and get reads a root-only file', async () => {
  if (skip) return;
  const local = mkdtempSync(join(tmpdir(), 'runbook-become-'));
  try {
    const src = join(local, 'src.txt');
    writeFileSync(src, 'secret config\n');
    const dest = join(fleet!.dir, `root-only-${user}.conf`);
    await withTransport(user, password, async (t) => {
      const put = await t.put(src, dest, { become: { method: 'sudo' }, mode: 0o600 });
      const st = statSync(dest);
      assert.is(st.uid, 0, 'owned by root');
      assert.is(st.mode & 0o777, 0o600);
      assert.is(readFileSync(dest, 'utf8'), 'secret config\n');
      const back = join(local, 'back.txt');
      const got = await t.get(dest, back, { become: { method: 'sudo' } });
      assert.is(got.sha256, put.sha256);
      assert.is(readFileSync(back, 'utf8'), 'secret config\n');
      // Only this test user's own files: /tmp is shared with every other suite on the machine.
      const leftovers = (await t.exec('ls -a ~; find /tmp -maxdepth 1 -name "runbook-*" -user "$(id -un)"')).stdout;
      assert.not.match(leftovers, /runbook-(put|fetch)/, 'staging files were removed');
    });
  } finally {
    rmSync(local, { recursive: true, force: true });
  }
});

test.run();
