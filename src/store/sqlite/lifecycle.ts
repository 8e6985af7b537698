// The database itself: numbered migrations (./migrations), readiness and closing. Readiness after a
// call failed for want of a usable database (disk full, read-only) is the connection's: ping() is
// ready again only once a write succeeds.
import type { Row } from '../rows.js';
import type { StoreLifecycle } from '../store.js';
import type { SqliteConnection } from './connection.js';
import { migrations } from './migrations/index.js';

export function lifecycleStore(db: SqliteConnection): Omit<StoreLifecycle, 'kind' | 'capabilities'> {
  const { handle } = db;
  return {
    async migrate() {
      handle.exec(
        'CREATE TABLE IF NOT EXISTS herald_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at INTEGER NOT NULL)',
      );
      // IMMEDIATE takes the write lock first, so two processes migrating at once run one after the other.
      const apply = handle.transaction(() => {
        const done = new Set((handle.prepare('SELECT version FROM herald_migrations').all() as Row[]).map((r) => r.version as number));
        for (const m of migrations) {
          if (done.has(m.version)) continue;
          handle.prepare('INSERT INTO herald_migrations (version, name, applied_at) VALUES (?, ?, ?)').run(m.version, m.name, Date.now());
          handle.exec(m.sql);
        }
      });
      apply.immediate();
    },

    async ping() {
      handle.prepare('SELECT 1').get();
      db.checkWritable(); // not ready until a write succeeds again
    },

    async close() {
      if (handle.open) handle.close();
    },
  };
}
