// The SQLite migrations in order. Append new ones; never edit or reorder a shipped one.
import m0001 from './0001-init.js';
import m0002 from './0002-api-key-limits-and-audit-log.js';
import m0003 from './0003-secret-rotation.js';
import m0004 from './0004-sessions.js';
import m0005 from './0005-event-message-count.js';
import m0006 from './0006-subscription-health.js';
import m0007 from './0007-max-in-flight.js';
import m0008 from './0008-stats-indexes.js';
import m0009 from './0009-rate-limit.js';
import m0010 from './0010-auth-signing-custom-data.js';
import m0011 from './0011-filter-template.js';
import m0012 from './0012-event-type-example.js';
import m0013 from './0013-subscription-batch.js';
import m0014 from './0014-dashboard-sessions.js';

export const migrations: { version: number; name: string; sql: string }[] = [
  { version: 1, name: 'init', sql: m0001 },
  { version: 2, name: 'api-key-limits-and-audit-log', sql: m0002 },
  { version: 3, name: 'secret-rotation', sql: m0003 },
  { version: 4, name: 'sessions', sql: m0004 },
  { version: 5, name: 'event-message-count', sql: m0005 },
  { version: 6, name: 'subscription-health', sql: m0006 },
  { version: 7, name: 'max-in-flight', sql: m0007 },
  { version: 8, name: 'stats-indexes', sql: m0008 },
  { version: 9, name: 'rate-limit', sql: m0009 },
  { version: 10, name: 'auth-signing-custom-data', sql: m0010 },
  { version: 11, name: 'filter-template', sql: m0011 },
  { version: 12, name: 'event-type-example', sql: m0012 },
  { version: 13, name: 'subscription-batch', sql: m0013 },
  { version: 14, name: 'dashboard-sessions', sql: m0014 },
];
