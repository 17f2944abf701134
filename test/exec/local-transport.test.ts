// The local transport: real bash, streamed lines, exit codes, stdin/env, and stopping the whole
// process tree on timeout or abort.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { execLocal } from '../../engine/adapters/local-transport.js';
import { waitGone } from '../helpers/process.js';


test('exit code, stdout and stderr, with each line streamed as it arrives', async () => {
  const lines: string[] = [];
  const r = await execLocal('echo one; echo two >&2; printf three; exit 7', { onLine: (s, l) => lines.push(`${s}:${l}`) });
  assert.is(r.exitCode, 7);
  assert.is(r.stdout, 'one\nthree');
  assert.is(r.stderr, 'two\n');
  assert.equal(lines.sort(), ['stderr:two', 'stdout:one', 'stdout:three']);
  assert.is(r.timedOut, false);
});

test('stdin and env reach the command; a quoted argument stays one argument', async () => {
  const r = await execLocal('read x; printf "%s|%s|%s" "$x" "$FOO" "$#"', { stdin: 'from-stdin\n', env: { FOO: 'bar' } });
  assert.is(r.stdout, 'from-stdin|bar|0');
  const q = await execLocal(`printf '%s\\n' '; rm -rf /' | wc -l`);
  assert.is(q.stdout.trim(), '1');
});

test('a timeout stops the whole process tree, a sleeping grandchild included', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'runbook-lt-'));
  try {
    const started = Date.now();
    const r = await execLocal(`(sleep 30; echo late) & echo $! > ${dir}/child; wait`, { timeoutMs: 300 });
    assert.ok(Date.now() - started < 5000);
    assert.is(r.timedOut, true);
    assert.is(r.exitCode, null);
    const child = Number(readFileSync(join(dir, 'child'), 'utf8'));
    assert.ok(await waitGone(child), 'the background sleep was killed with its group');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('an abort signal stops the command and marks the result aborted', async () => {
  const ctl = new AbortController();
  setTimeout(() => ctl.abort(), 100);
  const r = await execLocal('sleep 30', { signal: ctl.signal });
  assert.is(r.aborted, true);
  assert.is(r.exitCode, null);
});

test('become runs the command through sudo as root (SKIP when sudo is missing or asks for a password)', async () => {
  const probe = await execLocal('command -v sudo && sudo -n true');
  if (probe.exitCode !== 0) {
    console.log('SKIP: passwordless sudo is not available here');
    return;
  }
  const r = await execLocal('id -u', { become: { method: 'sudo' } });
  assert.is(r.stdout.trim(), '0');
});

test.run();
