// Subscribers. What a deleted one owns (subscriptions, their messages and attempts, API keys) goes
// with it through the schema's ON DELETE CASCADE.
import { HeraldError } from '../../domain/errors.js';
import { subscriberConditions } from '../filters.js';
import type { Row } from '../rows.js';
import type { SubscriberStore } from '../store.js';
import { type PostgresConnection, sqlState } from './connection.js';
import { findOne, jsonOrNull, listNewestFirst, toSubscriber } from './rows.js';

export function subscriberStore(db: PostgresConnection): SubscriberStore {
  return {
    createSubscriber(subscriber) {
      return db.run(async () => {
        try {
          const [row] = await db.sql<Row[]>`
            INSERT INTO subscribers (id, name, enabled, metadata, created_at, updated_at)
            VALUES (${subscriber.id}, ${subscriber.name}, ${subscriber.enabled}, ${jsonOrNull(subscriber.metadata)},
                    ${subscriber.createdAt}, ${subscriber.updatedAt})
            RETURNING *`;
          return toSubscriber(row as Row);
        } catch (err) {
          if (sqlState(err) === '23505') throw new HeraldError('conflict', `Subscriber ${subscriber.id} already exists`);
          throw err;
        }
      });
    },

    getSubscriber(id) {
      return db.run(() => findOne(db.sql, 'subscribers', 'id', id, toSubscriber));
    },

    listSubscribers(query) {
      return db.run(() => listNewestFirst(db.sql, 'subscribers', subscriberConditions(query), query.limit, toSubscriber));
    },

    updateSubscriber(id, patch, now) {
      return db.run(async () => {
        const set: Record<string, unknown> = { updated_at: now };
        if (patch.name !== undefined) set['name'] = patch.name;
        if (patch.enabled !== undefined) set['enabled'] = patch.enabled;
        if (patch.metadata !== undefined) set['metadata'] = jsonOrNull(patch.metadata);
        const [row] = await db.sql<Row[]>`UPDATE subscribers SET ${db.sql(set)} WHERE id = ${id} RETURNING *`;
        return row ? toSubscriber(row) : null;
      });
    },

    deleteSubscriber(id) {
      return db.run(async () => (await db.sql`DELETE FROM subscribers WHERE id = ${id}`).count > 0);
    },

    countSubscribers(upToId) {
      return db.run(async () => {
        const [row] = await db.sql<{ n: number }[]>`
          SELECT count(*) AS n FROM subscribers ${upToId !== undefined ? db.sql`WHERE id <= ${upToId}` : db.sql``}`;
        return row?.n ?? 0;
      });
    },
  };
}
