// stop() leaves nothing running: a process that started a lab cluster with pending timers, an
// open watch and keep-alive connections exits on its own once the cluster is stopped.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

test('a process exits on its own after stop(): no timer, socket or watch is left', async () => {
  const here = fileURLToPath(import.meta.url);
  const compiled = here.replace(/stop\.test\.(js|ts)$/, 'stop-child.js');
  const args = here.endsWith('.ts') ? ['--import', 'tsx', here.replace(/stop\.test\.ts$/, 'stop-child.ts')] : [compiled];
  if (!here.endsWith('.ts')) assert.ok(existsSync(compiled), `${compiled} is built`);
  const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout.on('data', (d: Buffer) => (out += d));
  child.stderr.on('data', (d: Buffer) => (out += d));
  const exited = await new Promise<number | null | 'hung'>((resolve) => {
    const t = setTimeout(() => resolve('hung'), 8000);
    child.on('exit', (code) => {
      clearTimeout(t);
      resolve(code);
    });
  });
  if (exited === 'hung') child.kill('SIGKILL'); // by its own handle, never by name
  assert.is(exited, 0, `the child should exit 0 on its own; output:\n${out}`);
  assert.match(out, /stopped \(delete answered 200\)/);
});

test.run();
