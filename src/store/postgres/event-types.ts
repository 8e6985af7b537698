// The event catalogue, listed by name.
import { HeraldError } from '../../domain/errors.js';
import { eventTypeConditions } from '../filters.js';
import { page, type Row } from '../rows.js';
import type { EventTypeStore } from '../store.js';
import { type PostgresConnection, sqlState } from './connection.js';
import { findOne, jsonOrNull, toEventType, where } from './rows.js';

const byName = (r: Row): string => r.name as string;

export function eventTypeStore(db: PostgresConnection): EventTypeStore {
  return {
    createEventType(eventType) {
      return db.run(async () => {
        try {
          const [row] = await db.sql<Row[]>`
            INSERT INTO event_types (name, description, schema, created_at, updated_at)
            VALUES (${eventType.name}, ${eventType.description}, ${jsonOrNull(eventType.schema)}, ${eventType.createdAt}, ${eventType.updatedAt})
            RETURNING *`;
          return toEventType(row as Row);
        } catch (err) {
          if (sqlState(err) === '23505') throw new HeraldError('conflict', `Event type ${eventType.name} already exists`);
          throw err;
        }
      });
    },

    importEventTypes(eventTypes) {
      return db.run(async () => {
        if (eventTypes.length === 0) return 0;
        const rows = eventTypes.map((t) => ({
          name: t.name,
          description: t.description,
          schema: jsonOrNull(t.schema),
          created_at: t.createdAt,
          updated_at: t.updatedAt,
        }));
        const result = await db.sql`
          INSERT INTO event_types (name, description, schema, created_at, updated_at)
          SELECT name, description, schema, created_at, updated_at
          FROM json_to_recordset(${JSON.stringify(rows)}::text::json)
            AS t(name TEXT, description TEXT, schema TEXT, created_at BIGINT, updated_at BIGINT)
          ON CONFLICT (name) DO NOTHING`;
        return result.count;
      });
    },

    getEventType(name) {
      return db.run(() => findOne(db.sql, 'event_types', 'name', name, toEventType));
    },

    listEventTypes(query) {
      return db.run(async () => {
        const rows = await db.sql<Row[]>`
          SELECT * FROM event_types ${where(db.sql, eventTypeConditions(query))}
          ORDER BY name LIMIT ${query.limit + 1}`;
        return page(rows, query.limit, toEventType, byName);
      });
    },

    updateEventType(name, patch, now) {
      return db.run(async () => {
        const set: Record<string, unknown> = { updated_at: now };
        if (patch.description !== undefined) set['description'] = patch.description;
        if (patch.schema !== undefined) set['schema'] = jsonOrNull(patch.schema);
        const [row] = await db.sql<Row[]>`UPDATE event_types SET ${db.sql(set)} WHERE name = ${name} RETURNING *`;
        return row ? toEventType(row) : null;
      });
    },

    deleteEventType(name) {
      return db.run(async () => (await db.sql`DELETE FROM event_types WHERE name = ${name}`).count > 0);
    },
  };
}
