// Turns many concurrent calls into few batched ones. Items that arrive while a batch is being
// written wait for the next one; a batch starts as soon as a writer is free (no timer), so an idle
// system adds no latency and a busy one writes large batches. `writers` batches may be written at
// once: 1 for a single-writer database (SQLite), a few for PostgreSQL, whose transactions spend
// most of their time in round trips and fsyncs that overlap well. Used for ingest group commit and
// for recording delivery outcomes.

interface Waiting<T, R> {
  item: T;
  resolve: (result: R) => void;
  reject: (error: unknown) => void;
}

export class Batcher<T, R> {
  private queue: Waiting<T, R>[] = [];
  private writing = 0; // writers running
  private scheduled = false;
  private idle: Promise<void> = Promise.resolve();
  private markIdle: () => void = () => {};

  constructor(
    private readonly write: (items: T[]) => Promise<R[]>,
    private readonly maxBatch: number,
    private readonly writers = 1,
  ) {}

  /** Resolves with the item's result once the batch holding it has been written. */
  submit(item: T): Promise<R> {
    return new Promise((resolve, reject) => {
      this.queue.push({ item, resolve, reject });
      if (this.writing === 0 && !this.scheduled) {
        this.idle = new Promise((done) => {
          this.markIdle = done;
        });
      }
      // Start a writer after the current tick, so items submitted together share a batch.
      if (this.writing < this.writers && !this.scheduled) {
        this.scheduled = true;
        setImmediate(() => {
          this.scheduled = false;
          if (this.writing < this.writers && this.queue.length > 0) void this.drain();
        });
      }
    });
  }

  /** Resolves when everything submitted so far has been written. */
  flushed(): Promise<void> {
    return this.idle;
  }

  private async drain(): Promise<void> {
    this.writing++;
    while (this.queue.length > 0) {
      const batch = this.queue.splice(0, this.maxBatch);
      try {
        const results = await this.write(batch.map((w) => w.item));
        for (const [i, w] of batch.entries()) w.resolve(results[i] as R);
      } catch (err) {
        for (const w of batch) w.reject(err);
      }
    }
    this.writing--;
    if (this.writing === 0 && !this.scheduled) this.markIdle();
  }
}
