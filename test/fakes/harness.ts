// Runs the real executor with in-memory ports (fake clock, scripted transport, the real template
// engine) and collects the events, for executor tests.
import { allActions } from '../../engine/actions/registry.js';
import { execute } from '../../engine/exec/executor.js';
import type { ConfirmRequest, ExecutorPorts, RunOptions, RunSummary } from '../../engine/exec/context.js';
import type { ResumeState } from '../../engine/exec/resume-state.js';
import type { RunEvent } from '../../engine/model/events.js';
import type { Inventory } from '../../engine/model/inventory.js';
import type { Runbook } from '../../engine/model/runbook.js';
import type { HostSelector, TemplateEngine } from '../../engine/plan/deps.js';
import * as template from '../../engine/template/index.js';
import { FakeClock } from './fake-clock.js';
import { ScriptedPool, type Rule } from './scripted-transport.js';

export const templates: TemplateEngine = template;

/** Host patterns for tests: `a:b` unions of groups, host names and `all`; `!x` removes. */
export const simpleSelect: HostSelector = (pattern, inv, limit) => {
  const pick = (p: string) => {
    let names: string[] = [];
    for (const part of p.split(':')) {
      const neg = part.startsWith('!');
      const n = neg ? part.slice(1) : part;
      const these = n === 'all' ? inv.hosts.map((h) => h.name) : (inv.groups[n]?.hosts ?? (inv.hosts.some((h) => h.name === n) ? [n] : []));
      names = neg ? names.filter((x) => !these.includes(x)) : [...names, ...these.filter((x) => !names.includes(x))];
    }
    return names;
  };
  let names = pick(pattern);
  if (limit) {
    const l = pick(limit);
    names = names.filter((n) => l.includes(n));
  }
  const hosts = inv.hosts.filter((h) => names.includes(h.name));
  return hosts.length ? { hosts } : { hosts, problem: `no host matches ${pattern}` };
};

export interface Harness {
  summary: RunSummary;
  events: RunEvent[];
  pool: ScriptedPool;
  clock: FakeClock;
  confirms: ConfirmRequest[];
  /** step.end events as `status step@host` strings, in order. */
  ends: string[];
}

export interface HarnessOptions extends Partial<Omit<RunOptions, 'runbook' | 'inventory'>> {
  rules?: Rule[];
  confirm?: (r: ConfirmRequest) => Promise<boolean>;
  clock?: FakeClock;
  pool?: ScriptedPool;
  resume?: ResumeState;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  kube?: import('../../engine/ports/kube.js').KubeClient;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  extraActions?: Array<import('../../engine/actions/action.js').Action<any>>;
}

export async function run(rb: Runbook, inv: Inventory, o: HarnessOptions = {}): Promise<Harness> {
  const clock = o.clock ?? new FakeClock();
  const pool = o.pool ?? new ScriptedPool(clock, o.rules ?? []);
  const events: RunEvent[] = [];
  const confirms: ConfirmRequest[] = [];
  const ports: ExecutorPorts = {
    actions: new Map([...allActions, ...(o.extraActions ?? [])].map((a) => [a.name, a])),
    pool,
    local: () => pool.forHost({ name: 'localhost', connection: 'local', ssh: { address: 'localhost' }, become: false, groups: [], vars: {} }),
    kube: async () => {
      if (!o.kube) throw new Error('no kube in this test');
      return o.kube;
    },
    clock,
    templates,
    selectHosts: simpleSelect,
    emit: (e) => events.push(e),
    confirm: async (r) => {
      confirms.push(r);
      return o.confirm ? o.confirm(r) : true;
    },
  };
  const opts: RunOptions = {
    runId: '20261125-1432-ab12',
    runDir: '/nonexistent/run',
    runbook: rb,
    inventory: inv,
    extraVars: {},
    check: false,
    tags: [],
    skipTags: [],
    signal: new AbortController().signal,
    ...o,
  };
  const summary = await execute(ports, opts);
  const ends = events.flatMap((e) => (e.kind === 'step.end' ? [`${e.status} ${e.stepName}@${e.host}`] : []));
  return { summary, events, pool, clock, confirms, ends };
}
