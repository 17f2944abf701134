// Small builders for normalised runbooks and inventories, so executor tests state only what
// matters to them (the loader's defaults are applied here the same way, by hand).
import type { Host, Inventory } from '../../engine/model/inventory.js';
import type { ActionStep, BlockStep, Phase, Runbook, SerialEntry, Step } from '../../engine/model/runbook.js';

const pos = { file: 'test.yaml', line: 1, col: 1 };
let seq = 0;

type StepExtra = Partial<Omit<ActionStep, 'kind' | 'action' | 'args'>>;

/** The defaults load/ applies to every step, for steps built by hand in tests. */
function stepDefaults(id: string, name: string | undefined) {
  return { id, name: name ?? id, pos, secret: false, retries: 0, delayMs: 0, timeoutMs: 600_000, tags: [] as string[], ignoreErrors: false, idempotent: false, vars: {} };
}

export function action(action: string, args: Record<string, unknown>, extra: StepExtra = {}): ActionStep {
  return { kind: 'action', action, args, ...stepDefaults(extra.id ?? `s${seq++}`, extra.name), changes: action === 'sh', ...extra };
}

export const sh = (cmd: string, extra: StepExtra = {}): ActionStep => action('sh', { cmd }, extra);

export function block(parts: { block: Step[]; rescue?: Step[]; always?: Step[] }, extra: Partial<Omit<BlockStep, 'kind'>> = {}): BlockStep {
  return { kind: 'block', block: parts.block, rescue: parts.rescue ?? [], always: parts.always ?? [], ...stepDefaults(extra.id ?? `b${seq++}`, extra.name), changes: true, ...extra };
}

export function phase(hosts: string, steps: Step[], extra: Partial<Phase> = {}): Phase {
  return { index: 0, name: extra.name ?? `phase on ${hosts}`, hosts, serial: [{ kind: 'count', n: 1 }], maxFailPercentage: 0, become: false, vars: {}, tags: [], steps, pos, ...extra };
}

export function runbook(phases: Phase[], extra: Partial<Runbook> = {}): Runbook {
  return { file: 'test.yaml', name: 'test', params: {}, requires: { groups: [] }, vars: {}, phases: phases.map((p, index) => ({ ...p, index })), sources: [], ...extra };
}

export const serial = (...e: Array<number | string>): SerialEntry[] =>
  e.map((x) => (typeof x === 'number' ? { kind: 'count', n: x } : { kind: 'percent', pct: Number(String(x).replace('%', '')) }));

/** An inventory of groups → host names (vars per host optional), all hosts `local`. */
export function inventory(groups: Record<string, string[]>, opts: { hostVars?: Record<string, Record<string, unknown>>; vars?: Record<string, unknown>; groupVars?: Record<string, Record<string, unknown>>; forks?: number } = {}): Inventory {
  const names = [...new Set(Object.values(groups).flat())];
  const hosts: Host[] = names.map((name) => {
    const inGroups = Object.keys(groups).filter((g) => groups[g]!.includes(name));
    const vars = { ...(opts.vars ?? {}) };
    for (const g of inGroups) Object.assign(vars, opts.groupVars?.[g] ?? {});
    Object.assign(vars, opts.hostVars?.[name] ?? {});
    return { name, connection: 'local', ssh: { address: name }, become: false, groups: inGroups, vars };
  });
  return {
    file: 'inventory.yaml',
    format: 'native',
    hosts,
    groups: Object.fromEntries(Object.entries(groups).map(([g, hs]) => [g, { name: g, hosts: hs, children: [], vars: opts.groupVars?.[g] ?? {} }])),
    vars: opts.vars ?? {},
    kube: {},
    forks: opts.forks ?? 5,
  };
}
