#!/usr/bin/env node
// Build step run after `tsc` (npm run build / prepare / test / bench): writes
// dist/engine/load/validators.generated.js, the JSON Schema validators of schemas/*.json and of
// every action's arguments as plain code, so `runbook` starts without compiling them with ajv.
// Generated into dist/ (never committed): a validator is used only for the exact schema it was
// generated from (engine/load/schema.ts compares content keys), so a stale or missing file is
// never wrong, only slower — ajv then compiles that schema at run time, as before.
import { readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';

const dist = new URL('../dist/engine/', import.meta.url);
const { validatorsModule } = await import(new URL('load/schema-codegen.js', dist).href);
const { actionCatalog } = await import(new URL('actions/registry.js', dist).href);

const schemas = ['runbook', 'inventory'].map((n) => JSON.parse(readFileSync(new URL(`../schemas/${n}.schema.json`, import.meta.url), 'utf8')));
for (const spec of Object.values(actionCatalog)) schemas.push(spec.schema);

const out = new URL('load/validators.generated.js', dist);
const tmp = new URL(`load/validators.generated.js.${process.pid}.tmp`, dist);
let code;
try {
  code = validatorsModule(schemas);
} catch (e) {
  // Only a faster start is lost: ajv compiles at run time (and names a schema that does not compile).
  rmSync(out, { force: true });
  process.stderr.write(`build-validators: ${e.message}; schemas will be compiled at run time instead\n`);
  process.exit(0);
}
writeFileSync(tmp, code);
renameSync(tmp, out); // atomic: a CLI starting meanwhile sees the old file or the new one
