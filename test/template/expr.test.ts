// Guard expressions (when/unless/until/assert) as Ansible users write them: and/or/not,
// ==, !=, in, comparisons, version checks; unknown names and syntax errors are reported.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { compileExpr, evalBool, evalExpr, exprNames, runtimeValue, RuntimeValueError, TemplateError } from '../../engine/template/index.js';

const scope = {
  node_role: 'gpu',
  skip_gpu: false,
  count: 3,
  groups: { workers: ['w1', 'w2'] },
  inventory_hostname: 'w2',
  result: { rc: 0, stdout: 'v1.31.4' },
  version: '1.31.4',
};

test('and, or, not read like Ansible and Python', () => {
  assert.is(evalBool("node_role == 'gpu' and not skip_gpu", scope), true);
  assert.is(evalBool("node_role == 'cpu' or count > 2", scope), true);
  assert.is(evalBool('not skip_gpu and skip_gpu', scope), false, '(not a) and b');
  assert.is(evalBool("not node_role == 'cpu'", scope), true, 'not (a == b)');
  assert.is(evalBool('android == 1', { android: 1 }), true, 'identifiers that start with "and" still work');
});

test('and/or short-circuit', () => {
  assert.is(evalBool('skip_gpu and missing.deep', { skip_gpu: false, missing: null }), false);
});

test('== != in and comparisons', () => {
  assert.is(evalBool('result.rc == 0', scope), true);
  assert.is(evalBool('result.rc != 0', scope), false);
  assert.is(evalBool('inventory_hostname in groups.workers', scope), true);
  assert.is(evalBool("'1.31' in result.stdout", scope), true);
  assert.is(evalBool('count >= 3 && count < 4', scope), true);
});

test('version comparisons compare versions, not strings', () => {
  assert.is(evalBool("version_gte(version, '1.9.0')", scope), true);
  assert.is(evalBool("version_lt('1.9.0', '1.10.0')", scope), true);
  assert.is(evalBool("result.stdout|version_gte('1.31')", scope), true);
  assert.is(evalBool("semver_satisfies(version, '>=1.30.0 <1.32.0')", scope), true);
  assert.is(evalExpr('minor(version)', scope), '1.31');
});

test('an unknown variable is an error, with the position', () => {
  const pos = { file: 'rb.yaml', line: 4, col: 15 };
  try {
    evalExpr('skip_gpuu == false', scope, pos);
    assert.unreachable();
  } catch (e) {
    assert.instance(e, TemplateError);
    assert.is((e as Error).message, 'rb.yaml:4:15: undefined variable "skip_gpuu" in expression "skip_gpuu == false"');
  }
});

test('a syntax error is reported at compile time', () => {
  try {
    compileExpr('count ==', { file: 'rb.yaml', line: 2, col: 9 });
    assert.unreachable();
  } catch (e) {
    assert.match((e as Error).message, /^rb\.yaml:2:9: expression syntax error in "count ==": Unexpected end of expression/);
  }
});

test('{{ }} in a guard is refused with the bare form to write instead', () => {
  assert.throws(() => compileExpr("{{node_role}} == 'gpu'"), /write `node_role == 'gpu'`/);
});

test('expressions never reach JavaScript eval', () => {
  assert.throws(() => evalExpr("constructor.constructor('return process')()", {}), /undefined variable|syntax|evaluate/);
  assert.throws(() => evalExpr('x.constructor', { x: {} }));
});

test('a guard over a run-time value says it is decided at run time', () => {
  assert.throws(() => evalExpr('ver.rc == 0', { ver: runtimeValue('register.ver') }), (e: unknown) => e instanceof RuntimeValueError);
});

test('exprNames lists the variables an expression reads', () => {
  assert.equal(exprNames("a.b == c[0] and d|version_gte(e) and 'x' in f").sort(), ['a', 'c', 'd', 'e', 'f']);
});

test.run();
