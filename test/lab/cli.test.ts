// `runbook lab up|status|down` through the real CLI: a detached lab leaves no process behind after
// `lab down`, a foreground lab stops on SIGTERM, and bad flags are usage errors.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { execFile, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { packageRoot } from '../../engine/paths.js';
import { labCommand } from '../../engine/lab/cli.js';
import { parseFault, parseTopology } from '../../engine/lab/cli-args.js';
import type { LabFaults } from '../../engine/lab/contract.js';
import { isRunning } from '../helpers/process.js';

const main = join(packageRoot(), 'dist', 'engine', 'cli', 'main.js');
const cli = (args: string[]): Promise<{ code: number; stdout: string; stderr: string }> =>
  promisify(execFile)(process.execPath, [main, 'lab', ...args], { timeout: 60_000, encoding: 'utf8' })
    .then((r) => ({ code: 0, stdout: r.stdout, stderr: r.stderr }))
    .catch((e: { code?: number; stdout?: string; stderr?: string }) => ({ code: typeof e.code === 'number' ? e.code : 1, stdout: e.stdout ?? '', stderr: e.stderr ?? '' }));

const alive = isRunning;
const dirs: string[] = [];
const started: number[] = [];
function tempDir(): string { const d = mkdtempSync(join(tmpdir(), 'runbook-lab-cli-')); dirs.push(d); return d; }

test.after(() => {
  // Whatever a failed test left running is stopped here by its PID.
  for (const p of started) { try { process.kill(p, 'SIGKILL'); } catch { /* gone */ } }
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

test('lab up --detach, status, then down: every PID in state.json is gone afterwards', async () => {
  const dir = tempDir();
  const up = await cli(['up', '--dir', dir, '--detach', '--json', '--time-scale', '0.05', '--fault', 'disk-full=cp-1', '--fault', 'ssh-drop=*:apt-get install']);
  assert.is(up.code, 0, up.stderr);
  const ready = JSON.parse(up.stdout) as { pids: number[]; token?: string; nodes: unknown[] };
  assert.is(ready.token, undefined, 'the token is not printed');
  const state = JSON.parse(readFileSync(join(dir, 'state.json'), 'utf8')) as { pids: number[] };
  started.push(...state.pids);
  assert.ok(state.pids.length > 0 && state.pids.every(alive), 'the lab process runs');
  assert.not.ok(state.pids.includes(process.pid));

  const st = await cli(['status', '--dir', dir, '--json']);
  assert.is(st.code, 0, st.stderr);
  const view = JSON.parse(st.stdout) as { serverVersion: string; nodes: Array<{ name: string; ready: boolean }>; faults: { diskFull: string[]; sshDrop: Record<string, string> } };
  assert.is(view.serverVersion, 'v1.30.4');
  assert.equal(view.faults.diskFull, ['cp-1'], 'faults from the command line reach the lab');
  assert.equal(view.faults.sshDrop, { '*': 'apt-get install' });
  assert.is(view.nodes.length, 8);
  assert.ok(view.nodes.every((n) => n.ready));

  const again = await cli(['up', '--dir', dir, '--detach']);
  assert.is(again.code, 3, 'a second lab in the same directory is refused');
  assert.match(again.stderr, 'a lab already runs in');

  const down = await cli(['down', '--dir', dir]);
  assert.is(down.code, 0, down.stderr);
  for (const p of state.pids) assert.not.ok(alive(p), `pid ${p} is gone`);
  assert.not.ok(existsSync(join(dir, 'state.json')));
  const records = JSON.parse(readFileSync(join(dir, 'records.json'), 'utf8')) as { commands: unknown[]; availability: Record<string, unknown> };
  assert.ok(Array.isArray(records.commands) && Object.keys(records.availability).length > 0, 'the records outlive the lab');
  const none = await cli(['status', '--dir', dir]);
  assert.is(none.code, 1);
});

test('a foreground lab runs until SIGTERM, then stops and removes state.json', async () => {
  const dir = tempDir();
  const child = spawn(process.execPath, [main, 'lab', 'up', '--dir', dir, '--topology', '1,1,0'], { stdio: ['ignore', 'pipe', 'pipe'] });
  started.push(child.pid!);
  let out = '';
  child.stdout!.on('data', (d: Buffer) => { out += d.toString(); });
  const until = Date.now() + 30_000;
  while (!existsSync(join(dir, 'state.json')) && Date.now() < until) await new Promise((r) => setTimeout(r, 50));
  assert.ok(existsSync(join(dir, 'state.json')), 'the lab became ready');
  const exited = new Promise<number | null>((res) => child.on('exit', (c) => res(c)));
  child.kill('SIGTERM');
  const code = await Promise.race([exited, new Promise<'timeout'>((r) => setTimeout(() => r('timeout'), 10_000))]);
  assert.is(code, 0);
  assert.match(out, 'runbook lab: 2 nodes at Kubernetes v1.30.4');
  assert.not.ok(existsSync(join(dir, 'state.json')));
});

test('bad flags are usage errors (exit 2) naming what is wrong', async () => {
  const errs: string[] = [];
  const write = process.stderr.write.bind(process.stderr);
  process.stderr.write = ((s: string) => { errs.push(String(s)); return true; }) as typeof process.stderr.write;
  try {
    assert.is(await labCommand(['up', '--topology', '3,x,2']), 2);
    assert.is(await labCommand(['up', '--fault', 'meteor=cp-1']), 2);
    assert.is(await labCommand(['up', '--fault', 'ssh-drop=worker-1']), 2);
    assert.is(await labCommand(['sideways']), 2);
  } finally {
    process.stderr.write = write;
  }
  const text = errs.join('');
  assert.match(text, '--topology wants CONTROL_PLANES,WORKERS,GPU_NODES like 3,3,2');
  assert.match(text, 'unknown fault "meteor"');
  assert.match(text, '--fault ssh-drop wants NODE:SUBSTRING');
  assert.match(text, 'unknown lab command "sideways"');
});

test('--fault accepts every kind, in kebab or camel case, lists accumulating', () => {
  const f: Partial<LabFaults> = {};
  for (const a of ['never-ready=worker-1,worker-2', 'neverReady=gpu-1', 'api-5xx=12', 'pdb-blocked=default/web', 'ssh-drop=cp-1:kubeadm upgrade apply', 'disk-full=cp-1']) parseFault(a, f);
  assert.equal(f, { neverReady: ['worker-1', 'worker-2', 'gpu-1'], api5xx: 12, pdbBlocked: ['default/web'], sshDrop: { 'cp-1': 'kubeadm upgrade apply' }, diskFull: ['cp-1'] });
  assert.equal(parseTopology('1,0,0'), { controlPlanes: 1, workers: 0, gpus: 0 });
  assert.throws(() => parseTopology('0,3,2'), /at least one control plane/);
});

test.run();
