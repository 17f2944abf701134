// Rendering templates as runbook authors see it: strict variables with positions, no HTML
// escaping, whole values kept, helpers, and run-time values shown as placeholders by plan.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { render, runtimeValue, TemplateError } from '../../engine/template/index.js';

const pos = { file: 'rb.yaml', line: 10, col: 14 };

function err(fn: () => unknown): TemplateError {
  try {
    fn();
  } catch (e) {
    if (e instanceof TemplateError) return e;
    throw e;
  }
  throw new Error('expected a TemplateError');
}

test('an unknown variable is an error naming FILE:LINE:COL of the variable', () => {
  const e = err(() => render('echo {{target}} {{missing}}', { target: 'x' }, { pos }));
  assert.is(e.message, 'rb.yaml:10:32: undefined variable "missing" in "echo {{target}} {{missing}}"');
  assert.equal(e.pos, { file: 'rb.yaml', line: 10, col: 32 });
});

test('an unknown variable on a later line of a | block points at that line and column', () => {
  // The block's lines all start at the template's column (YAML strips that indentation).
  const e = err(() => render('set -e\nkubeadm upgrade apply {{versoin}}\n', { version: '1' }, { pos }));
  assert.equal(e.pos, { file: 'rb.yaml', line: 11, col: 14 + 24 });
});

test('an unknown nested key is an error too', () => {
  const e = err(() => render('{{node.labels.zone}}', { node: { labels: {} } }, { pos }));
  assert.match(e.message, /^rb\.yaml:10:\d+: undefined variable "node.labels.zone"/);
});

test('an unknown helper argument is an error, not an empty string', () => {
  const e = err(() => render('{{pkg_version target}}', {}, { pos }));
  assert.match(e.message, /undefined variable "target"/);
});

test('default accepts an undefined first argument', () => {
  assert.is(render('{{default grace "120"}}', {}), '120');
  assert.is(render('{{default grace "120"}}', { grace: 30 }), 30);
});

test('no HTML escaping', () => {
  assert.is(render('a {{x}} b', { x: '<&>"\'' }), 'a <&>"\' b');
});

test('a whole-value template returns the value itself (list, number, map)', () => {
  assert.equal(render('{{hosts}}', { hosts: ['a', 'b'] }), ['a', 'b']);
  assert.is(render('{{n}}', { n: 3 }), 3);
  assert.equal(render('{{m}}', { m: { a: 1 } }), { a: 1 });
  assert.is(render(' {{n}}', { n: 3 }), ' 3');
});

test('structures render every string inside', () => {
  assert.equal(render({ node: '{{h}}', grace: '{{g}}', keep: 5, list: ['{{h}}-x'] }, { h: 'w1', g: 120 }), { node: 'w1', grace: 120, keep: 5, list: ['w1-x'] });
});

test('version helpers', () => {
  const s = { v: '1.31.4', vv: 'v1.31.4', m: '1.30', p: '1.30.2' };
  assert.is(render('{{pkg_version v}}', s), '1.31.4-1.1');
  assert.is(render('{{pkg_version vv}}', s), '1.31.4-1.1');
  assert.is(render('{{pkg_version "1.31.4-2.1"}}', s), '1.31.4-2.1');
  assert.is(render('{{minor v}}', s), '1.31');
  assert.is(render('{{next_minor m}}', s), '1.31');
  assert.is(render('{{next_minor p}}', s), '1.31');
  assert.is(render('{{join l ","}}', { l: ['a', 'b'] }), 'a,b');
  assert.match(err(() => render('{{minor "one.two"}}', {}, { pos })).message, /^rb\.yaml:10:14: minor: "one\.two" is not a version like 1\.31\.4/);
  assert.match(err(() => render('{{pkg_version "1.31"}}', {}, { pos })).message, /needs a patch release/);
});

test('upgrade_path lists one hop per minor up to the target', () => {
  const hops = render('{{upgrade_path "1.28.9" "1.32.4"}}', {}) as string[];
  assert.is(hops.length, 4);
  assert.equal(hops.map((h) => h.split('.').slice(0, 2).join('.')), ['1.29', '1.30', '1.31', '1.32']);
  assert.is(hops[3], '1.32.4');
  assert.match(err(() => render('{{upgrade_path "1.31.0" "1.30.0"}}', {}, { pos })).message, /upgrade_path: /);
});

test('plan shows run-time values as placeholders', () => {
  const scope = { ver: runtimeValue('register.ver'), node_name: 'w1' };
  const opts = { runtime: 'placeholder' as const };
  assert.is(render('kubelet is {{ver.stdout}} on {{node_name}}', scope, opts), 'kubelet is ⟨register.ver.stdout⟩ on w1');
  assert.is(render('{{ver}}', scope, opts), '⟨register.ver⟩');
  assert.is(render('{{minor ver}}', scope, opts), '⟨register.ver⟩');
});

test('exec refuses a run-time value that is not known yet, naming the template position', () => {
  const e = err(() => render('echo {{ver.stdout}}', { ver: runtimeValue('register.ver') }, { pos }));
  assert.match(e.message, /^rb\.yaml:10:14: the value of register\.ver\.stdout is only known at run time/);
});

test('template syntax errors name the position and the cause', () => {
  assert.is(err(() => render('echo {{x', { x: 1 }, { pos })).message, 'rb.yaml:10:21: template syntax error: a {{ is not closed with }}');
});

test('an unknown helper is named', () => {
  assert.match(err(() => render('{{frob x}}', { x: 1 }, { pos })).message, /unknown helper "frob"/);
});

test('text without templates passes untouched', () => {
  assert.is(render('plain {not} }}', {}), 'plain {not} }}');
});

test.run();
