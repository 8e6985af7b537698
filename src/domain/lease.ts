// A claim leases a message until its attempt deadline plus a margin have passed; only then may
// another worker claim it again. The margin is what the attempt's outcome has to be recorded in
// after the deadline, and what absorbs clock differences between worker machines. A batched
// subscription's message may wait up to its batch's maxWaitMs before its attempt starts: its lease
// covers that wait too.
import type { Subscription } from './glossary.js';

/** How long a lease holds a message whose attempt deadline is `timeoutSeconds`. PostgreSQL's claim
 *  statement computes the same in SQL. */
export function leaseMs(timeoutSeconds: number, leaseMarginMs: number): number {
  return Math.ceil(timeoutSeconds * 1000) + leaseMarginMs;
}

/** How long a claim leases a message of `subscription`: its attempt deadline and the margin, plus,
 *  for a batched subscription, the longest a member waits for its batch (batch.maxWaitMs), so a
 *  lease never runs out while its message waits or is in flight. PostgreSQL's claim adds the
 *  subscription's batch_max_wait_ms the same way. */
export function subscriptionLeaseMs(subscription: Pick<Subscription, 'timeoutSeconds' | 'batch'>, leaseMarginMs: number): number {
  return leaseMs(subscription.timeoutSeconds, leaseMarginMs) + (subscription.batch?.maxWaitMs ?? 0);
}
