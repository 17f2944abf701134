// Start-up benchmark: `runbook --version` and `runbook validate runbooks/upgrade-1.31.yaml` through
// the installed launcher (engine/cli/runbook.mjs), paired with `node -e 0` (the floor: what any
// node CLI pays before its first line). Target: < 300 ms each. Also, for information, `runbook exec`
// of one local read-only step: the fixed cost every exec pays besides its steps (it counts against
// the SSH fan-out target). Writes bench/results/startup.json.
// Usage: node dist/bench/startup/run.js [--pairs 5] [--quick]
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { packageRoot } from '../../engine/paths.js';
import { runPaired, walls } from '../lib/pairs.js';
import { runTimed, type Timed } from '../lib/proc.js';
import { benchArgs, writeResult, type ResultRow } from '../lib/result.js';
import { fmtMB, fmtMs, median, spread } from '../lib/stats.js';

const args = benchArgs();
const root = packageRoot();
const launcher = join(root, 'engine', 'cli', 'runbook.mjs');
const TIMEOUT_MS = 30_000;
const TARGET_MS = 300;
const env = { FORCE_COLOR: '0', NO_COLOR: '1' };
const run = (argv: string[], cwd = root) => (): Promise<Timed> => runTimed([process.execPath, ...argv], { cwd, env, timeoutMs: TIMEOUT_MS });
// exec writes its journal under the working directory: a scratch one, removed at the end.
const scratch = mkdtempSync(join(tmpdir(), 'runbook-bench-startup-'));
const execArgs = [launcher, 'exec', join(root, 'bench', 'startup', 'one-step.yaml'), '-i', join(root, 'bench', 'startup', 'local-inventory.yaml'), '--yes'];

const contenders = [
  { key: 'version', label: 'runbook --version', run: run([launcher, '--version']) },
  { key: 'validate', label: 'runbook validate runbooks/upgrade-1.31.yaml', run: run([launcher, 'validate', 'runbooks/upgrade-1.31.yaml']) },
  { key: 'exec', label: 'runbook exec (one local read-only step)', run: run(execArgs, scratch) },
  { key: 'floor', label: 'node -e 0', run: run(['-e', '0']) },
];

process.stderr.write(`bench startup: ${args.pairs} round(s), one warm-up (page cache) not counted\n`);
for (const c of contenders) await c.run();
const rounds = await runPaired(contenders, args.pairs);
const floor = walls(rounds.floor!);
const rows: ResultRow[] = [];
const details: string[] = ['| command | wall median (min–max) | above `node -e 0` (median of per-round differences) | CPU median | peak RSS |', '|---|---|---|---|---|'];
for (const c of contenders) {
  const w = walls(rounds[c.key]!);
  const s = spread(w);
  const above = median(w.map((x, i) => x - floor[i]!).filter(Number.isFinite));
  const cpu = median(rounds[c.key]!.map((t) => t.cpuS).filter(Number.isFinite));
  const rss = Math.max(...rounds[c.key]!.map((t) => t.maxRssKB).filter(Number.isFinite));
  const failed = rounds[c.key]!.find((t) => t.code !== 0);
  details.push(`| \`${c.label}\` | ${fmtMs(s)} | ${c.key === 'floor' ? '—' : `${above.toFixed(0)} ms`} | ${Number.isFinite(cpu) ? `${cpu.toFixed(2)} CPU-s` : '—'} | ${fmtMB(rss)} |`);
  if (c.key === 'floor') continue;
  const target = c.key !== 'exec';
  rows.push({
    work: `start-up: ${c.label}`,
    runbook: fmtMs(s),
    alternative: `node -e 0: ${fmtMs(spread(floor))}`,
    ratio: spread(w.map((x, i) => x / floor[i]!).filter(Number.isFinite)),
    ratioOf: 'runbook / node -e 0',
    target: target ? '< 300 ms' : 'for information',
    met: target && s.n ? s.median < TARGET_MS : null,
    ...(failed ? { note: `failed (exit ${failed.code}): ${failed.tail.trim().split('\n').slice(-2).join(' / ')}` } : {}),
  });
}
rmSync(scratch, { recursive: true, force: true });
const file = writeResult({ name: 'startup', date: new Date().toISOString(), rows, details: details.join('\n'), raw: rounds });
process.stdout.write(`${details.join('\n')}\n\nResults: ${file}\n`);
