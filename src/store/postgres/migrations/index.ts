// The PostgreSQL migrations, in order. Each is a TypeScript module exporting its SQL so that the
// compiled `dist/` carries them without a copy step. Append only: a shipped migration never changes.
import init from './0001-init.js';
import apiKeyLimitsAndAuditLog from './0002-api-key-limits-and-audit-log.js';
import secretRotation from './0003-secret-rotation.js';
import messageSeq from './0004-message-seq.js';
import messageQueue from './0005-message-queue.js';
import fractionalTimeouts from './0006-fractional-timeouts.js';
import rowLockFreeInserts from './0007-row-lock-free-inserts.js';
import apiKeySubscriberFk from './0008-api-key-subscriber-fk.js';
import sessions from './0009-sessions.js';
import alignedColumnNames from './0010-aligned-column-names.js';
import subscriptionHealth from './0011-subscription-health.js';
import queueSubscription from './0012-queue-subscription.js';
import statsIndexes from './0013-stats-indexes.js';
import rateLimit from './0014-rate-limit.js';
import authSigningCustomData from './0015-auth-signing-custom-data.js';
import queueLeases from './0016-queue-leases.js';
import filterTemplate from './0017-filter-template.js';
import eventTypeExample from './0018-event-type-example.js';
import subscriptionBatch from './0019-subscription-batch.js';
import dashboardSessions from './0020-dashboard-sessions.js';

export interface Migration {
  version: number;
  name: string;
  sql: string;
}

export const MIGRATIONS: readonly Migration[] = [
  { version: 1, name: '0001-init', sql: init },
  { version: 2, name: '0002-api-key-limits-and-audit-log', sql: apiKeyLimitsAndAuditLog },
  { version: 3, name: '0003-secret-rotation', sql: secretRotation },
  { version: 4, name: '0004-message-seq', sql: messageSeq },
  { version: 5, name: '0005-message-queue', sql: messageQueue },
  { version: 6, name: '0006-fractional-timeouts', sql: fractionalTimeouts },
  { version: 7, name: '0007-row-lock-free-inserts', sql: rowLockFreeInserts },
  { version: 8, name: '0008-api-key-subscriber-fk', sql: apiKeySubscriberFk },
  { version: 9, name: '0009-sessions', sql: sessions },
  { version: 10, name: '0010-aligned-column-names', sql: alignedColumnNames },
  { version: 11, name: '0011-subscription-health', sql: subscriptionHealth },
  { version: 12, name: '0012-queue-subscription', sql: queueSubscription },
  { version: 13, name: '0013-stats-indexes', sql: statsIndexes },
  { version: 14, name: '0014-rate-limit', sql: rateLimit },
  { version: 15, name: '0015-auth-signing-custom-data', sql: authSigningCustomData },
  { version: 16, name: '0016-queue-leases', sql: queueLeases },
  { version: 17, name: '0017-filter-template', sql: filterTemplate },
  { version: 18, name: '0018-event-type-example', sql: eventTypeExample },
  { version: 19, name: '0019-subscription-batch', sql: subscriptionBatch },
  { version: 20, name: '0020-dashboard-sessions', sql: dashboardSessions },
];
