// The PostgreSQL store: the Store contract on the `postgres` (porsager) driver, for several API and
// worker processes sharing one database.
//
// How it works. Every method is one statement or one transaction on a shared pool. Ingest is one
// transaction per call (the caller groups many requests into it) that looks up what it needs in a
// few set-based queries, decides in JS, and writes events and messages with one multi-row INSERT
// each. Workers claim with `FOR UPDATE SKIP LOCKED`: a claim moves the message's nextAttemptAt to
// the lease expiry in the same statement, so a row is handed to one claimer per lease, and a worker
// that dies just lets the lease run out. Commits that make messages due send `pg_notify` inside
// their transaction; every store LISTENs on one channel and wakes its listeners, so idle workers in
// other processes start within milliseconds. Notifications are a hint only: callers poll as well.
//
// Connection failures surface as HeraldError('store_unavailable'); the driver reconnects on the
// next query, and the LISTEN connection re-subscribes by itself (see `listen`).
import { randomUUID } from 'node:crypto';
import postgres from 'postgres';
import { storableText } from '../../delivery/response-text.js';
import { HeraldError } from '../../domain/errors.js';
import { patternsMatching } from '../../domain/event-types.js';
import type { ApiKey, Attempt, AuditEntry, EventType, HeraldEvent, Message, Subscriber, Subscription } from '../../domain/glossary.js';
import { STATUS_NAME, STATUS_NUMBER } from '../../domain/glossary.js';
import { idBefore, newId } from '../../domain/ids.js';
import { type IngestFacts, idempotencyScope, type PriorEvent, planIngest, replayOf, resultsWithLeases } from '../../fanout/plan.js';
import { writeIsolating } from '../../util/split-on-failure.js';
import {
  apiKeyConditions,
  attemptConditions,
  attemptQueryConditions,
  auditConditions,
  type Condition,
  eventConditions,
  eventTypeConditions,
  messageConditions,
  messageQueryConditions,
  subscriberConditions,
  subscriptionConditions,
} from '../filters.js';
import { page, type Row, rowMappers } from '../rows.js';
import { ATTEMPT_SORT_COLUMNS, messageSortColumns, orderBy } from '../sql-order.js';
import type {
  AttemptFilter,
  AttemptOutcome,
  AttemptQuery,
  AuditFilter,
  CountedPage,
  DeliveryJob,
  EventFilter,
  EventTypePatch,
  IngestLease,
  IngestRequest,
  IngestResult,
  MessageFilter,
  MessageQuery,
  NumberedAttempt,
  Page,
  PageQuery,
  PurgeResult,
  ReturnedLease,
  SequencedMessage,
  Store,
  StoreCapabilities,
  StoredSession,
  SubscriberPatch,
  SubscriptionPatch,
  SubscriptionStats,
} from '../store.js';
import { MIGRATIONS } from './migrations/index.js';

export interface PostgresStoreOptions {
  url: string;
  /** Connections in this process's pool (the LISTEN connection is one more). */
  poolMax: number;
  /** Longest a store call waits for the database before answering store_unavailable (migrations excepted). */
  operationDeadlineMs?: number;
}

const NOTIFY_CHANNEL = 'herald_messages';
const MIGRATION_LOCK_KEY = 0x48_45_52_41; // pg_advisory_xact_lock key: 'HERA' in ASCII, arbitrary but fixed
const CONNECT_TIMEOUT_SECONDS = 5; // a request during an outage fails fast with 503
const OPERATION_DEADLINE_MS = 20_000; // default of PostgresStoreOptions.operationDeadlineMs
const RECONNECT_BACKOFF_MAX_SECONDS = 2; // the driver's default grows to 20 s, delaying LISTEN after an outage

// Errors meaning "the database is not reachable right now", not "the query is wrong".
const UNAVAILABLE_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'ENOTFOUND',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EAI_AGAIN',
  'CONNECTION_CLOSED', // driver: the socket closed mid-query
  'CONNECTION_ENDED', // driver: the pool was ended
  'CONNECTION_DESTROYED', // driver: the connection was terminated
  'CONNECT_TIMEOUT', // driver: connect_timeout elapsed
  '57P01', // admin_shutdown (pg_terminate_backend, server stop)
  '57P02', // crash_shutdown
  '57P03', // cannot_connect_now (starting up / shutting down)
  '53300', // too_many_connections
]);

function isUnavailable(err: unknown): boolean {
  if (typeof err !== 'object' || err === null) return false;
  const code = (err as { code?: unknown }).code;
  if (typeof code === 'string' && (UNAVAILABLE_CODES.has(code) || code.startsWith('08'))) return true; // 08xxx: connection_exception
  const inner = (err as { errors?: unknown }).errors; // AggregateError from happy-eyeballs connects
  return Array.isArray(inner) && inner.some(isUnavailable);
}

function sqlState(err: unknown): string | undefined {
  const code = typeof err === 'object' && err !== null ? (err as { code?: unknown }).code : undefined;
  return typeof code === 'string' ? code : undefined;
}

function mapError(err: unknown): unknown {
  if (err instanceof HeraldError) return err;
  if (isUnavailable(err)) return new HeraldError('store_unavailable');
  // Class 22, data_exception (a NUL in text, a number out of range): the request's data, which
  // validation should have refused. Its sender's fault, answered as such, never a 500.
  if (sqlState(err)?.startsWith('22')) return new HeraldError('bad_request', 'A value in the request cannot be stored by the database');
  return err;
}

// ---- rows ---------------------------------------------------------------------------------------

const { toEventType, toSubscriber, toSubscription, toEvent, toPriorEvent, toMessage, toAttempt, toSession, toApiKey, toAuditEntry } =
  rowMappers({ flag: (value: unknown) => value as boolean, list: <T>(value: unknown) => value as T[] | null });

/** A claimed message: what delivery needs of it and its event; its subscription is read apart. */
interface JobRow {
  id: string;
  event_id: string;
  subscription_id: string;
  attempts: number;
  retries: number;
  manual: boolean;
  event_type: string;
  event_created_at: number;
  data: string;
  subscriber_enabled: boolean;
}

const toJob = (r: JobRow, subscription: Subscription): DeliveryJob => ({
  messageId: r.id,
  eventId: r.event_id,
  eventType: r.event_type,
  eventCreatedAt: r.event_created_at,
  dataJson: r.data,
  attempts: r.attempts,
  retries: r.retries,
  manual: r.manual,
  subscription,
  subscriberEnabled: r.subscriber_enabled,
});

const byName = (r: Row): string => r.name as string;

/** The shared list conditions (../filters.ts) as a WHERE clause of this dialect. */
function where(sql: postgres.Sql | postgres.TransactionSql, conditions: Condition[]): postgres.PendingQuery<postgres.Row[]> {
  let clause = sql`WHERE TRUE`;
  for (const c of conditions) {
    clause =
      c.op === 'in'
        ? sql`${clause} AND ${sql.unsafe(c.column)} = ANY(${c.value as string[]}::text[])`
        : sql`${clause} AND ${sql.unsafe(c.column)} ${sql.unsafe(c.op)} ${c.value as string | number}`;
  }
  return clause;
}

// A message's `seq` is messages.seq (migration 0004).
const MESSAGE_SORT = messageSortColumns('m.seq');

// ---- the store ----------------------------------------------------------------------------------

export class PostgresStore implements Store {
  readonly kind = 'postgres' as const;
  readonly capabilities: StoreCapabilities = { multiProcess: true, crossProcessNotify: true };

  private readonly sql: postgres.Sql;
  private readonly operationDeadlineMs: number;
  /** Sent as the NOTIFY payload so this process can ignore its own notifications. */
  private readonly instanceId = randomUUID();
  private readonly listeners = new Set<() => void>();
  private listenState: 'off' | 'starting' | 'on' = 'off';
  private wakeScheduled = false;
  private closed = false;

  constructor(options: PostgresStoreOptions) {
    this.operationDeadlineMs = options.operationDeadlineMs ?? OPERATION_DEADLINE_MS;
    this.sql = postgres(options.url, {
      max: options.poolMax,
      connect_timeout: CONNECT_TIMEOUT_SECONDS,
      // Seconds before reconnect attempt n; the LISTEN connection uses it too, so after an outage
      // notifications resume within about this bound of the database coming back.
      backoff: (attempt: number) => Math.min(0.05 * 2 ** attempt, RECONNECT_BACKOFF_MAX_SECONDS),
      onnotice: () => {}, // "relation already exists, skipping" and the like
      types: {
        // BIGINT epoch milliseconds and count(*) fit a double exactly; read them as numbers.
        bigint: { to: 20, from: [20], serialize: (x: number) => String(x), parse: (x: string) => Number(x) },
      },
    });
  }

  /** Runs a store operation: driver errors become HeraldErrors, and one that has not settled
   *  within `deadlineMs` answers store_unavailable rather than leaving its caller waiting (a
   *  connection terminated at the wrong moment can leave the driver's promise pending). Whether a
   *  write so abandoned committed is unknown, as when a connection is lost during COMMIT. */
  private async run<T>(op: () => Promise<T>, deadlineMs = this.operationDeadlineMs): Promise<T> {
    let timer: NodeJS.Timeout | undefined;
    const pending = op();
    pending.catch(() => {}); // settled after the deadline: nobody is waiting for it any more
    try {
      if (!Number.isFinite(deadlineMs)) return await pending;
      return await Promise.race([
        pending,
        new Promise<never>((_, reject) => {
          timer = setTimeout(
            () => reject(new HeraldError('store_unavailable', `the database did not answer within ${deadlineMs / 1000} s`)),
            deadlineMs,
          );
        }),
      ]);
    } catch (err) {
      throw mapError(err);
    } finally {
      clearTimeout(timer);
    }
  }

  // ---- lifecycle --------------------------------------------------------------------------------

  /** Applies pending migrations in one transaction under an advisory lock; the ledger row of each
   *  is written with it, so concurrent starters serialize and the later ones find nothing to do. */
  migrate(): Promise<void> {
    return this.run(async () => {
      await this.sql.begin(async (tx) => {
        await tx`SELECT pg_advisory_xact_lock(${MIGRATION_LOCK_KEY})`;
        await tx`CREATE TABLE IF NOT EXISTS herald_migrations (
          version    INTEGER PRIMARY KEY,
          name       TEXT NOT NULL,
          applied_at BIGINT NOT NULL
        )`;
        const done = await tx<{ version: number }[]>`SELECT version FROM herald_migrations`;
        const applied = new Set(done.map((r) => r.version));
        for (const m of MIGRATIONS) {
          if (applied.has(m.version)) continue;
          await tx`INSERT INTO herald_migrations (version, name, applied_at) VALUES (${m.version}, ${m.name}, ${Date.now()})`;
          await tx.unsafe(m.sql);
        }
      });
    }, Number.POSITIVE_INFINITY);
  }

  ping(): Promise<void> {
    return this.run(async () => {
      await this.sql`SELECT 1`;
    });
  }

  async close(): Promise<void> {
    this.closed = true;
    this.listeners.clear();
    await this.sql.end({ timeout: 5 });
  }

  // ---- event types ------------------------------------------------------------------------------

  createEventType(eventType: EventType): Promise<EventType> {
    return this.run(async () => {
      try {
        const [row] = await this.sql<Row[]>`
          INSERT INTO event_types (name, description, schema, created_at, updated_at)
          VALUES (${eventType.name}, ${eventType.description}, ${jsonOrNull(eventType.schema)}, ${eventType.createdAt}, ${eventType.updatedAt})
          RETURNING *`;
        return toEventType(row as Row);
      } catch (err) {
        if (sqlState(err) === '23505') throw new HeraldError('conflict', `Event type ${eventType.name} already exists`);
        throw err;
      }
    });
  }

  importEventTypes(eventTypes: EventType[]): Promise<number> {
    return this.run(async () => {
      if (eventTypes.length === 0) return 0;
      const rows = eventTypes.map((t) => ({
        name: t.name,
        description: t.description,
        schema: jsonOrNull(t.schema),
        created_at: t.createdAt,
        updated_at: t.updatedAt,
      }));
      const result = await this.sql`
        INSERT INTO event_types (name, description, schema, created_at, updated_at)
        SELECT name, description, schema, created_at, updated_at
        FROM json_to_recordset(${JSON.stringify(rows)}::text::json)
          AS t(name TEXT, description TEXT, schema TEXT, created_at BIGINT, updated_at BIGINT)
        ON CONFLICT (name) DO NOTHING`;
      return result.count;
    });
  }

  getEventType(name: string): Promise<EventType | null> {
    return this.run(async () => {
      const [row] = await this.sql<Row[]>`SELECT * FROM event_types WHERE name = ${name}`;
      return row ? toEventType(row) : null;
    });
  }

  listEventTypes(query: PageQuery): Promise<Page<EventType>> {
    return this.run(async () => {
      const rows = await this.sql<Row[]>`
        SELECT * FROM event_types ${where(this.sql, eventTypeConditions(query))}
        ORDER BY name LIMIT ${query.limit + 1}`;
      return page(rows, query.limit, toEventType, byName);
    });
  }

  updateEventType(name: string, patch: EventTypePatch, now: number): Promise<EventType | null> {
    return this.run(async () => {
      const set: Record<string, unknown> = { updated_at: now };
      if (patch.description !== undefined) set['description'] = patch.description;
      if (patch.schema !== undefined) set['schema'] = jsonOrNull(patch.schema);
      const [row] = await this.sql<Row[]>`UPDATE event_types SET ${this.sql(set)} WHERE name = ${name} RETURNING *`;
      return row ? toEventType(row) : null;
    });
  }

  deleteEventType(name: string): Promise<boolean> {
    return this.run(async () => (await this.sql`DELETE FROM event_types WHERE name = ${name}`).count > 0);
  }

  // ---- subscribers ------------------------------------------------------------------------------

  createSubscriber(subscriber: Subscriber): Promise<Subscriber> {
    return this.run(async () => {
      try {
        const [row] = await this.sql<Row[]>`
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
  }

  getSubscriber(id: string): Promise<Subscriber | null> {
    return this.run(async () => {
      const [row] = await this.sql<Row[]>`SELECT * FROM subscribers WHERE id = ${id}`;
      return row ? toSubscriber(row) : null;
    });
  }

  listSubscribers(query: PageQuery): Promise<Page<Subscriber>> {
    return this.run(async () => {
      const rows = await this.sql<Row[]>`
        SELECT * FROM subscribers ${where(this.sql, subscriberConditions(query))}
        ORDER BY id DESC LIMIT ${query.limit + 1}`;
      return page(rows, query.limit, toSubscriber);
    });
  }

  updateSubscriber(id: string, patch: SubscriberPatch, now: number): Promise<Subscriber | null> {
    return this.run(async () => {
      const set: Record<string, unknown> = { updated_at: now };
      if (patch.name !== undefined) set['name'] = patch.name;
      if (patch.enabled !== undefined) set['enabled'] = patch.enabled;
      if (patch.metadata !== undefined) set['metadata'] = jsonOrNull(patch.metadata);
      const [row] = await this.sql<Row[]>`UPDATE subscribers SET ${this.sql(set)} WHERE id = ${id} RETURNING *`;
      return row ? toSubscriber(row) : null;
    });
  }

  deleteSubscriber(id: string): Promise<boolean> {
    return this.run(async () => (await this.sql`DELETE FROM subscribers WHERE id = ${id}`).count > 0);
  }

  // ---- subscriptions ----------------------------------------------------------------------------

  createSubscription(s: Subscription): Promise<Subscription> {
    return this.run(async () => {
      try {
        return await this.sql.begin(async (tx) => {
          const [row] = await tx<Row[]>`
            INSERT INTO subscriptions (id, subscriber_id, name, description, url, method, event_types, channels, headers,
              payload_format, retry_schedule, timeout_seconds, enabled, secret, previous_secret, previous_secret_expires_at,
              created_at, updated_at)
            VALUES (${s.id}, ${s.subscriberId}, ${s.name}, ${s.description}, ${s.url}, ${s.method}, ${s.eventTypes}::text[],
              ${s.channels}::text[], ${JSON.stringify(s.headers)}, ${s.payloadFormat}, ${s.retrySchedule}::float8[],
              ${s.timeoutSeconds}, ${s.enabled}, ${s.secret}, ${s.previousSecret ?? null}, ${s.previousSecretExpiresAt ?? null},
              ${s.createdAt}, ${s.updatedAt})
            RETURNING *`;
          await tx`
            INSERT INTO subscription_patterns (pattern, subscription_id)
            SELECT DISTINCT p, ${s.id}::text FROM unnest(${s.eventTypes}::text[]) AS p`;
          return toSubscription(row as Row);
        });
      } catch (err) {
        if (sqlState(err) === '23503') throw new HeraldError('unknown_subscriber');
        if (sqlState(err) === '23505') throw new HeraldError('conflict', `Subscription ${s.id} already exists`);
        throw err;
      }
    });
  }

  getSubscription(id: string): Promise<Subscription | null> {
    return this.run(async () => {
      const [row] = await this.sql<Row[]>`SELECT * FROM subscriptions WHERE id = ${id}`;
      return row ? toSubscription(row) : null;
    });
  }

  listSubscriptions(query: PageQuery & { subscriberId?: string }): Promise<Page<Subscription>> {
    return this.run(async () => {
      const rows = await this.sql<Row[]>`
        SELECT * FROM subscriptions ${where(this.sql, subscriptionConditions(query))}
        ORDER BY id DESC LIMIT ${query.limit + 1}`;
      return page(rows, query.limit, toSubscription);
    });
  }

  updateSubscription(id: string, patch: SubscriptionPatch, now: number): Promise<Subscription | null> {
    return this.run(() =>
      this.sql.begin(async (tx) => {
        const set: Record<string, unknown> = { updated_at: now };
        if (patch.name !== undefined) set['name'] = patch.name;
        if (patch.description !== undefined) set['description'] = patch.description;
        if (patch.url !== undefined) set['url'] = patch.url;
        if (patch.method !== undefined) set['method'] = patch.method;
        if (patch.headers !== undefined) set['headers'] = JSON.stringify(patch.headers);
        if (patch.payloadFormat !== undefined) set['payload_format'] = patch.payloadFormat;
        if (patch.timeoutSeconds !== undefined) set['timeout_seconds'] = patch.timeoutSeconds;
        if (patch.enabled !== undefined) set['enabled'] = patch.enabled;
        if (patch.secret !== undefined) set['secret'] = patch.secret;
        if (patch.previousSecret !== undefined) set['previous_secret'] = patch.previousSecret;
        if (patch.previousSecretExpiresAt !== undefined) set['previous_secret_expires_at'] = patch.previousSecretExpiresAt;
        const [row] = await tx<Row[]>`
          UPDATE subscriptions SET ${tx(set)}
          ${patch.eventTypes !== undefined ? tx`, event_types = ${patch.eventTypes}::text[]` : tx``}
          ${patch.channels !== undefined ? tx`, channels = ${patch.channels}::text[]` : tx``}
          ${patch.retrySchedule !== undefined ? tx`, retry_schedule = ${patch.retrySchedule}::float8[]` : tx``}
          WHERE id = ${id} RETURNING *`;
        if (!row) return null;
        if (patch.eventTypes !== undefined) {
          await tx`DELETE FROM subscription_patterns WHERE subscription_id = ${id}`;
          await tx`
            INSERT INTO subscription_patterns (pattern, subscription_id)
            SELECT DISTINCT p, ${id}::text FROM unnest(${patch.eventTypes}::text[]) AS p`;
        }
        return toSubscription(row);
      }),
    );
  }

  deleteSubscription(id: string): Promise<boolean> {
    return this.run(async () => (await this.sql`DELETE FROM subscriptions WHERE id = ${id}`).count > 0);
  }

  // ---- ingest -----------------------------------------------------------------------------------

  ingest(requests: IngestRequest[], lease?: IngestLease): Promise<IngestResult[]> {
    return this.run(async () => {
      if (requests.length === 0) return [];
      const created = await this.sql.begin((tx) => ingestInTransaction(tx, requests, this.instanceId, lease));
      if (created.due > 0) this.wake();
      return created.results;
    });
  }

  ingestForSubscription(event: HeraldEvent, subscriptionId: string): Promise<Message | null> {
    return this.run(async () => {
      const row = await this.sql.begin(async (tx) => {
        const [target] = await tx<{ subscriber_id: string; url: string }[]>`
          SELECT subscriber_id, url FROM subscriptions WHERE id = ${subscriptionId}`;
        if (!target) return null;
        await tx`
          INSERT INTO events (id, type, data, idempotency_key, request_hash, subscriber_id, channels, message_count, created_at)
          VALUES (${event.id}, ${event.type}, ${event.dataJson}, ${event.idempotencyKey}, NULL, ${event.subscriberId},
            ${event.channels}::text[], 1, ${event.createdAt})`;
        const [m] = await tx<Row[]>`
          INSERT INTO messages (id, event_id, event_type, subscriber_id, subscription_id, status, next_attempt_at, created_at, updated_at)
          VALUES (${newId('msg', event.createdAt)}, ${event.id}, ${event.type}, ${target.subscriber_id as string}, ${subscriptionId}, 0,
            ${event.createdAt}, ${event.createdAt}, ${event.createdAt})
          RETURNING *`;
        if (m) await tx`INSERT INTO message_queue (message_id, next_attempt_at) VALUES (${m.id as string}, ${event.createdAt})`;
        await tx`SELECT pg_notify(${NOTIFY_CHANNEL}, ${this.instanceId})`;
        return m ? { ...m, url: target.url } : null;
      });
      if (!row) return null;
      this.wake();
      return toMessage(row);
    });
  }

  getEvent(id: string): Promise<HeraldEvent | null> {
    return this.run(async () => {
      const [row] = await this.sql<Row[]>`SELECT * FROM events WHERE id = ${id}`;
      return row ? toEvent(row) : null;
    });
  }

  listEvents(f: EventFilter): Promise<Page<HeraldEvent>> {
    return this.run(async () => {
      const sql = this.sql;
      const rows = await sql<Row[]>`
        SELECT * FROM events ${where(sql, eventConditions(f))}
        ORDER BY id DESC LIMIT ${f.limit + 1}`;
      return page(rows, f.limit, toEvent);
    });
  }

  // ---- messages ---------------------------------------------------------------------------------

  getMessage(id: string): Promise<Message | null> {
    return this.run(async () => {
      const [row] = await this.sql<Row[]>`
        SELECT m.*, s.url FROM messages m JOIN subscriptions s ON s.id = m.subscription_id WHERE m.id = ${id}`;
      return row ? toMessage(row) : null;
    });
  }

  listMessages(f: MessageFilter): Promise<Page<Message>> {
    return this.run(async () => {
      const sql = this.sql;
      const rows = await sql<Row[]>`
        SELECT m.*, s.url FROM messages m JOIN subscriptions s ON s.id = m.subscription_id ${where(sql, messageConditions(f))}
        ORDER BY m.id DESC LIMIT ${f.limit + 1}`;
      return page(rows, f.limit, toMessage);
    });
  }

  deleteMessage(id: string): Promise<boolean> {
    return this.run(async () => (await this.sql`DELETE FROM messages WHERE id = ${id}`).count > 0);
  }

  resendMessage(id: string, now: number): Promise<Message | null> {
    return this.run(async () => {
      const row = await this.sql.begin(async (tx) => {
        const [r] = await tx<Row[]>`
          UPDATE messages m SET status = 0, retries = 0, next_attempt_at = ${now}, leased = FALSE, manual = TRUE, updated_at = ${now}
          FROM subscriptions s WHERE m.id = ${id} AND s.id = m.subscription_id
          RETURNING m.*, s.url`;
        if (r) {
          await tx`
            INSERT INTO message_queue (message_id, next_attempt_at) VALUES (${id}, ${now})
            ON CONFLICT (message_id) DO UPDATE SET next_attempt_at = EXCLUDED.next_attempt_at`;
          await tx`SELECT pg_notify(${NOTIFY_CHANNEL}, ${this.instanceId})`;
        }
        return r;
      });
      if (!row) return null;
      this.wake();
      return toMessage(row);
    });
  }

  recoverMessages(subscriptionId: string, since: number, now: number): Promise<number> {
    return this.run(async () => {
      const count = await this.sql.begin(async (tx) => {
        const result = await tx`
          WITH recovered AS (
            UPDATE messages SET status = 0, retries = 0, next_attempt_at = ${now}, leased = FALSE, manual = TRUE, updated_at = ${now}
            WHERE subscription_id = ${subscriptionId} AND status = ${STATUS_NUMBER.failed} AND created_at >= ${since}
            RETURNING id
          )
          INSERT INTO message_queue (message_id, next_attempt_at) SELECT id, ${now}::bigint FROM recovered
          ON CONFLICT (message_id) DO UPDATE SET next_attempt_at = EXCLUDED.next_attempt_at`;
        if (result.count > 0) await tx`SELECT pg_notify(${NOTIFY_CHANNEL}, ${this.instanceId})`;
        return result.count;
      });
      if (count > 0) this.wake();
      return count;
    });
  }

  // ---- attempts ---------------------------------------------------------------------------------

  getAttempt(id: string): Promise<Attempt | null> {
    return this.run(async () => {
      const [row] = await this.sql<Row[]>`SELECT * FROM attempts WHERE id = ${id}`;
      return row ? toAttempt(row) : null;
    });
  }

  listAttempts(f: AttemptFilter): Promise<Page<Attempt>> {
    return this.run(async () => {
      const sql = this.sql;
      const rows = await sql<Row[]>`
        SELECT a.* FROM attempts a
        ${f.status !== undefined ? sql`JOIN messages m ON m.id = a.message_id` : sql``}
        ${where(sql, attemptConditions(f))}
        ORDER BY a.id DESC LIMIT ${f.limit + 1}`;
      return page(rows, f.limit, toAttempt);
    });
  }

  // ---- offset-paged queries (AutoQuery) ---------------------------------------------------------

  queryMessages(q: MessageQuery): Promise<CountedPage<SequencedMessage>> {
    return this.run(() =>
      // One snapshot for the count and the page.
      this.sql.begin('ISOLATION LEVEL REPEATABLE READ READ ONLY', async (sql) => {
        const filters = where(sql, messageQueryConditions(q));
        const [count] = await sql<{ n: number }[]>`
          SELECT count(*) AS n FROM messages m JOIN subscriptions s ON s.id = m.subscription_id ${filters}`;
        const rows = await sql<(Row & { seq: number })[]>`
          SELECT m.*, s.url FROM messages m JOIN subscriptions s ON s.id = m.subscription_id ${filters}
          ORDER BY ${sql.unsafe(orderBy(q.orderBy, MESSAGE_SORT, 'm.id'))} LIMIT ${q.limit} OFFSET ${q.offset}`;
        return { data: rows.map((r) => ({ ...toMessage(r), seq: Number(r.seq) })), total: count?.n ?? 0 };
      }),
    );
  }

  queryAttempts(q: AttemptQuery): Promise<CountedPage<NumberedAttempt>> {
    return this.run(() =>
      this.sql.begin('ISOLATION LEVEL REPEATABLE READ READ ONLY', async (sql) => {
        const filters = where(sql, attemptQueryConditions(q));
        const [count] = await sql<{ n: number }[]>`
          SELECT count(*) AS n FROM attempts a JOIN messages m ON m.id = a.message_id ${filters}`;
        // The attempt number counts the message's attempts up to this one: a few rows on the message index.
        const rows = await sql<(Row & { attempt_number: number })[]>`
          SELECT a.*, (SELECT count(*) FROM attempts x WHERE x.message_id = a.message_id AND x.id <= a.id) AS attempt_number
          FROM attempts a JOIN messages m ON m.id = a.message_id ${filters}
          ORDER BY ${sql.unsafe(orderBy(q.orderBy, ATTEMPT_SORT_COLUMNS, 'a.id'))} LIMIT ${q.limit} OFFSET ${q.offset}`;
        return { data: rows.map((r) => ({ ...toAttempt(r), attemptNumber: Number(r.attempt_number) })), total: count?.n ?? 0 };
      }),
    );
  }

  countSubscribers(upToId?: string): Promise<number> {
    return this.run(async () => {
      const [row] = await this.sql<{ n: number }[]>`
        SELECT count(*) AS n FROM subscribers ${upToId !== undefined ? this.sql`WHERE id <= ${upToId}` : this.sql``}`;
      return row?.n ?? 0;
    });
  }

  // ---- delivery ---------------------------------------------------------------------------------

  claimDue(now: number, limit: number, leaseMarginMs: number): Promise<DeliveryJob[]> {
    return this.run(async () => {
      if (limit <= 0) return [];
      // One statement: lock due queue rows no one else holds, move them and their messages to
      // the lease expiry, and read what delivery needs. A row another claimer just leased fails
      // `next_attempt_at <= now` on the re-check after its lock is released, so it is never handed
      // out twice. Rows are matched with `= ANY(ARRAY(...))` so the plan is index lookups whatever
      // the table sizes (a join here can turn into a scan of every message).
      // Delivery bookkeeping commits without waiting for its WAL flush (SET LOCAL
      // synchronous_commit = off), like the SQLite store's: a server crash can lose at most the
      // last few claims and records, and those messages are simply delivered again (at least
      // once). Ingest and every API write keep waiting for the flush.
      const rows = await this.sql.begin(async (tx) => {
        const lease = tx`${now}::bigint + ${leaseMarginMs}::bigint + ceil(s.timeout_seconds * 1000)::bigint`;
        const [, claimed] = await Promise.all([
          tx`SET LOCAL synchronous_commit = off`,
          tx<JobRow[]>`
        WITH due AS (
          SELECT message_id, next_attempt_at AS due_at FROM message_queue
          WHERE next_attempt_at <= ${now}
          ORDER BY next_attempt_at, message_id
          LIMIT ${limit}
          FOR UPDATE SKIP LOCKED
        ), leased AS (
          UPDATE message_queue q
          SET next_attempt_at = (SELECT ${lease} FROM messages m JOIN subscriptions s ON s.id = m.subscription_id WHERE m.id = q.message_id)
          WHERE q.message_id = ANY(ARRAY(SELECT message_id FROM due))
          RETURNING q.message_id
        ), claimed AS (
          UPDATE messages m
          SET next_attempt_at = ${lease}, leased = TRUE
          FROM subscriptions s
          WHERE m.id = ANY(ARRAY(SELECT message_id FROM leased)) AND s.id = m.subscription_id
          RETURNING m.id, m.event_id, m.subscription_id, m.attempts, m.retries, m.manual
        )
        SELECT c.id, c.event_id, c.subscription_id, c.attempts, c.retries, c.manual,
               e.type AS event_type, e.created_at AS event_created_at, e.data, b.enabled AS subscriber_enabled
        FROM claimed c
        JOIN due d ON d.message_id = c.id
        JOIN events e ON e.id = c.event_id
        JOIN subscriptions s ON s.id = c.subscription_id
        JOIN subscribers b ON b.id = s.subscriber_id
        ORDER BY d.due_at, c.id`,
        ]);
        if (claimed.length === 0) return [];
        // Each subscription of the claim once, whole; its jobs share the object.
        const ids = [...new Set(claimed.map((r) => r.subscription_id))];
        const subscriptions = new Map(
          (await tx<Row[]>`SELECT * FROM subscriptions WHERE id = ANY(${ids}::text[])`).map((r) => [r.id, toSubscription(r)]),
        );
        return claimed.map((r) => toJob(r, subscriptions.get(r.subscription_id) as Subscription));
      });
      return rows;
    });
  }

  recordAttempts(outcomes: AttemptOutcome[]): Promise<void> {
    return this.run(async () => {
      if (outcomes.length === 0) return;
      // Sorted so concurrent batches touching the same rows lock them in the same order.
      const sorted = [...outcomes].sort((a, b) =>
        a.attempt.messageId < b.attempt.messageId ? -1 : a.attempt.messageId > b.attempt.messageId ? 1 : 0,
      );
      // One outcome's data must never cost another message a redelivery. Receivers' answers are
      // storable text before they get here (src/delivery/response-text.ts); should a batch still
      // fail on some value (any error but the database being unreachable, which the caller retries),
      // it is split in halves down to the outcome that fails alone, and that one, if its data is to
      // blame, is recorded with placeholders instead of its response, so its message advances too.
      // Rows recorded before a failure stay recorded: the statement skips attempts already written.
      await writeIsolating(
        sorted,
        async (part) => {
          await this.writeAttempts(part);
          return [];
        },
        async (part, err) => {
          // The data is to blame for a data exception (class 22), a limit (class 54) or an error
          // raised before the statement was sent (no SQLSTATE); any other (a deadlock, a cancelled
          // statement, the database unreachable) is thrown for the caller to retry the batch.
          const code = sqlState(err);
          const dataError = code === undefined || !/^[0-9A-Z]{5}$/.test(code) || code.startsWith('22') || code.startsWith('54');
          if (part.length > 1 || isUnavailable(err) || !dataError) throw err;
          await this.writeAttempts(part, err);
          return [];
        },
        (err) => !isUnavailable(err),
      );
    });
  }

  /** One transaction recording `outcomes` (sorted by message id). With `unstorable`, the error a
   *  lone outcome failed with, its response is replaced by a placeholder naming that error. */
  private async writeAttempts(outcomes: AttemptOutcome[], unstorable?: unknown): Promise<void> {
    let placeholder: string | null = null;
    if (unstorable !== undefined) {
      const e = unstorable as { code?: unknown; message?: unknown };
      const reason = `${typeof e.code === 'string' ? `${e.code} ` : ''}${typeof e.message === 'string' ? e.message : String(unstorable)}`;
      placeholder = `[not storable: ${storableText(reason.slice(0, 200))}]`;
    }
    const rows = outcomes.map((o) => ({
      id: o.attempt.id,
      message_id: o.attempt.messageId,
      subscription_id: o.attempt.subscriptionId,
      subscriber_id: o.attempt.subscriberId,
      event_type: o.attempt.eventType,
      status_code: o.attempt.statusCode,
      duration_ms: o.attempt.durationMs,
      error: placeholder !== null && o.attempt.error !== null ? storableText(o.attempt.error) : o.attempt.error,
      request_headers: JSON.stringify(
        placeholder === null
          ? o.attempt.requestHeaders
          : Object.fromEntries(Object.entries(o.attempt.requestHeaders).map(([k, v]) => [storableText(k), storableText(v)])),
      ),
      response_headers: placeholder === null ? JSON.stringify(o.attempt.responseHeaders) : '{}',
      response_body: placeholder ?? o.attempt.responseBody,
      trigger: o.attempt.trigger,
      created_at: o.attempt.createdAt,
      status: STATUS_NUMBER[o.status],
      attempts: o.attempts,
      retries: o.retries,
      next_attempt_at: o.nextAttemptAt,
    }));
    const disable = outcomes.filter((o) => o.disableSubscription).map((o) => o.attempt.subscriptionId);
    await this.sql.begin(async (tx) => {
      // No wait for the WAL flush: see claimDue. Pipelined with the statement below.
      // Update first: it locks the messages, so a concurrent delete cannot slip in between and
      // the attempts are inserted only for messages that still exist.
      const noFlushWait = tx`SET LOCAL synchronous_commit = off`;
      await tx`
        WITH o AS (
          SELECT * FROM json_to_recordset(${JSON.stringify(rows)}::text::json) AS o(
            id TEXT, message_id TEXT, subscription_id TEXT, subscriber_id TEXT, event_type TEXT, status_code INTEGER,
            duration_ms DOUBLE PRECISION, error TEXT, request_headers TEXT, response_headers TEXT, response_body TEXT,
            trigger TEXT, created_at BIGINT, status SMALLINT, attempts INTEGER, retries INTEGER, next_attempt_at BIGINT)
        ), updated AS (
          UPDATE messages m
          SET status = o.status, attempts = o.attempts, retries = o.retries, next_attempt_at = o.next_attempt_at,
              last_status_code = o.status_code, last_error = o.error, leased = FALSE, manual = FALSE, updated_at = o.created_at
          FROM o WHERE m.id = o.message_id
            -- Idempotent: a retry after a connection lost during COMMIT finds the batch written.
            -- (An index lookup of the batch's ids, not an anti-join the planner may run as a scan
            -- of every attempt.)
            AND o.id <> ALL(ARRAY(SELECT a.id FROM attempts a WHERE a.id = ANY(ARRAY(SELECT id FROM o))))
          RETURNING m.id
        ), requeued AS (
          INSERT INTO message_queue (message_id, next_attempt_at)
          SELECT o.message_id, o.next_attempt_at FROM o
          WHERE o.status IN (0, 2) AND o.next_attempt_at IS NOT NULL AND o.message_id = ANY(ARRAY(SELECT id FROM updated))
          ON CONFLICT (message_id) DO UPDATE SET next_attempt_at = EXCLUDED.next_attempt_at
        ), finished AS (
          DELETE FROM message_queue
          WHERE message_id = ANY(ARRAY(
            SELECT o.message_id FROM o JOIN updated u ON u.id = o.message_id
            WHERE o.status NOT IN (0, 2) OR o.next_attempt_at IS NULL))
        )
        INSERT INTO attempts (id, message_id, subscription_id, subscriber_id, event_type, status_code, duration_ms, error,
          request_headers, response_headers, response_body, trigger, created_at)
        SELECT o.id, o.message_id, o.subscription_id, o.subscriber_id, o.event_type, o.status_code, o.duration_ms, o.error,
          o.request_headers, o.response_headers, o.response_body, o.trigger, o.created_at
        FROM o WHERE o.message_id IN (SELECT id FROM updated)`;
      await noFlushWait;
      if (disable.length > 0) {
        const now = Math.max(...outcomes.map((o) => o.attempt.createdAt));
        await tx`UPDATE subscriptions SET enabled = FALSE, updated_at = ${now} WHERE id = ANY(${disable}::text[]) AND enabled`;
      }
    });
  }

  releaseLeases(now: number): Promise<number> {
    return this.run(async () => {
      const result = await this.sql`
        WITH released AS (
          UPDATE messages SET next_attempt_at = ${now}, leased = FALSE
          WHERE leased AND status IN (0, 2)
          RETURNING id
        )
        UPDATE message_queue SET next_attempt_at = ${now} WHERE message_id = ANY(ARRAY(SELECT id FROM released))`;
      return result.count;
    });
  }

  returnLeases(leases: ReturnedLease[], now: number): Promise<number> {
    if (leases.length === 0) return Promise.resolve(0);
    return this.run(async () => {
      const result = await this.sql.begin(async (tx) => {
        const [returned] = await Promise.all([
          tx`
            WITH returned AS (
              UPDATE messages m SET next_attempt_at = ${now}, leased = FALSE
              FROM unnest(${leases.map((l) => l.messageId)}::text[], ${leases.map((l) => l.leaseEnds)}::bigint[]) AS l(id, ends)
              WHERE m.id = l.id AND m.next_attempt_at = l.ends AND m.leased AND m.status IN (0, 2)
              RETURNING m.id
            )
            INSERT INTO message_queue (message_id, next_attempt_at) SELECT id, ${now} FROM returned
            ON CONFLICT (message_id) DO UPDATE SET next_attempt_at = EXCLUDED.next_attempt_at`,
          tx`SELECT pg_notify(${NOTIFY_CHANNEL}, ${this.instanceId})`,
        ]);
        return returned;
      });
      return result.count;
    });
  }

  nextDueAt(): Promise<number | null> {
    return this.run(async () => {
      const [row] = await this.sql<{ at: number | null }[]>`
        SELECT min(next_attempt_at) AS at FROM message_queue`;
      return row?.at ?? null;
    });
  }

  purgeSettledEvents(before: number, limit: number): Promise<PurgeResult> {
    return this.run(() =>
      this.sql.begin(async (tx): Promise<PurgeResult> => {
        // The primary key bounds the scan (ids begin with their creation time); created_at
        // decides. Purgers in other processes skip the events this one holds.
        const rows = await tx<{ id: string }[]>`
          SELECT e.id FROM events e
           WHERE e.id < ${idBefore('evt', before)} AND e.created_at < ${before}
             AND NOT EXISTS (SELECT 1 FROM messages m WHERE m.event_id = e.id AND m.status IN (0, 2))
           ORDER BY e.id LIMIT ${limit}
           FOR UPDATE SKIP LOCKED`;
        if (rows.length === 0) return { events: 0, messages: 0 };
        const ids = rows.map((r) => r.id);
        // Only settled messages: one resent meanwhile is kept, and so is its event. The
        // messages_deleted trigger takes their attempts and queue rows.
        const messages = await tx`DELETE FROM messages WHERE event_id = ANY(${ids}) AND status IN (1, 3)`;
        const events = await tx`
          DELETE FROM events e WHERE e.id = ANY(${ids}) AND NOT EXISTS (SELECT 1 FROM messages m WHERE m.event_id = e.id)`;
        return { events: events.count, messages: messages.count };
      }),
    );
  }

  onMessagesCommitted(listener: () => void): () => void {
    this.listeners.add(listener);
    this.listen();
    return () => {
      this.listeners.delete(listener);
    };
  }

  /**
   * LISTENs on the notification channel, once per store. The driver keeps the LISTEN alive by
   * itself: when its listen connection closes it reconnects with backoff and re-issues LISTEN for
   * every listener until the database answers, and that includes a first LISTEN made while the
   * database is down (both checked in test/store/postgres.test.ts). Calling `listen` again on a
   * failure would register the callback twice, so a rejection is only noted. Each successful
   * (re)subscription wakes the listeners, since notifications may have been missed meanwhile.
   */
  private listen(): void {
    if (this.closed || this.listenState !== 'off') return;
    this.listenState = 'starting';
    this.sql
      .listen(
        NOTIFY_CHANNEL,
        (payload) => {
          if (payload !== this.instanceId) this.wake();
        },
        () => {
          this.listenState = 'on';
          this.wake();
        },
      )
      .catch(() => {
        // The database is away; the driver subscribes when it is back.
      });
  }

  /** Calls the listeners once on the next turn, however many commits asked for it meanwhile. */
  private wake(): void {
    if (this.wakeScheduled || this.listeners.size === 0) return;
    this.wakeScheduled = true;
    setImmediate(() => {
      this.wakeScheduled = false;
      for (const listener of this.listeners) {
        try {
          listener();
        } catch {
          // A listener's failure is its own business; the others still run.
        }
      }
    });
  }

  // ---- Sessions (/auth) -------------------------------------------------------------------------

  openSession(session: StoredSession, expiredBefore: number, max: number): Promise<void> {
    return this.run(async () => {
      await this.sql.begin(async (tx) => {
        await tx`
          INSERT INTO sessions (token_hash, id, user_name, created_at, last_seen_at)
          VALUES (${session.tokenHash}, ${session.id}, ${session.userName}, ${session.createdAt}, ${session.lastSeenAt})`;
        await tx`DELETE FROM sessions WHERE last_seen_at < ${expiredBefore}`;
        await tx`
          DELETE FROM sessions WHERE token_hash IN
            (SELECT token_hash FROM sessions ORDER BY last_seen_at DESC, token_hash OFFSET ${max})`;
      });
    });
  }

  getSession(tokenHash: string): Promise<StoredSession | null> {
    return this.run(async () => {
      const [row] = await this.sql<Row[]>`SELECT * FROM sessions WHERE token_hash = ${tokenHash}`;
      return row ? toSession(row) : null;
    });
  }

  touchSession(tokenHash: string, lastSeenAt: number): Promise<void> {
    return this.run(async () => {
      await this.sql`UPDATE sessions SET last_seen_at = greatest(last_seen_at, ${lastSeenAt}) WHERE token_hash = ${tokenHash}`;
    });
  }

  closeSession(tokenHash: string): Promise<boolean> {
    return this.run(async () => (await this.sql`DELETE FROM sessions WHERE token_hash = ${tokenHash}`).count > 0);
  }

  // ---- API keys ---------------------------------------------------------------------------------

  createApiKey(key: ApiKey): Promise<ApiKey> {
    return this.run(async () => {
      try {
        const [row] = await this.sql<Row[]>`
          INSERT INTO api_keys (id, name, scope, subscriber_id, hash, created_at, expires_at, revoked_at, allowed_ips, rate_limit)
          VALUES (${key.id}, ${key.name}, ${key.scope}, ${key.subscriberId}, ${key.hash}, ${key.createdAt}, ${key.expiresAt},
                  ${key.revokedAt}, ${key.allowedIps === null ? null : this.sql.array(key.allowedIps)}, ${key.rateLimit})
          RETURNING *`;
        return toApiKey(row as Row);
      } catch (err) {
        if (sqlState(err) === '23505') throw new HeraldError('conflict', 'The API key already exists');
        throw err;
      }
    });
  }

  getApiKey(id: string): Promise<ApiKey | null> {
    return this.run(async () => {
      const [row] = await this.sql<Row[]>`SELECT * FROM api_keys WHERE id = ${id}`;
      return row ? toApiKey(row) : null;
    });
  }

  findApiKeyByHash(hash: string): Promise<ApiKey | null> {
    return this.run(async () => {
      const [row] = await this.sql<Row[]>`SELECT * FROM api_keys WHERE hash = ${hash}`;
      return row ? toApiKey(row) : null;
    });
  }

  listApiKeys(query: PageQuery): Promise<Page<ApiKey>> {
    return this.run(async () => {
      const rows = await this.sql<Row[]>`
        SELECT * FROM api_keys ${where(this.sql, apiKeyConditions(query))}
        ORDER BY id DESC LIMIT ${query.limit + 1}`;
      return page(rows, query.limit, toApiKey);
    });
  }

  revokeApiKey(id: string, now: number): Promise<ApiKey | null> {
    return this.run(async () => {
      const [row] = await this.sql<Row[]>`
        UPDATE api_keys SET revoked_at = COALESCE(revoked_at, ${now}) WHERE id = ${id} RETURNING *`;
      return row ? toApiKey(row) : null;
    });
  }

  countApiKeys(): Promise<number> {
    return this.run(async () => {
      const [row] = await this.sql<{ n: number }[]>`SELECT count(*) AS n FROM api_keys`;
      return row?.n ?? 0;
    });
  }

  // ---- audit log --------------------------------------------------------------------------------

  appendAudit(e: AuditEntry): Promise<AuditEntry> {
    return this.run(async () => {
      await this.sql`
        INSERT INTO audit_log (id, created_at, actor, action, resource_type, resource_id, changes, ip)
        VALUES (${e.id}, ${e.createdAt}, ${e.actor}, ${e.action}, ${e.resourceType}, ${e.resourceId}, ${jsonOrNull(e.changes)}, ${e.ip})`;
      return e;
    });
  }

  listAudit(f: AuditFilter): Promise<Page<AuditEntry>> {
    return this.run(async () => {
      const sql = this.sql;
      const rows = await sql<Row[]>`
        SELECT * FROM audit_log ${where(sql, auditConditions(f))}
        ORDER BY id DESC LIMIT ${f.limit + 1}`;
      return page(rows, f.limit, toAuditEntry);
    });
  }

  // ---- statistics -------------------------------------------------------------------------------

  subscriptionStats(subscriptionId: string, since: number): Promise<SubscriptionStats> {
    return this.run(async () => {
      const statusRows = await this.sql<{ status: number; n: number }[]>`
        SELECT status, count(*) AS n FROM messages
        WHERE subscription_id = ${subscriptionId} AND created_at >= ${since}
        GROUP BY status`;
      const [a] = await this.sql<{ total: number; ok: number; last_ok: number | null; last_fail: number | null; avg_ms: number | null }[]>`
        SELECT count(*) AS total,
               count(*) FILTER (WHERE status_code BETWEEN 200 AND 299) AS ok,
               max(created_at) FILTER (WHERE status_code BETWEEN 200 AND 299) AS last_ok,
               max(created_at) FILTER (WHERE status_code IS NULL OR status_code NOT BETWEEN 200 AND 299) AS last_fail,
               avg(duration_ms)::float8 AS avg_ms
        FROM attempts WHERE subscription_id = ${subscriptionId} AND created_at >= ${since}`;
      const messages = { pending: 0, succeeded: 0, retrying: 0, failed: 0 };
      for (const r of statusRows) {
        const name = STATUS_NAME[r.status];
        if (name) messages[name] = r.n;
      }
      const total = a?.total ?? 0;
      const ok = a?.ok ?? 0;
      return {
        messages,
        attempts: total,
        attemptsSucceeded: ok,
        attemptsFailed: total - ok,
        lastSuccessAt: a?.last_ok ?? null,
        lastFailureAt: a?.last_fail ?? null,
        averageDurationMs: a?.avg_ms ?? null,
      };
    });
  }
}

function jsonOrNull(value: unknown): string | null {
  return value === null || value === undefined ? null : JSON.stringify(value);
}

// ---- ingest, inside its transaction -------------------------------------------------------------

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
  tx: postgres.TransactionSql,
  requests: IngestRequest[],
  instanceId: string,
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
    tx<{ name: string }[]>`SELECT name FROM event_types WHERE name = ANY(${types}::text[])`,
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
            RETURNING id, next_attempt_at
          )
          INSERT INTO message_queue (message_id, next_attempt_at) SELECT id, next_attempt_at FROM inserted`,
    // Leased messages are this process's to deliver: other processes are told only of the rest.
    plan.messages.some((m) => !m.leased) ? tx`SELECT pg_notify(${NOTIFY_CHANNEL}, ${instanceId})` : Promise.resolve([]),
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
      if (event.idempotencyKey === null || !current || current.status === 'unknown_event_type' || current.status === 'unknown_subscriber')
        return;
      const winner = winners.get(idempotencyScope(event.subscriberId, event.idempotencyKey));
      if (winner) plan.results[i] = replayOf(winner, requestHash);
    });
  }
  return { results: resultsWithLeases(plan), due: plan.messages.filter((m) => !m.leased).length };
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
