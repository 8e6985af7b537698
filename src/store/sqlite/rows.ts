// SQLite's side of the shared row mappers (../rows.ts) and list conditions (../filters.ts): a flag is
// stored as 0/1 and a list as JSON text, and a condition on a list is matched through json_each. With
// the few SQL pieces more than one part of the store uses.
import type { Message } from '../../domain/glossary.js';
import type { HeldMove } from '../../domain/health.js';
import type { Condition } from '../filters.js';
import { page, parseJson, type Row, rowMappers } from '../rows.js';
import type { Page } from '../store.js';
import type { SqliteConnection } from './connection.js';

export const { toEventType, toSubscriber, toSubscription, toEvent, toPriorEvent, toMessage, toAttempt, toSession, toApiKey, toAuditEntry } =
  rowMappers({ flag: (value: unknown) => value === 1, list: <T>(value: unknown) => parseJson<T[]>(value) });

/** The shared list conditions (../filters.ts) as a WHERE clause of this dialect, with its parameters. */
export function where(conditions: Condition[]): { sql: string; params: unknown[] } {
  if (conditions.length === 0) return { sql: '', params: [] };
  const sql = conditions.map((c) => (c.op === 'in' ? `${c.column} IN (SELECT value FROM json_each(?))` : `${c.column} ${c.op} ?`));
  return { sql: `WHERE ${sql.join(' AND ')}`, params: conditions.map((c) => (c.op === 'in' ? JSON.stringify(c.value) : c.value)) };
}

/** The row `sql` finds, mapped; null when there is none. */
export function oneRow<T>(db: SqliteConnection, sql: string, params: unknown[], map: (r: Row) => T): T | null {
  const r = db.get(sql, params);
  return r ? map(r) : null;
}

/** A page of `table` newest first (by id) under the shared list conditions: `limit + 1` rows, as page() wants. */
export function newestFirst<T>(db: SqliteConnection, table: string, conditions: Condition[], limit: number, map: (r: Row) => T): Page<T> {
  const w = where(conditions);
  return page(db.all(`SELECT * FROM ${table} ${w.sql} ORDER BY id DESC LIMIT ?`, [...w.params, limit + 1]), limit, map);
}

/** A message's columns, `m` joined with its subscription `s` (for the url). */
export const MESSAGE_COLUMNS = `m.*, s.url AS url`;

/** The message `id`, as getMessage answers it (ingestForSubscription and resendMessage answer with it too). */
export function messageById(db: SqliteConnection, id: string): Message | null {
  return oneRow(
    db,
    `SELECT ${MESSAGE_COLUMNS} FROM messages m JOIN subscriptions s ON s.id = m.subscription_id WHERE m.id = ?`,
    [id],
    toMessage,
  );
}

/** The messages of `subscriptionId` its breaker holds back (due at exactly move.from, not leased)
 *  become due at move.to (src/domain/health.ts heldMove); the queue's listeners are told. */
export function moveHeld(db: SqliteConnection, subscriptionId: string, move: HeldMove | null): void {
  if (move === null) return;
  const moved = db.run(
    'UPDATE messages SET next_attempt_at = ? WHERE next_attempt_at = ? AND status IN (0, 2) AND leased = 0 AND subscription_id = ?',
    [move.to, move.from, subscriptionId],
  ).changes;
  if (moved > 0) db.notify();
}
export { jsonOrNull } from '../rows.js';
