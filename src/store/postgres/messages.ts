// Messages, as the API and operators see them: read with their subscription's url; a resend or a
// recovery requeues the message and wakes the workers.
import { bulkResendConditions, messageConditions, messageQueryConditions, recoverConditions } from '../filters.js';
import { page, type Row } from '../rows.js';
import { messageSortColumns, orderBy } from '../sql-order.js';
import type { MessageStore } from '../store.js';
import type { PostgresConnection } from './connection.js';
import { countedPage, toMessage, where } from './rows.js';

// A message's `seq` is messages.seq (migration 0004).
const MESSAGE_SORT = messageSortColumns('m.seq');

export function messageStore(db: PostgresConnection): MessageStore {
  return {
    getMessage(id) {
      return db.run(async () => {
        const [row] = await db.sql<Row[]>`
          SELECT m.*, s.url FROM messages m JOIN subscriptions s ON s.id = m.subscription_id WHERE m.id = ${id}`;
        return row ? toMessage(row) : null;
      });
    },

    listMessages(f) {
      return db.run(async () => {
        const sql = db.sql;
        const rows = await sql<Row[]>`
          SELECT m.*, s.url FROM messages m JOIN subscriptions s ON s.id = m.subscription_id ${where(sql, messageConditions(f))}
          ORDER BY m.id DESC LIMIT ${f.limit + 1}`;
        return page(rows, f.limit, toMessage);
      });
    },

    queryMessages(q) {
      return db.run(() =>
        countedPage(
          db.sql,
          q,
          {
            select: 'm.*, s.url',
            from: 'messages m JOIN subscriptions s ON s.id = m.subscription_id',
            conditions: messageQueryConditions(q),
            orderBy: orderBy(q.orderBy, MESSAGE_SORT, 'm.id'),
          },
          (r: Row & { seq: number }) => ({ ...toMessage(r), seq: Number(r.seq) }),
        ),
      );
    },

    deleteMessage(id) {
      return db.run(async () => (await db.sql`DELETE FROM messages WHERE id = ${id}`).count > 0);
    },

    resendMessage(id, now) {
      return db.run(async () => {
        const row = await db.sql.begin(async (tx) => {
          // Its queue row (a retrying message has one) is locked before the message, in the order a
          // claim locks them, so a claim running meanwhile waits for this or this for it, never both.
          await tx`SELECT message_id FROM message_queue WHERE message_id = ${id} FOR UPDATE`;
          const [r] = await tx<Row[]>`
            UPDATE messages m SET status = 0, retries = 0, next_attempt_at = ${now}, leased = FALSE, manual = TRUE, updated_at = ${now}
            FROM subscriptions s WHERE m.id = ${id} AND s.id = m.subscription_id
            RETURNING m.*, s.url`;
          if (r) {
            await tx`
              INSERT INTO message_queue (message_id, next_attempt_at, subscription_id) VALUES (${id}, ${now}, ${r.subscription_id as string})
              ON CONFLICT (message_id) DO UPDATE SET next_attempt_at = EXCLUDED.next_attempt_at, leased = FALSE`;
            await db.notify(tx);
          }
          return r;
        });
        if (!row) return null;
        db.wake();
        return toMessage(row);
      });
    },

    // The messages with an attempt in flight (leased, the lease not expired) are counted and left
    // to it; the others become due now, with a fresh retry budget and their next attempt manual.
    // Locks are taken in the claim's order, queue rows first and then messages, so a claim running
    // meanwhile waits for this or this for it, never both (a message it leases is then in flight).
    recoverMessages(subscriptionId, query, now) {
      return db.run(async () => {
        const result = await db.sql.begin(async (tx) => {
          const conditions = recoverConditions(subscriptionId, query);
          const inFlight = tx`m.leased AND m.next_attempt_at > ${now}`;
          await tx`
            SELECT q.message_id FROM message_queue q
            WHERE q.message_id = ANY(ARRAY(SELECT m.id FROM messages m ${where(tx, conditions)} AND NOT (${inFlight})))
            ORDER BY q.message_id FOR UPDATE OF q`;
          const [counts] = await tx<{ recovered: number; in_flight: number }[]>`
            WITH recovered AS (
              UPDATE messages m SET status = 0, retries = 0, next_attempt_at = ${now}, leased = FALSE, manual = TRUE, updated_at = ${now}
              ${where(tx, conditions)} AND NOT (${inFlight})
              RETURNING m.id
            ), queued AS (
              INSERT INTO message_queue (message_id, next_attempt_at, subscription_id) SELECT id, ${now}::bigint, ${subscriptionId} FROM recovered
              ON CONFLICT (message_id) DO UPDATE SET next_attempt_at = EXCLUDED.next_attempt_at, leased = FALSE
            )
            SELECT (SELECT count(*) FROM recovered) AS recovered,
                   (SELECT count(*) FROM messages m ${where(tx, conditions)} AND ${inFlight}) AS in_flight`;
          const recovered = counts?.recovered ?? 0;
          if (recovered > 0) await db.notify(tx);
          return { recovered, inFlight: counts?.in_flight ?? 0 };
        });
        if (result.recovered > 0) db.wake();
        return result;
      });
    },

    // The page listMessages would answer is chosen by id, then treated as recoverMessages treats
    // its messages, with the same lock order (queue rows, then messages). Each message goes back to
    // the queue of its own subscription.
    resendMessages(f, now) {
      return db.run(async () => {
        const result = await db.sql.begin(async (tx) => {
          const rows = await tx<
            Row[]
          >`SELECT m.id FROM messages m ${where(tx, messageConditions(f))} ORDER BY m.id DESC LIMIT ${f.limit + 1}`;
          const { data: ids, nextCursor } = page(rows, f.limit, (r) => r.id as string);
          if (ids.length === 0) return { resent: 0, inFlight: 0, nextCursor };
          const conditions = bulkResendConditions(f, ids);
          const inFlight = tx`m.leased AND m.next_attempt_at > ${now}`;
          await tx`
            SELECT q.message_id FROM message_queue q
            WHERE q.message_id = ANY(ARRAY(SELECT m.id FROM messages m ${where(tx, conditions)} AND NOT (${inFlight})))
            ORDER BY q.message_id FOR UPDATE OF q`;
          const [counts] = await tx<{ resent: number; in_flight: number }[]>`
            WITH resent AS (
              UPDATE messages m SET status = 0, retries = 0, next_attempt_at = ${now}, leased = FALSE, manual = TRUE, updated_at = ${now}
              ${where(tx, conditions)} AND NOT (${inFlight})
              RETURNING m.id, m.subscription_id
            ), queued AS (
              INSERT INTO message_queue (message_id, next_attempt_at, subscription_id) SELECT id, ${now}::bigint, subscription_id FROM resent
              ON CONFLICT (message_id) DO UPDATE SET next_attempt_at = EXCLUDED.next_attempt_at, leased = FALSE
            )
            SELECT (SELECT count(*) FROM resent)::int AS resent,
                   (SELECT count(*) FROM messages m ${where(tx, conditions)} AND ${inFlight})::int AS in_flight`;
          const resent = counts?.resent ?? 0;
          if (resent > 0) await db.notify(tx);
          return { resent, inFlight: counts?.in_flight ?? 0, nextCursor };
        });
        if (result.resent > 0) db.wake();
        return result;
      });
    },
  };
}
