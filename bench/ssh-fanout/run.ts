// SSH fan-out benchmark: N real sshd hosts (20 and 100), two trivial commands per host, through
// `runbook exec` (when the CLI is there), the engine's SSH pool directly, ansible-playbook and a
// bare ssh2 script. Five paired rounds (order rotated each round), medians, ratios with their
// spread, controller CPU. Writes bench/results/ssh-fanout.json and prints a markdown table.
// Usage: node dist/bench/ssh-fanout/run.js [--sizes 20,100] [--rounds 5] [--runbook FILE]
//        [--only runbook,pool,ansible,ssh2] (a subset while developing; the full run has all four)
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { packageRoot } from '../../engine/paths.js';
import { startSshd } from '../../test/helpers/sshd.js';
import { cliRunbook, contenders, type Contender } from './contenders.js';
import { measure, type Sample } from './measure.js';

const argv = process.argv.slice(2);
const opt = (name: string, dflt: string): string => {
  const i = argv.indexOf(name);
  return i >= 0 && argv[i + 1] ? argv[i + 1]! : dflt;
};
const sizes = opt('--sizes', '20,100').split(',').map(Number);
const rounds = Number(opt('--rounds', '5'));
const RUN_TIMEOUT_MS = 180_000;
const only = argv.includes('--only') ? new Set(opt('--only', '').split(',')) : undefined;

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
};

interface SizeResult {
  n: number;
  samples: Record<string, Sample[]>;
  labels: Record<string, string>;
  ratios: Record<string, number[]>;
}

function ratio(samples: Record<string, Sample[]>, a: string, b: string): number[] {
  const xs = samples[a];
  const ys = samples[b];
  if (!xs || !ys) return [];
  return xs.map((x, i) => x.wallS / ys[i]!.wallS);
}

async function benchSize(n: number, cli: string | undefined, hasAnsible: boolean): Promise<SizeResult> {
  const withCli = cli !== undefined;
  process.stderr.write(`\n## N=${n}: starting ${n} sshd hosts…\n`);
  const fleet = await startSshd({ count: n });
  if (!fleet) throw new Error('sshd not installed (apt-get install openssh-server)');
  const work = mkdtempSync(join(tmpdir(), `runbook-bench-${n}-`));
  try {
    let list: Contender[] = contenders(fleet, work, cli);
    if (!hasAnsible) list = list.filter((c) => c.key !== 'ansible');
    if (only) list = list.filter((c) => only.has(c.key));
    const samples: Record<string, Sample[]> = {};
    for (const c of list) samples[c.key] = [];
    for (let r = 0; r < rounds; r++) {
      // Rotate the order each round so no contender always runs first (or after Ansible's load).
      const order = list.map((_, i) => list[(i + r) % list.length]!);
      for (const c of order) {
        const s = await measure(c.argv, join(work, `${c.key}-${r}.log`), c.env(), RUN_TIMEOUT_MS, work);
        c.after?.();
        samples[c.key]!.push(s);
        process.stderr.write(`  round ${r + 1} ${c.label}: ${s.wallS.toFixed(2)} s wall, ${s.cpuS.toFixed(2)} CPU-s${s.ok ? '' : ' FAILED'}\n`);
      }
    }
    const ratios: Record<string, number[]> = {
      'ansible / runbook': ratio(samples, 'ansible', withCli ? 'runbook' : 'pool'),
      'runbook / ssh2': ratio(samples, withCli ? 'runbook' : 'pool', 'ssh2'),
      'pool / ssh2': ratio(samples, 'pool', 'ssh2'),
    };
    return { n, samples, labels: Object.fromEntries(list.map((c) => [c.key, c.label])), ratios };
  } finally {
    await fleet.stop();
    rmSync(work, { recursive: true, force: true });
  }
}

function table(results: SizeResult[], withCli: boolean): string {
  const lines = ['| N | contender | wall median (s) | wall min–max (s) | controller CPU median (CPU-s) | runs ok |', '|---|---|---|---|---|---|'];
  for (const r of results) {
    for (const [key, xs] of Object.entries(r.samples)) {
      const w = xs.map((s) => s.wallS);
      lines.push(`| ${r.n} | ${r.labels[key]} | ${median(w).toFixed(2)} | ${Math.min(...w).toFixed(2)}–${Math.max(...w).toFixed(2)} | ${median(xs.map((s) => s.cpuS)).toFixed(2)} | ${xs.filter((s) => s.ok).length}/${xs.length} |`);
    }
  }
  lines.push('', '| N | ratio (paired, per round) | median | min–max |', '|---|---|---|---|');
  for (const r of results) {
    for (const [name, xs] of Object.entries(r.ratios)) {
      if (xs.length === 0 || (!withCli && name === 'runbook / ssh2')) continue;
      lines.push(`| ${r.n} | ${name.replace('runbook', withCli ? 'runbook' : 'pool')} | ${median(xs).toFixed(2)}× | ${Math.min(...xs).toFixed(2)}–${Math.max(...xs).toFixed(2)}× |`);
    }
  }
  return lines.join('\n');
}

const cli = cliRunbook(argv.includes('--runbook') ? opt('--runbook', '') : undefined);
const withCli = cli !== undefined;
const hasAnsible = spawnSync('ansible-playbook', ['--version'], { stdio: 'ignore' }).status === 0;
if (!withCli) process.stderr.write('note: the CLI is not built; measuring the engine\'s SSH pool only\n');
else process.stderr.write(`runbook exec runs ${cli}\n`);
if (!hasAnsible) process.stderr.write('note: ansible-playbook not found (apt-get install ansible-core); Ansible is left out\n');
const results: SizeResult[] = [];
for (const n of sizes) results.push(await benchSize(n, cli, hasAnsible));
const md = table(results, withCli);
const outDir = join(packageRoot(), 'bench', 'results');
mkdirSync(outDir, { recursive: true });
writeFileSync(join(outDir, 'ssh-fanout.json'), JSON.stringify({ date: new Date().toISOString(), cpus: cpus().length, rounds, commands: ['hostname', 'id -u'], cli: cli ?? null, results }, null, 2));
process.stdout.write(`${md}\n\nResults: bench/results/ssh-fanout.json\n`);
