// Compiling JSON Schemas with ajv: the one set of options, the cache key of a schema, and the
// compile itself. ajv is required on first use only: with the validators generated at build time
// (schema-codegen.ts) a command never loads it, and never pays for compiling a schema.
import { createHash } from 'node:crypto';
import { createRequire } from 'node:module';
import type { Ajv as AjvClass, Options, ValidateFunction } from 'ajv';
import { formats } from './schema-formats.js';

const require = createRequire(import.meta.url);

/** allErrors: every problem in one pass; verbose: errors carry data and schema for the messages. */
export const AJV_OPTIONS = { allErrors: true, strict: false, verbose: true } as const satisfies Options;

/** A new ajv with our options and formats (`code` for generating standalone source). */
export function newAjv(code?: Options['code']): AjvClass {
  const { Ajv } = require('ajv') as typeof import('ajv');
  const ajv = new Ajv({ ...AJV_OPTIONS, ...(code ? { code } : {}) });
  for (const [name, f] of Object.entries(formats)) ajv.addFormat(name, f);
  return ajv;
}

/** Identifies a schema by content: a generated validator is used only for the exact schema it was generated from. */
export function schemaKey(schema: object): string {
  return createHash('sha256').update(JSON.stringify(schema)).digest('hex');
}

let shared: AjvClass | undefined;

/** Compile at run time (no generated validator for this schema): one ajv for the process. */
export function compileSchema(schema: object): ValidateFunction {
  shared ??= newAjv();
  return shared.compile(schema);
}
