// The validators generated at build time (ajv standalone code, scripts/build-validators.mjs) say
// exactly what ajv compiling the same schema at run time says, for every bad and good input we
// have; and a built CLI uses them for the shipped schemas and every action instead of ajv.
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { parseAllDocuments } from 'yaml';
import { actionCatalog } from '../../engine/actions/registry.js';
import { compileSchema } from '../../engine/load/schema-compile.js';
import { validatorsModule } from '../../engine/load/schema-codegen.js';
import { argsValidator, schemaValidator } from '../../engine/load/schema.js';
import { customTags } from '../../engine/load/source.js';
import type { ActionSpec } from '../../engine/model/action-spec.js';
import { packageRoot } from '../../engine/paths.js';
import { catalog as fixtureCatalog } from '../fixtures/load/catalog.js';

const root = packageRoot();
const here = dirname(fileURLToPath(import.meta.url));
type Validate = ((data: unknown) => boolean) & { errors?: unknown };

const shipped = ['runbook', 'inventory'].map((n) => JSON.parse(readFileSync(join(root, 'schemas', `${n}.schema.json`), 'utf8')) as object);
const specs: ActionSpec[] = [...Object.values(actionCatalog), ...Object.values(fixtureCatalog)];

/** Every YAML document we keep as fixtures or ship, as plain values (unparseable ones left out). */
function inputs(): unknown[] {
  const out: unknown[] = [];
  const walk = (dir: string, depth: number): void => {
    if (depth > 6 || !existsSync(dir)) return;
    for (const name of readdirSync(dir)) {
      const p = join(dir, name);
      const st = statSync(p);
      if (st.isDirectory()) walk(p, depth + 1);
      else if (/\.ya?ml$/.test(name) && st.size < 1_000_000) {
        for (const doc of parseAllDocuments(readFileSync(p, 'utf8'), { merge: true, customTags })) {
          if (doc.errors.length) continue;
          try {
            out.push(doc.toJS({ maxAliasCount: 200 }));
          } catch {
            /* an alias bomb: refused before validation anyway */
          }
        }
      }
    }
  };
  for (const d of ['test/fixtures', 'runbooks', 'inventories']) walk(join(root, d), 0);
  return out;
}

/** Every map inside a value (action arguments are checked on each: more errors to compare). */
function maps(v: unknown, out: object[] = [], depth = 0): object[] {
  if (depth > 30 || !v || typeof v !== 'object') return out;
  if (!Array.isArray(v)) out.push(v);
  for (const x of Object.values(v)) maps(x, out, depth + 1);
  return out;
}

/** JSON of a value: shared subtrees written out each time (ajv's schema objects and the generated
 * code's share differently), a cycle (a self-referencing YAML alias) cut. */
function json(x: unknown, open = new Set<object>()): string {
  if (x === undefined) return 'null';
  if (!x || typeof x !== 'object') return JSON.stringify(x);
  if (open.has(x)) return '"[cycle]"';
  open.add(x);
  const s = Array.isArray(x)
    ? `[${x.map((y) => json(y, open)).join(',')}]`
    : `{${Object.entries(x).filter(([, y]) => y !== undefined).map(([k, y]) => `${JSON.stringify(k)}:${json(y, open)}`).join(',')}}`;
  open.delete(x);
  return s;
}

/** What a validator says about a value: valid or not, and every error with its schema and data. */
const result = (v: Validate, data: unknown): string => json({ ok: v(data), errors: v.errors });

test('validators generated from the schemas report exactly what ajv reports, for every fixture and every map in them', async () => {
  const schemas = [...shipped, ...specs.map((s) => s.schema)];
  // Written inside the package so the module's require('ajv/dist/runtime/…') resolves.
  const dir = join(here, `generated-${process.pid}`);
  mkdirSync(dir, { recursive: true });
  try {
    const formatsUrl = pathToFileURL(join(root, 'dist', 'engine', 'load', 'schema-formats.js')).href;
    const code = validatorsModule(schemas).replace("from './schema-formats.js'", `from '${formatsUrl}'`);
    writeFileSync(join(dir, 'validators.mjs'), code);
    const { byKey } = (await import(pathToFileURL(join(dir, 'validators.mjs')).href)) as { byKey: Record<string, Validate> };
    const { schemaKey } = await import('../../engine/load/schema-compile.js');
    const docs = inputs();
    assert.ok(docs.length > 100, `only ${docs.length} documents`);
    let compared = 0;
    let failing = 0;
    for (const schema of shipped) {
      const gen = byKey[schemaKey(schema)]!;
      const ajv = compileSchema(schema) as Validate;
      assert.ok(gen, 'no generated validator for a shipped schema');
      for (const d of docs) {
        const a = result(ajv, d);
        assert.is(result(gen, d), a);
        compared++;
        if (a.startsWith('{"ok":false')) failing++;
      }
    }
    // Distinct maps only (the same step written in many fixtures is compared once).
    const all = [...new Map(docs.flatMap((d) => maps(d)).map((m) => [json(m), m])).values()];
    for (const spec of specs) {
      const gen = byKey[schemaKey(spec.schema)]!;
      const ajv = compileSchema(spec.schema) as Validate;
      assert.ok(gen, `no generated validator for action ${spec.name}`);
      // Its arguments wherever a step uses it (as a map or a shorthand), and maps of every other shape.
      const args = all.flatMap((m) => (spec.name in m ? [(m as Record<string, unknown>)[spec.name]] : []));
      const shorthand = spec.shorthand ? args.filter((a) => !a || typeof a !== 'object').map((a) => ({ [spec.shorthand!]: a })) : [];
      for (const m of [...args, ...shorthand, ...all.filter((_, i) => i % 10 === 0)]) {
        assert.is(result(gen, m), result(ajv, m), `action ${spec.name}`);
        compared++;
      }
    }
    assert.ok(failing > 100, `only ${failing} inputs had errors to compare`);
    assert.ok(compared > 1000, `only ${compared} comparisons`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a built runbook uses the generated validators for its schemas and every action, not ajv at run time', () => {
  const generated = join(here, '..', '..', 'engine', 'load', 'validators.generated.js');
  if (!existsSync(generated)) {
    console.log(`SKIP: ${generated} does not exist (running from source, or built with tsc alone: npm run build makes it)`);
    return;
  }
  // ajv's own compiled functions carry their schemaEnv; standalone code does not.
  const fromAjv = (v: object) => 'schemaEnv' in v;
  const stale = 'is stale: run `npm run build`';
  assert.not.ok(fromAjv(schemaValidator('runbook')), `runbook schema compiled at run time: ${generated} ${stale}`);
  assert.not.ok(fromAjv(schemaValidator('inventory')), `inventory schema compiled at run time: ${generated} ${stale}`);
  for (const spec of Object.values(actionCatalog)) {
    assert.not.ok(fromAjv(argsValidator(spec.schema, spec.name)), `action ${spec.name} compiled at run time: ${generated} ${stale}`);
  }
});

test('a schema nobody generated code for is compiled with ajv at run time, and validates', () => {
  const v = argsValidator({ type: 'object', required: ['only_in_this_test'] }, 'test');
  assert.ok('schemaEnv' in v);
  assert.not.ok(v({}));
  assert.ok(v({ only_in_this_test: 1 }));
});

test.run();
