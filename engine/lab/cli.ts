// `runbook lab up|status|down`: start a lab in the foreground or detached, show it, stop it.
// Returns the exit code (0 ok, 1 failed, 2 usage, 3 refused: a lab already runs in that directory).
import { spawn } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { packageRoot } from '../paths.js';
import type { LabFaults, LabOptions } from './contract.js';
import { labPaths, readState, type LabState } from './files.js';
import { LabUsageError, parseFault, parseTopology } from './cli-args.js';

const USAGE = `usage: runbook lab up     [--dir DIR] [--version 1.30.4] [--topology 3,3,2] [--time-scale F]
                         [--fault KIND=ARG]... [--detach] [--json]
       runbook lab status [--dir DIR] [--json]
       runbook lab down   [--dir DIR]
DIR defaults to .lab in the current directory. Faults: never-ready=NODE, api-5xx=N,
pdb-blocked=NS/NAME, ssh-drop=NODE:SUBSTRING (NODE may be *), disk-full=NODE.
`;

class Usage extends Error {}
const isUsage = (e: unknown): e is Error => e instanceof Usage || e instanceof LabUsageError;

interface Args { dir: string; json: boolean; detach: boolean; foreground: boolean; opts: LabOptions; raw: string[] }

function parseArgs(argv: string[]): Args {
  const faults: Partial<LabFaults> = {};
  const a: Args = { dir: resolve('.lab'), json: false, detach: false, foreground: false, opts: { dir: '' }, raw: [] };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    const [flag, inline] = arg.startsWith('--') && arg.includes('=') ? [arg.slice(0, arg.indexOf('=')), arg.slice(arg.indexOf('=') + 1)] : [arg, undefined];
    const value = (): string => {
      const v = inline ?? argv[++i];
      if (v === undefined || v === '') throw new Usage(`${flag} needs a value`);
      return v;
    };
    switch (flag) {
      case '--dir': a.dir = resolve(value()); break;
      case '--json': a.json = true; break;
      case '--detach': a.detach = true; break;
      case '--foreground': a.foreground = true; break;
      case '--version': { const v = value(); a.opts.version = v; a.raw.push('--version', v); break; }
      case '--topology': { const v = value(); a.opts.topology = parseTopology(v); a.raw.push('--topology', v); break; }
      case '--time-scale': {
        const v = value();
        const n = Number(v);
        if (!Number.isFinite(n) || n < 0) throw new Usage(`--time-scale wants a number ≥ 0 (got "${v}")`);
        a.opts.timeScale = n;
        a.raw.push('--time-scale', v);
        break;
      }
      case '--fault': { const v = value(); parseFault(v, faults); a.raw.push('--fault', v); break; }
      default: throw new Usage(`unknown option "${arg}"`);
    }
  }
  a.opts.dir = a.dir;
  a.opts.faults = faults;
  return a;
}

const say = (s: string): void => { process.stderr.write(s); };

function alive(pid: number): boolean {
  try { process.kill(pid, 0); return true; } catch (e) { return (e as NodeJS.ErrnoException).code === 'EPERM'; }
}

/** A live lab already owns this directory? (A state.json whose processes are gone is stale.) */
function running(dir: string): LabState | undefined {
  const st = readState(dir);
  if (!st) return undefined;
  if (st.pids.some(alive)) return st;
  rmSync(labPaths(dir).state, { force: true });
  return undefined;
}

function describe(st: LabState, ms?: number): string {
  const p = labPaths(st.dir);
  return `runbook lab: ${st.nodes.length} nodes at Kubernetes v${st.kubernetesVersion} on 127.0.0.1${ms === undefined ? '' : ` (ready in ${ms} ms)`}, pid ${st.pids.join(' ')}
  kubeconfig:  ${st.kubeconfig}
  inventory:   ${st.inventory}
  known_hosts: ${st.knownHosts}
  ssh key:     ${st.identityFile}
  API server:  ${st.apiUrl}
  control:     ${st.controlUrl} (token in ${p.state})
Try:  KUBECONFIG=${st.kubeconfig} kubectl get nodes
      runbook exec runbooks/upgrade-1.31.yaml -i ${st.inventory}
`;
}

/** What the JSON outputs show of state.json: everything but the token. */
function publicState(st: LabState): Omit<LabState, 'token'> {
  const { token: _t, ...rest } = st;
  return rest;
}

async function up(a: Args): Promise<number> {
  const other = running(a.dir);
  if (other) {
    say(`runbook lab: a lab already runs in ${a.dir} (pid ${other.pids.join(' ')}); stop it with \`runbook lab down --dir ${a.dir}\`\n`);
    return 3;
  }
  return a.detach ? detach(a) : foreground(a);
}

async function foreground(a: Args): Promise<number> {
  const t0 = performance.now();
  const { startRunningLab } = await import('./index.js');
  const lab = await startRunningLab(a.opts);
  const ms = Math.round(performance.now() - t0);
  if (a.json) process.stdout.write(JSON.stringify({ event: 'lab.ready', readyMs: ms, ...publicState(lab.state) }) + '\n');
  else process.stdout.write(describe(lab.state, ms) + (a.foreground ? '' : 'Ctrl-C stops the lab.\n'));
  const signal = await new Promise<NodeJS.Signals>((res) => {
    const on = (s: NodeJS.Signals): void => { process.off('SIGINT', on); process.off('SIGTERM', on); process.off('SIGHUP', on); res(s); };
    process.on('SIGINT', on);
    process.on('SIGTERM', on);
    if (a.foreground) process.on('SIGHUP', on);
  });
  say(`runbook lab: ${signal}, stopping the lab in ${a.dir}\n`);
  await lab.stop();
  return 0;
}

/** Start `runbook lab up --foreground` detached, its output in DIR/lab.log, and wait until it is ready. */
async function detach(a: Args): Promise<number> {
  const main = join(packageRoot(), 'dist', 'engine', 'cli', 'main.js');
  if (!existsSync(main)) { say(`runbook lab: ${main} is missing; build first (npm run build)\n`); return 1; }
  const paths = labPaths(a.dir);
  mkdirSync(a.dir, { recursive: true });
  const log = openSync(paths.log, 'w');
  const child = spawn(process.execPath, [main, 'lab', 'up', '--dir', a.dir, ...a.raw, '--foreground'], { detached: true, stdio: ['ignore', log, log] });
  closeSync(log);
  child.unref();
  let exited: number | null = null;
  child.once('exit', (code) => { exited = code ?? 1; });
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline) {
    const st = readState(a.dir);
    if (st?.ready && st.pids.includes(child.pid!)) {
      if (a.json) process.stdout.write(JSON.stringify({ event: 'lab.ready', log: paths.log, ...publicState(st) }) + '\n');
      else process.stdout.write(describe(st) + `Log: ${paths.log}. Stop it with: runbook lab down --dir ${a.dir}\n`);
      return 0;
    }
    if (exited !== null) break;
    await new Promise((r) => setTimeout(r, 50));
  }
  const tail = existsSync(paths.log) ? readFileSync(paths.log, 'utf8').split('\n').slice(-15).join('\n') : '';
  if (exited === null && child.pid) { try { process.kill(-child.pid, 'SIGKILL'); } catch { /* gone */ } }
  say(`runbook lab: the lab in ${a.dir} did not become ready${exited !== null ? ` (it exited with ${exited})` : ' within 30 s'}; its log (${paths.log}) ends:\n${tail}\n`);
  return 1;
}

async function status(a: Args): Promise<number> {
  const st = running(a.dir);
  if (!st) { say(`runbook lab: no lab runs in ${a.dir} (no live state.json); start one with \`runbook lab up --dir ${a.dir}\`\n`); return 1; }
  let live: StatusView;
  try {
    const res = await fetch(`${st.controlUrl}/status`, { headers: { authorization: `Bearer ${st.token}` }, signal: AbortSignal.timeout(5_000) });
    if (!res.ok) throw new Error(`HTTP ${res.status}`);
    live = (await res.json()) as StatusView;
  } catch (e) {
    say(`runbook lab: the lab in ${a.dir} (pid ${st.pids.join(' ')}) does not answer at ${st.controlUrl}: ${(e as Error).message}\n`);
    return 1;
  }
  if (a.json) {
    process.stdout.write(JSON.stringify({ ...publicState(st), ...live }, null, 2) + '\n');
    return 0;
  }
  process.stdout.write(describe(st) + `\nAPI server at ${live.serverVersion}\n`);
  const rows = [['NODE', 'ROLE', 'SSH PORT', 'STATUS', 'KUBELET', 'kubeadm / kubelet / kubectl packages']];
  for (const n of live.nodes) {
    const state = `${n.ready ? 'Ready' : 'NotReady'}${n.unschedulable ? ',SchedulingDisabled' : ''}`;
    rows.push([n.name, n.role, String(n.port), state, n.kubeletVersion, `${n.packages.kubeadm} / ${n.packages.kubelet} / ${n.packages.kubectl}`]);
  }
  const w = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
  for (const r of rows) process.stdout.write(r.map((c, i) => c.padEnd(w[i]! + 2)).join('').trimEnd() + '\n');
  const rec = live.records;
  process.stdout.write(`\nRecords: ${rec.commands} commands over SSH (${rec.nonZeroExits} exited non-zero, skip_if checks included; ${rec.cutOff} cut off or still running), ${rec.apiWrites} API writes\n`);
  for (const [pdb, v] of Object.entries(rec.availability)) {
    process.stdout.write(`  ${pdb}: lowest healthy ${v.minHealthy} (needs ${v.minAvailable}), ${v.momentsBelow} moments below\n`);
  }
  return 0;
}

interface StatusView {
  serverVersion: string;
  nodes: Array<{ name: string; role: string; port: number; ready: boolean; unschedulable: boolean; kubeletVersion: string; packages: Record<string, string> }>;
  records: { commands: number; nonZeroExits: number; cutOff: number; apiWrites: number; availability: Record<string, { minAvailable: number; minHealthy: number; momentsBelow: number }> };
}

/** Is this PID still the lab (and not a recycled PID of something else)? Best effort via /proc. */
function isLabProcess(pid: number): boolean {
  try { return readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes('lab'); } catch { return alive(pid); }
}

async function down(a: Args): Promise<number> {
  const st = readState(a.dir);
  if (!st) { say(`runbook lab: no lab in ${a.dir} (no state.json); nothing to stop\n`); return 0; }
  const pids = st.pids.filter((p) => alive(p) && isLabProcess(p) && p !== process.pid);
  for (const p of pids) { try { process.kill(p, 'SIGTERM'); } catch { /* already gone */ } }
  const waitGone = async (ms: number): Promise<number[]> => {
    const until = Date.now() + ms;
    let left = pids.filter(alive);
    while (left.length && Date.now() < until) { await new Promise((r) => setTimeout(r, 50)); left = left.filter(alive); }
    return left;
  };
  let left = await waitGone(5_000);
  if (left.length) {
    say(`runbook lab: pid ${left.join(' ')} did not stop after SIGTERM within 5 s; sending SIGKILL\n`);
    for (const p of left) { try { process.kill(p, 'SIGKILL'); } catch { /* gone */ } }
    left = await waitGone(2_000);
  }
  rmSync(labPaths(a.dir).state, { force: true });
  if (left.length) { say(`runbook lab: pid ${left.join(' ')} is still running\n`); return 1; }
  say(`runbook lab: stopped the lab in ${a.dir}${pids.length ? ` (pid ${pids.join(' ')})` : ' (its process was already gone)'}\n`);
  return 0;
}

export async function labCommand(argv: string[]): Promise<number> {
  const [sub, ...rest] = argv;
  try {
    if (sub === undefined || sub === 'help') { (sub ? process.stdout : process.stderr).write(USAGE); return sub ? 0 : 2; }
    const a = parseArgs(rest);
    if (sub === 'up') return await up(a);
    if (sub === 'status') return await status(a);
    if (sub === 'down') return await down(a);
    throw new Usage(`unknown lab command "${sub}" (up, status, down)`);
  } catch (e) {
    if (isUsage(e)) { say(`runbook lab: ${e.message}\n${USAGE}`); return 2; }
    throw e;
  }
}
