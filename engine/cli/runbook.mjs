#!/usr/bin/env node
// The `runbook` command: a thin launcher for the compiled CLI (built by `npm install` via `prepare`).
import { existsSync } from 'node:fs';
const main = new URL('../../dist/engine/cli/main.js', import.meta.url);
if (!existsSync(main)) {
  process.stderr.write('runbook: the engine is not built yet; run `npm install` (or `npm run build`) in the project directory.\n');
  process.exit(2);
}
await import(main.href);
