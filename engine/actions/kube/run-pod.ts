// `run_pod`: run a one-off pod to completion (the seed's DNS check: nslookup from a pod), return
// its logs, and delete it afterwards in every case — success, failure, timeout or interrupt.
import { randomBytes } from 'node:crypto';
import type { PodInfo } from '../../ports/kube.js';
import type { Action, ActionResult } from '../action.js';
import { deadlineFor, durationSchema, parseDuration, secs } from './common.js';
import { named, wakeOn } from './watch.js';

export interface RunPodArgs {
  name: string;
  image: string;
  /** argv list, or a string run with `sh -c`. */
  command: string[] | string;
  namespace?: string;
  timeout?: string | number;
  node?: string;
}

export const runPod: Action<RunPodArgs> = {
  name: 'run_pod',
  summary: 'Run a one-off pod to completion and return its logs; the pod is deleted afterwards',
  changes: true,
  schema: {
    type: 'object',
    required: ['name', 'image', 'command'],
    additionalProperties: false,
    properties: {
      name: { type: 'string', pattern: '^[a-z0-9]([-a-z0-9]*[a-z0-9])?$', maxLength: 56 },
      image: { type: 'string' },
      command: { anyOf: [{ type: 'string' }, { type: 'array', items: { type: 'string' } }] },
      namespace: { type: 'string' },
      timeout: durationSchema,
      node: { type: 'string' },
    },
  },
  describe: (a) => `run pod ${a.name} (${a.image}) in ${a.namespace ?? 'default'}${a.node ? ` on ${a.node}` : ''}: ${Array.isArray(a.command) ? a.command.join(' ') : a.command}`,
  async run(ctx, a): Promise<ActionResult> {
    const started = ctx.clock.now();
    const ns = a.namespace ?? 'default';
    // A suffix keeps a leftover from an interrupted run from colliding with this one.
    const name = `${a.name}-${randomBytes(3).toString('hex')}`;
    const deadline = deadlineFor(ctx, parseDuration(a.timeout ?? '120s', 'timeout'));
    const command = Array.isArray(a.command) ? a.command : ['sh', '-c', a.command];
    const kube = await ctx.kube();
    await kube.createPod(ns, {
      metadata: { name, namespace: ns, labels: { 'app.kubernetes.io/managed-by': 'runbook', 'runbook/run-pod': a.name } },
      spec: {
        restartPolicy: 'Never',
        terminationGracePeriodSeconds: 0,
        ...(a.node ? { nodeName: a.node } : {}),
        containers: [{ name: 'main', image: a.image, command }],
      },
    }, ctx.signal);
    // Read again on every change of the pod (a watch), at the latest every 500 ms.
    const waker = wakeOn(kube, ctx.clock, { group: '', version: 'v1', plural: 'pods', namespace: ns, fieldSelector: `metadata.name=${name}` }, named(name, ns), ctx.signal);
    try {
      let pod: PodInfo | undefined;
      let lastPhase = '';
      for (let i = 0; i < 1_000_000; i++) {
        pod = await kube.getPod(ns, name, ctx.signal);
        if (!pod) return { status: 'failed', message: `pod ${ns}/${name} disappeared before it finished`, data: { pod: name } };
        if (pod.phase !== lastPhase) ctx.progress(`pod ${ns}/${name}: ${pod.phase}`);
        lastPhase = pod.phase;
        if (pod.phase === 'Succeeded' || pod.phase === 'Failed') break;
        const left = deadline - ctx.clock.now();
        if (left > 0) await waker.wait(Math.min(500, left));
        if (ctx.signal.aborted) throw ctx.signal.reason;
        if (ctx.clock.now() >= deadline) {
          return { status: 'failed', message: `pod ${ns}/${name} did not finish within ${secs(ctx.clock.now() - started)} (last phase ${lastPhase}); it has been deleted`, data: { pod: name, phase: lastPhase } };
        }
      }
      const logs = await kube.readPodLog(ns, name, {}, ctx.signal).catch((e: Error) => `(logs unavailable: ${e.message})`);
      for (const line of logs.split('\n').filter(Boolean)) ctx.output('stdout', line);
      const data = { pod: name, phase: pod!.phase, logs, duration_ms: ctx.clock.now() - started };
      return pod!.phase === 'Succeeded'
        ? { status: 'changed', message: `pod ${ns}/${name} succeeded`, data }
        : { status: 'failed', message: `pod ${ns}/${name} failed${pod!.containers[0]?.terminatedReason ? ` (${pod!.containers[0].terminatedReason})` : ''}: ${logs.trim().split('\n').slice(-3).join(' | ')}`, data };
    } finally {
      waker.close();
      // Its own short deadline: the step's signal may already be aborted.
      await kube.deletePod(ns, name, { gracePeriodSeconds: 0 }, AbortSignal.timeout(15_000)).catch((e: Error) => ctx.progress(`could not delete pod ${ns}/${name}: ${e.message} — delete it by hand`));
    }
  },
};
