// `npm run bench`: runs every benchmark of bench/ as a child process (each bounded by a timeout),
// collects their results and writes bench/results.md. A benchmark whose tools are missing is
// reported as "not run: <reason>", never as met.
// Usage: npm run bench [-- --only scale,startup] [-- --quick]
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, realpathSync, writeFileSync } from 'node:fs';
import { totalmem } from 'node:os';
import { dirname, join } from 'node:path';
import { packageRoot } from '../engine/paths.js';
import { drainRows, fanoutRows, lastJsonObject, type DrainJson, type FanoutJson } from './lib/adapt.js';
import { describe, machine } from './lib/machine.js';
import { resultsMarkdown, type Section } from './lib/markdown.js';
import { resultsDir, type BenchResult } from './lib/result.js';

const root = packageRoot();
const argv = process.argv.slice(2);
const quick = argv.includes('--quick');

function which(cmd: string): string | undefined {
  try {
    return execFileSync('bash', ['-c', `command -v ${cmd}`], { encoding: 'utf8', timeout: 5000 }).trim() || undefined;
  } catch {
    return undefined;
  }
}
function kubectlBeside(minor: string): string | undefined {
  const k = which('kubectl');
  if (!k) return undefined;
  const p = join(dirname(realpathSync(k)), `kubectl.${minor}`);
  return existsSync(p) ? p : undefined;
}
const readJson = <T>(file: string): T => JSON.parse(readFileSync(file, 'utf8')) as T;
const ownResult = (name: string) => (): BenchResult => readJson<BenchResult>(join(resultsDir(), `${name}.json`));

interface Bench {
  key: string;
  title: string;
  entry: string;
  args: string[];
  timeoutMs: number;
  /** Why it cannot run here, or undefined. */
  missing(): string | undefined;
  /** Rows from the finished run (stdout of the child for those that print their result). */
  collect(stdout: string, started: number): BenchResult;
}

const benches: Bench[] = [
  {
    key: 'startup', title: 'Start-up', entry: 'dist/bench/startup/run.js', args: quick ? ['--quick'] : [], timeoutMs: 5 * 60_000,
    missing: () => undefined, collect: ownResult('startup'),
  },
  {
    key: 'scale', title: 'Scale: validate and plan on large inventories', entry: 'dist/bench/scale/run.js', args: quick ? ['--quick'] : [], timeoutMs: 30 * 60_000,
    missing: () => undefined, collect: ownResult('scale'),
  },
  {
    key: 'drain', title: 'Drain: runbook vs kubectl drain', entry: 'dist/bench/drain/run.js', args: quick ? ['--pairs', '1'] : [], timeoutMs: 30 * 60_000,
    missing: () => (kubectlBeside('1.33') ? undefined : 'kubectl.1.33 is not beside the kubectl on PATH'),
    collect: (stdout) => {
      const j = lastJsonObject(stdout) as DrainJson | undefined;
      if (!j?.runs_ms) throw new Error('the drain benchmark printed no JSON summary');
      return { name: 'drain', date: new Date().toISOString(), rows: drainRows(j), details: `Per round (ms): runbook ${j.runs_ms.runbook.map((x) => x.toFixed(0)).join(', ')}; runbook-cold ${j.runs_ms['runbook-cold'].map((x) => x.toFixed(0)).join(', ')}; kubectl ${j.runs_ms.kubectl.map((x) => x.toFixed(0)).join(', ')}. Process CPU medians: runbook-cold ${j.process_cpu_s_median?.['runbook-cold']?.toFixed(2) ?? '—'} CPU-s, kubectl ${j.process_cpu_s_median?.kubectl?.toFixed(2) ?? '—'} CPU-s. See bench/drain/README.md.`, raw: j };
    },
  },
  {
    key: 'ssh-fanout', title: 'SSH fan-out: runbook vs Ansible vs bare ssh2', entry: 'dist/bench/ssh-fanout/run.js', args: quick ? ['--rounds', '1'] : [], timeoutMs: 45 * 60_000,
    missing: () => (existsSync('/usr/sbin/sshd') ? undefined : 'OpenSSH sshd (/usr/sbin/sshd) is not installed (apt-get install openssh-server)'),
    collect: (stdout, started) => {
      const file = join(resultsDir(), 'ssh-fanout.json');
      const j = readJson<FanoutJson>(file);
      if (Date.parse(j.date) < started) throw new Error(`${file} was not rewritten by this run`);
      const ansible = which('ansible-playbook') ? undefined : 'ansible-playbook missing (apt-get install -y ansible-core)';
      const table = stdout.slice(0, stdout.indexOf('\n\nResults:') >= 0 ? stdout.indexOf('\n\nResults:') : undefined).trim();
      return { name: 'ssh-fanout', date: j.date, rows: fanoutRows(j, ansible), details: `${table}\n\nSee the SSH fan-out section of bench/README.md.`, raw: j };
    },
  },
  {
    key: 'overhead', title: 'Engine overhead: full lab upgrade vs its irreducible waits', entry: 'dist/bench/overhead/run.js', args: quick ? ['--quick'] : [], timeoutMs: 60 * 60_000,
    missing: () => (which('kubectl') ? undefined : 'no kubectl on PATH (the lab nodes run the real kubectl)'),
    collect: ownResult('overhead'),
  },
];

function usage(msg: string): never {
  process.stderr.write(`bench: ${msg}\nusage: npm run bench [-- --only ${benches.map((b) => b.key).join(',')}] [-- --quick]\n`);
  process.exit(2);
}

const onlyAt = argv.indexOf('--only');
const only = onlyAt >= 0 ? (argv[onlyAt + 1] ?? usage('--only needs a list')).split(',') : undefined;
for (const k of only ?? []) if (!benches.some((b) => b.key === k)) usage(`unknown benchmark "${k}"`);
for (const a of argv) if (a.startsWith('--') && !['--only', '--quick'].includes(a)) usage(`unknown option ${a}`);

/** Run one benchmark's entry; stderr passes through so the person sees progress. */
function runChild(b: Bench): Promise<{ code: number | null; stdout: string; timedOut: boolean }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [join(root, b.entry), ...b.args], { cwd: root, stdio: ['ignore', 'pipe', 'inherit'], detached: true });
    let stdout = '';
    child.stdout.on('data', (d: Buffer) => { stdout += d.toString(); process.stdout.write(d); });
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      // The benchmark's own process group: it and anything it started that did not detach.
      try { process.kill(-child.pid!, 'SIGTERM'); } catch { /* gone */ }
      setTimeout(() => { try { process.kill(-child.pid!, 'SIGKILL'); } catch { /* gone */ } }, 10_000).unref();
    }, b.timeoutMs);
    child.on('close', (code) => { clearTimeout(timer); resolve({ code, stdout, timedOut }); });
  });
}

function shortMachine(): string {
  const m = machine();
  return `${m.cores} cores, ${Math.round(totalmem() / 2 ** 30)} GiB, Node ${m.node}, load ${m.load.split(' ')[0]}`;
}

function notRun(b: Bench, reason: string): BenchResult {
  return { name: b.key, date: new Date().toISOString(), rows: [{ work: b.title, runbook: '—', alternative: '—', ratio: null, target: '—', met: null, note: reason }] };
}

const summaryDir = join(resultsDir(), 'summary');
mkdirSync(summaryDir, { recursive: true });
const sections: Section[] = [];
for (const b of benches) {
  if (only && !only.includes(b.key)) {
    // Keep the last figures of the benchmarks not selected, marked as such.
    const f = join(summaryDir, `${b.key}.json`);
    if (existsSync(f)) sections.push({ ...readJson<Section>(f), fromEarlierRun: true });
    continue;
  }
  const why = b.missing();
  let result: BenchResult;
  const started = Date.now();
  if (why) {
    result = notRun(b, `not run: ${why}`);
    process.stderr.write(`\n=== ${b.key}: not run: ${why}\n`);
  } else {
    process.stderr.write(`\n=== ${b.key}: node ${b.entry} ${b.args.join(' ')}\n`);
    const r = await runChild(b);
    try {
      if (r.timedOut) throw new Error(`timed out after ${b.timeoutMs / 60_000} min`);
      if (r.code !== 0) throw new Error(`exited ${r.code}`);
      result = b.collect(r.stdout, started);
    } catch (e) {
      // A failed benchmark may still have written partial rows (overhead reports its failure).
      let partial: BenchResult | undefined;
      try { partial = b.collect(r.stdout, started); } catch { /* nothing usable */ }
      result = partial && Date.parse(partial.date) >= started ? partial : notRun(b, `failed: ${(e as Error).message} (see the output above)`);
      if (partial === result) for (const row of result.rows) row.note ??= `failed: ${(e as Error).message}`;
    }
  }
  const s: Section = { key: b.key, title: b.title, result, machine: shortMachine(), machineLong: describe(machine()), tookS: (Date.now() - started) / 1000 };
  writeFileSync(join(summaryDir, `${b.key}.json`), JSON.stringify(s, null, 2));
  sections.push(s);
}
const command = `npm run bench${argv.length ? ` -- ${argv.join(' ')}` : ''}`;
const md = resultsMarkdown(sections, command, new Date().toISOString().replace(/\.\d+Z$/, 'Z'));
writeFileSync(join(root, 'bench', 'results.md'), md);
process.stderr.write(`\nbench: wrote bench/results.md (${sections.length} benchmark(s))\n`);
