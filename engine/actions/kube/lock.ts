// `lock`: a coordination.k8s.io/v1 Lease held for the whole run so two operators cannot upgrade
// one cluster at once. Renewed every ttl/3 in the background; released (deleted) when the run
// ends, through ctx.defer. Held by another live run → RefusedError (exit 3) naming holder and since.
import { hostname, userInfo } from 'node:os';
import { basename } from 'node:path';
import { KubeError, RefusedError } from '../../model/errors.js';
import type { KubeClient, LeaseInfo } from '../../ports/kube.js';
import type { Action, ActionContext, ActionResult } from '../action.js';
import { boolSchema, durationSchema, parseDuration, toBool } from './common.js';
import { decideLease, leaseExpiresAt } from './lease.js';

export interface LockArgs {
  name?: string;
  namespace?: string;
  ttl?: string | number;
  take_over?: boolean | string;
  /** Holder identity; default user@host/run_id. */
  holder?: string;
}

function whoAmI(ctx: ActionContext): string {
  let user = 'unknown';
  try {
    user = userInfo().username;
  } catch {
    /* no passwd entry (containers): keep "unknown" */
  }
  return `${user}@${hostname()}/${basename(ctx.runDir)}`;
}

const iso = (t: number | undefined) => (t === undefined ? 'an unknown time' : new Date(t).toISOString());

/** Keep renewing until stopped; a lost lease is reported, not silently re-taken. */
function startRenewal(ctx: ActionContext, kube: KubeClient, held: LeaseInfo, ttlMs: number): () => Promise<void> {
  const stop = new AbortController();
  let current = held;
  let renewedAt = held.renewTime ?? ctx.clock.now();
  const lease = `${held.namespace}/${held.name}`;
  // Like a leader that loses its election: once another run holds the Lease, or ours has
  // lapsed (so another run may have taken it meanwhile), this run must not change the cluster
  // any more. Steps under way finish; no changing step starts after this.
  const lost = (why: string) => {
    ctx.progress(`lock ${lease} ${why}; this run no longer holds it`);
    ctx.haltChanges?.(`the run lock (Lease ${lease}) ${why}`);
  };
  const loop = (async () => {
    for (let i = 0; i < 10_000_000 && !stop.signal.aborted; i++) {
      await ctx.clock.sleep(Math.ceil(ttlMs / 3), stop.signal).catch(() => undefined);
      if (stop.signal.aborted) return;
      try {
        current = await kube.updateLease({ ...current, renewTime: ctx.clock.now() }, AbortSignal.any([stop.signal, AbortSignal.timeout(Math.ceil(ttlMs / 3))]));
        renewedAt = ctx.clock.now();
      } catch (e) {
        if (stop.signal.aborted) return;
        const fresh = await kube.getLease(held.namespace, held.name, AbortSignal.timeout(10_000)).catch(() => undefined);
        if (fresh && fresh.holderIdentity !== held.holderIdentity) return lost(`was taken over by ${fresh.holderIdentity ?? 'nobody'}`);
        if (ctx.clock.now() - renewedAt >= ttlMs) {
          return lost(`lapsed: not renewed for ${Math.round((ctx.clock.now() - renewedAt) / 1000)} s, past its ${Math.round(ttlMs / 1000)} s ttl (last error: ${(e as Error).message})`);
        }
        if (fresh) current = fresh;
        ctx.progress(`lock ${lease}: renewal failed, will retry: ${(e as Error).message}`);
      }
    }
  })();
  return async () => {
    stop.abort();
    await loop;
    const signal = AbortSignal.timeout(10_000);
    const now = await kube.getLease(held.namespace, held.name, signal).catch(() => undefined);
    if (now?.holderIdentity === held.holderIdentity) await kube.deleteLease(held.namespace, held.name, signal).catch(() => undefined);
  };
}

export const lock: Action<LockArgs> = {
  name: 'lock',
  summary: 'Hold a Lease for the whole run so a second run against the same cluster refuses to start',
  changes: true,
  // The Lease lives only as long as the process that renews it: a resumed run must take it again
  // (same holder identity user@host/RUN_ID, so its own unexpired Lease is simply renewed).
  onResume: 'rerun',
  schema: {
    type: 'object',
    additionalProperties: false,
    properties: { name: { type: 'string' }, namespace: { type: 'string' }, ttl: durationSchema, take_over: boolSchema, holder: { type: 'string' } },
  },
  describe: (a) => `take the run lock (Lease ${a.namespace ?? 'kube-system'}/${a.name ?? 'runbook-upgrade'}, ttl ${String(a.ttl ?? '60s')}${toBool(a.take_over, false) ? ', taking over a live holder' : ''})`,
  async run(ctx, a): Promise<ActionResult> {
    const name = a.name ?? 'runbook-upgrade';
    const namespace = a.namespace ?? 'kube-system';
    const ttlMs = parseDuration(a.ttl ?? '60s', 'ttl');
    const me = a.holder ?? whoAmI(ctx);
    const kube = await ctx.kube();
    const now = ctx.clock.now();
    const found = await kube.getLease(namespace, name, ctx.signal);
    const d = decideLease(found, me, now, toBool(a.take_over, false));
    if (d.kind === 'refuse') {
      throw new RefusedError(
        `the cluster is locked by ${d.holder} since ${iso(d.since)} (Lease ${namespace}/${name}, expires ${iso(d.expiresAt)} unless renewed)`,
        `wait for that run to finish, or if it is dead, run again with take_over: true on the lock step`,
      );
    }
    const base: LeaseInfo = { name, namespace, holderIdentity: me, leaseDurationSeconds: Math.ceil(ttlMs / 1000), acquireTime: now, renewTime: now };
    let held: LeaseInfo;
    try {
      if (d.kind === 'create') held = await kube.createLease(base, ctx.signal);
      else if (d.kind === 'renew') held = await kube.updateLease({ ...found!, renewTime: now, leaseDurationSeconds: base.leaseDurationSeconds }, ctx.signal);
      else held = await kube.updateLease({ ...base, resourceVersion: found!.resourceVersion, leaseTransitions: (found!.leaseTransitions ?? 0) + 1 }, ctx.signal);
    } catch (e) {
      // Another run created or took it between our read and our write.
      if (e instanceof KubeError && e.status === 409) {
        const other = await kube.getLease(namespace, name, ctx.signal);
        throw new RefusedError(`the cluster was locked by ${other?.holderIdentity ?? 'another run'} at the same moment (Lease ${namespace}/${name})`, 'run again once that run has finished');
      }
      throw e;
    }
    ctx.defer(startRenewal(ctx, kube, held, ttlMs));
    const how = d.kind === 'create' ? 'taken' : d.kind === 'renew' ? 'renewed (already ours)' : d.kind === 'take' ? `taken (the previous lease was ${d.why})` : `taken over from ${d.holder}`;
    return {
      status: 'changed',
      message: `lock ${namespace}/${name} ${how} by ${me}`,
      data: { name, namespace, holder: me, expires_at: leaseExpiresAt(held), previous_holder: found?.holderIdentity ?? null },
    };
  },
};
