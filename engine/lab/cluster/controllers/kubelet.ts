// The kubelets of every node, simulated: scheduled pods turn Running and Ready after their start
// delay (annotation lab.runbook.dev/start-seconds, else 1–2 s), one-off pods complete, deleting
// pods go away after their grace period, a NotReady node's pods stop counting as Ready, and a
// kubelet restart takes the node NotReady for a while.
import type { Node, Pod, PodCondition } from '../types.js';
import { isDeleting, isNodeReady, isPodReady, isTerminal, isoSeconds } from '../podutil.js';
import type { ControllerContext } from './context.js';

export const START_ANNOTATION = 'lab.runbook.dev/start-seconds';
export const LOG_ANNOTATION = 'lab.runbook.dev/log';
/**
 * Simulated seconds a pod's containers take to exit after SIGTERM (default 1). A pod goes away
 * after min(grace period, this), as on a real node; a large value makes a pod that needs its whole
 * grace period (kubectl's "stuck" case).
 */
export const STOP_ANNOTATION = 'lab.runbook.dev/stop-seconds';
/** Exit code of a one-off pod (default 0: Succeeded; otherwise Failed with reason Error). */
export const EXIT_ANNOTATION = 'lab.runbook.dev/exit-code';
/** Simulated seconds from `systemctl restart kubelet` to the node reporting Ready. */
export const KUBELET_RESTART_SECONDS = 3;

export class Kubelets {
  private readonly starting = new Map<string, () => void>();
  private readonly terminating = new Map<string, { at: number; cancel: () => void }>();
  private readonly restarts = new Map<string, () => void>();
  /** Called with (node, event, version) when a node's readiness flips. */
  onNodeEvent: (node: string, event: 'notready' | 'ready', version: string) => void = () => {};

  constructor(private readonly ctx: ControllerContext) {}

  /** Forget every pending transition (after a snapshot restore); the next pass re-arms them. */
  reset(): void {
    for (const c of this.starting.values()) c();
    for (const t of this.terminating.values()) t.cancel();
    this.starting.clear();
    this.terminating.clear();
  }

  private startDelayMs(p: Pod): number {
    const s = Number(p.metadata.annotations?.[START_ANNOTATION]);
    if (Number.isFinite(s) && s >= 0) return s * 1000;
    return 1000 + Math.floor(this.ctx.random() * 1000);
  }

  reconcile(): void {
    const { store } = this.ctx;
    const nodes = new Map(store.peek<Node>('nodes').map((n) => [n.metadata.name, n]));
    const now = isoSeconds(this.ctx.timers.now());
    for (const pod of store.peek<Pod>('pods')) {
      const uid = pod.metadata.uid!;
      const node = pod.spec.nodeName ? nodes.get(pod.spec.nodeName) : undefined;
      if (isDeleting(pod)) {
        this.starting.get(uid)?.();
        this.starting.delete(uid);
        const stop = Number(pod.metadata.annotations?.[STOP_ANNOTATION] ?? 1);
        const grace = Math.min(pod.metadata.deletionGracePeriodSeconds ?? 0, Number.isFinite(stop) && stop >= 0 ? stop : 1);
        if (!node || grace <= 0 || this.ctx.instant || pod.status.phase === 'Pending' || isTerminal(pod)) {
          this.terminating.get(uid)?.cancel();
          this.terminating.delete(uid);
          store.remove('pods', pod.metadata.namespace, pod.metadata.name);
          continue;
        }
        const existing = this.terminating.get(uid);
        const at = this.ctx.timers.now() + grace * 1000 * this.ctx.timers.timeScale;
        if (!existing || existing.at > at + 50) {
          existing?.cancel();
          const cancel = this.ctx.timers.after(grace * 1000, () => {
            this.terminating.delete(uid);
            const cur = store.get<Pod>('pods', pod.metadata.namespace, pod.metadata.name);
            if (cur?.metadata.uid === uid) store.remove('pods', cur.metadata.namespace, cur.metadata.name);
            this.ctx.kick();
          });
          this.terminating.set(uid, { at, cancel });
        }
        continue;
      }
      if (!node) {
        // The pod garbage collector removes pods bound to a node that no longer exists.
        if (pod.spec.nodeName) store.remove('pods', pod.metadata.namespace, pod.metadata.name);
        continue;
      }
      const nodeReady = isNodeReady(node);
      if (pod.status.phase === 'Pending') {
        if (!nodeReady || this.starting.has(uid)) continue;
        if (this.ctx.instant) this.start(pod, node);
        else {
          const cancel = this.ctx.timers.after(this.startDelayMs(pod), () => {
            this.starting.delete(uid);
            const cur = store.get<Pod>('pods', pod.metadata.namespace, pod.metadata.name);
            const n = store.get<Node>('nodes', undefined, node.metadata.name);
            if (cur?.metadata.uid === uid && !isDeleting(cur) && cur.status.phase === 'Pending' && n) this.start(cur, n);
            this.ctx.kick();
          });
          this.starting.set(uid, cancel);
        }
        continue;
      }
      if (pod.status.phase === 'Running' && isPodReady(pod) !== nodeReady) {
        store.update('pods', withReady(pod, nodeReady, now));
      }
    }
  }

  private start(pod: Pod, node: Node): void {
    const now = isoSeconds(this.ctx.timers.now());
    const oneOff = pod.spec.restartPolicy === 'Never' || pod.spec.restartPolicy === 'OnFailure';
    const exitCode = Number(pod.metadata.annotations?.[EXIT_ANNOTATION] ?? 0) || 0;
    const hostIP = node.status.addresses.find((a) => a.type === 'InternalIP')?.address;
    // Host-network pods (static control-plane pods, kube-proxy) share the node's address.
    const cidr = /^(\d+\.\d+\.\d+)\./.exec(String(node.spec.podCIDR ?? '10.244.0.0/24'))?.[1] ?? '10.244.0';
    const ip = pod.spec['hostNetwork'] === true && hostIP ? hostIP : `${cidr}.${2 + Math.floor(this.ctx.random() * 250)}`;
    const containerStatuses = pod.spec.containers.map((c) => ({
      name: c.name, image: c.image, imageID: `${c.image.split(':')[0]}@sha256:${'0'.repeat(64)}`,
      containerID: `containerd://${pod.metadata.uid!.replace(/-/g, '')}${c.name.length}`,
      ready: !oneOff, started: !oneOff, restartCount: 0,
      state: oneOff ? { terminated: { exitCode, reason: exitCode === 0 ? 'Completed' : 'Error', startedAt: now, finishedAt: now } } : { running: { startedAt: now } },
    }));
    const started: Pod = {
      ...pod,
      status: {
        ...pod.status, phase: oneOff ? (exitCode === 0 ? 'Succeeded' : 'Failed') : 'Running', hostIP, podIP: ip, podIPs: [{ ip }], startTime: now, containerStatuses,
      },
    };
    this.ctx.store.update('pods', withReady(started, !oneOff, now, oneOff ? 'PodCompleted' : undefined));
  }

  /**
   * The node's kube-proxy pod after its kubelet came back: running, or (crashLoop fault) in
   * CrashLoopBackOff as the kubelet reports a container that keeps exiting 1.
   */
  private proxyHealth(nodeName: string, healthy: boolean): void {
    const now = isoSeconds(this.ctx.timers.now());
    for (const pod of this.ctx.store.list<Pod>('pods', 'kube-system')) {
      if (pod.spec.nodeName !== nodeName || pod.metadata.labels?.['k8s-app'] !== 'kube-proxy' || pod.status.phase !== 'Running') continue;
      const looping = (pod.status.containerStatuses ?? []).some((c) => (c['state'] as { waiting?: { reason?: string } } | undefined)?.waiting?.reason === 'CrashLoopBackOff');
      if (healthy === !looping) continue;
      const containerStatuses = (pod.status.containerStatuses ?? []).map((c) => healthy
        ? { ...c, ready: true, started: true, state: { running: { startedAt: now } } }
        : {
            ...c, ready: false, started: false, restartCount: Number(c['restartCount'] ?? 0) + 5,
            state: { waiting: { reason: 'CrashLoopBackOff', message: `back-off 2m40s restarting failed container=${String(c['name'])} pod=${pod.metadata.name}_kube-system(${pod.metadata.uid})` } },
            lastState: { terminated: { exitCode: 1, reason: 'Error', startedAt: now, finishedAt: now } },
          });
      this.ctx.store.update('pods', withReady({ ...pod, status: { ...pod.status, containerStatuses } }, healthy, now, healthy ? undefined : 'ContainersNotReady'));
    }
  }

  /** `systemctl restart kubelet`: NotReady now, Ready at the new version later (or never). */
  restart(nodeName: string, kubeletVersion: string): void {
    const { store } = this.ctx;
    const node = store.get<Node>('nodes', undefined, nodeName);
    if (!node) throw new Error(`lab: no node named ${nodeName}`);
    this.restarts.get(nodeName)?.();
    this.restarts.delete(nodeName);
    store.update('nodes', setNodeReady(node, false, isoSeconds(this.ctx.timers.now())));
    this.onNodeEvent(nodeName, 'notready', node.status.nodeInfo.kubeletVersion);
    this.ctx.kick();
    if (this.ctx.faults.neverReady.includes(nodeName)) return;
    const cancel = this.ctx.timers.after(KUBELET_RESTART_SECONDS * 1000, () => {
      this.restarts.delete(nodeName);
      if (this.ctx.faults.neverReady.includes(nodeName)) return;
      const cur = store.get<Node>('nodes', undefined, nodeName);
      if (!cur) return;
      const v = kubeletVersion.startsWith('v') ? kubeletVersion : `v${kubeletVersion}`;
      cur.status.nodeInfo = { ...cur.status.nodeInfo, kubeletVersion: v, kubeProxyVersion: v };
      store.update('nodes', setNodeReady(cur, true, isoSeconds(this.ctx.timers.now())));
      this.proxyHealth(nodeName, !this.ctx.faults.crashLoop.includes(nodeName));
      this.onNodeEvent(nodeName, 'ready', v);
      this.ctx.kick();
    });
    this.restarts.set(nodeName, cancel);
  }
}

function withReady(pod: Pod, ready: boolean, now: string, reason?: string): Pod {
  const s = ready ? 'True' : 'False';
  const conds: PodCondition[] = [
    { type: 'PodReadyToStartContainers', status: 'True', lastProbeTime: null, lastTransitionTime: now },
    { type: 'Initialized', status: 'True', lastProbeTime: null, lastTransitionTime: now },
    { type: 'Ready', status: s, lastProbeTime: null, lastTransitionTime: now, ...(reason ? { reason } : {}) },
    { type: 'ContainersReady', status: s, lastProbeTime: null, lastTransitionTime: now, ...(reason ? { reason } : {}) },
    { type: 'PodScheduled', status: 'True', lastProbeTime: null, lastTransitionTime: pod.status.conditions?.find((c) => c.type === 'PodScheduled')?.lastTransitionTime ?? now },
  ];
  const containerStatuses = (pod.status.containerStatuses ?? []).map((c) => ('running' in (c['state'] as object) ? { ...c, ready } : c));
  return { ...pod, status: { ...pod.status, conditions: conds, containerStatuses } };
}

export function setNodeReady(node: Node, ready: boolean, now: string): Node {
  const conditions = node.status.conditions.map((c) => {
    if (c.type !== 'Ready') return c;
    const changed = (c.status === 'True') !== ready;
    return ready
      ? { ...c, status: 'True' as const, reason: 'KubeletReady', message: 'kubelet is posting ready status', lastHeartbeatTime: now, lastTransitionTime: changed ? now : c.lastTransitionTime }
      : { ...c, status: 'False' as const, reason: 'KubeletNotReady', message: 'container runtime status check may not have completed yet', lastHeartbeatTime: now, lastTransitionTime: changed ? now : c.lastTransitionTime };
  });
  return { ...node, status: { ...node.status, conditions } };
}
