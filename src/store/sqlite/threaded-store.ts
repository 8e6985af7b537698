// The SQLite store as the server uses it: a SqliteStore living in a worker thread, reached by
// message passing. better-sqlite3 is synchronous, and an fsync'ed commit takes about a millisecond;
// on the main thread that would stall every HTTP request and delivery, and it would leave the
// machine's second core idle. Here the main thread keeps serving while a commit runs, so batches
// (group commit, outcome recording) grow under load instead of latency.
import { Worker } from 'node:worker_threads';
import { type ErrorCode, HeraldError } from '../../domain/errors.js';
import type { HealthPolicy } from '../../domain/health.js';
import type {
  ClaimShare,
  DeliveryJob,
  DeliveryOutcome,
  IngestLease,
  IngestRequest,
  IngestResult,
  Store,
  SubscriptionTransition,
} from '../store.js';
import { type JobBatch, jobsFromBatch, outcomeValues, type PackedIngest, requestValues, unpackIngest } from './wire.js';

/** The Store methods that cross as a plain call (arguments and result as they are). The delivery
 *  path's (ingest, claimDue, recordAttempts) cross packed, and close and onMessagesCommitted are
 *  this side's; every other method must be listed here, or this does not compile. */
type Forwarded = Exclude<
  {
    [K in keyof Store]: Store[K] extends (...args: never[]) => Promise<unknown> ? K : never;
  }[keyof Store],
  'ingest' | 'claimDue' | 'recordAttempts' | 'close'
>;

const FORWARDED = {
  migrate: true, ping: true,
  createEventType: true, importEventTypes: true, syncEventTypes: true, getEventType: true, listEventTypes: true, updateEventType: true, deleteEventType: true,
  createSubscriber: true, getSubscriber: true, listSubscribers: true, updateSubscriber: true, deleteSubscriber: true, countSubscribers: true,
  createSubscription: true, getSubscription: true, listSubscriptions: true, updateSubscription: true, deleteSubscription: true, countSubscriptionHealth: true,
  ingestForSubscription: true, getEvent: true, listEvents: true,
  getMessage: true, listMessages: true, queryMessages: true, deleteMessage: true, resendMessage: true, recoverMessages: true,
  getAttempt: true, listAttempts: true, queryAttempts: true,
  releaseLeases: true, returnLeases: true, nextDueAt: true, startProbe: true,
  purgeSettledEvents: true,
  openSession: true, getSession: true, touchSession: true, closeSession: true, createPortalLink: true, claimPortalLink: true,
  createApiKey: true, getApiKey: true, findApiKeyByHash: true, listApiKeys: true, revokeApiKey: true, countApiKeys: true,
  appendAudit: true, listAudit: true,
  subscriptionStats: true,
  takeSends: true,
} as const satisfies Record<Forwarded, true>; // biome-ignore format: one group per resource reads better

interface Pending {
  resolve: (value: unknown) => void;
  reject: (error: unknown) => void;
}

/** The thread and its calls; threadedSqliteStore makes a Store of it. */
class SqliteThread {
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
  }

  call(method: string, args: unknown[]): Promise<unknown> {
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

/** The SQLite store in a worker thread of its own (see the top of this file). */
export function threadedSqliteStore(options: { path: string }): Store {
  const thread = new SqliteThread(options);
  const forwarded = Object.fromEntries(
    Object.keys(FORWARDED).map((method) => [method, (...args: unknown[]) => thread.call(method, args)]),
  ) as unknown as Pick<Store, Forwarded>;
  return {
    kind: 'sqlite',
    capabilities: { multiProcess: false, crossProcessNotify: false },
    ...forwarded,
    // The delivery path: records cross packed (wire.ts, sqlite-thread.ts).
    async ingest(requests: IngestRequest[], lease?: IngestLease): Promise<IngestResult[]> {
      return unpackIngest((await thread.call('ingestPacked', [requests.map(requestValues), lease])) as PackedIngest, requests);
    },
    async claimDue(now: number, limit: number, leaseMarginMs: number, share?: ClaimShare): Promise<DeliveryJob[]> {
      return jobsFromBatch((await thread.call('claimDuePacked', [now, limit, leaseMarginMs, share])) as JobBatch);
    },
    async recordAttempts(outcomes: readonly DeliveryOutcome[], policy?: HealthPolicy): Promise<SubscriptionTransition[]> {
      return (await thread.call('recordOutcomeValues', [outcomes.map(outcomeValues), policy])) as SubscriptionTransition[];
    },
    onMessagesCommitted: (listener) => thread.onMessagesCommitted(listener),
    close: () => thread.close(),
  } satisfies Store;
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
