// Render the shell commands of one phase of a shipped runbook piece with the engine's own
// template layer (engine/template), so a test runs exactly the text a node would receive.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { packageRoot } from '../../engine/paths.js';
import { render, type Scope } from '../../engine/template/index.js';

interface RawStep {
  name?: string;
  sh?: string | { cmd: string };
  skip_if?: string;
  vars?: Record<string, unknown>;
  block?: RawStep[];
  rescue?: RawStep[];
  always?: RawStep[];
}
interface RawPhase {
  name?: string;
  vars?: Record<string, unknown>;
  steps?: RawStep[];
}
interface RawRunbook {
  params?: Record<string, { default?: unknown }>;
  phases: RawPhase[];
}

export interface RenderedStep {
  cmd: string;
  skipIf?: string;
}

/** Path of a file under runbooks/. */
export function runbookPath(rel: string): string {
  return join(packageRoot(), 'runbooks', rel);
}

/**
 * Every `sh` step of the named phase of runbooks/<rel>, by step name, rendered with the file's
 * param defaults overridden by `overrides` (phase and step vars rendered in order, as the engine
 * does). Includes are not followed: the pieces tested this way keep their commands inline.
 */
export function phaseCommands(rel: string, phaseName: string, overrides: Scope): Map<string, RenderedStep> {
  const doc = parse(readFileSync(runbookPath(rel), 'utf8')) as RawRunbook;
  const phase = doc.phases.find((p) => p.name === phaseName);
  if (!phase) throw new Error(`runbooks/${rel} has no phase named "${phaseName}"`);
  const scope: Scope = {};
  for (const [k, spec] of Object.entries(doc.params ?? {})) if (spec.default !== undefined) scope[k] = spec.default;
  Object.assign(scope, overrides);
  for (const [k, v] of Object.entries(phase.vars ?? {})) scope[k] = render(v, scope);
  const out = new Map<string, RenderedStep>();
  const walk = (steps: RawStep[] | undefined, outer: Scope): void => {
    for (const s of steps ?? []) {
      const local: Scope = { ...outer };
      for (const [k, v] of Object.entries(s.vars ?? {})) local[k] = render(v, local);
      walk(s.block, local);
      walk(s.rescue, local);
      walk(s.always, local);
      if (s.sh === undefined || !s.name) continue;
      const src = typeof s.sh === 'string' ? s.sh : s.sh.cmd;
      const step: RenderedStep = { cmd: String(render(src, local, { shell: true })) };
      if (s.skip_if) step.skipIf = String(render(s.skip_if, local, { shell: true }));
      out.set(s.name, step);
    }
  };
  walk(phase.steps, scope);
  return out;
}

/** The named step, or an error listing the names there are. */
export function stepOf(steps: Map<string, RenderedStep>, name: string): RenderedStep {
  const s = steps.get(name);
  if (!s) throw new Error(`no step "${name}"; steps: ${[...steps.keys()].join(' | ')}`);
  return s;
}
