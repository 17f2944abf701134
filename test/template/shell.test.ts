// Values that reach a shell arrive as one literal argument each: `{{x}}` is quoted in shell mode,
// `{{{x}}}` is the visible raw exception. Proven by running real bash and printing its argv.
import { execFileSync } from 'node:child_process';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { quoteWord, render, shellQuote } from '../../engine/template/index.js';

/** Run `cmd` with bash -c and return the arguments a helper script received, one per entry. */
function argv(cmd: string): string[] {
  const script = `args() { for a in "$@"; do printf '%s\\0' "$a"; done; }; ${cmd}`;
  const out = execFileSync('bash', ['-c', script], { encoding: 'utf8', timeout: 5000 });
  return out.split('\0').slice(0, -1);
}

const NASTY = [
  '; rm -rf /',
  "it's",
  'a b  c',
  '$(touch /tmp/pwned-by-template)',
  '`id`',
  '"double" and \\backslash',
  'new\nline',
  '*',
  '',
  '--flag=value',
  '💥 ünïcode',
];

test('a value with "; rm -rf /" reaches the command as one literal argument', () => {
  const cmd = render('args {{value}} end', { value: '; rm -rf /' }, { shell: true }) as string;
  assert.equal(argv(cmd), ['; rm -rf /', 'end']);
});

test('every awkward value arrives intact, as exactly one argument', () => {
  for (const v of NASTY) {
    const cmd = render('args {{v}}', { v }, { shell: true }) as string;
    assert.equal(argv(cmd), [v], `value ${JSON.stringify(v)} became ${cmd}`);
  }
});

test('helpers are quoted too, and the quote helper is not quoted twice', () => {
  assert.equal(argv(render('args {{pkg_version v}} {{quote w}}', { v: '1.31.4', w: 'a b' }, { shell: true }) as string), ['1.31.4-1.1', 'a b']);
});

test('triple-stash is raw: the shell sees the text as written', () => {
  const cmd = render('args {{{words}}}', { words: 'one two' }, { shell: true }) as string;
  assert.equal(argv(cmd), ['one', 'two']);
});

test('a list becomes one argument per item', () => {
  const cmd = render('args {{nodes}}', { nodes: ['w 1', 'w2'] }, { shell: true }) as string;
  assert.equal(argv(cmd), ['w 1', 'w2']);
});

test('outside shell mode values are inserted as they are', () => {
  assert.is(render('echo {{v}}', { v: 'a; b' }), 'echo a; b');
});

test('safe words stay bare so plan output stays readable', () => {
  assert.is(quoteWord('kubelet=1.31.4-1.1'), 'kubelet=1.31.4-1.1');
  assert.is(quoteWord('/etc/kubernetes/pki/ca.crt'), '/etc/kubernetes/pki/ca.crt');
  assert.is(shellQuote("it's"), `'it'\\''s'`);
  assert.is(shellQuote(''), "''");
  assert.is(shellQuote(null), "''");
});

test.run();
