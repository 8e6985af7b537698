// A claim leases a message until its attempt deadline plus a margin have passed; only then may
// another worker claim it again. The margin is what the attempt's outcome has to be recorded in
// after the deadline, and what absorbs clock differences between worker machines.

/** How long a lease holds a message whose attempt deadline is `timeoutSeconds`. PostgreSQL's claim
 *  statement computes the same in SQL. */
export function leaseMs(timeoutSeconds: number, leaseMarginMs: number): number {
  return Math.ceil(timeoutSeconds * 1000) + leaseMarginMs;
}
