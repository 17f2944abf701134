// A minimal ActionContext for running one action outside the executor (bench only): real clock,
// a deadline, progress kept in memory.
import type { ActionContext } from '../../engine/actions/action.js';
import { systemClock } from '../../engine/adapters/system-clock.js';
import type { KubeClient } from '../../engine/ports/kube.js';


export function benchContext(kube: KubeClient, timeoutMs: number, progress: string[] = []): ActionContext {
  return {
    host: { name: 'localhost', connection: 'local', ssh: { address: '127.0.0.1' }, become: false, groups: [], vars: {} },
    transport: () => Promise.reject(new Error('bench: no transport')),
    local: () => Promise.reject(new Error('bench: no transport')),
    kube: async () => kube,
    clock: systemClock,
    signal: AbortSignal.timeout(timeoutMs),
    deadline: Date.now() + timeoutMs,
    check: false,
    output: () => undefined,
    progress: (m) => progress.push(m),
    runDir: '/tmp/.runbook/runs/bench',
    defer: () => undefined,
  };
}

export { systemClock };
