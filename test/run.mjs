// Runs the compiled uvu suites (dist/test/**/*.test.js) in one process each file, echoes their
// output, and ends with the plain line CI reads: `N passed, N failed` (plus skipped).
// Usage: node test/run.mjs [substring-filter …] (a file runs when its path contains any filter)
import { spawn } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const distTest = join(root, 'dist', 'test');
const filters = process.argv.slice(2);

function walk(dir) {
  const out = [];
  for (const name of readdirSync(dir).sort()) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) out.push(...walk(p));
    else if (name.endsWith('.test.js')) out.push(p);
  }
  return out;
}

const files = walk(distTest).filter((f) => filters.length === 0 || filters.some((x) => relative(root, f).includes(x)));
let passed = 0, failed = 0, skipped = 0;
const failedFiles = [];
for (const file of files) {
  const rel = relative(root, file);
  process.stdout.write(`\n# ${rel}\n`);
  const code = await new Promise((resolve) => {
    const child = spawn(process.execPath, [file], { cwd: root, stdio: ['ignore', 'pipe', 'inherit'], env: { ...process.env, FORCE_COLOR: '0' } });
    let out = '';
    child.stdout.on('data', (d) => { out += d; process.stdout.write(d); });
    child.on('close', (c) => {
      const total = Number(/Total:\s+(\d+)/.exec(out)?.[1] ?? 0);
      const ok = Number(/Passed:\s+(\d+)/.exec(out)?.[1] ?? 0);
      const sk = Number(/Skipped:\s+(\d+)/.exec(out)?.[1] ?? 0);
      passed += ok; skipped += sk;
      let bad = total - ok - sk;
      if (c !== 0 && bad === 0) bad = 1; // a crash before uvu's summary still counts as a failure
      failed += bad;
      if (bad > 0) failedFiles.push(rel);
      resolve(c);
    });
  });
  void code;
}
if (failedFiles.length) process.stdout.write(`\nFailed files:\n${failedFiles.map((f) => `  ${f}`).join('\n')}\n`);
process.stdout.write(`\n${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}\n`);
process.exit(failed > 0 || files.length === 0 ? 1 : 0);
