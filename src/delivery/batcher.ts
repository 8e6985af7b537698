// Batched delivery (DESIGN.md §4, README "Batches"): where the messages of a subscription with
// `batch` settings wait for their batch.
//
// How it works. The dispatcher hands each job of a batched subscription here instead of starting
// it; the job already holds its lease, which covers the wait (subscriptionLeaseMs). Jobs gather in
// one open batch per subscription, in the order they come (creation order: claims and the hand-off
// give them oldest first). A batch closes when it holds `maxEvents` members, when its body would
// pass `maxBytes` with the next member (that member opens the next batch; a member larger than the
// limit on its own goes alone), or `maxWaitMs` after its first member came, whichever is first;
// closing hands the members to `flush`, which runs them as one attempt (runBatchAttempt). A member
// is in one batch only: the dispatcher holds each message once, and its lease keeps other
// processes from claiming it meanwhile. drain() takes every member held, for the dispatcher to give
// their leases back when it stops.
import type { BatchSettings } from '../domain/glossary.js';
import type { Queued } from './job-queue.js';

/** A subscription's open batch. */
interface OpenBatch {
  settings: BatchSettings;
  members: Queued[];
  /** The batch body's size so far: the members' bodies, the commas between them and the brackets. */
  bytes: number;
  timer: NodeJS.Timeout;
}

const BRACKETS = 2; // bytes of `[` and `]`
const COMMA = 1; // bytes between two members

export class BatchAssembler {
  private readonly open = new Map<string, OpenBatch>(); // by subscription
  private held = 0;

  constructor(
    /** Runs a closed batch's members, in order. */
    private readonly flush: (members: Queued[]) => void,
    /** The size in bytes of a job's formatted body; asked only of subscriptions with maxBytes. */
    private readonly measure: (queued: Queued) => number,
  ) {}

  /** Members held in open batches. */
  get size(): number {
    return this.held;
  }

  /** Adds a job of a batched subscription to its subscription's open batch, closing it on a limit. */
  add(queued: Queued): void {
    const { subscription } = queued.job;
    const id = subscription.id;
    let open = this.open.get(id);
    const limitBytes = (open?.settings ?? subscription.batch)?.maxBytes ?? null;
    const bytes = limitBytes === null ? 0 : this.measure(queued);
    if (open !== undefined && limitBytes !== null && open.bytes + COMMA + bytes > limitBytes) {
      this.close(id);
      open = undefined;
    }
    if (open === undefined) {
      const settings = subscription.batch as BatchSettings;
      const timer = setTimeout(() => this.close(id), settings.maxWaitMs);
      timer.unref();
      open = { settings, members: [], bytes: BRACKETS - COMMA, timer };
      this.open.set(id, open);
    }
    open.members.push(queued);
    open.bytes += COMMA + bytes;
    this.held++;
    const { maxEvents, maxBytes } = open.settings;
    if (open.members.length >= maxEvents || (maxBytes !== null && open.bytes + COMMA >= maxBytes)) this.close(id);
  }

  /** Closes `subscriptionId`'s open batch and flushes its members. */
  private close(subscriptionId: string): void {
    const open = this.open.get(subscriptionId);
    if (open === undefined) return;
    clearTimeout(open.timer);
    this.open.delete(subscriptionId);
    this.held -= open.members.length;
    this.flush(open.members);
  }

  /** Takes every member of every open batch, unflushed (the dispatcher is stopping). */
  drain(): Queued[] {
    const members: Queued[] = [];
    for (const open of this.open.values()) {
      clearTimeout(open.timer);
      members.push(...open.members);
    }
    this.open.clear();
    this.held = 0;
    return members;
  }
}
