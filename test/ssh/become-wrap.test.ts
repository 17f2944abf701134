// The sudo command line for become, and line splitting of streamed output (pure functions).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { shQuote, wrapBecome } from '../../engine/adapters/ssh/become.js';
import { LineSplitter } from '../../engine/adapters/ssh/lines.js';

test('the become password never appears in the command line', () => {
  const w = wrapBecome("systemctl restart kubelet && echo 'done'", { method: 'sudo', password: 'hunter2' }, undefined);
  assert.not.ok(w.command.includes('hunter2'));
  assert.match(w.command, /^sudo -S -p '\[runbook-sudo-prompt-[0-9a-f]+\]' -u 'root' -- bash -c '/);
  assert.is(w.password, 'hunter2');
});

test('without a password sudo runs non-interactively, as the requested user', () => {
  const w = wrapBecome('id', { method: 'sudo', user: 'etcd' }, undefined);
  assert.match(w.command, /^sudo -n -u 'etcd' -- bash -c /);
  assert.is(w.password, undefined);
  assert.is(wrapBecome('id', { method: 'sudo' }, 'from-pool').password, 'from-pool');
});

test('quoting keeps any command one literal word', () => {
  assert.is(shQuote("it's"), `'it'\\''s'`);
  assert.is(shQuote('$(rm -rf /)'), `'$(rm -rf /)'`);
});

test('lines are delivered whole across chunks, UTF-8 split mid-character included, tail flushed', () => {
  const lines: string[] = [];
  const s = new LineSplitter((l) => lines.push(l));
  const euro = Buffer.from('€');
  s.push(Buffer.concat([Buffer.from('one\ntw'), euro.subarray(0, 1)]));
  s.push(Buffer.concat([euro.subarray(1), Buffer.from('o\r\nthree')]));
  assert.equal(lines, ['one', 'tw€o']);
  s.flush();
  assert.equal(lines, ['one', 'tw€o', 'three']);
  assert.is(s.text, 'one\ntw€o\r\nthree');
});

test.run();
