// One damage scenario: a fresh lab (real SSH nodes + HTTPS API, in this process) in a temporary
// work directory holding a copy of runbooks/ and the run journals; `exec` and `resume` run the
// compiled CLI against it. Everything is removed again by stop(), also when a test fails.
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { LabFaults, LabOptions } from '../../engine/lab/contract.js';
import type { RunningLab } from '../../engine/lab/index.js';
import type { RunEvent } from '../../engine/model/events.js';
import { packageRoot } from '../../engine/paths.js';
import { compiledCli, runEngine, type EngineOptions, type EngineResult } from './engine.js';

/** Lab delays at 1 % of real time: the order of events is what is judged, not wall-clock time. */
export const TIME_SCALE = Number(process.env['RUNBOOK_RELIABILITY_TIME_SCALE'] ?? 0.01);
/** Two of each role: enough for "first" and "later" control planes, workers and GPU nodes. */
export const TOPOLOGY = { controlPlanes: 2, workers: 2, gpus: 2 };
export const TARGET = 'v1.31.14';

export interface Scenario {
  work: string;
  lab: RunningLab;
  /** The copy of runbooks/upgrade-1.31.yaml this scenario runs (edit its siblings freely). */
  runbook: string;
  runsDir: string;
  /** `runbook exec RUNBOOK -i LAB --yes --json -e …` plus args. */
  exec(args?: string[], o?: Partial<EngineOptions>): Promise<EngineResult>;
  /** `runbook resume --json` plus args (latest run unless an id is given). */
  resume(args?: string[], o?: Partial<EngineOptions>): Promise<EngineResult>;
  /** Any other `runbook …` command in the work directory. */
  cli(args: string[], o?: Partial<EngineOptions>): Promise<EngineResult>;
  /** The latest run's journal directory. */
  runDir(): string;
  /** Every event in the latest run's journal, all attempts. */
  journal(): RunEvent[];
  faults(f: Partial<LabFaults>): Promise<LabFaults>;
  stop(): Promise<void>;
}

/** Why lab scenarios cannot run here, or undefined. */
export function scenarioSkip(): string | undefined {
  if (!compiledCli()) return 'dist/engine/cli/main.js is missing (run `npx tsc -p .`)';
  return undefined;
}

/** Arguments every exec of the shipped upgrade gets in the lab. */
export function labExtra(work: string): string[] {
  // addon_policy=warn keeps these scenarios about the fault they inject, whatever addon data the
  // lab seeds.
  return ['-e', 'addon_policy=warn', '-e', `local_backup_dir=${join(work, 'backups')}`];
}

export async function startScenario(opts: Partial<Omit<LabOptions, 'dir'>> = {}, execExtra: string[] = []): Promise<Scenario> {
  const work = mkdtempSync(join(tmpdir(), 'runbook-rel-'));
  cpSync(join(packageRoot(), 'runbooks'), join(work, 'runbooks'), { recursive: true });
  const runsDir = join(work, 'runs');
  let lab: RunningLab;
  try {
    const { startRunningLab } = await import('../../engine/lab/index.js');
    lab = await startRunningLab({ topology: TOPOLOGY, timeScale: TIME_SCALE, ...opts, dir: join(work, 'lab') });
  } catch (e) {
    rmSync(work, { recursive: true, force: true });
    throw e;
  }
  const env = { RUNBOOK_RUNS_DIR: runsDir };
  const runbook = join(work, 'runbooks/upgrade-1.31.yaml');
  const cli = (args: string[], o: Partial<EngineOptions> = {}) => runEngine(args, { cwd: work, ...o, env: { ...env, ...o.env } });
  const runDir = () => {
    const runs = readdirSync(runsDir).sort();
    if (!runs.length) throw new Error(`no run under ${runsDir}`);
    return join(runsDir, runs.at(-1)!);
  };
  return {
    work, lab, runbook, runsDir,
    exec: (args = [], o = {}) => cli(['exec', runbook, '-i', lab.inventory, '--yes', '--json', ...labExtra(work), ...execExtra, ...args], o),
    resume: (args = [], o = {}) => cli(['resume', '--json', ...args], o),
    cli,
    runDir,
    journal: () =>
      readFileSync(join(runDir(), 'events.jsonl'), 'utf8')
        .split('\n')
        .filter((l) => l.trim())
        .flatMap((l) => {
          try {
            return [JSON.parse(l) as RunEvent];
          } catch {
            return []; // a torn last line (the engine was killed mid-write) is not an event
          }
        }),
    faults: async (f) => {
      const { setFaults } = await import('../helpers/lab.js');
      return setFaults(lab, f);
    },
    stop: async () => {
      await lab.stop().catch(() => undefined);
      rmSync(work, { recursive: true, force: true });
    },
  };
}

/** Run fn with a fresh scenario; stopped whatever happens. */
export async function withScenario<T>(opts: Partial<Omit<LabOptions, 'dir'>>, fn: (s: Scenario) => Promise<T>, execExtra: string[] = []): Promise<T> {
  const s = await startScenario(opts, execExtra);
  try {
    return await fn(s);
  } finally {
    await s.stop();
  }
}
