// Events in. Ingest is one transaction per call (the caller groups many requests into it) that
// looks up what it needs in a few set-based queries, decides in JS (src/fanout/plan.ts), and writes
// events and messages with one multi-row INSERT each.
import type postgres from 'postgres';
import { type DataValidator, SchemaValidators } from '../../domain/event-schemas.js';
import { patternsMatching } from '../../domain/event-types.js';
import type { HeraldEvent } from '../../domain/glossary.js';
import { newId } from '../../domain/ids.js';
import { type IngestFacts, idempotencyScope, type PriorEvent, planIngest, replayOf, resultsWithLeases } from '../../fanout/plan.js';
import { eventConditions } from '../filters.js';
import type { Row } from '../rows.js';
import type { IngestLease, IngestRequest, IngestResult, IngestStore } from '../store.js';
import type { PostgresConnection } from './connection.js';
import { findOne, listNewestFirst, toEvent, toMessage, toPriorEvent, toSubscription } from './rows.js';

export function ingestStore(db: PostgresConnection): IngestStore {
  const schemas = new SchemaValidators();
  return {
    ingest(requests, lease) {
      return db.run(async () => {
        if (requests.length === 0) return [];
        const created = await db.sql.begin((tx) => ingestInTransaction(db, schemas, tx, requests, lease));
        if (created.due > 0) db.wake();
        return created.results;
      });
    },

    ingestForSubscription(event, subscriptionId) {
      return db.run(async () => {
        const row = await db.sql.begin(async (tx) => {
          const [target] = await tx<{ subscriber_id: string; url: string }[]>`
            SELECT subscriber_id, url FROM subscriptions WHERE id = ${subscriptionId}`;
          if (!target) return null;
          await tx`
            INSERT INTO events (id, type, data, idempotency_key, request_hash, subscriber_id, channels, message_count, created_at)
            VALUES (${event.id}, ${event.type}, ${event.dataJson}, ${event.idempotencyKey}, NULL, ${event.subscriberId},
              ${event.channels}::text[], 1, ${event.createdAt})`;
          const [m] = await tx<Row[]>`
            INSERT INTO messages (id, event_id, event_type, subscriber_id, subscription_id, status, next_attempt_at, manual, created_at, updated_at)
            VALUES (${newId('msg', event.createdAt)}, ${event.id}, ${event.type}, ${target.subscriber_id as string}, ${subscriptionId}, 0,
              ${event.createdAt}, TRUE, ${event.createdAt}, ${event.createdAt})
            RETURNING *`;
          if (m) {
            await tx`INSERT INTO message_queue (message_id, next_attempt_at, subscription_id) VALUES (${m.id as string}, ${event.createdAt}, ${subscriptionId})`;
          }
          await db.notify(tx);
          return m ? { ...m, url: target.url } : null;
        });
        if (!row) return null;
        db.wake();
        return toMessage(row);
      });
    },

    getEvent(id) {
      return db.run(() => findOne(db.sql, 'events', 'id', id, toEvent));
    },

    listEvents(f) {
      return db.run(() => listNewestFirst(db.sql, 'events', eventConditions(f), f.limit, toEvent));
    },
  };
}

interface IngestOutcome {
  results: IngestResult[];
  /** Messages written due (not leased): what other claimers are woken for. */
  due: number;
}

/**
 * Ingests a batch in its transaction: looks up what the fan-out plan needs in four pipelined
 * queries (prior events under the batch's keys, known types, known subscribers, candidate
 * subscriptions), lets src/fanout/plan.ts decide, and writes the events and messages with one
 * INSERT each. Concurrent transactions may race for an idempotency key: the loser's event is not
 * written and its requests answer from the winner (replayOf), as a later request would.
 */
async function ingestInTransaction(
  db: PostgresConnection,
  schemas: SchemaValidators,
  tx: postgres.TransactionSql,
  requests: IngestRequest[],
  lease: IngestLease | undefined,
): Promise<IngestOutcome> {
  const events = requests.map((r) => r.event);
  const keyed = events.filter((e) => e.idempotencyKey !== null);
  const types = [...new Set(events.map((e) => e.type))];
  const subscriberIds = [...new Set(events.flatMap((e) => (e.subscriberId === null ? [] : [e.subscriberId])))];
  const none = Promise.resolve([]);
  const patterns = [...new Set(types.flatMap(patternsMatching))];
  const [known, typeRows, subscriberRows, candidates] = await Promise.all([
    keyed.length === 0 ? (none as Promise<Row[]>) : priorEvents(tx, keyed),
    // The schema itself is read only when its validator is not compiled yet (schemaValidators).
    tx<TypeRow[]>`SELECT name, updated_at, schema IS NOT NULL AS has_schema FROM event_types WHERE name = ANY(${types}::text[])`,
    subscriberIds.length === 0
      ? (none as Promise<{ id: string }[]>)
      : tx<{ id: string }[]>`SELECT id FROM subscribers WHERE id = ANY(${subscriberIds}::text[])`,
    tx<Row[]>`
      SELECT s.* FROM subscriptions s JOIN subscribers b ON b.id = s.subscriber_id
      WHERE s.id = ANY(ARRAY(SELECT subscription_id FROM subscription_patterns WHERE pattern = ANY(${patterns}::text[])))
        AND s.enabled AND b.enabled`,
  ]);
  const facts: IngestFacts = {
    prior: priorByScope(known),
    knownTypes: new Set(typeRows.map((r) => r.name)),
    validators: await schemaValidators(schemas, tx, typeRows),
    knownSubscribers: new Set(subscriberRows.map((r) => r.id)),
    candidates: candidates.map(toSubscription),
  };
  const plan = planIngest(requests, facts, lease);
  if (plan.events.length === 0) return { results: plan.results, due: 0 };

  // The writes go out together. An event that loses an idempotency race is not inserted (ON
  // CONFLICT DO NOTHING), and the messages insert only takes rows whose event now exists, so it
  // needs no answer from the first statement; the notification goes with them.
  const eventRows = plan.events.map(({ event: e, requestHash, messages }) => ({
    id: e.id,
    type: e.type,
    data: e.dataJson,
    idempotency_key: e.idempotencyKey,
    request_hash: requestHash,
    subscriber_id: e.subscriberId,
    channels: e.channels,
    message_count: messages,
    created_at: e.createdAt,
  }));
  const messageRows = plan.messages.map((m) => ({
    id: m.id,
    event_id: m.event.id,
    event_type: m.event.type,
    subscriber_id: m.subscription.subscriberId,
    subscription_id: m.subscription.id,
    at: m.event.createdAt,
    due: m.nextAttemptAt,
    leased: m.leased,
  }));
  const eventIds = eventRows.map((e) => e.id);
  const [inserted] = await Promise.all([
    tx<{ id: string }[]>`
      INSERT INTO events (id, type, data, idempotency_key, request_hash, subscriber_id, channels, message_count, created_at)
      SELECT id, type, data, idempotency_key, request_hash, subscriber_id, channels, message_count, created_at
      FROM json_to_recordset(${JSON.stringify(eventRows)}::text::json) AS t(
        id TEXT, type TEXT, data TEXT, idempotency_key TEXT, request_hash TEXT, subscriber_id TEXT, channels TEXT[],
        message_count INTEGER, created_at BIGINT)
      ON CONFLICT DO NOTHING
      RETURNING id`,
    messageRows.length === 0
      ? Promise.resolve([])
      : tx`
          WITH inserted AS (
            INSERT INTO messages (id, event_id, event_type, subscriber_id, subscription_id, status, next_attempt_at, leased, created_at, updated_at)
            SELECT id, event_id, event_type, subscriber_id, subscription_id, 0, due, leased, at, at
            FROM json_to_recordset(${JSON.stringify(messageRows)}::text::json) AS t(
              id TEXT, event_id TEXT, event_type TEXT, subscriber_id TEXT, subscription_id TEXT, at BIGINT, due BIGINT, leased BOOLEAN)
            WHERE t.event_id = ANY(ARRAY(SELECT e.id FROM events e WHERE e.id = ANY(${eventIds}::text[])))
            RETURNING id, next_attempt_at, subscription_id, leased
          )
          INSERT INTO message_queue (message_id, next_attempt_at, subscription_id, leased) SELECT id, next_attempt_at, subscription_id, leased FROM inserted`,
    // Leased messages are this process's to deliver: other processes are told only of the rest.
    plan.messages.some((m) => !m.leased) ? db.notify(tx) : Promise.resolve([]),
  ]);
  if (inserted.length < eventRows.length) {
    // A concurrent transaction committed the same idempotency key first: this batch's event for
    // that key is not written, and every request with the key answers from the committed event.
    const written = new Set(inserted.map((r) => r.id));
    const lost = new Set(plan.events.filter((e) => !written.has(e.event.id)).map((e) => e.event));
    plan.messages = plan.messages.filter((m) => !lost.has(m.event));
    const winners = priorByScope(await priorEvents(tx, [...lost]));
    requests.forEach(({ event, requestHash }, i) => {
      const current = plan.results[i];
      if (
        event.idempotencyKey === null ||
        !current ||
        current.status === 'unknown_event_type' ||
        current.status === 'schema_validation_failed' ||
        current.status === 'unknown_subscriber'
      )
        return;
      const winner = winners.get(idempotencyScope(event.subscriberId, event.idempotencyKey));
      if (winner) plan.results[i] = replayOf(winner, requestHash);
    });
  }
  return { results: resultsWithLeases(plan), due: plan.messages.filter((m) => !m.leased).length };
}

interface TypeRow {
  name: string;
  updated_at: number;
  has_schema: boolean;
}

/** The validators of the types that have a schema, compiled once per version (src/domain/event-schemas.ts):
 *  the schemas not compiled yet are read in one query, in the ingest's transaction. */
async function schemaValidators(
  schemas: SchemaValidators,
  tx: postgres.TransactionSql,
  types: readonly TypeRow[],
): Promise<Map<string, DataValidator>> {
  const validators = new Map<string, DataValidator>();
  const missing: TypeRow[] = [];
  for (const t of types) {
    if (!t.has_schema) continue;
    const cached = schemas.cached(t.name, t.updated_at);
    if (cached) validators.set(t.name, cached);
    else missing.push(t);
  }
  if (missing.length === 0) return validators;
  const rows = await tx<{ name: string; schema: string }[]>`
    SELECT name, schema FROM event_types WHERE name = ANY(${missing.map((t) => t.name)}::text[]) AND schema IS NOT NULL`;
  const texts = new Map(rows.map((r) => [r.name, r.schema]));
  for (const t of missing) {
    const text = texts.get(t.name);
    if (text !== undefined) validators.set(t.name, schemas.compile(t.name, t.updated_at, JSON.parse(text)));
  }
  return validators;
}

/** The stored events under the idempotency keys of `events`. */
function priorEvents(tx: postgres.TransactionSql, events: readonly HeraldEvent[]): Promise<Row[]> {
  return tx<Row[]>`
    SELECT e.* FROM events e
    JOIN unnest(${events.map((e) => e.subscriberId ?? '')}::text[], ${events.map((e) => e.idempotencyKey ?? '')}::text[]) AS k(scope, key)
      ON COALESCE(e.subscriber_id, '') = k.scope AND e.idempotency_key = k.key
    WHERE e.idempotency_key IS NOT NULL`;
}

function priorByScope(rows: readonly Row[]): Map<string, PriorEvent> {
  return new Map(
    rows.map((r) => {
      const prior = toPriorEvent(r);
      return [idempotencyScope(prior.event.subscriberId, prior.event.idempotencyKey ?? ''), prior];
    }),
  );
}
