// The drain's "do" part: evict (or delete) every chosen pod in parallel, retry 429s from a
// PodDisruptionBudget every 5 s until the deadline, and wait for each pod to be gone by UID.
// Reports through callbacks; never prints.
import { setMaxListeners } from 'node:events';
import type { Clock } from '../../ports/clock.js';
import type { KubeClient, PdbInfo, PodInfo } from '../../ports/kube.js';
import { podRef } from './common.js';
import { pdbsFor } from './pdb-math.js';

export interface EvictOptions {
  /** Seconds; undefined = the pod's own terminationGracePeriodSeconds. */
  gracePeriodSeconds?: number;
  /** DELETE instead of the Eviction API (no subresource, or disable_eviction). */
  useDelete: boolean;
  deadline: number;
  /** Pods deleting for longer than this are treated as gone (0 = never). */
  skipWaitForDeleteTimeoutSeconds: number;
  /** How often to re-ask after a 429 (kubectl: 5 s). */
  retryMs: number;
  /** How often to look for pods that are gone. */
  pollMs: number;
}

export interface EvictHooks {
  progress(message: string): void;
}

export type PodEnd =
  | { pod: string; state: 'gone' }
  | { pod: string; state: 'failed'; error: string }
  | { pod: string; state: 'timeout'; phase: 'blocked' | 'terminating'; blockedBy?: string[]; lastMessage?: string };

interface Track {
  pod: PodInfo;
  ref: string;
  phase: 'evicting' | 'blocked' | 'terminating' | 'done';
  end?: PodEnd;
  blockedBy?: string[];
  lastMessage?: string;
}

/** Evict all pods; resolves when every pod is gone, failed, or the deadline passed. */
export async function evictAll(kube: KubeClient, clock: Clock, signal: AbortSignal, pods: PodInfo[], node: string, o: EvictOptions, hooks: EvictHooks): Promise<PodEnd[]> {
  const tracks = pods.map((pod): Track => ({ pod, ref: podRef(pod), phase: 'evicting' }));
  // One request and one sleep per pod listen on the step's signal at once: not a leak.
  setMaxListeners(Math.max(50, 3 * pods.length), signal);
  let pdbCache: Promise<PdbInfo[]> | undefined;
  const pdbNames = async (pod: PodInfo, fromServer?: string): Promise<string[]> => {
    if (fromServer) return [`${pod.namespace}/${fromServer}`];
    pdbCache ??= kube.listPdbs(undefined, signal).catch(() => []);
    return pdbsFor(pod, await pdbCache).map((b) => `${b.namespace}/${b.name}`);
  };
  let lastSummary = '';
  const summarize = () => {
    const left = tracks.filter((t) => t.phase !== 'done');
    const blocked = left.filter((t) => t.phase === 'blocked');
    const byPdb = new Map<string, string[]>();
    for (const t of blocked) {
      const key = t.blockedBy?.length ? `PDB ${t.blockedBy.join(', ')}` : t.lastMessage?.startsWith('namespace ') ? 'a terminating namespace' : 'a PodDisruptionBudget';
      byPdb.set(key, [...(byPdb.get(key) ?? []), t.ref]);
    }
    const parts = [...byPdb].map(([by, refs]) => `${by} blocks ${refs.join(', ')}`);
    const msg = `${left.length} of ${tracks.length} pods left on ${node}${parts.length ? `; ${parts.join('; ')}` : ''}`;
    if (msg !== lastSummary) {
      lastSummary = msg;
      hooks.progress(msg);
    }
  };

  // One eviction loop per pod, all at once (kubectl does the same with goroutines).
  const evictOne = async (t: Track): Promise<void> => {
    for (let attempt = 0; attempt < 100_000; attempt++) {
      if (clock.now() >= o.deadline || signal.aborted) return;
      try {
        if (o.useDelete) {
          await kube.deletePod(t.pod.namespace, t.pod.name, { gracePeriodSeconds: o.gracePeriodSeconds }, signal);
          t.phase = 'terminating';
          return;
        }
        const r = await kube.evictPod(t.pod.namespace, t.pod.name, { gracePeriodSeconds: o.gracePeriodSeconds }, signal);
        if (r.status === 'evicted' || r.status === 'gone') {
          t.phase = r.status === 'gone' ? 'done' : 'terminating';
          if (r.status === 'gone') t.end = { pod: t.ref, state: 'gone' };
          summarize();
          return;
        }
        t.lastMessage = r.message;
        if (r.reason === 'NamespaceTerminating') t.blockedBy = [];
        else if (t.phase !== 'blocked' || !t.blockedBy?.length) t.blockedBy = await pdbNames(t.pod, r.pdb);
        t.phase = 'blocked';
        summarize();
      } catch (e) {
        if (signal.aborted) return;
        t.phase = 'done';
        t.end = { pod: t.ref, state: 'failed', error: (e as Error).message };
        hooks.progress(`${t.ref}: ${(e as Error).message}`);
        return;
      }
      const left = o.deadline - clock.now();
      if (left <= 0) return;
      await clock.sleep(Math.min(o.retryMs, left), signal).catch(() => undefined);
    }
  };

  // Waiting for deletion: one list of the node's pods per tick answers for every pod at once; a
  // pod is gone when its UID is no longer there (a new pod with the same name is not the old one).
  let evictionsDone = false;
  const waitGone = async (): Promise<void> => {
    for (let tick = 0; tick < 1_000_000; tick++) {
      const waiting = tracks.filter((t) => t.phase === 'terminating');
      if (waiting.length > 0) {
        let present: Map<string, PodInfo>;
        try {
          present = new Map((await kube.listPods({ node }, signal)).map((p) => [p.uid, p]));
        } catch (e) {
          if (signal.aborted) return;
          hooks.progress(`listing pods on ${node} failed, will retry: ${(e as Error).message}`);
          present = new Map(waiting.map((t) => [t.pod.uid, t.pod]));
        }
        const now = clock.now();
        for (const t of waiting) {
          const p = present.get(t.pod.uid);
          const stuck = p?.deletionTimestamp !== undefined && o.skipWaitForDeleteTimeoutSeconds > 0 && (now - p.deletionTimestamp) / 1000 > o.skipWaitForDeleteTimeoutSeconds;
          if (!p || stuck) {
            t.phase = 'done';
            t.end = { pod: t.ref, state: 'gone' };
          }
        }
        summarize();
      }
      if (evictionsDone && tracks.every((t) => t.phase === 'done')) return;
      if (clock.now() >= o.deadline || signal.aborted) return;
      const left = o.deadline - clock.now();
      await clock.sleep(Math.min(o.pollMs, left), signal).catch(() => undefined);
    }
  };

  summarize();
  const waiter = waitGone();
  await Promise.all(tracks.map(evictOne));
  evictionsDone = true;
  await waiter;
  return tracks.map(
    (t): PodEnd =>
      t.end ?? { pod: t.ref, state: 'timeout', phase: t.phase === 'blocked' || t.phase === 'evicting' ? 'blocked' : 'terminating', blockedBy: t.blockedBy, lastMessage: t.lastMessage },
  );
}
