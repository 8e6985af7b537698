// The event catalogue, listed by name.
import { HeraldError } from '../../domain/errors.js';
import { applyDraft } from '../../domain/event-types.js';
import type { EventType } from '../../domain/glossary.js';
import { eventTypeConditions } from '../filters.js';
import { page, type Row } from '../rows.js';
import type { EventTypeStore, EventTypeSync } from '../store.js';
import { type PostgresConnection, sqlState } from './connection.js';
import { findOne, jsonOrNull, toEventType, where } from './rows.js';

const byName = (r: Row): string => r.name as string;

/** Event types as json_to_recordset reads them (the statements below). */
function recordset(eventTypes: readonly EventType[]): string {
  return JSON.stringify(
    eventTypes.map((t) => ({
      name: t.name,
      description: t.description,
      schema: jsonOrNull(t.schema),
      example: jsonOrNull(t.example),
      created_at: t.createdAt,
      updated_at: t.updatedAt,
    })),
  );
}

export function eventTypeStore(db: PostgresConnection): EventTypeStore {
  return {
    createEventType(eventType) {
      return db.run(async () => {
        try {
          const [row] = await db.sql<Row[]>`
            INSERT INTO event_types (name, description, schema, example, created_at, updated_at)
            VALUES (${eventType.name}, ${eventType.description}, ${jsonOrNull(eventType.schema)}, ${jsonOrNull(eventType.example)},
                    ${eventType.createdAt}, ${eventType.updatedAt})
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
        const result = await db.sql`
          INSERT INTO event_types (name, description, schema, example, created_at, updated_at)
          SELECT name, description, schema, example, created_at, updated_at
          FROM json_to_recordset(${recordset(eventTypes)}::text::json)
            AS t(name TEXT, description TEXT, schema TEXT, example TEXT, created_at BIGINT, updated_at BIGINT)
          ON CONFLICT (name) DO NOTHING`;
        return result.count;
      });
    },

    /** Reads the named rows locked, decides with applyDraft, then one INSERT and one UPDATE, in one transaction. */
    syncEventTypes(drafts, now) {
      return db.run(() =>
        db.sql.begin(async (tx) => {
          const rows = await tx<Row[]>`
            SELECT * FROM event_types WHERE name = ANY(${drafts.map((d) => d.name)}::text[]) ORDER BY name FOR UPDATE`;
          const existing = new Map(rows.map((r) => [r.name as string, toEventType(r)]));
          const result: EventTypeSync = { created: [], updated: [], unchanged: 0 };
          const inserts: EventType[] = [];
          const updates: EventType[] = [];
          for (const draft of drafts) {
            const { eventType, change } = applyDraft(existing.get(draft.name) ?? null, draft, now);
            if (change === 'unchanged') result.unchanged++;
            else {
              (change === 'created' ? inserts : updates).push(eventType);
              result[change].push(draft.name);
            }
          }
          if (inserts.length > 0) {
            await tx`
              INSERT INTO event_types (name, description, schema, example, created_at, updated_at)
              SELECT name, description, schema, example, created_at, updated_at
              FROM json_to_recordset(${recordset(inserts)}::text::json)
                AS t(name TEXT, description TEXT, schema TEXT, example TEXT, created_at BIGINT, updated_at BIGINT)
              ON CONFLICT (name) DO NOTHING`;
          }
          if (updates.length > 0) {
            await tx`
              UPDATE event_types e SET description = t.description, schema = t.schema, example = t.example, updated_at = t.updated_at
              FROM json_to_recordset(${recordset(updates)}::text::json)
                AS t(name TEXT, description TEXT, schema TEXT, example TEXT, created_at BIGINT, updated_at BIGINT)
              WHERE e.name = t.name`;
          }
          return result;
        }),
      );
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
        const sql = db.sql;
        // updated_at = nextUpdatedAt(updated_at, now) (src/domain/event-types.ts), in SQL
        const [row] = await sql<Row[]>`
          UPDATE event_types SET updated_at = GREATEST(${now}::bigint, updated_at + 1)
            ${patch.description !== undefined ? sql`, description = ${patch.description}` : sql``}
            ${patch.schema !== undefined ? sql`, schema = ${jsonOrNull(patch.schema)}` : sql``}
            ${patch.example !== undefined ? sql`, example = ${jsonOrNull(patch.example)}` : sql``}
          WHERE name = ${name} RETURNING *`;
        return row ? toEventType(row) : null;
      });
    },

    deleteEventType(name) {
      return db.run(async () => (await db.sql`DELETE FROM event_types WHERE name = ${name}`).count > 0);
    },
  };
}
