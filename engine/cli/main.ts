// The `runbook` command's entry point (engine/cli/runbook.mjs and `node dist/engine/cli/main.js`):
// tunes V8 for a command-line run, then starts the CLI (command-line.ts) — from the bundle
// `npm run build` makes (dist/bundle/: a few files instead of ~300 modules to resolve and load)
// when that bundle was built from exactly the files now in dist/ and node_modules/, else as modules.
import { freshBundle } from './bundle-check.js';
import { tuneV8ForCli } from './v8-tuning.js';

tuneV8ForCli();
// --version and --help load a handful of small modules: checking the bundle would cost more.
const tiny = ['--version', '-V', 'version', '--help', '-h', 'help', undefined].includes(process.argv[2]);
await import((tiny ? undefined : freshBundle(import.meta.url)) ?? './command-line.js');
