// The event catalogue, by name.
import { HeraldError } from '../../domain/errors.js';
import { applyDraft, nextUpdatedAt } from '../../domain/event-types.js';
import type { EventType } from '../../domain/glossary.js';
import { eventTypeConditions } from '../filters.js';
import { page, type Row } from '../rows.js';
import type { EventTypeStore, EventTypeSync } from '../store.js';
import type { SqliteConnection } from './connection.js';
import { jsonOrNull, oneRow, toEventType, where } from './rows.js';

const INSERT =
  'INSERT INTO event_types (name, description, schema, example, created_at, updated_at) VALUES (@name, @description, @schema, @example, @createdAt, @updatedAt) ON CONFLICT (name) DO NOTHING';
const UPDATE =
  'UPDATE event_types SET description = @description, schema = @schema, example = @example, updated_at = @updatedAt WHERE name = @name';

/** An event type as the statements above bind it. */
const params = (et: EventType) => ({ ...et, schema: jsonOrNull(et.schema), example: jsonOrNull(et.example) });

export function eventTypeStore(db: SqliteConnection): EventTypeStore {
  const getEventType = async (name: string): Promise<EventType | null> =>
    oneRow(db, 'SELECT * FROM event_types WHERE name = ?', [name], toEventType);
  return {
    async createEventType(et) {
      const r = db.run(INSERT, params(et));
      if (r.changes === 0) throw new HeraldError('conflict', `event type ${et.name} already exists`);
      return et;
    },

    async importEventTypes(eventTypes) {
      return db.transaction(() => {
        let added = 0;
        for (const et of eventTypes) added += db.run(INSERT, params(et)).changes;
        return added;
      });
    },

    async syncEventTypes(drafts, now) {
      return db.transaction(() => {
        const existing = db.stmt('SELECT * FROM event_types WHERE name = ?');
        const result: EventTypeSync = { created: [], updated: [], unchanged: 0 };
        for (const draft of drafts) {
          const row = existing.get(draft.name) as Row | undefined;
          const { eventType, change } = applyDraft(row === undefined ? null : toEventType(row), draft, now);
          if (change === 'unchanged') result.unchanged++;
          else {
            db.run(change === 'created' ? INSERT : UPDATE, params(eventType));
            result[change].push(draft.name);
          }
        }
        return result;
      });
    },

    getEventType,

    async listEventTypes(q) {
      const w = where(eventTypeConditions(q));
      const rows = db.all(`SELECT * FROM event_types ${w.sql} ORDER BY name LIMIT ?`, [...w.params, q.limit + 1]);
      return page(rows, q.limit, toEventType, (r) => r.name as string);
    },

    async updateEventType(name, patch, now) {
      return db.transaction(() => {
        const row = db.get('SELECT * FROM event_types WHERE name = ?', [name]);
        if (!row) return null;
        const current = toEventType(row);
        const next = { ...current, ...patch, updatedAt: nextUpdatedAt(current.updatedAt, now) };
        db.run(UPDATE, params(next));
        return next;
      });
    },

    async deleteEventType(name) {
      return db.run('DELETE FROM event_types WHERE name = ?', [name]).changes > 0;
    },
  };
}
