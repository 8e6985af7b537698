// Messages, as the API and operators see them: read with their subscription's url; a resend or a
// recovery requeues the message and wakes the workers.
import { STATUS_NUMBER } from '../../domain/glossary.js';
import { messageConditions, messageQueryConditions } from '../filters.js';
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
          const [r] = await tx<Row[]>`
            UPDATE messages m SET status = 0, retries = 0, next_attempt_at = ${now}, leased = FALSE, manual = TRUE, updated_at = ${now}
            FROM subscriptions s WHERE m.id = ${id} AND s.id = m.subscription_id
            RETURNING m.*, s.url`;
          if (r) {
            await tx`
              INSERT INTO message_queue (message_id, next_attempt_at, subscription_id) VALUES (${id}, ${now}, ${r.subscription_id as string})
              ON CONFLICT (message_id) DO UPDATE SET next_attempt_at = EXCLUDED.next_attempt_at`;
            await db.notify(tx);
          }
          return r;
        });
        if (!row) return null;
        db.wake();
        return toMessage(row);
      });
    },

    recoverMessages(subscriptionId, since, now) {
      return db.run(async () => {
        const count = await db.sql.begin(async (tx) => {
          const result = await tx`
            WITH recovered AS (
              UPDATE messages SET status = 0, retries = 0, next_attempt_at = ${now}, leased = FALSE, manual = TRUE, updated_at = ${now}
              WHERE subscription_id = ${subscriptionId} AND status = ${STATUS_NUMBER.failed} AND created_at >= ${since}
              RETURNING id
            )
            INSERT INTO message_queue (message_id, next_attempt_at, subscription_id) SELECT id, ${now}::bigint, ${subscriptionId} FROM recovered
            ON CONFLICT (message_id) DO UPDATE SET next_attempt_at = EXCLUDED.next_attempt_at`;
          if (result.count > 0) await db.notify(tx);
          return result.count;
        });
        if (count > 0) db.wake();
        return count;
      });
    },
  };
}
