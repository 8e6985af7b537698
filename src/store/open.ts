// Chooses the store from the database URL: `sqlite:<path>` (default) or `postgres://...`.
import type { Store } from './store.js';

export interface StoreOptions {
  /** PostgreSQL connections per process. */
  poolMax?: number;
}

export async function openStore(databaseUrl: string, options: StoreOptions = {}): Promise<Store> {
  if (databaseUrl.startsWith('postgres://') || databaseUrl.startsWith('postgresql://')) {
    const { postgresStore } = await import('./postgres/postgres-store.js');
    return postgresStore({ url: databaseUrl, poolMax: options.poolMax ?? 10 });
  }
  const { threadedSqliteStore } = await import('./sqlite/threaded-store.js');
  return threadedSqliteStore({ path: sqlitePath(databaseUrl) });
}

/** `sqlite:./herald.db`, `sqlite:///abs/path.db`, `sqlite::memory:` or a bare path. */
export function sqlitePath(databaseUrl: string): string {
  if (!databaseUrl.startsWith('sqlite:')) return databaseUrl;
  const rest = databaseUrl.slice('sqlite:'.length);
  return rest.startsWith('//') ? rest.slice(2) : rest;
}
