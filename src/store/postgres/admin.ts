// Administrative statements outside the Store contract (CREATE/DROP DATABASE, terminating
// backends), for tooling and tests, so that nothing outside src/store/postgres/ imports the driver.
// Each call opens one connection, runs one statement and closes it.
import postgres from 'postgres';

const CONNECT_TIMEOUT_SECONDS = 3;

/** Runs `text` (no parameters, may be a utility statement like CREATE DATABASE) on `url`; returns the rows. */
export async function pgAdminQuery<T extends object = Record<string, unknown>>(url: string, text: string): Promise<T[]> {
  const sql = postgres(url, { max: 1, connect_timeout: CONNECT_TIMEOUT_SECONDS, onnotice: () => {} });
  try {
    return [...(await sql.unsafe(text))] as unknown as T[];
  } finally {
    await sql.end({ timeout: 1 });
  }
}

/** Double-quotes an identifier for use in `pgAdminQuery` text. */
export function quoteIdent(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}
