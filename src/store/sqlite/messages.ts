// Messages, as the API and operators see them. A resend or a recovery makes messages due now and
// tells the queue's listeners (onMessagesCommitted).
import { bulkResendConditions, messageConditions, messageQueryConditions, recoverConditions } from '../filters.js';
import { page, type Row } from '../rows.js';
import { messageSortColumns, orderBy } from '../sql-order.js';
import type { MessageStore } from '../store.js';
import type { SqliteConnection } from './connection.js';
import { MESSAGE_COLUMNS, messageById, toMessage, where } from './rows.js';

// A message's `seq` is its rowid: assigned in insertion order (a VACUUM may renumber rowids; Herald
// never runs one).
const MESSAGE_SORT = messageSortColumns('m.rowid');

export function messageStore(db: SqliteConnection): MessageStore {
  return {
    async getMessage(id) {
      return messageById(db, id);
    },

    async listMessages(f) {
      const w = where(messageConditions(f));
      const rows = db.all(
        `SELECT ${MESSAGE_COLUMNS} FROM messages m JOIN subscriptions s ON s.id = m.subscription_id ${w.sql} ORDER BY m.id DESC LIMIT ?`,
        [...w.params, f.limit + 1],
      );
      return page(rows, f.limit, toMessage);
    },

    // Offset-paged (AutoQuery), prepared without the statement cache: filters and orders combine
    // into too many texts to keep.
    async queryMessages(q) {
      const w = where(messageQueryConditions(q));
      const from = `FROM messages m JOIN subscriptions s ON s.id = m.subscription_id ${w.sql}`;
      const order = orderBy(q.orderBy, MESSAGE_SORT, 'm.id');
      return db.transaction(() => {
        const total = (db.handle.prepare(`SELECT count(*) AS n ${from}`).get(w.params) as Row).n as number;
        const rows = db.handle
          .prepare(`SELECT ${MESSAGE_COLUMNS}, m.rowid AS seq ${from} ORDER BY ${order} LIMIT ? OFFSET ?`)
          .all(...w.params, q.limit, q.offset) as Row[];
        return { data: rows.map((r) => ({ ...toMessage(r), seq: r.seq as number })), total };
      });
    },

    async deleteMessage(id) {
      return db.run('DELETE FROM messages WHERE id = ?', [id]).changes > 0;
    },

    async resendMessage(id, now) {
      const changed = db.run(
        'UPDATE messages SET status = 0, retries = 0, manual = 1, leased = 0, next_attempt_at = ?, updated_at = ? WHERE id = ?',
        [now, now, id],
      ).changes;
      if (changed === 0) return null;
      db.notify();
      return messageById(db, id);
    },

    // In one transaction: the messages with an attempt in flight (leased, the lease not expired)
    // are counted and left to it; the others become due now, with a fresh retry budget and their
    // next attempt manual (the lease flag of an expired lease goes too).
    async recoverMessages(subscriptionId, query, now) {
      const w = where(recoverConditions(subscriptionId, query));
      const { recovered, inFlight } = db.transaction(() => {
        const inFlight = db.get(`SELECT count(*) AS n FROM messages ${w.sql} AND leased = 1 AND next_attempt_at > ?`, [...w.params, now])
          ?.n as number;
        const recovered = db.run(
          `UPDATE messages SET status = 0, retries = 0, manual = 1, leased = 0, next_attempt_at = ?, updated_at = ?
            ${w.sql} AND NOT (leased = 1 AND next_attempt_at > ?)`,
          [now, now, ...w.params, now],
        ).changes;
        return { recovered, inFlight };
      });
      if (recovered > 0) db.notify();
      return { recovered, inFlight };
    },

    // In one transaction: the page listMessages would answer is chosen by id, then treated as
    // recoverMessages treats its messages (those in flight counted and left alone).
    async resendMessages(f, now) {
      const chosen = where(messageConditions(f));
      const result = db.transaction(() => {
        const rows = db.all(`SELECT m.id FROM messages m ${chosen.sql} ORDER BY m.id DESC LIMIT ?`, [...chosen.params, f.limit + 1]);
        const { data: ids, nextCursor } = page(rows, f.limit, (r) => r.id as string);
        if (ids.length === 0) return { resent: 0, inFlight: 0, nextCursor };
        const w = where(bulkResendConditions(f, ids));
        const inFlight = db.get(`SELECT count(*) AS n FROM messages m ${w.sql} AND m.leased = 1 AND m.next_attempt_at > ?`, [
          ...w.params,
          now,
        ])?.n as number;
        const resent = db.run(
          `UPDATE messages AS m SET status = 0, retries = 0, manual = 1, leased = 0, next_attempt_at = ?, updated_at = ?
            ${w.sql} AND NOT (m.leased = 1 AND m.next_attempt_at > ?)`,
          [now, now, ...w.params, now],
        ).changes;
        return { resent, inFlight, nextCursor };
      });
      if (result.resent > 0) db.notify();
      return result;
    },
  };
}
