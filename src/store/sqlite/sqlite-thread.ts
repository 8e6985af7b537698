// Worker-thread side of ThreadedSqliteStore: owns the SqliteStore and runs the calls posted to it,
// one at a time, in arrival order. Commits (and their fsyncs) block this thread, not the one
// serving HTTP and deliveries.
import { parentPort, workerData } from 'node:worker_threads';
import type { ClaimShare, IngestLease } from '../store.js';
import { mapSqliteError } from './connection.js';
import { type SqliteStore, sqliteStore } from './sqlite-store.js';
import { jobBatch, packIngest, type RequestValues, requestFromValues } from './wire.js';

interface Call {
  id: number;
  method: string;
  args: unknown[];
}

const port = parentPort;
if (!port) throw new Error('sqlite-thread must run in a worker thread');

/** An error as it crosses to the main thread; threaded-store.ts revives a HeraldError with its code. */
function serialize(err: unknown): { name: string; code?: string; message: string; details?: unknown } {
  const e = mapSqliteError(err) as Error & { code?: string; details?: unknown };
  return { name: e.name, code: e.code, message: e.message, details: e.details };
}

// A database that cannot be opened (a read-only mount, say) does not stop the thread: every call is
// answered with why, so the caller reports it (`herald serve` prints it and exits) and can close.
let openFailure: ReturnType<typeof serialize> | null = null;
const store = (() => {
  try {
    return sqliteStore({ path: (workerData as { path: string }).path });
  } catch (err) {
    openFailure = serialize(err);
    return null;
  }
})();

let notifyQueued = false;
store?.onMessagesCommitted(() => {
  if (notifyQueued) return;
  notifyQueued = true;
  queueMicrotask(() => {
    notifyQueued = false;
    port.postMessage({ notify: true });
  });
});

// The delivery path's records cross packed (wire.ts): ingest requests arrive as values and results go
// back as counts, with the leased jobs' subscriptions once; claimed jobs likewise; outcomes arrive as
// values (recordOutcomeValues).
const packed: Record<string, (...args: never[]) => unknown> = {
  ingestPacked: async (requests: RequestValues[], lease: IngestLease | undefined) =>
    packIngest(await (store as SqliteStore).ingest(requests.map(requestFromValues), lease)),
  claimDuePacked: async (now: number, limit: number, leaseMarginMs: number, share: ClaimShare | undefined) =>
    jobBatch(await (store as SqliteStore).claimDue(now, limit, leaseMarginMs, share)),
};

port.on('message', async ({ id, method, args }: Call) => {
  if (!store) {
    port.postMessage(method === 'close' ? { id, result: undefined } : { id, error: openFailure });
    return;
  }
  try {
    const fn = (packed[method] ?? (store as unknown as Record<string, (...a: unknown[]) => Promise<unknown>>)[method]) as
      | ((...a: unknown[]) => unknown)
      | undefined;
    if (typeof fn !== 'function') throw new Error(`unknown store method ${method}`);
    port.postMessage({ id, result: await fn.apply(store, args) });
  } catch (err) {
    port.postMessage({ id, error: serialize(err) });
  }
});
