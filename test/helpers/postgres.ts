// PostgreSQL for tests: a fresh database per test file, created through an admin connection and
// dropped at the end, and a schema per test inside it. The server is HERALD_TEST_PG_URL (default
// postgres://postgres@127.0.0.1:5432/test, trust auth). Under CI=true an unreachable server fails
// the run; elsewhere the tests skip with the reason.
import { randomBytes } from 'node:crypto';
import { pgAdminQuery, quoteIdent } from '../../src/store/postgres/admin.js';

export const ADMIN_URL = process.env['HERALD_TEST_PG_URL'] ?? 'postgres://postgres@127.0.0.1:5432/test';

export interface TestDatabase {
  /** Connection URL of the new database. */
  url: string;
  /** The database's name (`herald_test_...`). */
  name: string;
  /** Drops the database, terminating any connection still open on it. */
  drop: () => Promise<void>;
}

/** `url` with its database (path) replaced, and optional query parameters set. */
export function withDatabase(url: string, database: string, params: Record<string, string> = {}): string {
  const u = new URL(url);
  u.pathname = `/${database}`;
  for (const [k, v] of Object.entries(params)) u.searchParams.set(k, v);
  return u.toString();
}

/**
 * Resolves to null when PostgreSQL answers, or to the reason to skip when it does not. Under
 * CI=true it throws instead, so a CI run without PostgreSQL fails rather than passing by skipping.
 */
export async function requirePostgres(): Promise<string | null> {
  try {
    await pgAdminQuery(ADMIN_URL, 'SELECT 1');
    return null;
  } catch (err) {
    const reason = `PostgreSQL is not reachable at ${ADMIN_URL} (${(err as Error).message}); start it or set HERALD_TEST_PG_URL`;
    if (process.env['CI'] === 'true') throw new Error(`CI=true and ${reason}`);
    return reason;
  }
}

/** Creates an empty database `herald_test_<random>` on the admin server. */
export async function createTestDatabase(): Promise<TestDatabase> {
  const name = `herald_test_${randomBytes(6).toString('hex')}`;
  await pgAdminQuery(ADMIN_URL, `CREATE DATABASE ${quoteIdent(name)}`);
  return {
    name,
    url: withDatabase(ADMIN_URL, name),
    drop: async () => {
      await pgAdminQuery(ADMIN_URL, `DROP DATABASE IF EXISTS ${quoteIdent(name)} WITH (FORCE)`);
    },
  };
}

/**
 * A schema of its own inside the database at `databaseUrl`, for one test: a URL whose connections
 * use it (search_path as a startup parameter), and a function dropping it.
 */
export async function createTestSchema(databaseUrl: string): Promise<{ url: string; schema: string; drop: () => Promise<void> }> {
  const schema = `t_${randomBytes(6).toString('hex')}`;
  await pgAdminQuery(databaseUrl, `CREATE SCHEMA ${quoteIdent(schema)}`);
  return {
    schema,
    url: withDatabase(databaseUrl, new URL(databaseUrl).pathname.slice(1), { search_path: schema }),
    drop: async () => {
      await pgAdminQuery(databaseUrl, `DROP SCHEMA IF EXISTS ${quoteIdent(schema)} CASCADE`);
    },
  };
}
