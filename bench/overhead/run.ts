// Engine-overhead benchmark: a full default lab upgrade 1.30 → 1.31 (`runbook exec
// runbooks/upgrade-1.31.yaml -i <lab inventory>`, a fresh lab per run) at the fixed time scale s_A
// and, paired, at a lower one s_B. The irreducible waits at s_A are exact: the union of the waits
// the lab recorded as intervals inside the run (records.ts). Target: wall ≤ 1.05 × that union.
// Cross-check by regression: wall(s) = E + s·W, per pair W = (wall_A − wall_B)/(s_A − s_B) is the
// simulated time the run waited on, E what the engine, SSH, shims and kubectl add.
// Usage: node dist/bench/overhead/run.js [--pairs 5] [--quick] [--scale 1] [--low-scale 0.2|none]
//        [--keep DIR]   (keeps each run's lab records and journal events in DIR/run-N/)
import { cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { packageRoot } from '../../engine/paths.js';
import { startTestLab } from '../../test/helpers/lab.js';
import { runTimed } from '../lib/proc.js';
import { benchArgs, writeResult } from '../lib/result.js';
import { fmtMs, spread } from '../lib/stats.js';
import { podsSteps, timeByAction } from './journal.js';
import { waitFigures } from './records.js';
import { details, type One } from './report.js';

const args = benchArgs(process.argv.slice(2), { pairs: 5, quickPairs: 1 });
const S_HIGH = Number(args.get('scale') ?? 1);
const lowArg = args.get('low-scale') ?? '0.2';
const S_LOW = lowArg === 'none' ? undefined : Number(lowArg);
const KEEP = args.get('keep');
const TIMEOUT_MS = 600_000;
const root = packageRoot();
const main = join(root, 'dist', 'engine', 'cli', 'main.js');

async function once(scale: number, work: string, i: number): Promise<One> {
  const runDir = join(work, `run-${i}`);
  mkdirSync(runDir);
  const lab = await startTestLab({ timeScale: scale });
  try {
    const cpu0 = process.cpuUsage();
    const start = Date.now();
    const t = await runTimed([process.execPath, main, 'exec', join(root, 'runbooks', 'upgrade-1.31.yaml'), '-i', lab.lab.inventory, '--yes',
      '-e', `local_backup_dir=${join(runDir, 'backups')}`,
      // The default lab runs Calico v3.28, which does not support 1.31 (as in test/runbooks/lab-upgrade.test.ts).
      '-e', 'addon_policy=warn'], { cwd: runDir, timeoutMs: TIMEOUT_MS, env: { FORCE_COLOR: '0', NO_COLOR: '1' } });
    const end = Date.now();
    const c = process.cpuUsage(cpu0);
    const records = lab.lab.records();
    if (KEEP) {
      const keep = join(KEEP, `run-${i}-scale-${scale}`);
      mkdirSync(keep, { recursive: true });
      writeFileSync(join(keep, 'records.json'), JSON.stringify({ run: { start, end }, ...records }, null, 1));
      cpSync(join(runDir, '.runbook'), join(keep, '.runbook'), { recursive: true });
    }
    return { scale, t, labCpuS: (c.user + c.system) / 1e6, byAction: timeByAction(runDir), waits: waitFigures(records, { start, end }, podsSteps(runDir)) };
  } finally {
    await lab.stop();
  }
}

/** A lab that fails to start (seen once: a host key ssh2 could not parse) gets one more try. */
async function onceRetrying(scale: number, work: string, next: () => number): Promise<One> {
  try {
    return await once(scale, work, next());
  } catch (e) {
    process.stderr.write(`  the lab did not start (${(e as Error).message}); trying once more\n`);
    return once(scale, work, next());
  }
}

const work = mkdtempSync(join(tmpdir(), 'runbook-bench-overhead-'));
const pairs: Array<{ high: One; low?: One }> = [];
let failure: string | undefined;
try {
  process.stderr.write(`bench overhead: ${args.pairs} ${S_LOW === undefined ? 'run(s)' : 'pair(s)'} of full lab upgrades at time scale ${S_HIGH}${S_LOW === undefined ? '' : ` and ${S_LOW}`}\n`);
  let i = 0;
  for (let r = 0; r < args.pairs && !failure; r++) {
    const scales = S_LOW === undefined ? [S_HIGH] : r % 2 ? [S_LOW, S_HIGH] : [S_HIGH, S_LOW];
    const got: One[] = [];
    for (const s of scales) {
      let o: One;
      try {
        o = await onceRetrying(s, work, () => i++);
      } catch (e) {
        failure = `the lab did not start at time scale ${s} (twice): ${(e as Error).message}`;
        break;
      }
      got.push(o);
      const w = o.waits;
      process.stderr.write(`  round ${r + 1}: scale ${s}: ${(o.t.wallMs / 1000).toFixed(1)} s wall, irreducible ${(w.irreducibleMs / 1000).toFixed(1)} s (${(o.t.wallMs / w.irreducibleMs).toFixed(2)}×), engine ${o.t.cpuS.toFixed(1)} CPU-s, lab ${o.labCpuS.toFixed(1)} CPU-s, 429s ${w.evictions429}${o.t.code === 0 ? '' : o.t.timedOut ? ' TIMED OUT' : ` EXIT ${o.t.code}`}\n`);
      if (o.t.code !== 0) failure = `runbook exec ${o.t.timedOut ? `timed out after ${TIMEOUT_MS / 1000} s` : `exited ${o.t.code}`} at time scale ${s}: ${o.t.tail.trim().split('\n').slice(-4).join(' / ')}`;
    }
    const high = got.find((g) => g.scale === S_HIGH);
    if (!failure && high && got.length === scales.length) pairs.push({ high, ...(S_LOW === undefined ? {} : { low: got.find((g) => g.scale === S_LOW)! }) });
  }
} finally {
  rmSync(work, { recursive: true, force: true });
}

const wall = spread(pairs.map((p) => p.high.t.wallMs));
const irr = spread(pairs.map((p) => p.high.waits.irreducibleMs));
const ratio = spread(pairs.map((p) => p.high.t.wallMs / p.high.waits.irreducibleMs));
const text = pairs.length ? details(pairs, S_HIGH, S_LOW) : '';
const file = writeResult({
  name: 'overhead',
  date: new Date().toISOString(),
  rows: [{
    work: `full lab upgrade 1.30 → 1.31 (8 nodes), time scale ${S_HIGH}`,
    runbook: pairs.length ? fmtMs(wall) : '—',
    alternative: pairs.length ? `irreducible waits (union of the lab's recorded waits inside the run) ${fmtMs(irr)}` : '—',
    ratio: pairs.length ? ratio : null,
    ratioOf: 'wall / irreducible waits',
    target: '≤ 1.05×',
    met: pairs.length ? ratio.median <= 1.05 : null,
    ...(failure ? { note: `failed: ${failure}` } : {}),
  }],
  details: text,
  raw: {
    scales: S_LOW === undefined ? [S_HIGH] : [S_HIGH, S_LOW],
    pairs: pairs.map((p) => Object.fromEntries(Object.entries(p).map(([k, o]) => [k, { wallMs: o.t.wallMs, cpuS: o.t.cpuS, labCpuS: o.labCpuS, waits: o.waits, byAction: o.byAction }]))),
  },
});
process.stdout.write(`${text || failure}\n\nResults: ${file}\n`);
if (failure) process.exitCode = 1;
