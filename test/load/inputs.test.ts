// Inputs from the command line: -e (key=value as YAML scalars, @file, inline maps) and durations.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { formatDuration, parseDuration, parseExtraVars } from '../../engine/load/index.js';
import { packageRoot } from '../../engine/paths.js';

process.chdir(packageRoot());

test('-e key=value reads the value as a YAML scalar', () => {
  const r = parseExtraVars(['n=3', 'f=1.5', 'b=true', 'y=yes', 'qy="no"', 's=hello world', 'q="3"', 'v=1.31.4', 'empty=', 'eq=a=b', 'colon=a: b']);
  assert.equal(r.problems, []);
  assert.equal(r.vars, { n: 3, f: 1.5, b: true, y: true, qy: 'no', s: 'hello world', q: '3', v: '1.31.4', empty: '', eq: 'a=b', colon: 'a: b' });
});

test('-e @file reads a map of variables; later -e wins', () => {
  const r = parseExtraVars(['batch=1', '@test/fixtures/load/vars/extra.yaml', 'target_version=1.32.2']);
  assert.equal(r.problems, []);
  assert.equal(r.vars, { batch: 3, target_version: '1.32.2', nodes: ['a', 'b'] });
});

test("-e '{json}' reads an inline map", () => {
  const r = parseExtraVars(['{"skip_gpu": true, "nodes": ["w1"]}']);
  assert.equal(r.vars, { skip_gpu: true, nodes: ['w1'] });
});

test('bad -e values are problems naming which -e', () => {
  const r = parseExtraVars(['ok=1', 'novalue', '9lives=1', '@/nonexistent/vars.yaml', '{"a": ']);
  assert.equal(r.problems.map((p) => `${p.pos.file}: ${p.message}`), [
    '-e #2: -e "novalue": expected key=value, @file.yaml or a {"json": "map"}',
    '-e #3: -e "9lives=1": "9lives" is not a variable name',
    '/nonexistent/vars.yaml: cannot read vars file: not found',
    `-e #5: -e {"a":: not a valid map: ${r.problems[3]!.message.split(': not a valid map: ')[1]}`,
  ]);
  assert.equal(r.vars, { ok: 1 });
});

test('durations: units, combinations, milliseconds', () => {
  assert.is(parseDuration('30s'), 30_000);
  assert.is(parseDuration('5m'), 300_000);
  assert.is(parseDuration('1h30m'), 5_400_000);
  assert.is(parseDuration('250ms'), 250);
  assert.is(parseDuration('1.5s'), 1500);
  assert.is(parseDuration('2d'), 172_800_000);
  assert.is(parseDuration(1500), 1500);
  assert.is(parseDuration('1500'), 1500);
  for (const bad of ['5 minutes', '10mins', '', 'm', '-1s', '1h 30m']) assert.is(parseDuration(bad), undefined, bad);
  assert.is(parseDuration(-5), undefined);
  assert.is(parseDuration(Number.NaN), undefined);
  assert.is(formatDuration(5_400_000), '1h30m');
  assert.is(formatDuration(250), '250ms');
});

test.run();
