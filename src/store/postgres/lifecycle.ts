// The database itself: its schema (numbered migrations, applied once whoever starts first), a
// liveness query, and closing the pool.
import type { StoreLifecycle } from '../store.js';
import type { PostgresConnection } from './connection.js';
import { MIGRATIONS } from './migrations/index.js';

const MIGRATION_LOCK_KEY = 0x48_45_52_41; // pg_advisory_xact_lock key: 'HERA' in ASCII, arbitrary but fixed

/** kind and capabilities are the composer's (postgres-store.ts). */
export function lifecycleStore(db: PostgresConnection): Omit<StoreLifecycle, 'kind' | 'capabilities'> {
  return {
    /** Applies pending migrations in one transaction under an advisory lock; the ledger row of each
     *  is written with it, so concurrent starters serialize and the later ones find nothing to do. */
    migrate() {
      return db.run(async () => {
        await db.sql.begin(async (tx) => {
          await tx`SELECT pg_advisory_xact_lock(${MIGRATION_LOCK_KEY})`;
          await tx`CREATE TABLE IF NOT EXISTS herald_migrations (
            version    INTEGER PRIMARY KEY,
            name       TEXT NOT NULL,
            applied_at BIGINT NOT NULL
          )`;
          const done = await tx<{ version: number }[]>`SELECT version FROM herald_migrations`;
          const applied = new Set(done.map((r) => r.version));
          for (const m of MIGRATIONS) {
            if (applied.has(m.version)) continue;
            await tx`INSERT INTO herald_migrations (version, name, applied_at) VALUES (${m.version}, ${m.name}, ${Date.now()})`;
            await tx.unsafe(m.sql);
          }
        });
      }, Number.POSITIVE_INFINITY);
    },

    ping() {
      return db.run(async () => {
        await db.sql`SELECT 1`;
      });
    },

    close() {
      return db.close();
    },
  };
}
