// Group commit for ingest: requests arriving while a transaction is written share the next one,
// and none is acknowledged before its transaction has committed (DESIGN.md §3).

import type { IngestRequest, IngestResult, Store } from '../store/store.js';
import { Batcher } from '../util/batcher.js';

export class GroupCommit {
  private readonly batcher: Batcher<IngestRequest, IngestResult>;

  constructor(store: Store, maxBatch = 1_000 /* requests per transaction */) {
    // SQLite has one writer; PostgreSQL overlaps a few transactions' round trips and fsyncs.
    const writers = store.capabilities.multiProcess ? 4 : 1;
    this.batcher = new Batcher((requests) => store.ingest(requests), maxBatch, writers);
  }

  /** Resolves once the request's transaction has committed. */
  submit(request: IngestRequest): Promise<IngestResult> {
    return this.batcher.submit(request);
  }

  /** Submits several requests; resolves when all are committed, results in request order. */
  submitAll(requests: IngestRequest[]): Promise<IngestResult[]> {
    return Promise.all(requests.map((r) => this.batcher.submit(r)));
  }
}
