// Worker-thread side of ThreadedSqliteStore: owns the SqliteStore and runs the calls posted to it,
// one at a time, in arrival order. Commits (and their fsyncs) block this thread, not the one
// serving HTTP and deliveries.
import { parentPort, workerData } from 'node:worker_threads';
import { SqliteStore } from './sqlite-store.js';

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

port.on('message', async ({ id, method, args }: Call) => {
  try {
    const fn = (store as unknown as Record<string, (...a: unknown[]) => Promise<unknown>>)[method];
    if (typeof fn !== 'function') throw new Error(`unknown store method ${method}`);
    port.postMessage({ id, result: await fn.apply(store, args) });
  } catch (err) {
    const e = err as Error & { code?: string; details?: unknown };
    port.postMessage({ id, error: { name: e.name, code: e.code, message: e.message, details: e.details } });
  }
});
