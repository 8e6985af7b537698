// Retention: events older than HERALD_RETENTION_DAYS are deleted with their messages and attempts,
// once every message of theirs is settled (DESIGN.md §7, 90 days by default, as Svix keeps them).
// A process that delivers runs it at start and then every hour, in batches of one short
// transaction each, so ingest and delivery go on between them; `herald purge` runs it once.
import type { Logger } from 'pino';
import type { PurgeResult, Store } from './store.js';

const DAY_MS = 86_400_000;
export const RETENTION_INTERVAL_MS = 3_600_000; // between runs
export const PURGE_BATCH = 500; // events per transaction
const MAX_BATCHES_PER_RUN = 2_000; // 1,000,000 events; the next run goes on from there

export interface RetentionOptions {
  /** Days an event is kept; 0 keeps everything. */
  retentionDays: number;
  intervalMs?: number;
  batch?: number;
}

export class Retention {
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<PurgeResult> | null = null;
  private stopped = false;

  constructor(
    private readonly store: Store,
    private readonly options: RetentionOptions,
    private readonly logger: Logger,
    private readonly onPurged: (result: PurgeResult) => void = () => {},
  ) {}

  get enabled(): boolean {
    return this.options.retentionDays > 0;
  }

  /** Runs once now (in the background) and then every interval; nothing when retention is 0. */
  start(): void {
    if (!this.enabled || this.timer !== null || this.stopped) return;
    const tick = () => {
      this.purge().catch((err) => this.logger.warn({ err }, 'retention: purging old events failed; the next run tries again'));
    };
    this.timer = setInterval(tick, this.options.intervalMs ?? RETENTION_INTERVAL_MS);
    this.timer.unref();
    setImmediate(tick);
  }

  /** Stops the schedule and waits for the batch in progress. */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer !== null) clearInterval(this.timer);
    this.timer = null;
    await this.running?.catch(() => {});
  }

  /** Deletes what is past retention at `now`, batch after batch; one run at a time. */
  purge(now: number = Date.now()): Promise<PurgeResult> {
    if (!this.enabled) return Promise.resolve({ events: 0, messages: 0 });
    this.running ??= this.run(now - this.options.retentionDays * DAY_MS).finally(() => {
      this.running = null;
    });
    return this.running;
  }

  private async run(before: number): Promise<PurgeResult> {
    const batch = this.options.batch ?? PURGE_BATCH;
    const total: PurgeResult = { events: 0, messages: 0 };
    for (let i = 0; i < MAX_BATCHES_PER_RUN && !this.stopped; i++) {
      const result = await this.store.purgeSettledEvents(before, batch);
      total.events += result.events;
      total.messages += result.messages;
      if (result.events > 0 || result.messages > 0) this.onPurged(result);
      if (result.events < batch) break;
      await new Promise((resolve) => setImmediate(resolve)); // let requests in between batches
    }
    if (total.events > 0) this.logger.info({ ...total, before: new Date(before).toISOString() }, 'retention: deleted old events');
    return total;
  }
}
