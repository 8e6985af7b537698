// PostgreSQL's reading of rows and the SQL pieces its parts share: the shared row mappers with
// native booleans and arrays, the claim's job rows, and the shared list conditions as a WHERE clause.
import type postgres from 'postgres';
import type { Subscription } from '../../domain/glossary.js';
import type { HeldMove } from '../../domain/health.js';
import type { Condition } from '../filters.js';
import { page, type Row, rowMappers } from '../rows.js';
import type { CountedPage, DeliveryJob, Page } from '../store.js';
import type { PostgresConnection } from './connection.js';

export const { toEventType, toSubscriber, toSubscription, toEvent, toPriorEvent, toMessage, toAttempt, toSession, toApiKey, toAuditEntry } =
  rowMappers({ flag: (value: unknown) => value as boolean, list: <T>(value: unknown) => value as T[] | null });

/** A claimed message: what delivery needs of it and its event; its subscription is read apart. */
export interface JobRow {
  id: string;
  event_id: string;
  subscription_id: string;
  attempts: number;
  retries: number;
  manual: boolean;
  event_type: string;
  event_created_at: number;
  data: string;
  subscriber_enabled: boolean;
}

export const toJob = (r: JobRow, subscription: Subscription): DeliveryJob => ({
  messageId: r.id,
  eventId: r.event_id,
  eventType: r.event_type,
  eventCreatedAt: r.event_created_at,
  dataJson: r.data,
  attempts: r.attempts,
  retries: r.retries,
  manual: r.manual,
  subscription,
  subscriberEnabled: r.subscriber_enabled,
});

/** The shared list conditions (../filters.ts) as a WHERE clause of this dialect. */
export function where(sql: postgres.Sql | postgres.TransactionSql, conditions: Condition[]): postgres.PendingQuery<postgres.Row[]> {
  let clause = sql`WHERE TRUE`;
  for (const c of conditions) {
    clause =
      c.op === 'in'
        ? sql`${clause} AND ${sql.unsafe(c.column)} = ANY(${c.value as string[] | number[]}::${sql.unsafe(isNumbers(c.value) ? 'int' : 'text')}[])`
        : sql`${clause} AND ${sql.unsafe(c.column)} ${sql.unsafe(c.op)} ${c.value as string | number}`;
  }
  return clause;
}

/** A list of numbers (statuses) is matched as int[], any other list as text[] (ids). */
const isNumbers = (value: unknown): boolean => Array.isArray(value) && value.length > 0 && value.every((v) => typeof v === 'number');

/** The row of `table` whose `column` is `value`, mapped, or null. */
export async function findOne<T>(sql: postgres.Sql, table: string, column: string, value: string, map: (r: Row) => T): Promise<T | null> {
  const [row] = await sql<Row[]>`SELECT * FROM ${sql.unsafe(table)} WHERE ${sql.unsafe(column)} = ${value}`;
  return row ? map(row) : null;
}

/** A page of `table`'s rows that meet `conditions`, newest (highest id) first. */
export async function listNewestFirst<T>(
  sql: postgres.Sql,
  table: string,
  conditions: Condition[],
  limit: number,
  map: (r: Row) => T,
): Promise<Page<T>> {
  const rows = await sql<Row[]>`SELECT * FROM ${sql.unsafe(table)} ${where(sql, conditions)} ORDER BY id DESC LIMIT ${limit + 1}`;
  return page(rows, limit, map);
}

/** An offset-paged query (AutoQuery) with how many rows it matches in all, read in one snapshot.
 *  `select` (its select list), `from` (its FROM clause) and `orderBy` are SQL text. */
export function countedPage<R extends Row, T>(
  sql: postgres.Sql,
  { offset, limit }: { offset: number; limit: number },
  query: { select: string; from: string; conditions: Condition[]; orderBy: string },
  map: (r: R) => T,
): Promise<CountedPage<T>> {
  return sql.begin('ISOLATION LEVEL REPEATABLE READ READ ONLY', async (tx) => {
    const from = tx`${tx.unsafe(query.from)} ${where(tx, query.conditions)}`;
    const [count] = await tx<{ n: number }[]>`SELECT count(*) AS n FROM ${from}`;
    const rows = await tx<R[]>`
      SELECT ${tx.unsafe(query.select)} FROM ${from}
      ORDER BY ${tx.unsafe(query.orderBy)} LIMIT ${limit} OFFSET ${offset}`;
    return { data: rows.map(map), total: count?.n ?? 0 };
  });
}

/**
 * In `tx`: the messages of `subscriptionId` its breaker holds back (due at exactly move.from, not
 * leased) become due at move.to (src/domain/health.ts heldMove), and the workers are told when it
 * commits; returns how many moved (the caller wakes this process's listeners after the commit).
 * Queue rows first, then messages, in the order a claim locks them.
 */
export async function moveHeld(
  db: PostgresConnection,
  tx: postgres.TransactionSql,
  subscriptionId: string,
  move: HeldMove | null,
): Promise<number> {
  if (move === null) return 0;
  const moved = await tx`
    WITH moved AS (
      UPDATE message_queue q SET next_attempt_at = ${move.to}
      FROM messages m
      WHERE q.next_attempt_at = ${move.from} AND m.id = q.message_id AND m.subscription_id = ${subscriptionId}
        AND NOT m.leased AND m.status IN (0, 2)
      RETURNING q.message_id
    )
    UPDATE messages SET next_attempt_at = ${move.to} WHERE id = ANY(ARRAY(SELECT message_id FROM moved))`;
  if (moved.count > 0) await db.notify(tx);
  return moved.count;
}
export { jsonOrNull } from '../rows.js';
