// The SQLite store as the server uses it: a SqliteStore living in a worker thread, reached by
// message passing. better-sqlite3 is synchronous, and an fsync'ed commit takes about a millisecond;
// on the main thread that would stall every HTTP request and delivery, and it would leave the
// machine's second core idle. Here the main thread keeps serving while a commit runs, so batches
// (group commit, outcome recording) grow under load instead of latency.
import { Worker } from 'node:worker_threads';
import { type ErrorCode, HeraldError } from '../../domain/errors.js';
import type { AttemptOutcome, DeliveryJob, IngestLease, IngestRequest, IngestResult, Store, StoreCapabilities } from '../store.js';
import { type JobValues, jobFromValues, outcomeValues, type PackedIngestResult, requestValues, unpackIngestResult } from './wire.js';

type AsyncMethod = {
  [K in keyof Store]: Store[K] extends (...args: never[]) => Promise<unknown> ? K : never;
}[keyof Store];

const METHODS: AsyncMethod[] = [
  'migrate', 'ping', 'close',
  'createEventType', 'importEventTypes', 'getEventType', 'listEventTypes', 'updateEventType', 'deleteEventType',
  'createSubscriber', 'getSubscriber', 'listSubscribers', 'updateSubscriber', 'deleteSubscriber',
  'createSubscription', 'getSubscription', 'listSubscriptions', 'updateSubscription', 'deleteSubscription',
  'ingestForSubscription', 'getEvent', 'listEvents',
  'getMessage', 'listMessages', 'deleteMessage', 'resendMessage', 'recoverMessages',
  'getAttempt', 'listAttempts',
  'queryMessages', 'queryAttempts', 'countSubscribers',
  'releaseLeases', 'returnLeases', 'nextDueAt', 'purgeSettledEvents',
  'openSession', 'getSession', 'touchSession', 'closeSession',
  'createApiKey', 'getApiKey', 'findApiKeyByHash', 'listApiKeys', 'revokeApiKey', 'countApiKeys',
  'appendAudit', 'listAudit',
  'subscriptionStats',
]; // biome-ignore format: one group per resource reads better

interface Pending {
  resolve: (value: unknown) => void;
  reject: (error: unknown) => void;
}

export interface ThreadedSqliteStore extends Pick<Store, AsyncMethod> {}

// biome-ignore lint/suspicious/noUnsafeDeclarationMerging: the methods are installed in the constructor
export class ThreadedSqliteStore implements Store {
  readonly kind = 'sqlite' as const;
  readonly capabilities: StoreCapabilities = { multiProcess: false, crossProcessNotify: false };
  private readonly worker: Worker;
  private readonly pending = new Map<number, Pending>();
  private readonly listeners = new Set<() => void>();
  private nextId = 1;
  private closed = false;
  /** Set once the thread has stopped: a call posted to it then would never be answered. */
  private stopped: HeraldError | null = null;

  constructor(options: { path: string }) {
    const here = import.meta.url;
    // Under tsx (tests, `npm run herald`) the sources are .ts; built, they are .js.
    const fromSource = here.endsWith('.ts');
    const entry = new URL(fromSource ? './sqlite-thread.ts' : './sqlite-thread.js', here);
    const workerData = { path: options.path };
    // A worker starts without the parent's module hooks: run from source (tests, `npm run
    // herald`), it registers tsx itself before loading the thread's module.
    this.worker = fromSource
      ? new Worker(`import('tsx/esm/api').then((tsx) => { tsx.register(); return import(${JSON.stringify(entry.href)}); });`, {
          eval: true,
          workerData,
        })
      : new Worker(entry, { workerData });
    this.worker.unref();
    this.worker.on('message', (msg: { id?: number; result?: unknown; error?: SerializedError; notify?: boolean }) => {
      if (msg.notify) {
        for (const listener of this.listeners) listener();
        return;
      }
      const call = this.pending.get(msg.id as number);
      if (!call) return;
      this.pending.delete(msg.id as number);
      if (msg.error) call.reject(revive(msg.error));
      else call.resolve(msg.result);
    });
    this.worker.on('error', (err) => this.failAll(new HeraldError('store_unavailable', `the SQLite thread failed: ${err.message}`)));
    this.worker.on('exit', () => {
      this.stopped = new HeraldError('store_unavailable', 'the SQLite thread stopped');
      this.failAll(this.stopped);
    });
    for (const method of METHODS) {
      if (method === 'close') continue;
      (this as unknown as Record<string, unknown>)[method] = (...args: unknown[]) => this.call(method, args);
    }
  }

  // The delivery path: records cross as value lists (wire.ts, sqlite-thread.ts).

  async ingest(requests: IngestRequest[], lease?: IngestLease): Promise<IngestResult[]> {
    const results = (await this.call('ingestValues', [requests.map(requestValues), lease])) as PackedIngestResult[];
    return results.map((r, i) => unpackIngestResult(r, requests[i] as IngestRequest));
  }

  async claimDue(now: number, limit: number, leaseMarginMs: number): Promise<DeliveryJob[]> {
    return ((await this.call('claimDueValues', [now, limit, leaseMarginMs])) as JobValues[]).map(jobFromValues);
  }

  async recordAttempts(outcomes: AttemptOutcome[]): Promise<void> {
    await this.call('recordOutcomeValues', [outcomes.map(outcomeValues)]);
  }

  private call(method: string, args: unknown[]): Promise<unknown> {
    if (this.closed) return Promise.reject(new HeraldError('store_unavailable', 'the store is closed'));
    if (this.stopped) return Promise.reject(this.stopped);
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      if (this.pending.size === 1) this.worker.ref(); // keep the process alive while calls are pending
      this.worker.postMessage({ id, method, args });
    }).finally(() => {
      if (this.pending.size === 0) this.worker.unref();
    });
  }

  private failAll(err: unknown): void {
    for (const call of this.pending.values()) call.reject(err);
    this.pending.clear();
  }

  onMessagesCommitted(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    if (!this.stopped) await this.call('close', []);
    this.closed = true;
    await this.worker.terminate();
  }
}

interface SerializedError {
  name: string;
  code?: string;
  message: string;
  details?: unknown;
}

function revive(e: SerializedError): Error {
  if (e.name === 'HeraldError' && e.code) return new HeraldError(e.code as ErrorCode, e.message, e.details);
  return Object.assign(new Error(e.message), { code: e.code });
}
