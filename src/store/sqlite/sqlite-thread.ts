// Worker-thread side of ThreadedSqliteStore: owns the SqliteStore and runs the calls posted to it,
// one at a time, in arrival order. Commits (and their fsyncs) block this thread, not the one
// serving HTTP and deliveries.
import { parentPort, workerData } from 'node:worker_threads';
import type { IngestLease } from '../store.js';
import { SqliteStore } from './sqlite-store.js';
import { packIngestResult, type RequestValues, requestFromValues } from './wire.js';

interface Call {
  id: number;
  method: string;
  args: unknown[];
}

const port = parentPort;
if (!port) throw new Error('sqlite-thread must run in a worker thread');
const store = new SqliteStore({ path: (workerData as { path: string }).path });

let notifyQueued = false;
store.onMessagesCommitted(() => {
  if (notifyQueued) return;
  notifyQueued = true;
  queueMicrotask(() => {
    notifyQueued = false;
    port.postMessage({ notify: true });
  });
});

// The delivery path's records cross as value lists (wire.ts): claimDueValues and
// recordOutcomeValues take and give them as they are; ingest requests arrive as values and created
// results go back as counts, without the event the caller has.
const packed: Record<string, (...args: never[]) => unknown> = {
  ingestValues: (requests: RequestValues[], lease: IngestLease | undefined) =>
    store.ingestValues(requests.map(requestFromValues), lease).map(packIngestResult),
};

port.on('message', async ({ id, method, args }: Call) => {
  try {
    const fn = (packed[method] ?? (store as unknown as Record<string, (...a: unknown[]) => Promise<unknown>>)[method]) as
      | ((...a: unknown[]) => unknown)
      | undefined;
    if (typeof fn !== 'function') throw new Error(`unknown store method ${method}`);
    port.postMessage({ id, result: await fn.apply(store, args) });
  } catch (err) {
    const e = err as Error & { code?: string; details?: unknown };
    port.postMessage({ id, error: { name: e.name, code: e.code, message: e.message, details: e.details } });
  }
});
