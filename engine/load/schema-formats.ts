// The custom JSON Schema formats (`duration`, `version`) of schemas/*.json, in one place for both
// the run-time ajv compiler and the validators generated at build time (schema-codegen.ts).
import { parseDuration } from './duration.js';

export const formats = {
  duration: { type: 'string', validate: (s: string) => parseDuration(s) !== undefined },
  version: /^v?\d+\.\d+(\.\d+)?([-+][0-9A-Za-z.-]+)?$/,
} as const;
