// Pod subresources besides status: eviction (POST, policy/v1 Eviction) and log (GET, the
// simulated output of a one-off pod: annotation lab.runbook.dev/log, else what `echo` would print).
import type { ControllerContext } from '../controllers/context.js';
import { LOG_ANNOTATION } from '../controllers/kubelet.js';
import type { Pod } from '../types.js';
import { evict, type EvictionBody } from './eviction.js';
import { json, type ApiRequest, type ApiResponse } from './request.js';
import { ApiError, badRequest, notFound } from './status.js';

export function evictionRequest(ctx: ControllerContext, req: ApiRequest, namespace: string, name: string): ApiResponse {
  let body: EvictionBody & { metadata?: { name?: string } } = {};
  if (req.body.length > 0) {
    try {
      body = JSON.parse(req.body.toString('utf8')) as typeof body;
    } catch {
      throw badRequest('the Eviction body is not valid JSON');
    }
  }
  if (body.metadata?.name && body.metadata.name !== name) throw badRequest(`name in URL does not match name in Eviction object`);
  return json(evict(ctx, namespace, name, body), 201);
}

export function podLog(ctx: ControllerContext, namespace: string, name: string): ApiResponse {
  const pod = ctx.store.get<Pod>('pods', namespace, name);
  if (!pod) throw notFound('pods', name, '', 'pods');
  if (pod.status.phase === 'Pending') throw new ApiError(400, 'BadRequest', `container "${pod.spec.containers[0]?.name}" in pod "${name}" is waiting to start: ContainerCreating`);
  const annotated = pod.metadata.annotations?.[LOG_ANNOTATION];
  if (annotated !== undefined) return { kind: 'text', code: 200, text: annotated };
  const c = pod.spec.containers[0];
  const argv = [...(c?.command ?? []), ...(c?.args ?? [])];
  if (argv[0] === 'echo') return { kind: 'text', code: 200, text: `${argv.slice(1).join(' ')}\n` };
  if ((argv[0] === 'sh' || argv[0] === '/bin/sh') && argv[1] === '-c') {
    const m = /^echo\s+(.*)$/.exec(argv[2] ?? '');
    if (m) return { kind: 'text', code: 200, text: `${m[1]!.replace(/^["']|["']$/g, '')}\n` };
  }
  return { kind: 'text', code: 200, text: '' };
}
