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
}

/** Whether `queued`'s lease still covers a whole attempt started at `now` and half the margin to
 *  record it; a job whose lease does not gives it back, so a claim takes the message with a fresh one. */
export function leaseCovers({ job, leaseEnds }: Queued, now: number, leaseMarginMs: number): boolean {
  return now + leaseMs(job.subscription.timeoutSeconds, leaseMarginMs / 2) <= leaseEnds;
}

/** The lease `queued` gives back. */
export const returned = ({ job, leaseEnds }: Queued): ReturnedLease => ({ messageId: job.messageId, leaseEnds });

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
      expiring.push(returned(first));
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
