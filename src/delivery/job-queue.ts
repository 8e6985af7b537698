// The dispatcher's waiting lines: jobs that hold their lease and wait to start (handed off at
// ingest, parked behind their endpoint, or throttled by its rate limit). A FIFO cheap at both ends:
// taking the first moves an index, and the array is compacted once most of it has been taken.
import { leaseMs } from '../domain/lease.js';
import type { DeliveryJob, ReturnedLease } from '../store/store.js';

/** A job that has its lease and waits to start. */
export interface Queued {
  job: DeliveryJob;
  leaseEnds: number;
  /** It holds a send from its subscription's rate-limit budget. */
  sent?: boolean;
  /** It was counted as throttled (onThrottled). */
  throttled?: boolean;
  /** A closed batch (batcher.ts): its members, in body order; `job` is the first, `leaseEnds` the
   *  earliest. The entry waits, is throttled and starts as one attempt. */
  members?: Queued[];
}

/** Whether `queued`'s lease still covers a whole attempt started at `now` and half the margin to
 *  record it (and, for a job of a batched subscription not in a batch yet, the longest wait for its
 *  batch); a job whose lease does not gives it back, so a claim takes the message with a fresh one. */
export function leaseCovers(queued: Queued, now: number, leaseMarginMs: number): boolean {
  const { job, leaseEnds } = queued;
  const wait = queued.members === undefined && batched(job) ? (job.subscription.batch?.maxWaitMs ?? 0) : 0;
  return now + leaseMs(job.subscription.timeoutSeconds, leaseMarginMs / 2) + wait <= leaseEnds;
}

/** Whether `job` goes in a batch (batcher.ts): its subscription batches, and is not a GET one
 *  (refused when saved; a body-less batch would make no sense). */
export const batched = (job: DeliveryJob): boolean => job.subscription.batch !== null && job.subscription.method !== 'GET';

/** The leases `queued` gives back: its own, or a batch's members'. */
export const returned = (queued: Queued): ReturnedLease[] =>
  (queued.members ?? [queued]).map(({ job, leaseEnds }) => ({ messageId: job.messageId, leaseEnds }));

const COMPACT_AFTER = 1_024; // taken entries kept before the array is compacted (once they are most of it)

export class JobQueue {
  private jobs: Queued[] = [];
  private head = 0;

  get size(): number {
    return this.jobs.length - this.head;
  }

  push(queued: Queued): void {
    this.jobs.push(queued);
  }

  peek(): Queued | undefined {
    return this.jobs[this.head];
  }

  shift(): Queued | undefined {
    if (this.head === this.jobs.length) return undefined;
    const queued = this.jobs[this.head] as Queued;
    this.jobs[this.head++] = undefined as never;
    if (this.head === this.jobs.length) {
      this.jobs = [];
      this.head = 0;
    } else if (this.head > COMPACT_AFTER && this.head * 2 > this.jobs.length) {
      this.jobs.splice(0, this.head);
      this.head = 0;
    }
    return queued;
  }

  /** Takes the first jobs whose lease no longer covers an attempt, and returns their leases. */
  shiftExpiring(now: number, leaseMarginMs: number): ReturnedLease[] {
    const expiring: ReturnedLease[] = [];
    for (let first = this.peek(); first !== undefined && !leaseCovers(first, now, leaseMarginMs); first = this.peek()) {
      expiring.push(...returned(first));
      this.shift();
    }
    return expiring;
  }

  /** The jobs waiting, first to last. */
  *[Symbol.iterator](): IterableIterator<Queued> {
    for (let i = this.head; i < this.jobs.length; i++) yield this.jobs[i] as Queued;
  }

  clear(): void {
    this.jobs = [];
    this.head = 0;
  }
}
