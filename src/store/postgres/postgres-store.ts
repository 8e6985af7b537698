// The PostgreSQL store: the Store contract on the `postgres` (porsager) driver, for several API and
// worker processes sharing one database. One part per resource (the files beside this one), all on
// one PostgresConnection (connection.ts: the pool, errors, deadlines, notifications).
//
// How it works. Every method is one statement or one transaction on a shared pool. Ingest is one
// transaction per call that writes with multi-row INSERTs (ingest.ts). Workers claim with
// `FOR UPDATE SKIP LOCKED` and a lease (queue.ts). Commits that make messages due wake idle workers
// in every process through NOTIFY (connection.ts).
import type { Store } from '../store.js';
import { apiKeyStore } from './api-keys.js';
import { attemptStore } from './attempts.js';
import { auditStore } from './audit.js';
import { PostgresConnection, type PostgresStoreOptions } from './connection.js';
import { eventTypeStore } from './event-types.js';
import { ingestStore } from './ingest.js';
import { lifecycleStore } from './lifecycle.js';
import { messageStore } from './messages.js';
import { queueStore } from './queue.js';
import { rateLimitStore } from './rate-limits.js';
import { retentionStore } from './retention.js';
import { sessionStore } from './sessions.js';
import { statsStore } from './stats.js';
import { subscriberStore } from './subscribers.js';
import { subscriptionStore } from './subscriptions.js';

export type { PostgresStoreOptions };
export type PostgresStore = Store;

export function postgresStore(options: PostgresStoreOptions): PostgresStore {
  const db = new PostgresConnection(options);
  return {
    kind: 'postgres',
    capabilities: { multiProcess: true, crossProcessNotify: true },
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
  } satisfies Store;
}
