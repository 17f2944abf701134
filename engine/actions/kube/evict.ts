// The drain's "do" part: evict (or delete) every chosen pod in parallel, retry 429s from a
// PodDisruptionBudget until the deadline — as soon as a watch shows the PDB allowing a disruption
// again, at the latest after the retry interval (kubectl's fixed 5 s) — and wait for each pod to be
// gone by UID, woken by the watch of the node's pods. Reports through callbacks; never prints.
import { setMaxListeners } from 'node:events';
import type { Clock } from '../../ports/clock.js';
import type { KubeClient, PdbInfo, PodInfo, WatchEvent } from '../../ports/kube.js';
import { podRef } from './common.js';
import { pdbsFor } from './pdb-math.js';
import { wakeOn, type Waker } from './watch.js';

export interface EvictOptions {
  /** Seconds; undefined = the pod's own terminationGracePeriodSeconds. */
  gracePeriodSeconds?: number;
  /** DELETE instead of the Eviction API (no subresource, or disable_eviction). */
  useDelete: boolean;
  deadline: number;
  /** Pods deleting for longer than this are treated as gone (0 = never). */
  skipWaitForDeleteTimeoutSeconds: number;
  /** Longest time between two evictions of a pod a PDB refused (kubectl: 5 s); a watch of the
   *  PDB showing a disruption allowed again retries sooner. */
  retryMs: number;
  /** Longest time between two looks for pods that are gone; the watch of the node's pods and each
   *  accepted eviction look sooner. */
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

  // Deletions of the node's pods wake the wait for them (so does every accepted eviction).
  const gone: Waker = wakeOn(kube, clock, { group: '', version: 'v1', plural: 'pods', fieldSelector: `spec.nodeName=${node}` }, (e) => e.type === 'DELETED', signal);
  /** A refused pod waits for one of its PDBs to allow a disruption (or the retry interval). */
  const pdbAllows = (t: Track) => (e: WatchEvent): boolean => {
    const m = e.object.metadata;
    const allowed = (e.object['status'] as { disruptionsAllowed?: number } | undefined)?.disruptionsAllowed ?? 0;
    return allowed > 0 && !!t.blockedBy?.includes(`${m?.namespace}/${m?.name}`);
  };

  // One eviction loop per pod, all at once (kubectl does the same with goroutines).
  const evictOne = async (t: Track): Promise<void> => {
    let pdbWaker: Waker | undefined;
    try {
      await evictLoop(t, () => (pdbWaker ??= wakeOn(kube, clock, { group: 'policy', version: 'v1', plural: 'poddisruptionbudgets', namespace: t.pod.namespace }, pdbAllows(t), signal)));
    } finally {
      pdbWaker?.close();
    }
  };
  const evictLoop = async (t: Track, pdbWaker: () => Waker): Promise<void> => {
    for (let attempt = 0; attempt < 100_000; attempt++) {
      if (clock.now() >= o.deadline || signal.aborted) return;
      try {
        if (o.useDelete) {
          await kube.deletePod(t.pod.namespace, t.pod.name, { gracePeriodSeconds: o.gracePeriodSeconds }, signal);
          t.phase = 'terminating';
          gone.poke();
          return;
        }
        const r = await kube.evictPod(t.pod.namespace, t.pod.name, { gracePeriodSeconds: o.gracePeriodSeconds }, signal);
        if (r.status === 'evicted' || r.status === 'gone') {
          t.phase = r.status === 'gone' ? 'done' : 'terminating';
          if (r.status === 'gone') t.end = { pod: t.ref, state: 'gone' };
          else gone.poke();
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
      const wait = Math.min(o.retryMs, left);
      // A PDB we know by name: wake when it allows a disruption. A terminating namespace: no event to wait for.
      if (t.blockedBy?.length) await pdbWaker().wait(wait);
      else await clock.sleep(wait, signal).catch(() => undefined);
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
      await gone.wait(Math.min(o.pollMs, left));
    }
  };

  summarize();
  try {
    const waiter = waitGone();
    await Promise.all(tracks.map(evictOne));
    evictionsDone = true;
    gone.poke();
    await waiter;
  } finally {
    gone.close();
  }
  return tracks.map(
    (t): PodEnd =>
      t.end ?? { pod: t.ref, state: 'timeout', phase: t.phase === 'blocked' || t.phase === 'evicting' ? 'blocked' : 'terminating', blockedBy: t.blockedBy, lastMessage: t.lastMessage },
  );
}
