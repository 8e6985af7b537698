// Attempts, as the API and operators see them (the queue records them: queue.ts).
import { attemptConditions, attemptQueryConditions } from '../filters.js';
import { page, type Row } from '../rows.js';
import { ATTEMPT_SORT_COLUMNS, orderBy } from '../sql-order.js';
import type { AttemptStore } from '../store.js';
import type { SqliteConnection } from './connection.js';
import { oneRow, toAttempt, where } from './rows.js';

export function attemptStore(db: SqliteConnection): AttemptStore {
  return {
    async getAttempt(id) {
      return oneRow(db, 'SELECT * FROM attempts WHERE id = ?', [id], toAttempt);
    },

    async listAttempts(f) {
      const w = where(attemptConditions(f));
      const join = f.status !== undefined ? 'JOIN messages m ON m.id = a.message_id' : '';
      return page(
        db.all(`SELECT a.* FROM attempts a ${join} ${w.sql} ORDER BY a.id DESC LIMIT ?`, [...w.params, f.limit + 1]),
        f.limit,
        toAttempt,
      );
    },

    // Offset-paged (AutoQuery), prepared without the statement cache: filters and orders combine
    // into too many texts to keep.
    async queryAttempts(q) {
      const w = where(attemptQueryConditions(q));
      const from = `FROM attempts a JOIN messages m ON m.id = a.message_id ${w.sql}`;
      const order = orderBy(q.orderBy, ATTEMPT_SORT_COLUMNS, 'a.id');
      // The attempt number counts the message's attempts up to this one: a few rows on the message index.
      const numbered = '(SELECT count(*) FROM attempts x WHERE x.message_id = a.message_id AND x.id <= a.id) AS attempt_number';
      return db.transaction(() => {
        const total = (db.handle.prepare(`SELECT count(*) AS n ${from}`).get(w.params) as Row).n as number;
        const rows = db.handle
          .prepare(`SELECT a.*, ${numbered} ${from} ORDER BY ${order} LIMIT ? OFFSET ?`)
          .all(...w.params, q.limit, q.offset) as Row[];
        return { data: rows.map((r) => ({ ...toAttempt(r), attemptNumber: r.attempt_number as number })), total };
      });
    },
  };
}
