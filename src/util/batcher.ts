// Turns many concurrent calls into few batched ones. Items that arrive while a batch is being
// written wait for the next one; a batch starts as soon as the previous one is done (no timer), so
// an idle system adds no latency and a busy one writes large batches. Used for ingest group commit
// and for recording delivery outcomes.

interface Waiting<T, R> {
  item: T;
  resolve: (result: R) => void;
  reject: (error: unknown) => void;
}

export class Batcher<T, R> {
  private queue: Waiting<T, R>[] = [];
  private writing = false;
  private idle: Promise<void> = Promise.resolve();
  private markIdle: () => void = () => {};

  constructor(
    private readonly write: (items: T[]) => Promise<R[]>,
    private readonly maxBatch: number,
  ) {}

  /** Resolves with the item's result once the batch holding it has been written. */
  submit(item: T): Promise<R> {
    return new Promise((resolve, reject) => {
      this.queue.push({ item, resolve, reject });
      if (!this.writing) {
        this.writing = true;
        this.idle = new Promise((done) => {
          this.markIdle = done;
        });
        setImmediate(() => void this.drain());
      }
    });
  }

  /** Resolves when everything submitted so far has been written. */
  flushed(): Promise<void> {
    return this.idle;
  }

  private async drain(): Promise<void> {
    while (this.queue.length > 0) {
      const batch = this.queue.splice(0, this.maxBatch);
      try {
        const results = await this.write(batch.map((w) => w.item));
        for (const [i, w] of batch.entries()) w.resolve(results[i] as R);
      } catch (err) {
        for (const w of batch) w.reject(err);
      }
    }
    this.writing = false;
    this.markIdle();
  }
}
