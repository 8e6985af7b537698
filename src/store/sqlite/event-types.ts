// The event catalogue, by name.
import { HeraldError } from '../../domain/errors.js';
import type { EventType } from '../../domain/glossary.js';
import { eventTypeConditions } from '../filters.js';
import { page } from '../rows.js';
import type { EventTypeStore } from '../store.js';
import type { SqliteConnection } from './connection.js';
import { jsonOrNull, oneRow, toEventType, where } from './rows.js';

const INSERT =
  'INSERT INTO event_types (name, description, schema, created_at, updated_at) VALUES (@name, @description, @schema, @createdAt, @updatedAt) ON CONFLICT (name) DO NOTHING';

export function eventTypeStore(db: SqliteConnection): EventTypeStore {
  const getEventType = async (name: string): Promise<EventType | null> =>
    oneRow(db, 'SELECT * FROM event_types WHERE name = ?', [name], toEventType);
  return {
    async createEventType(et) {
      const r = db.run(INSERT, { ...et, schema: jsonOrNull(et.schema) });
      if (r.changes === 0) throw new HeraldError('conflict', `event type ${et.name} already exists`);
      return et;
    },

    async importEventTypes(eventTypes) {
      return db.transaction(() => {
        let added = 0;
        for (const et of eventTypes) added += db.run(INSERT, { ...et, schema: jsonOrNull(et.schema) }).changes;
        return added;
      });
    },

    getEventType,

    async listEventTypes(q) {
      const w = where(eventTypeConditions(q));
      const rows = db.all(`SELECT * FROM event_types ${w.sql} ORDER BY name LIMIT ?`, [...w.params, q.limit + 1]);
      return page(rows, q.limit, toEventType, (r) => r.name as string);
    },

    async updateEventType(name, patch, now) {
      const current = await getEventType(name);
      if (!current) return null;
      const next = { ...current, ...patch, updatedAt: now };
      db.run('UPDATE event_types SET description = @description, schema = @schema, updated_at = @updatedAt WHERE name = @name', {
        ...next,
        schema: jsonOrNull(next.schema),
      });
      return next;
    },

    async deleteEventType(name) {
      return db.run('DELETE FROM event_types WHERE name = ?', [name]).changes > 0;
    },
  };
}
