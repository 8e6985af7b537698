// Group commit for ingest. Requests that arrive while a transaction is being written wait for the
// next one, so under load many API requests share one commit, and none is acknowledged before its
// transaction is durable. A batch is written as soon as the previous one is done (no timer), so an
// idle system adds no latency; `maxBatch` bounds a transaction's size.
import type { IngestRequest, IngestResult, Store } from '../store/store.js';

interface Waiting {
  request: IngestRequest;
  resolve: (result: IngestResult) => void;
  reject: (error: unknown) => void;
}

export class GroupCommit {
  private queue: Waiting[] = [];
  private writing = false;

  constructor(
    private readonly store: Store,
    private readonly maxBatch = 1_000, // requests per transaction
    private readonly onCommitted: () => void = () => {},
  ) {}

  /** Resolves once the request's transaction has committed. */
  submit(request: IngestRequest): Promise<IngestResult> {
    return new Promise((resolve, reject) => {
      this.queue.push({ request, resolve, reject });
      if (!this.writing) {
        this.writing = true;
        setImmediate(() => void this.drain());
      }
    });
  }

  /** Submits several requests that must share one transaction (the batch endpoint). */
  submitAll(requests: IngestRequest[]): Promise<IngestResult[]> {
    return Promise.all(requests.map((r) => this.submit(r)));
  }

  private async drain(): Promise<void> {
    while (this.queue.length > 0) {
      const batch = this.queue.splice(0, this.maxBatch);
      try {
        const results = await this.store.ingest(batch.map((w) => w.request));
        batch.forEach((w, i) => w.resolve(results[i] as IngestResult));
        if (results.some((r) => r.status === 'created' && r.messages > 0)) this.onCommitted();
      } catch (err) {
        for (const w of batch) w.reject(err);
      }
    }
    this.writing = false;
  }
}
