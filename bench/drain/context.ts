// A minimal ActionContext for running one action outside the executor (bench only): real clock,
// a deadline, progress kept in memory.
import type { ActionContext } from '../../engine/actions/action.js';
import type { Clock } from '../../engine/ports/clock.js';
import type { KubeClient } from '../../engine/ports/kube.js';

export const systemClock: Clock = {
  now: () => Date.now(),
  sleep: (ms, signal) =>
    new Promise<void>((resolve, reject) => {
      if (signal?.aborted) return reject(signal.reason);
      const t = setTimeout(() => {
        signal?.removeEventListener('abort', onAbort);
        resolve();
      }, ms);
      const onAbort = () => {
        clearTimeout(t);
        reject(signal?.reason);
      };
      signal?.addEventListener('abort', onAbort, { once: true });
    }),
};

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
