// Generates the validators of schemas/*.json and of every action's argument schema as one ES
// module of plain code (ajv's standalone mode), at build time: `runbook` then starts without
// loading ajv or compiling a schema. Run by scripts/build-validators.mjs after tsc.
import { createRequire } from 'node:module';
import { newAjv, schemaKey } from './schema-compile.js';

const require = createRequire(import.meta.url);

/** The module's source: one export per schema, and `byKey` mapping schemaKey(schema) to its validator. */
export function validatorsModule(schemas: object[]): string {
  const { _ } = require('ajv') as typeof import('ajv');
  const standaloneCode = (require('ajv/dist/standalone') as typeof import('ajv/dist/standalone/index.js')).default;
  const ajv = newAjv({ source: true, esm: true, formats: _`formats` });
  const keys = [...new Set(schemas.map(schemaKey))];
  const byKey = new Map(schemas.map((s) => [schemaKey(s), s]));
  const refs: Record<string, string> = {};
  keys.forEach((k, i) => {
    ajv.addSchema(byKey.get(k)!, `v${i}`);
    refs[`v${i}`] = `v${i}`;
  });
  const code = standaloneCode(ajv, refs);
  const head = [
    '// Generated at build time by scripts/build-validators.mjs from schemas/*.json and the actions\' argument',
    '// schemas (ajv standalone code). Do not edit; it is rebuilt by `npm run build`.',
    "import { createRequire } from 'node:module';",
    'const require = createRequire(import.meta.url);',
    ...(/\bformats\b/.test(code) ? ["import { formats } from './schema-formats.js';"] : []),
  ];
  const table = `export const byKey = {\n${keys.map((k, i) => `  ${JSON.stringify(k)}: v${i},`).join('\n')}\n};\n`;
  return `${head.join('\n')}\n${code}\n${table}`;
}
