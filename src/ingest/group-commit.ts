// Group commit for ingest: requests arriving while a transaction is written share the next one,
// and none is acknowledged before its transaction has committed (DESIGN.md §3).
//
// In a process that also delivers, each transaction may lease some of the messages it creates to
// that process's dispatcher (the hand-off): they are committed already claimed and go out as soon
// as the commit returns, without a claim query. How many is the dispatcher's call (Handoff).

import { HeraldError } from '../domain/errors.js';
import { countFilterErrors } from '../observability/filter-errors.js';
import type { DeliveryJob, IngestLease, IngestRequest, IngestResult, Store } from '../store/store.js';
import { Batcher } from '../util/batcher.js';
import { writeIsolating } from '../util/split-on-failure.js';

/** The delivering side of the hand-off (the Dispatcher). */
export interface Handoff {
  /** How many new messages to lease to it now, reserved until adopt(); undefined for none.
   *  `writers`: transactions that may be written at once, each reserving its share. */
  reserve(writers: number): IngestLease | undefined;
  /** Takes the jobs leased under `lease` (after the commit) and frees the rest of the reservation. */
  adopt(jobs: DeliveryJob[], lease: IngestLease): void;
}

/** A request's result, or why its transaction failed. */
type Written = IngestResult | { failed: unknown };

export class GroupCommit {
  private readonly batcher: Batcher<IngestRequest, Written>;
  private readonly writers: number;

  constructor(
    private readonly store: Store,
    private readonly handoff: Handoff | null = null,
    maxBatch = 1_000 /* requests per transaction */,
  ) {
    // SQLite has one writer; PostgreSQL overlaps a few transactions' round trips and fsyncs.
    this.writers = store.capabilities.multiProcess ? 4 : 1;
    this.batcher = new Batcher((requests) => this.write(requests), maxBatch, this.writers);
  }

  /** Resolves once the request's transaction has committed. */
  async submit(request: IngestRequest): Promise<IngestResult> {
    const written = await this.batcher.submit(request);
    if ('failed' in written) throw written.failed;
    return written;
  }

  /** Submits several requests; resolves when all are committed, results in request order. */
  submitAll(requests: IngestRequest[]): Promise<IngestResult[]> {
    return Promise.all(requests.map((r) => this.submit(r)));
  }

  /**
   * Writes a group. Requests are validated before they join one, but should a transaction still
   * fail on one member's data, the group is split down to the culprit (writeIsolating): the others
   * commit and only it gets the error. An unreachable database fails the part being written.
   */
  private write(requests: IngestRequest[]): Promise<Written[]> {
    return writeIsolating<IngestRequest, Written>(
      requests,
      (part) => this.writeLeased(part),
      (part, err) => part.map(() => ({ failed: err })),
      (err) => !(err instanceof HeraldError && err.code === 'store_unavailable'),
    );
  }

  private async writeLeased(requests: IngestRequest[]): Promise<IngestResult[]> {
    const lease = this.handoff?.reserve(this.writers);
    if (!lease) return counted(await this.store.ingest(requests));
    const jobs: DeliveryJob[] = [];
    try {
      const results = counted(await this.store.ingest(requests, lease));
      for (const r of results) {
        if (r.status !== 'created' || !r.leased) continue;
        for (const job of r.leased) jobs.push(job);
        delete r.leased;
      }
      return results;
    } finally {
      this.handoff?.adopt(jobs, lease);
    }
  }
}

/** Counts the filter failures of committed results (src/observability/filter-errors.ts), then drops
 *  them from the results, which the routes answer with. */
function counted(results: IngestResult[]): IngestResult[] {
  const now = Date.now();
  for (const r of results) {
    if (r.status !== 'created' || !r.filterErrors) continue;
    countFilterErrors(r.filterErrors, now);
    delete r.filterErrors;
  }
  return results;
}
