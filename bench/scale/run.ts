// Scale benchmark: `runbook validate` and `runbook plan` of runbooks/upgrade-1.31.yaml on generated
// native inventories of 100, 1,000, 2,000 and 5,000 hosts. validate and plan run paired per size;
// medians, min–max, peak RSS. Target at 1,000 hosts: < 1 s and < 200 MB peak RSS each.
// A command slower than SLOW_MS at a size gets one run there (pairing a 40 s run five times buys
// nothing); once it times out, larger sizes are not tried. Writes bench/results/scale.json.
// Usage: node dist/bench/scale/run.js [--pairs 5] [--quick] [--sizes 100,1000,2000,5000] [--runbook FILE]
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { packageRoot } from '../../engine/paths.js';
import { runTimed, type Timed } from '../lib/proc.js';
import { benchArgs, writeResult, type ResultRow } from '../lib/result.js';
import { fmtMB, fmtMs, median, spread, type Spread } from '../lib/stats.js';
import { fleetOf, writeInventory } from './inventory.js';

const args = benchArgs();
const sizes = (args.get('sizes') ?? '100,1000,2000,5000').split(',').map(Number);
const TIMEOUT_MS = 150_000;
const SLOW_MS = 10_000;
const TARGET_MS = 1000;
const TARGET_RSS_KB = 200 * 1024;
const root = packageRoot();
const main = join(root, 'dist', 'engine', 'cli', 'main.js');
const runbook = args.get('runbook') ?? join(root, 'runbooks', 'upgrade-1.31.yaml');
type Cmd = 'validate' | 'plan';
const CMDS: Cmd[] = ['validate', 'plan'];

interface SizeFigures {
  hosts: number;
  fleet: ReturnType<typeof fleetOf>;
  runs: Record<Cmd, Timed[]>;
  wall: Record<Cmd, Spread>;
  rssKB: Record<Cmd, number>;
  note: Partial<Record<Cmd, string>>;
}

const ok = (t: Timed) => t.code === 0 && !t.timedOut;

/** Predicted wall ms at n hosts from the last two sizes measured (time ∝ hosts^k), else undefined. */
function predict(done: SizeFigures[], c: Cmd, n: number): number | undefined {
  const pts = done.filter((f) => f.wall[c].n > 0).slice(-2);
  if (pts.length === 0) return undefined;
  const b = pts[pts.length - 1]!;
  const k = pts.length === 2 ? Math.log(b.wall[c].median / pts[0]!.wall[c].median) / Math.log(b.hosts / pts[0]!.hosts) : 1;
  return b.wall[c].median * (n / b.hosts) ** Math.max(k, 1);
}

async function benchSize(n: number, work: string, gaveUp: Set<Cmd>, done: SizeFigures[]): Promise<SizeFigures> {
  const inv = join(work, `inventory-${n}.yaml`);
  writeInventory(inv, n);
  const runs: Record<Cmd, Timed[]> = { validate: [], plan: [] };
  const note: Partial<Record<Cmd, string>> = {};
  const once = (c: Cmd) => runTimed([process.execPath, main, c, runbook, '-i', inv], { cwd: work, timeoutMs: TIMEOUT_MS, env: { FORCE_COLOR: '0', NO_COLOR: '1' } });
  const active = new Set(CMDS.filter((c) => !gaveUp.has(c)));
  for (const c of CMDS) if (gaveUp.has(c)) note[c] = `not run: timed out (> ${TIMEOUT_MS / 1000} s) at a smaller size`;
  for (const c of CMDS) {
    const p = predict(done, c, n);
    if (!gaveUp.has(c) && p !== undefined && p > TIMEOUT_MS) {
      active.delete(c);
      note[c] = `not run: the growth so far predicts ~${(p / 1000).toFixed(0)} s, over the ${TIMEOUT_MS / 1000} s bound`;
    }
  }
  for (let r = 0; r < args.pairs && active.size; r++) {
    const order = r % 2 ? [...CMDS].reverse() : CMDS;
    const line: string[] = [];
    for (const c of order) {
      if (!active.has(c)) continue;
      const t = await once(c);
      runs[c].push(t);
      line.push(`${c} ${t.wallMs.toFixed(0)} ms ${fmtMB(t.maxRssKB)}${ok(t) ? '' : t.timedOut ? ' TIMED OUT' : ` exit ${t.code}`}`);
      if (t.timedOut) {
        active.delete(c);
        gaveUp.add(c);
        note[c] = `timed out after ${TIMEOUT_MS / 1000} s`;
      } else if (!ok(t)) {
        active.delete(c);
        note[c] = `failed (exit ${t.code}): ${t.tail.trim().split('\n').slice(-3).join(' / ')}`;
      } else if (t.wallMs > SLOW_MS && r === 0) {
        active.delete(c);
        note[c] = `one run only (> ${SLOW_MS / 1000} s)`;
      }
    }
    process.stderr.write(`  ${n} hosts, round ${r + 1}: ${line.join(', ')}\n`);
  }
  const okWalls = (c: Cmd) => runs[c].filter(ok).map((t) => t.wallMs);
  const rss = (c: Cmd) => Math.max(...runs[c].filter(ok).map((t) => t.maxRssKB));
  return {
    hosts: n, fleet: fleetOf(n), runs, note,
    wall: { validate: spread(okWalls('validate')), plan: spread(okWalls('plan')) },
    rssKB: { validate: rss('validate'), plan: rss('plan') },
  };
}

function rows(figs: SizeFigures[]): ResultRow[] {
  const out: ResultRow[] = [];
  for (const f of figs) {
    for (const c of CMDS) {
      const w = f.wall[c];
      const judged = f.hosts === 1000;
      const met = judged && w.n > 0 ? w.median < TARGET_MS && f.rssKB[c] < TARGET_RSS_KB : null;
      out.push({
        work: `${c} upgrade-1.31, ${f.hosts.toLocaleString('en')} hosts`,
        runbook: w.n ? `${fmtMs(w)}, peak ${fmtMB(f.rssKB[c])}` : '—',
        alternative: '— (absolute target)',
        ratio: null,
        target: judged ? '< 1 s, < 200 MB' : 'curve only',
        met,
        ...(f.note[c] ? { note: f.note[c] } : {}),
      });
    }
  }
  return out;
}

/**
 * What plan adds after loading: plan minus validate, per round (both load and check the same
 * runbook and inventory; plan then builds and writes the plan) — the part issue 8 gives 0.4 s.
 */
function afterLoad(f: SizeFigures, key: 'wallMs' | 'cpuS'): Spread {
  const v = f.runs.validate;
  const p = f.runs.plan;
  const diffs: number[] = [];
  for (let i = 0; i < Math.min(v.length, p.length); i++) if (ok(v[i]!) && ok(p[i]!)) diffs.push(p[i]![key] - v[i]![key]);
  return spread(diffs);
}

function curve(figs: SizeFigures[]): string {
  const lines = ['| hosts | validate median | validate CPU | validate peak RSS | plan median | plan CPU | plan peak RSS | plan − validate (paired) | plan time per host |', '|---|---|---|---|---|---|---|---|---|'];
  const cpu = (f: SizeFigures, c: Cmd) => {
    const xs = f.runs[c].filter(ok).map((t) => t.cpuS).filter(Number.isFinite);
    return xs.length ? `${median(xs).toFixed(2)} CPU-s` : '—';
  };
  for (const f of figs) {
    const per = f.wall.plan.n ? `${(f.wall.plan.median / f.hosts).toFixed(2)} ms` : '—';
    const after = afterLoad(f, 'wallMs');
    const afterCpu = afterLoad(f, 'cpuS');
    const extra = after.n ? `${fmtMs(after)}${Number.isFinite(afterCpu.median) ? `, ${afterCpu.median.toFixed(2)} CPU-s` : ''}` : '—';
    lines.push(`| ${f.hosts} | ${fmtMs(f.wall.validate)} | ${cpu(f, 'validate')} | ${fmtMB(f.rssKB.validate)} | ${fmtMs(f.wall.plan)} | ${cpu(f, 'plan')} | ${fmtMB(f.rssKB.plan)} | ${extra} | ${per} |`);
  }
  // Growth exponent between successive sizes: time ∝ hosts^k.
  const grow: string[] = [];
  for (const c of CMDS) {
    const pts = figs.filter((f) => f.wall[c].n > 0);
    for (let i = 1; i < pts.length; i++) {
      const a = pts[i - 1]!;
      const b = pts[i]!;
      const k = Math.log(b.wall[c].median / a.wall[c].median) / Math.log(b.hosts / a.hosts);
      grow.push(`${c} ${a.hosts}→${b.hosts}: ×${(b.wall[c].median / a.wall[c].median).toFixed(1)} (time ∝ hosts^${k.toFixed(2)})`);
    }
  }
  // The same from CPU seconds, which a loaded machine disturbs far less than wall time.
  const growCpu: string[] = [];
  const cpuMed = (f: SizeFigures, c: Cmd) => median(f.runs[c].filter(ok).map((t) => t.cpuS).filter(Number.isFinite));
  for (const c of CMDS) {
    const pts = figs.filter((f) => Number.isFinite(cpuMed(f, c)));
    for (let i = 1; i < pts.length; i++) {
      const a = cpuMed(pts[i - 1]!, c);
      const b = cpuMed(pts[i]!, c);
      growCpu.push(`${c} ${pts[i - 1]!.hosts}→${pts[i]!.hosts}: ×${(b / a).toFixed(1)} (hosts^${(Math.log(b / a) / Math.log(pts[i]!.hosts / pts[i - 1]!.hosts)).toFixed(2)})`);
    }
  }
  return `${lines.join('\n')}\n\nGrowth of wall time: ${grow.join('; ') || '—'}.\n\nGrowth of CPU time: ${growCpu.join('; ') || '—'}.`;
}

const work = mkdtempSync(join(tmpdir(), 'runbook-bench-scale-'));
const figs: SizeFigures[] = [];
try {
  const gaveUp = new Set<Cmd>();
  process.stderr.write(`bench scale: sizes ${sizes.join(', ')}, ${args.pairs} pair(s) each\n`);
  for (const n of sizes) figs.push(await benchSize(n, work, gaveUp, figs));
} finally {
  rmSync(work, { recursive: true, force: true });
}
const file = writeResult({
  name: 'scale',
  date: new Date().toISOString(),
  rows: rows(figs),
  details: curve(figs),
  raw: figs.map((f) => ({ hosts: f.hosts, fleet: f.fleet, wall: f.wall, rssKB: f.rssKB, note: f.note, runs: Object.fromEntries(CMDS.map((c) => [c, f.runs[c].map((t) => ({ wallMs: t.wallMs, cpuS: t.cpuS, maxRssKB: t.maxRssKB, code: t.code, timedOut: t.timedOut, stdoutBytes: t.stdoutBytes }))])) })),
});
process.stdout.write(`${curve(figs)}\n\nResults: ${file}\n`);
