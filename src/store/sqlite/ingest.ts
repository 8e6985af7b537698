// Events in. Ingest writes the fan-out plan of src/fanout/plan.ts over the facts it looks up here,
// all requests in one transaction fsynced before it returns (durably): group commit.
import { type DataValidator, SchemaValidators } from '../../domain/event-schemas.js';
import { patternsMatching } from '../../domain/event-types.js';
import { newId } from '../../domain/ids.js';
import { type IngestFacts, idempotencyScope, type PriorEvent, planIngest, resultsWithLeases } from '../../fanout/plan.js';
import { eventConditions } from '../filters.js';
import type { Row } from '../rows.js';
import type { IngestRequest, IngestStore } from '../store.js';
import type { SqliteConnection } from './connection.js';
import { jsonOrNull, messageById, newestFirst, oneRow, toEvent, toPriorEvent, toSubscription } from './rows.js';

/** What the fan-out plan needs to know about a batch (src/fanout/plan.ts). */
function ingestFacts(db: SqliteConnection, schemas: SchemaValidators, requests: IngestRequest[]): IngestFacts {
  const prior = new Map<string, PriorEvent>();
  const knownTypes = new Set<string>();
  const validators = new Map<string, DataValidator>();
  const knownSubscribers = new Set<string>();
  const priorEvent = db.stmt("SELECT * FROM events WHERE coalesce(subscriber_id, '') = ? AND idempotency_key = ?");
  // The schema itself is read only when its validator is not compiled yet (event-schemas.ts).
  const eventType = db.stmt('SELECT updated_at, schema IS NOT NULL AS has_schema FROM event_types WHERE name = ?');
  const schemaOf = db.stmt('SELECT schema FROM event_types WHERE name = ?').pluck();
  const subscriber = db.stmt('SELECT 1 FROM subscribers WHERE id = ?');
  const types = new Set<string>();
  for (const { event } of requests) {
    if (event.idempotencyKey !== null) {
      const row = priorEvent.get(event.subscriberId ?? '', event.idempotencyKey) as Row | undefined;
      if (row) prior.set(idempotencyScope(event.subscriberId, event.idempotencyKey), toPriorEvent(row));
    }
    if (!types.has(event.type)) {
      types.add(event.type);
      const type = eventType.get(event.type) as Row | undefined;
      if (type !== undefined) {
        knownTypes.add(event.type);
        if (type.has_schema) {
          const name = event.type;
          validators.set(
            name,
            schemas.get(name, type.updated_at as number, () => JSON.parse(schemaOf.get(name) as string)),
          );
        }
      }
    }
    if (event.subscriberId !== null && !knownSubscribers.has(event.subscriberId) && subscriber.get(event.subscriberId) !== undefined) {
      knownSubscribers.add(event.subscriberId);
    }
  }
  const patterns = [...new Set([...knownTypes].flatMap(patternsMatching))];
  const candidates = db
    .stmt(
      `SELECT s.* FROM subscriptions s JOIN subscribers b ON b.id = s.subscriber_id
        WHERE s.id IN (SELECT subscription_id FROM subscription_patterns WHERE pattern IN (SELECT value FROM json_each(?)))
          AND s.enabled = 1 AND b.enabled = 1`,
    )
    .all(JSON.stringify(patterns))
    .map((r) => toSubscription(r as Row));
  return { prior, knownTypes, validators, knownSubscribers, candidates };
}

export function ingestStore(db: SqliteConnection): IngestStore {
  const schemas = new SchemaValidators();
  return {
    async ingest(requests, lease) {
      const plan = db.durably(() => {
        const plan = planIngest(requests, ingestFacts(db, schemas, requests), lease);
        const event = db.stmt(
          `INSERT INTO events (id, type, data, idempotency_key, request_hash, subscriber_id, channels, message_count, created_at)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
        );
        for (const { event: e, requestHash, messages } of plan.events) {
          event.run(e.id, e.type, e.dataJson, e.idempotencyKey, requestHash, e.subscriberId, jsonOrNull(e.channels), messages, e.createdAt);
        }
        const message = db.stmt(
          `INSERT INTO messages (id, event_id, event_type, subscriber_id, subscription_id, status, next_attempt_at, leased, created_at, updated_at)
           VALUES (?, ?, ?, ?, ?, 0, ?, ?, ?, ?)`,
        );
        for (const m of plan.messages) {
          const at = m.event.createdAt;
          message.run(
            m.id,
            m.event.id,
            m.event.type,
            m.subscription.subscriberId,
            m.subscription.id,
            m.nextAttemptAt,
            m.leased ? 1 : 0,
            at,
            at,
          );
        }
        return plan;
      });
      if (plan.messages.some((m) => !m.leased)) db.notify();
      return resultsWithLeases(plan);
    },

    async ingestForSubscription(event, subscriptionId) {
      const messageId = newId('msg', event.createdAt);
      const written = db.durably(() => {
        const target = db.get('SELECT subscriber_id FROM subscriptions WHERE id = ?', [subscriptionId]);
        if (!target) return false;
        db.run(
          `INSERT INTO events (id, type, data, idempotency_key, request_hash, subscriber_id, channels, message_count, created_at)
           VALUES (@id, @type, @dataJson, @idempotencyKey, NULL, @subscriberId, @channels, 1, @createdAt)`,
          { ...event, channels: jsonOrNull(event.channels) },
        );
        db.run(
          `INSERT INTO messages (id, event_id, event_type, subscriber_id, subscription_id, status, next_attempt_at, manual, created_at, updated_at)
           VALUES (?, ?, ?, ?, ?, 0, ?, 1, ?, ?)`,
          [messageId, event.id, event.type, target.subscriber_id, subscriptionId, event.createdAt, event.createdAt, event.createdAt],
        );
        return true;
      });
      if (!written) return null;
      db.notify();
      return messageById(db, messageId);
    },

    async getEvent(id) {
      return oneRow(db, 'SELECT * FROM events WHERE id = ?', [id], toEvent);
    },

    async listEvents(f) {
      return newestFirst(db, 'events', eventConditions(f), f.limit, toEvent);
    },
  };
}
