// The JSON Schemas stay usable by editors and in step with the code: every key described, fixed
// keys closed, the step keys the loader knows equal to the schema's, examples and fixtures valid.
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { parse } from 'yaml';
import { STEP_KEYS } from '../../engine/load/index.js';
import { schemaValidator } from '../../engine/load/schema.js';
import { packageRoot } from '../../engine/paths.js';

const root = packageRoot();
process.chdir(root);
const schema = (n: string) => JSON.parse(readFileSync(join(root, 'schemas', `${n}.schema.json`), 'utf8')) as Record<string, unknown>;

/** Every `properties` entry in a schema, with its path. */
function properties(node: unknown, path: string, out: Array<[string, Record<string, unknown>]>): void {
  if (!node || typeof node !== 'object') return;
  if (Array.isArray(node)) return node.forEach((n, i) => properties(n, `${path}[${i}]`, out));
  const o = node as Record<string, unknown>;
  if (o['properties'] && typeof o['properties'] === 'object') {
    for (const [k, v] of Object.entries(o['properties'] as Record<string, Record<string, unknown>>)) out.push([`${path}.${k}`, v]);
  }
  for (const [k, v] of Object.entries(o)) properties(v, `${path}.${k}`, out);
}

for (const name of ['runbook', 'inventory']) {
  test(`every key of ${name}.schema.json has a description`, () => {
    const out: Array<[string, Record<string, unknown>]> = [];
    properties(schema(name), name, out);
    assert.ok(out.length > 20);
    for (const [path, s] of out) assert.type(s['description'], 'string', `${path} has no description`);
  });
}

test('the step keys the loader knows are exactly the schema step properties', () => {
  const step = (schema('runbook')['definitions'] as Record<string, Record<string, unknown>>)['step']!;
  assert.equal(Object.keys(step['properties'] as object).sort(), [...STEP_KEYS].sort());
});

test('phases, params and the top level are closed (unknown keys are errors); steps allow one action key', () => {
  const s = schema('runbook');
  const defs = s['definitions'] as Record<string, Record<string, unknown>>;
  assert.is(s['additionalProperties'], false);
  assert.is(defs['phase']!['additionalProperties'], false);
  assert.is(defs['param']!['additionalProperties'], false);
  assert.type(defs['step']!['additionalProperties'], 'object');
});

test('examples, fixtures and inventories name their schema for editors and are valid against it', () => {
  const files = [
    ...readdirSync('runbooks/examples').filter((f) => f.endsWith('.yaml')).map((f) => `runbooks/examples/${f}`),
    'runbooks/examples/lib/drain-and-run.yaml',
    'test/fixtures/load/features.yaml',
  ];
  const v = schemaValidator('runbook');
  for (const f of files) {
    const text = readFileSync(f, 'utf8');
    assert.match(text, /# yaml-language-server: \$schema=[./]*schemas\/runbook\.schema\.json/, f);
    assert.ok(v(parse(text)), `${f}: ${JSON.stringify(v.errors)}`);
  }
  const inv = schemaValidator('inventory');
  assert.ok(inv(parse(readFileSync('test/fixtures/load/native.yaml', 'utf8'))), JSON.stringify(inv.errors));
});

test.run();
