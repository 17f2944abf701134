// The controller manager: after any change in the store, run every controller in order until the
// store settles (bounded passes), then sample availability. Passes are coalesced through one
// zero-delay timer so a burst of writes costs one pass.
import type { ControllerContext } from './context.js';
import { reconcileDaemonSets, reconcileReplicaSets, reconcileStatefulSets } from './workloads.js';
import { reconcileDeployments } from './deployments.js';
import { schedulePending } from './scheduler.js';
import { reconcilePdbs } from './disruption.js';
import type { Kubelets } from './kubelet.js';
import type { Recorder } from '../records.js';

const MAX_PASSES = 8;

export class ControllerManager {
  private scheduled = false;
  private running = false;

  constructor(private readonly ctx: ControllerContext, private readonly kubelets: Kubelets, private readonly recorder: Recorder) {}

  /**
   * Faults are edited from outside (tests, the control endpoint) without a store write, so a pass
   * also runs every resyncMs (like the controllers' periodic resync). Cleared with the timers.
   */
  startResync(resyncMs = 1000): void {
    this.ctx.timers.afterReal(resyncMs, () => {
      this.kick();
      this.startResync(resyncMs);
    });
  }

  /** Ask for a pass soon (coalesced). */
  kick(): void {
    if (this.running || this.scheduled) return;
    this.scheduled = true;
    this.ctx.timers.afterReal(0, () => {
      this.scheduled = false;
      this.runNow();
    });
  }

  /** Run passes until nothing changes (at most MAX_PASSES, then schedule another round). */
  runNow(): void {
    if (this.running) return;
    this.running = true;
    try {
      for (let i = 0; i < MAX_PASSES; i++) {
        const before = this.ctx.store.resourceVersion();
        reconcileDeployments(this.ctx);
        reconcileReplicaSets(this.ctx);
        reconcileStatefulSets(this.ctx);
        reconcileDaemonSets(this.ctx);
        schedulePending(this.ctx);
        this.kubelets.reconcile();
        reconcilePdbs(this.ctx);
        if (this.ctx.store.resourceVersion() === before) {
          this.recorder.sample(this.ctx.store);
          return;
        }
        this.recorder.sample(this.ctx.store);
      }
    } finally {
      this.running = false;
    }
    this.kick();
  }
}
