// The run lock's decisions, pure: given the Lease as found, may this run take it?
import type { LeaseInfo } from '../../ports/kube.js';

export type LeaseDecision =
  | { kind: 'create' }
  /** Ours already (the same run resuming): renew it. */
  | { kind: 'renew' }
  /** Released (no holder) or expired: take it. */
  | { kind: 'take'; why: 'released' | 'expired' }
  /** Held by another live holder, but take_over was asked. */
  | { kind: 'take-over'; holder: string }
  | { kind: 'refuse'; holder: string; since?: number; expiresAt: number };

export function leaseExpiresAt(l: LeaseInfo): number {
  const from = l.renewTime ?? l.acquireTime ?? 0;
  return from + (l.leaseDurationSeconds ?? 0) * 1000;
}

export function decideLease(l: LeaseInfo | undefined, me: string, now: number, takeOver: boolean): LeaseDecision {
  if (!l) return { kind: 'create' };
  if (!l.holderIdentity) return { kind: 'take', why: 'released' };
  if (l.holderIdentity === me) return { kind: 'renew' };
  if (leaseExpiresAt(l) <= now) return { kind: 'take', why: 'expired' };
  if (takeOver) return { kind: 'take-over', holder: l.holderIdentity };
  return { kind: 'refuse', holder: l.holderIdentity, since: l.acquireTime, expiresAt: leaseExpiresAt(l) };
}
