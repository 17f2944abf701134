// A host's walk through a phase's steps, in order: tag selection, loops, and block/rescue/always
// (rescue runs if a block step failed and handles the failure; always runs in every case but an
// interrupt or refusal).
import type { BlockStep, Step, Template } from '../model/runbook.js';
import { anySelected, loopItems, selectedByTags, stepKey } from '../plan/steps.js';
import type { HostCtx, WalkResult } from './context.js';
import { hostScope, reportStepFailure, runActionStep } from './run-step.js';

interface Frame {
  layers: Array<Record<string, Template>>;
  tags: string[];
  become: boolean;
}

/** Whether nothing new may start: interrupt, refusal, or the run stopped by a failure elsewhere. */
function halted(hc: HostCtx): boolean {
  return hc.run.abort.signal.aborted;
}

async function walkBlock(hc: HostCtx, step: BlockStep, f: Frame): Promise<WalkResult> {
  const { run } = hc;
  const inner: Frame = { layers: [...f.layers, step.vars], tags: [...f.tags, ...step.tags], become: step.become ?? f.become };
  if (step.when || step.unless) {
    let skip: boolean;
    try {
      const scope = hostScope(hc, inner.layers);
      const t = run.ports.templates;
      skip = !!((step.when && !t.evalBool(step.when, scope)) || (step.unless && t.evalBool(step.unless, scope)));
    } catch (e) {
      const asAction = { ...step, kind: 'action' as const, action: 'block', args: {} };
      return reportStepFailure(hc, asAction, stepKey(step.id, hc.phaseIter), `cannot evaluate the block's guard: ${(e as Error).message}`);
    }
    if (skip) return 'ok';
  }
  let result = await walkSteps(hc, step.block, inner);
  if (result === 'failed' && step.rescue.length && !halted(hc)) {
    result = await walkSteps(hc, step.rescue, inner);
    // A rescued failure no longer stops the run.
    if (result === 'ok' && run.stop?.status === 'failed' && run.stop.message.startsWith(`host ${hc.host.name},`)) delete run.stop;
  }
  if (step.always.length && !(run.stop && run.stop.status !== 'failed')) {
    const a = await walkSteps(hc, step.always, inner);
    if (a === 'failed') result = 'failed';
  }
  return result;
}

/** Walk steps in order; stops at the first unhandled failure. */
export async function walkSteps(hc: HostCtx, steps: Step[], f: Frame): Promise<WalkResult> {
  const filter = { tags: hc.run.opts.tags, skipTags: hc.run.opts.skipTags };
  for (const step of steps) {
    if (halted(hc)) return 'failed';
    if (!anySelected(step, f.tags, filter)) continue;
    if (step.kind === 'block') {
      if ((await walkBlock(hc, step, f)) === 'failed') return 'failed';
      continue;
    }
    if (!selectedByTags([...f.tags, ...step.tags], filter)) continue;
    const become = f.become;
    if (!step.loop) {
      if ((await runActionStep(hc, { step, key: stepKey(step.id, hc.phaseIter), layers: [...f.layers, step.vars], become })) === 'failed') return 'failed';
      continue;
    }
    const run = hc.run;
    let items: unknown[];
    try {
      const scope = hostScope(hc, [...f.layers, step.vars]);
      const li = loopItems(run.ports.templates, step.loop, scope, { runtime: 'error' });
      items = li.kind === 'items' ? li.items : [];
    } catch (e) {
      return reportStepFailure(hc, step, stepKey(step.id, hc.phaseIter), `loop: ${(e as Error).message}`);
    }
    // Like Ansible, a looped step's register holds every iteration: `x.results[i]`.
    const results: Array<Record<string, unknown>> = [];
    const collect = () => {
      if (!step.register) return;
      results.push(hc.runtime[step.register] as Record<string, unknown>);
      hc.runtime[step.register] = {
        results,
        changed: results.some((r) => r?.['changed'] === true),
        failed: results.some((r) => r?.['failed'] === true),
        skipped: results.length > 0 && results.every((r) => r?.['skipped'] === true),
      };
    };
    for (let i = 0; i < items.length; i++) {
      if (halted(hc)) return 'failed';
      const layers = [...f.layers, { ...step.vars, [step.loop.var]: items[i] }];
      const r = await runActionStep(hc, { step: { ...step, name: `${step.name} (${step.loop.var}=${JSON.stringify(items[i])})` }, key: stepKey(step.id, hc.phaseIter, i), layers, become });
      collect();
      if (r === 'failed') return 'failed';
    }
  }
  return 'ok';
}

export type { Frame };
