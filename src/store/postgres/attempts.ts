// Attempts, as the API and operators see them (queue.ts records them).
import { attemptConditions, attemptQueryConditions } from '../filters.js';
import { page, type Row } from '../rows.js';
import { ATTEMPT_SORT_COLUMNS, orderBy } from '../sql-order.js';
import type { AttemptStore } from '../store.js';
import type { PostgresConnection } from './connection.js';
import { countedPage, findOne, toAttempt, where } from './rows.js';

export function attemptStore(db: PostgresConnection): AttemptStore {
  return {
    getAttempt(id) {
      return db.run(() => findOne(db.sql, 'attempts', 'id', id, toAttempt));
    },

    listAttempts(f) {
      return db.run(async () => {
        const sql = db.sql;
        const rows = await sql<Row[]>`
          SELECT a.* FROM attempts a
          ${f.status !== undefined ? sql`JOIN messages m ON m.id = a.message_id` : sql``}
          ${where(sql, attemptConditions(f))}
          ORDER BY a.id DESC LIMIT ${f.limit + 1}`;
        return page(rows, f.limit, toAttempt);
      });
    },

    queryAttempts(q) {
      return db.run(() =>
        countedPage(
          db.sql,
          q,
          {
            // The attempt number counts the message's attempts up to this one: a few rows on the message index.
            select: 'a.*, (SELECT count(*) FROM attempts x WHERE x.message_id = a.message_id AND x.id <= a.id) AS attempt_number',
            from: 'attempts a JOIN messages m ON m.id = a.message_id',
            conditions: attemptQueryConditions(q),
            orderBy: orderBy(q.orderBy, ATTEMPT_SORT_COLUMNS, 'a.id'),
          },
          (r: Row & { attempt_number: number }) => ({ ...toAttempt(r), attemptNumber: Number(r.attempt_number) }),
        ),
      );
    },
  };
}
