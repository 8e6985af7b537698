// The embedded store: the Store contract on one SQLite file (connection.ts), composed of one part per
// resource (./*.ts, each a factory over the connection), every method behind the connection's guard
// (SQLite errors that mean "unavailable now" become store_unavailable and fail readiness).
import type { Store, StoreCapabilities } from '../store.js';
import { apiKeyStore } from './api-keys.js';
import { attemptStore } from './attempts.js';
import { auditStore } from './audit.js';
import { SqliteConnection } from './connection.js';
import { eventTypeStore } from './event-types.js';
import { ingestStore } from './ingest.js';
import { lifecycleStore } from './lifecycle.js';
import { messageStore } from './messages.js';
import { queueStore, type SqliteQueueStore } from './queue.js';
import { rateLimitStore } from './rate-limits.js';
import { retentionStore } from './retention.js';
import { sessionStore } from './sessions.js';
import { statsStore } from './stats.js';
import { subscriberStore } from './subscribers.js';
import { subscriptionStore } from './subscriptions.js';

/** The store, and what the SQLite thread (sqlite-thread.ts) calls besides the contract. */
export type SqliteStore = Store & Pick<SqliteQueueStore, 'recordOutcomeValues'>;

const capabilities: StoreCapabilities = { multiProcess: false, crossProcessNotify: false };

/** Opens (creating it if need be) the database at `path`; throws HeraldError('store_unavailable')
 *  saying why when it cannot be opened or written. */
export function sqliteStore(options: { path: string }): SqliteStore {
  const db = new SqliteConnection(options.path);
  return db.guard({
    kind: 'sqlite',
    capabilities,
    ...lifecycleStore(db),
    ...eventTypeStore(db),
    ...subscriberStore(db),
    ...subscriptionStore(db),
    ...ingestStore(db),
    ...messageStore(db),
    ...attemptStore(db),
    ...queueStore(db),
    ...retentionStore(db),
    ...sessionStore(db),
    ...apiKeyStore(db),
    ...auditStore(db),
    ...statsStore(db),
    ...rateLimitStore(db),
  } satisfies SqliteStore);
}
