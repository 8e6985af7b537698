// Subscribers. Deleting one deletes its subscriptions, their messages and attempts, and its API keys
// (ON DELETE CASCADE).
import type { Subscriber } from '../../domain/glossary.js';
import { subscriberConditions } from '../filters.js';
import type { SubscriberStore } from '../store.js';
import { onConflict, type SqliteConnection } from './connection.js';
import { jsonOrNull, newestFirst, oneRow, toSubscriber } from './rows.js';

export function subscriberStore(db: SqliteConnection): SubscriberStore {
  const getSubscriber = async (id: string): Promise<Subscriber | null> =>
    oneRow(db, 'SELECT * FROM subscribers WHERE id = ?', [id], toSubscriber);
  return {
    async createSubscriber(s) {
      onConflict(`Subscriber ${s.id} already exists`, () =>
        db.run(
          'INSERT INTO subscribers (id, name, enabled, metadata, created_at, updated_at) VALUES (@id, @name, @enabled, @metadata, @createdAt, @updatedAt)',
          { ...s, enabled: s.enabled ? 1 : 0, metadata: jsonOrNull(s.metadata) },
        ),
      );
      return s;
    },

    getSubscriber,

    async listSubscribers(q) {
      return newestFirst(db, 'subscribers', subscriberConditions(q), q.limit, toSubscriber);
    },

    async updateSubscriber(id, patch, now) {
      const current = await getSubscriber(id);
      if (!current) return null;
      const next = { ...current, ...patch, updatedAt: now };
      db.run('UPDATE subscribers SET name = @name, enabled = @enabled, metadata = @metadata, updated_at = @updatedAt WHERE id = @id', {
        ...next,
        enabled: next.enabled ? 1 : 0,
        metadata: jsonOrNull(next.metadata),
      });
      return next;
    },

    async deleteSubscriber(id) {
      return db.run('DELETE FROM subscribers WHERE id = ?', [id]).changes > 0;
    },

    async countSubscribers(upToId) {
      if (upToId === undefined) return db.get('SELECT count(*) AS n FROM subscribers')?.n as number;
      return db.get('SELECT count(*) AS n FROM subscribers WHERE id <= ?', [upToId])?.n as number;
    },
  };
}
