// The embedded store: one SQLite file through better-sqlite3, in WAL mode. better-sqlite3 is
// synchronous, so each method runs its statements in one transaction without yielding; the async
// signatures only honour the Store contract. Callers get throughput by batching (group commit for
// ingest, many outcomes per recordAttempts), not by concurrency: one process owns the file.
import { accessSync, constants, mkdirSync, statfsSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import { HeraldError } from '../../domain/errors.js';
import { patternsMatching } from '../../domain/event-types.js';
import type { ApiKey, Attempt, AuditEntry, EventType, HeraldEvent, Message, Subscriber, Subscription } from '../../domain/glossary.js';
import { MESSAGE_STATUSES, STATUS_NAME } from '../../domain/glossary.js';
import { idBefore, newId } from '../../domain/ids.js';
import { leaseMs } from '../../domain/lease.js';
import { type IngestFacts, idempotencyScope, type PriorEvent, planIngest, resultsWithLeases } from '../../fanout/plan.js';
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
import { page, parseJson, type Row, rowMappers } from '../rows.js';
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
import { migrations } from './migrations/index.js';
import { type OutcomeValues, outcomeValues } from './wire.js';

type Params = Record<string, unknown>;

const json = (value: unknown): string | null => (value === null || value === undefined ? null : JSON.stringify(value));

/** Runs an insert; a duplicate primary or unique key is HeraldError('conflict'), as on PostgreSQL. */
function onConflict<T>(message: string, insert: () => T): T {
  try {
    return insert();
  } catch (err) {
    const code = (err as { code?: unknown }).code;
    if (code === 'SQLITE_CONSTRAINT_PRIMARYKEY' || code === 'SQLITE_CONSTRAINT_UNIQUE') throw new HeraldError('conflict', message);
    throw err;
  }
}

// SQLite errors that say the database cannot be used right now (not that the request is wrong),
// by result code; an extended code (SQLITE_IOERR_WRITE, SQLITE_READONLY_DBMOVED, ...) counts as
// its primary one. They answer 503 store_unavailable, like an unreachable PostgreSQL.
const UNAVAILABLE: Record<string, string> = {
  SQLITE_FULL: 'the database disk is full',
  SQLITE_IOERR: 'the database file could not be read or written (I/O error)',
  SQLITE_READONLY: 'the database is read-only',
  SQLITE_CANTOPEN: 'the database file cannot be opened',
  SQLITE_PERM: 'the database file may not be accessed',
  SQLITE_BUSY: 'the database is locked by another process',
  SQLITE_LOCKED: 'the database is locked',
  SQLITE_NOMEM: 'SQLite ran out of memory',
};

/** The primary SQLite result code of an error (SQLITE_IOERR for SQLITE_IOERR_FSYNC), if it has one. */
function primaryCode(err: unknown): string | null {
  const code = (err as { code?: unknown } | null)?.code;
  if (typeof code !== 'string' || !code.startsWith('SQLITE_')) return null;
  return code.split('_', 2).join('_');
}

/** A SQLite error meaning the database cannot be used now as HeraldError('store_unavailable'), the
 *  reason in its message ("the database disk is full (SQLITE_FULL)"); anything else as it is. */
export function mapSqliteError(err: unknown): unknown {
  if (err instanceof HeraldError) return err;
  const primary = primaryCode(err);
  const reason = primary ? UNAVAILABLE[primary] : undefined;
  if (!reason) return err;
  return new HeraldError('store_unavailable', `${reason} (${(err as { code: string }).code})`);
}

/** Why `path` cannot be written, from the file system ("read-only file system", "permission
 *  denied"), asking of the nearest existing one of it and its directories; null when it can be. */
function notWritableBecause(path: string): string | null {
  let target = path;
  for (;;) {
    try {
      accessSync(target, constants.W_OK);
      return null;
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      const parent = dirname(target);
      if (code === 'ENOENT' && parent !== target) {
        target = parent;
        continue;
      }
      const where = target === path ? '' : `${target}: `;
      if (code === 'EROFS') return `${where}read-only file system`;
      if (code === 'EACCES' || code === 'EPERM') return `${where}permission denied`;
      return null;
    }
  }
}

/** Why the database at `path` cannot be opened or written, for the start-up message:
 *  "cannot open the database at ./x.db: read-only file system (SQLITE_CANTOPEN)". `any`: every
 *  SQLite or file-system error counts (opening), not only those that mean "unavailable now". */
function openError(path: string, verb: 'open' | 'write', err: unknown, any: boolean): unknown {
  if (err instanceof HeraldError) return err;
  const code = (err as { code?: unknown } | null)?.code;
  if (typeof code !== 'string') return err;
  const primary = primaryCode(err);
  const known = primary ? UNAVAILABLE[primary] : undefined;
  if (!known && !(any && (primary || /^E[A-Z]+$/.test(code)))) return err;
  const fromFileSystem = !primary || primary === 'SQLITE_CANTOPEN' || primary === 'SQLITE_READONLY' || primary === 'SQLITE_PERM';
  const fileSystem = fromFileSystem && path !== ':memory:' ? notWritableBecause(path) : null;
  const message = (err as Error).message;
  const reason = primary ? `${fileSystem ?? known ?? message} (${code})` : (fileSystem ?? message);
  return new HeraldError('store_unavailable', `cannot ${verb} the database at ${path}: ${reason}`);
}

/** Internal helpers the guard leaves alone: they run inside guarded methods (and per statement). */
const UNGUARDED = new Set(['constructor', 'stmt', 'all', 'get', 'run', 'notify', 'durably', 'guard', 'checkWritable', 'probeWrite']);

/** Rows changed by this connection's statements so far; 0 once it is closed (or cannot say). */
function totalChanges(db: Database.Database): number {
  try {
    return db.open ? (db.prepare('SELECT total_changes()').pluck().get() as number) : 0;
  } catch {
    return 0;
  }
}

/** After SQLITE_FULL, the store counts as writable again only with this much room on the
 *  database's file system: a small write may fit in WAL space the failed one left allocated, and
 *  the next one fail again. */
const MIN_FREE_BYTES = 1_048_576;

/** The bytes this process may still write on the file system of `path` when they are fewer than
 *  MIN_FREE_BYTES; null when there are more (or it cannot tell). */
function shortOfRoom(path: string): number | null {
  if (path === ':memory:') return null;
  try {
    const s = statfsSync(dirname(path));
    const free = (process.getuid?.() === 0 ? s.bfree : s.bavail) * s.bsize; // root may use the reserved blocks
    return free < MIN_FREE_BYTES ? free : null;
  } catch {
    return null;
  }
}

const { toEventType, toSubscriber, toSubscription, toEvent, toPriorEvent, toMessage, toAttempt, toSession, toApiKey, toAuditEntry } =
  rowMappers({ flag: (value: unknown) => value === 1, list: <T>(value: unknown) => parseJson<T[]>(value) });

/** The shared list conditions (../filters.ts) as a WHERE clause of this dialect, with its parameters. */
function where(conditions: Condition[]): { sql: string; params: unknown[] } {
  if (conditions.length === 0) return { sql: '', params: [] };
  const sql = conditions.map((c) => (c.op === 'in' ? `${c.column} IN (SELECT value FROM json_each(?))` : `${c.column} ${c.op} ?`));
  return { sql: `WHERE ${sql.join(' AND ')}`, params: conditions.map((c) => (c.op === 'in' ? JSON.stringify(c.value) : c.value)) };
}

const MESSAGE_COLUMNS = `m.*, s.url AS url`;

// A message's `seq` is its rowid: assigned in insertion order (a VACUUM may renumber rowids; Herald
// never runs one).
const MESSAGE_SORT = messageSortColumns('m.rowid');

export class SqliteStore implements Store {
  readonly kind = 'sqlite' as const;
  readonly capabilities: StoreCapabilities = { multiProcess: false, crossProcessNotify: false };
  private readonly db: Database.Database;
  private readonly statements = new Map<string, Database.Statement>();
  private readonly listeners = new Set<() => void>();

  private readonly path: string;
  /** Set when a call failed for want of a usable database (disk full, I/O error, read-only,
   *  locked), until a write succeeds again — a call that changed rows, or the write ping() tries
   *  while this is set — and, after a full disk, there is room again; readiness fails meanwhile.
   *  `code`: the SQLite result code; `changes`: total_changes() when it failed. */
  private unwritable: { code: string; changes: number } | null = null;

  constructor(options: { path: string }) {
    const { path } = options;
    this.path = path;
    let db: Database.Database | undefined;
    try {
      if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
      db = new Database(path);
      db.pragma('journal_mode = WAL');
      // Durability is chosen per transaction: ingest commits with synchronous=FULL (on disk before
      // 202, even across a power cut, and the fsync also covers every earlier WAL frame); delivery
      // bookkeeping commits with NORMAL (safe against a process crash; a power cut can at worst lose
      // the latest attempt records, and those messages are delivered again: at-least-once).
      db.pragma('synchronous = NORMAL');
      db.pragma('foreign_keys = ON');
      db.pragma('busy_timeout = 5000'); // ms, when `herald migrate` or a backup holds the lock
      db.pragma('cache_size = -65536'); // KiB: 64 MB page cache
    } catch (err) {
      db?.close();
      throw openError(path, 'open', err, true);
    }
    this.db = db;
    this.guard();
    // A database that opens may still refuse writes (a read-only file or mount): find out now, not
    // at the first event. A full disk or a lock held too long is no reason to refuse to start: the
    // store answers store_unavailable, and readiness fails, until a write succeeds.
    try {
      this.probeWrite();
    } catch (err) {
      const primary = primaryCode(err);
      if (primary !== 'SQLITE_FULL' && primary !== 'SQLITE_BUSY') {
        db.close();
        throw openError(path, 'write', err, true);
      }
      this.unwritable = { code: primary, changes: totalChanges(db) };
    }
  }

  /**
   * The one place every store method goes through (in this process, or in the SQLite thread,
   * which calls these same methods): a SQLite error that means the database cannot be used now
   * becomes HeraldError('store_unavailable') with its reason, and is remembered for readiness
   * (ping) until a call that changed rows succeeds. Installed on the instance over each method of
   * the class, so methods added later are covered too; the helpers in UNGUARDED run inside them.
   */
  private guard(): void {
    const self = this as unknown as Record<string, unknown>;
    for (const name of Object.getOwnPropertyNames(SqliteStore.prototype)) {
      const method = Object.getOwnPropertyDescriptor(SqliteStore.prototype, name)?.value as unknown;
      if (typeof method !== 'function' || UNGUARDED.has(name)) continue;
      const failed = (err: unknown): unknown => {
        const mapped = name === 'migrate' ? openError(this.path, 'write', err, false) : mapSqliteError(err);
        if (mapped !== err && mapped instanceof HeraldError) {
          this.unwritable = { code: primaryCode(err) ?? '', changes: totalChanges(this.db) };
        }
        return mapped;
      };
      const succeeded = <T>(value: T): T => {
        const failure = this.unwritable;
        if (failure !== null && totalChanges(this.db) > failure.changes) {
          if (failure.code !== 'SQLITE_FULL' || shortOfRoom(this.path) === null) this.unwritable = null;
        }
        return value;
      };
      self[name] = (...args: unknown[]): unknown => {
        let result: unknown;
        try {
          result = method.apply(this, args);
        } catch (err) {
          throw failed(err);
        }
        if (!(result instanceof Promise)) return succeeded(result);
        return result.then(succeeded, (err: unknown) => {
          throw failed(err);
        });
      };
    }
  }

  /** Readiness after a call failed for want of a usable database: room on the disk again (after
   *  SQLITE_FULL), then a write that succeeds. Throws why not. */
  private checkWritable(): void {
    if (this.unwritable?.code === 'SQLITE_FULL') {
      const free = shortOfRoom(this.path);
      if (free !== null) {
        throw new HeraldError('store_unavailable', `the database disk is full (SQLITE_FULL; ${Math.floor(free / 1024)} KiB free)`);
      }
    }
    this.probeWrite();
  }

  /** A write that changes nothing: user_version (unused by Herald) set to itself. It still appends
   *  the database header page to the WAL, so a read-only or failing file fails it (an UPDATE to
   *  the same value would not: SQLite skips rewriting an unchanged row). It may fit in WAL space
   *  already allocated, so on its own it does not prove a full disk has room: checkWritable asks
   *  the file system too. */
  private probeWrite(): void {
    const version = this.db.pragma('user_version', { simple: true }) as number;
    this.db.pragma(`user_version = ${Math.trunc(version)}`);
    this.unwritable = null;
  }

  /** A prepared statement, cached by its text. */
  private stmt(sql: string): Database.Statement {
    let s = this.statements.get(sql);
    if (!s) {
      s = this.db.prepare(sql);
      this.statements.set(sql, s);
    }
    return s;
  }

  private all(sql: string, params: Params | unknown[] = {}): Row[] {
    return this.stmt(sql).all(params) as Row[];
  }

  private get(sql: string, params: Params | unknown[] = {}): Row | undefined {
    return this.stmt(sql).get(params) as Row | undefined;
  }

  private run(sql: string, params: Params | unknown[] = {}): Database.RunResult {
    return this.stmt(sql).run(params);
  }

  private notify(): void {
    for (const listener of this.listeners) listener();
  }

  async migrate(): Promise<void> {
    this.db.exec(
      'CREATE TABLE IF NOT EXISTS herald_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at INTEGER NOT NULL)',
    );
    // IMMEDIATE takes the write lock first, so two processes migrating at once run one after the other.
    const apply = this.db.transaction(() => {
      const done = new Set((this.db.prepare('SELECT version FROM herald_migrations').all() as Row[]).map((r) => r.version as number));
      for (const m of migrations) {
        if (done.has(m.version)) continue;
        this.db.prepare('INSERT INTO herald_migrations (version, name, applied_at) VALUES (?, ?, ?)').run(m.version, m.name, Date.now());
        this.db.exec(m.sql);
      }
    });
    apply.immediate();
  }

  async ping(): Promise<void> {
    this.db.prepare('SELECT 1').get();
    if (this.unwritable) this.checkWritable(); // not ready until a write succeeds again
  }

  async close(): Promise<void> {
    if (this.db.open) this.db.close();
  }

  // Event types ---------------------------------------------------------------------------------

  async createEventType(et: EventType): Promise<EventType> {
    const r = this.run(
      'INSERT INTO event_types (name, description, schema, created_at, updated_at) VALUES (@name, @description, @schema, @createdAt, @updatedAt) ON CONFLICT (name) DO NOTHING',
      { ...et, schema: json(et.schema) },
    );
    if (r.changes === 0) throw new HeraldError('conflict', `event type ${et.name} already exists`);
    return et;
  }

  async importEventTypes(eventTypes: EventType[]): Promise<number> {
    return this.db.transaction(() => {
      let added = 0;
      for (const et of eventTypes) {
        added += this.run(
          'INSERT INTO event_types (name, description, schema, created_at, updated_at) VALUES (@name, @description, @schema, @createdAt, @updatedAt) ON CONFLICT (name) DO NOTHING',
          { ...et, schema: json(et.schema) },
        ).changes;
      }
      return added;
    })();
  }

  async getEventType(name: string): Promise<EventType | null> {
    const r = this.get('SELECT * FROM event_types WHERE name = ?', [name]);
    return r ? toEventType(r) : null;
  }

  async listEventTypes(q: PageQuery): Promise<Page<EventType>> {
    const w = where(eventTypeConditions(q));
    const rows = this.all(`SELECT * FROM event_types ${w.sql} ORDER BY name LIMIT ?`, [...w.params, q.limit + 1]);
    return page(rows, q.limit, toEventType, (r) => r.name as string);
  }

  async updateEventType(name: string, patch: EventTypePatch, now: number): Promise<EventType | null> {
    const current = await this.getEventType(name);
    if (!current) return null;
    const next = { ...current, ...patch, updatedAt: now };
    this.run('UPDATE event_types SET description = @description, schema = @schema, updated_at = @updatedAt WHERE name = @name', {
      ...next,
      schema: json(next.schema),
    });
    return next;
  }

  async deleteEventType(name: string): Promise<boolean> {
    return this.run('DELETE FROM event_types WHERE name = ?', [name]).changes > 0;
  }

  // Subscribers ---------------------------------------------------------------------------------

  async createSubscriber(s: Subscriber): Promise<Subscriber> {
    onConflict(`Subscriber ${s.id} already exists`, () =>
      this.run(
        'INSERT INTO subscribers (id, name, enabled, metadata, created_at, updated_at) VALUES (@id, @name, @enabled, @metadata, @createdAt, @updatedAt)',
        { ...s, enabled: s.enabled ? 1 : 0, metadata: json(s.metadata) },
      ),
    );
    return s;
  }

  async getSubscriber(id: string): Promise<Subscriber | null> {
    const r = this.get('SELECT * FROM subscribers WHERE id = ?', [id]);
    return r ? toSubscriber(r) : null;
  }

  async listSubscribers(q: PageQuery): Promise<Page<Subscriber>> {
    const w = where(subscriberConditions(q));
    return page(this.all(`SELECT * FROM subscribers ${w.sql} ORDER BY id DESC LIMIT ?`, [...w.params, q.limit + 1]), q.limit, toSubscriber);
  }

  async updateSubscriber(id: string, patch: SubscriberPatch, now: number): Promise<Subscriber | null> {
    const current = await this.getSubscriber(id);
    if (!current) return null;
    const next = { ...current, ...patch, updatedAt: now };
    this.run('UPDATE subscribers SET name = @name, enabled = @enabled, metadata = @metadata, updated_at = @updatedAt WHERE id = @id', {
      ...next,
      enabled: next.enabled ? 1 : 0,
      metadata: json(next.metadata),
    });
    return next;
  }

  async deleteSubscriber(id: string): Promise<boolean> {
    return this.run('DELETE FROM subscribers WHERE id = ?', [id]).changes > 0;
  }

  // Subscriptions -------------------------------------------------------------------------------

  private subscriptionParams(s: Subscription): Params {
    return {
      ...s,
      eventTypes: JSON.stringify(s.eventTypes),
      channels: json(s.channels),
      headers: JSON.stringify(s.headers),
      retrySchedule: json(s.retrySchedule),
      enabled: s.enabled ? 1 : 0,
      previousSecret: s.previousSecret ?? null,
      previousSecretExpiresAt: s.previousSecretExpiresAt ?? null,
    };
  }

  private writePatterns(subscriptionId: string, patterns: string[]): void {
    this.run('DELETE FROM subscription_patterns WHERE subscription_id = ?', [subscriptionId]);
    for (const pattern of new Set(patterns)) {
      this.run('INSERT INTO subscription_patterns (pattern, subscription_id) VALUES (?, ?)', [pattern, subscriptionId]);
    }
  }

  async createSubscription(s: Subscription): Promise<Subscription> {
    const create = this.db.transaction(() => {
      if (!this.get('SELECT 1 FROM subscribers WHERE id = ?', [s.subscriberId])) throw new HeraldError('unknown_subscriber');
      this.run(
        `INSERT INTO subscriptions (id, subscriber_id, name, description, url, method, event_types, channels, headers, payload_format,
           retry_schedule, timeout_seconds, enabled, secret, previous_secret, previous_secret_expires_at, created_at, updated_at)
         VALUES (@id, @subscriberId, @name, @description, @url, @method, @eventTypes, @channels, @headers, @payloadFormat,
           @retrySchedule, @timeoutSeconds, @enabled, @secret, @previousSecret, @previousSecretExpiresAt, @createdAt, @updatedAt)`,
        this.subscriptionParams(s),
      );
      this.writePatterns(s.id, s.eventTypes);
    });
    onConflict(`Subscription ${s.id} already exists`, () => create());
    return s;
  }

  async getSubscription(id: string): Promise<Subscription | null> {
    const r = this.get('SELECT * FROM subscriptions WHERE id = ?', [id]);
    return r ? toSubscription(r) : null;
  }

  async listSubscriptions(q: PageQuery & { subscriberId?: string }): Promise<Page<Subscription>> {
    const w = where(subscriptionConditions(q));
    return page(
      this.all(`SELECT * FROM subscriptions ${w.sql} ORDER BY id DESC LIMIT ?`, [...w.params, q.limit + 1]),
      q.limit,
      toSubscription,
    );
  }

  async updateSubscription(id: string, patch: SubscriptionPatch, now: number): Promise<Subscription | null> {
    return this.db.transaction(() => {
      const r = this.get('SELECT * FROM subscriptions WHERE id = ?', [id]);
      if (!r) return null;
      const next: Subscription = { ...toSubscription(r), ...patch, updatedAt: now };
      this.run(
        `UPDATE subscriptions SET name = @name, description = @description, url = @url, method = @method, event_types = @eventTypes,
           channels = @channels, headers = @headers, payload_format = @payloadFormat, retry_schedule = @retrySchedule,
           timeout_seconds = @timeoutSeconds, enabled = @enabled, secret = @secret, previous_secret = @previousSecret,
           previous_secret_expires_at = @previousSecretExpiresAt, updated_at = @updatedAt
         WHERE id = @id`,
        this.subscriptionParams(next),
      );
      if (patch.eventTypes) this.writePatterns(id, next.eventTypes);
      return next;
    })();
  }

  async deleteSubscription(id: string): Promise<boolean> {
    return this.run('DELETE FROM subscriptions WHERE id = ?', [id]).changes > 0;
  }

  // Ingest --------------------------------------------------------------------------------------

  /** Runs `fn` in a transaction whose commit is fsynced. */
  private durably<T>(fn: () => T): T {
    this.db.pragma('synchronous = FULL');
    try {
      return this.db.transaction(fn)();
    } finally {
      this.db.pragma('synchronous = NORMAL');
    }
  }

  async ingest(requests: IngestRequest[], lease?: IngestLease): Promise<IngestResult[]> {
    const plan = this.durably(() => {
      const plan = planIngest(requests, this.ingestFacts(requests), lease);
      const event = this.stmt(
        `INSERT INTO events (id, type, data, idempotency_key, request_hash, subscriber_id, channels, message_count, created_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      );
      for (const { event: e, requestHash, messages } of plan.events) {
        event.run(e.id, e.type, e.dataJson, e.idempotencyKey, requestHash, e.subscriberId, json(e.channels), messages, e.createdAt);
      }
      const message = this.stmt(
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
    if (plan.messages.some((m) => !m.leased)) this.notify();
    return resultsWithLeases(plan);
  }

  /** What the fan-out plan needs to know about a batch (src/fanout/plan.ts). */
  private ingestFacts(requests: IngestRequest[]): IngestFacts {
    const prior = new Map<string, PriorEvent>();
    const knownTypes = new Set<string>();
    const knownSubscribers = new Set<string>();
    const priorEvent = this.stmt("SELECT * FROM events WHERE coalesce(subscriber_id, '') = ? AND idempotency_key = ?");
    const eventType = this.stmt('SELECT 1 FROM event_types WHERE name = ?');
    const subscriber = this.stmt('SELECT 1 FROM subscribers WHERE id = ?');
    const types = new Set<string>();
    for (const { event } of requests) {
      if (event.idempotencyKey !== null) {
        const row = priorEvent.get(event.subscriberId ?? '', event.idempotencyKey) as Row | undefined;
        if (row) prior.set(idempotencyScope(event.subscriberId, event.idempotencyKey), toPriorEvent(row));
      }
      if (!types.has(event.type)) {
        types.add(event.type);
        if (eventType.get(event.type) !== undefined) knownTypes.add(event.type);
      }
      if (event.subscriberId !== null && !knownSubscribers.has(event.subscriberId) && subscriber.get(event.subscriberId) !== undefined) {
        knownSubscribers.add(event.subscriberId);
      }
    }
    const patterns = [...new Set([...knownTypes].flatMap(patternsMatching))];
    const candidates = this.stmt(
      `SELECT s.* FROM subscriptions s JOIN subscribers b ON b.id = s.subscriber_id
        WHERE s.id IN (SELECT subscription_id FROM subscription_patterns WHERE pattern IN (SELECT value FROM json_each(?)))
          AND s.enabled = 1 AND b.enabled = 1`,
    )
      .all(JSON.stringify(patterns))
      .map((r) => toSubscription(r as Row));
    return { prior, knownTypes, knownSubscribers, candidates };
  }

  async ingestForSubscription(event: HeraldEvent, subscriptionId: string): Promise<Message | null> {
    const messageId = newId('msg', event.createdAt);
    const written = this.durably(() => {
      const target = this.get('SELECT subscriber_id FROM subscriptions WHERE id = ?', [subscriptionId]);
      if (!target) return false;
      this.run(
        `INSERT INTO events (id, type, data, idempotency_key, request_hash, subscriber_id, channels, message_count, created_at)
         VALUES (@id, @type, @dataJson, @idempotencyKey, NULL, @subscriberId, @channels, 1, @createdAt)`,
        { ...event, channels: json(event.channels) },
      );
      this.run(
        `INSERT INTO messages (id, event_id, event_type, subscriber_id, subscription_id, status, next_attempt_at, created_at, updated_at)
         VALUES (?, ?, ?, ?, ?, 0, ?, ?, ?)`,
        [messageId, event.id, event.type, target.subscriber_id, subscriptionId, event.createdAt, event.createdAt, event.createdAt],
      );
      return true;
    });
    if (!written) return null;
    this.notify();
    return this.getMessage(messageId);
  }

  async getEvent(id: string): Promise<HeraldEvent | null> {
    const r = this.get('SELECT * FROM events WHERE id = ?', [id]);
    return r ? toEvent(r) : null;
  }

  async listEvents(f: EventFilter): Promise<Page<HeraldEvent>> {
    const w = where(eventConditions(f));
    return page(this.all(`SELECT * FROM events ${w.sql} ORDER BY id DESC LIMIT ?`, [...w.params, f.limit + 1]), f.limit, toEvent);
  }

  // Messages ------------------------------------------------------------------------------------

  async getMessage(id: string): Promise<Message | null> {
    const r = this.get(`SELECT ${MESSAGE_COLUMNS} FROM messages m JOIN subscriptions s ON s.id = m.subscription_id WHERE m.id = ?`, [id]);
    return r ? toMessage(r) : null;
  }

  async listMessages(f: MessageFilter): Promise<Page<Message>> {
    const w = where(messageConditions(f));
    const rows = this.all(
      `SELECT ${MESSAGE_COLUMNS} FROM messages m JOIN subscriptions s ON s.id = m.subscription_id ${w.sql} ORDER BY m.id DESC LIMIT ?`,
      [...w.params, f.limit + 1],
    );
    return page(rows, f.limit, toMessage);
  }

  async deleteMessage(id: string): Promise<boolean> {
    return this.run('DELETE FROM messages WHERE id = ?', [id]).changes > 0;
  }

  async resendMessage(id: string, now: number): Promise<Message | null> {
    const changed = this.run('UPDATE messages SET status = 0, retries = 0, manual = 1, next_attempt_at = ?, updated_at = ? WHERE id = ?', [
      now,
      now,
      id,
    ]).changes;
    if (changed === 0) return null;
    this.notify();
    return this.getMessage(id);
  }

  async recoverMessages(subscriptionId: string, since: number, now: number): Promise<number> {
    const changed = this.run(
      'UPDATE messages SET status = 0, retries = 0, manual = 1, next_attempt_at = ?, updated_at = ? WHERE subscription_id = ? AND status = 3 AND created_at >= ?',
      [now, now, subscriptionId, since],
    ).changes;
    if (changed > 0) this.notify();
    return changed;
  }

  // Attempts ------------------------------------------------------------------------------------

  async getAttempt(id: string): Promise<Attempt | null> {
    const r = this.get('SELECT * FROM attempts WHERE id = ?', [id]);
    return r ? toAttempt(r) : null;
  }

  async listAttempts(f: AttemptFilter): Promise<Page<Attempt>> {
    const w = where(attemptConditions(f));
    const join = f.status !== undefined ? 'JOIN messages m ON m.id = a.message_id' : '';
    return page(
      this.all(`SELECT a.* FROM attempts a ${join} ${w.sql} ORDER BY a.id DESC LIMIT ?`, [...w.params, f.limit + 1]),
      f.limit,
      toAttempt,
    );
  }

  // Offset-paged queries (AutoQuery) ------------------------------------------------------------
  // Prepared without the statement cache: filters and orders combine into too many texts to keep.

  async queryMessages(q: MessageQuery): Promise<CountedPage<SequencedMessage>> {
    const w = where(messageQueryConditions(q));
    const from = `FROM messages m JOIN subscriptions s ON s.id = m.subscription_id ${w.sql}`;
    const order = orderBy(q.orderBy, MESSAGE_SORT, 'm.id');
    return this.db.transaction(() => {
      const total = (this.db.prepare(`SELECT count(*) AS n ${from}`).get(w.params) as Row).n as number;
      const rows = this.db
        .prepare(`SELECT ${MESSAGE_COLUMNS}, m.rowid AS seq ${from} ORDER BY ${order} LIMIT ? OFFSET ?`)
        .all(...w.params, q.limit, q.offset) as Row[];
      return { data: rows.map((r) => ({ ...toMessage(r), seq: r.seq as number })), total };
    })();
  }

  async queryAttempts(q: AttemptQuery): Promise<CountedPage<NumberedAttempt>> {
    const w = where(attemptQueryConditions(q));
    const from = `FROM attempts a JOIN messages m ON m.id = a.message_id ${w.sql}`;
    const order = orderBy(q.orderBy, ATTEMPT_SORT_COLUMNS, 'a.id');
    // The attempt number counts the message's attempts up to this one: a few rows on the message index.
    const numbered = '(SELECT count(*) FROM attempts x WHERE x.message_id = a.message_id AND x.id <= a.id) AS attempt_number';
    return this.db.transaction(() => {
      const total = (this.db.prepare(`SELECT count(*) AS n ${from}`).get(w.params) as Row).n as number;
      const rows = this.db
        .prepare(`SELECT a.*, ${numbered} ${from} ORDER BY ${order} LIMIT ? OFFSET ?`)
        .all(...w.params, q.limit, q.offset) as Row[];
      return { data: rows.map((r) => ({ ...toAttempt(r), attemptNumber: r.attempt_number as number })), total };
    })();
  }

  async countSubscribers(upToId?: string): Promise<number> {
    if (upToId === undefined) return this.get('SELECT count(*) AS n FROM subscribers')?.n as number;
    return this.get('SELECT count(*) AS n FROM subscribers WHERE id <= ?', [upToId])?.n as number;
  }

  // Delivery ------------------------------------------------------------------------------------

  async claimDue(now: number, limit: number, leaseMarginMs: number): Promise<DeliveryJob[]> {
    return this.db.transaction(() => {
      const rows = this.stmt(
        `SELECT m.id, m.event_id, m.event_type, e.created_at, e.data, m.attempts, m.retries, m.manual, m.subscription_id, b.enabled
           FROM messages m
           JOIN events e ON e.id = m.event_id
           JOIN subscriptions s ON s.id = m.subscription_id
           JOIN subscribers b ON b.id = s.subscriber_id
          WHERE m.status IN (0, 2) AND m.next_attempt_at <= ?
          ORDER BY m.next_attempt_at LIMIT ?`,
      )
        .raw(true)
        .all(now, limit) as [string, string, string, number, string, number, number, number, string, number][];
      if (rows.length === 0) return [];
      // Each subscription of the claim once, whole; its jobs share the object.
      const subscriptions = new Map<string, Subscription>();
      for (const r of this.stmt('SELECT * FROM subscriptions WHERE id IN (SELECT value FROM json_each(?))').all(
        JSON.stringify([...new Set(rows.map((r) => r[8]))]),
      )) {
        const subscription = toSubscription(r as Row);
        subscriptions.set(subscription.id, subscription);
      }
      const lease = this.stmt('UPDATE messages SET next_attempt_at = ?, leased = 1 WHERE id = ?');
      return rows.map((r): DeliveryJob => {
        const subscription = subscriptions.get(r[8]) as Subscription; // joined above, in the same transaction
        lease.run(now + leaseMs(subscription.timeoutSeconds, leaseMarginMs), r[0]);
        return {
          messageId: r[0],
          eventId: r[1],
          eventType: r[2],
          eventCreatedAt: r[3],
          dataJson: r[4],
          attempts: r[5],
          retries: r[6],
          manual: r[7] === 1,
          subscription,
          subscriberEnabled: r[9] === 1,
        };
      });
    })();
  }

  async recordAttempts(outcomes: AttemptOutcome[]): Promise<void> {
    this.recordOutcomeValues(outcomes.map(outcomeValues));
  }

  /** recordAttempts, the outcomes as value lists (wire.ts): what the SQLite thread receives. */
  recordOutcomeValues(outcomes: OutcomeValues[]): void {
    if (outcomes.length === 0) return;
    const update = this.stmt(
      `UPDATE messages SET status = ?, attempts = ?, retries = ?, next_attempt_at = ?, manual = 0, leased = 0,
         last_status_code = ?, last_error = ?, updated_at = ? WHERE id = ?`,
    );
    const insert = this.stmt(
      `INSERT INTO attempts (id, message_id, subscription_id, subscriber_id, event_type, status_code, duration_ms, error,
         request_headers, response_headers, response_body, trigger, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    );
    const disable = this.stmt('UPDATE subscriptions SET enabled = 0, updated_at = ? WHERE id = ?');
    this.db.transaction(() => {
      for (const o of outcomes) {
        const [status, attempts, retries, nextAttemptAt, statusCode, error, createdAt, messageId] = o;
        if (update.run(status, attempts, retries, nextAttemptAt, statusCode, error, createdAt, messageId).changes === 0) continue; // deleted while in flight
        insert.run(o[8], messageId, o[9], o[10], o[11], statusCode, o[12], error, o[13], o[14], o[15], o[16], createdAt);
        if (o[17]) disable.run(createdAt, o[9]);
      }
    })();
  }

  async releaseLeases(now: number): Promise<number> {
    return this.run('UPDATE messages SET next_attempt_at = ?, leased = 0 WHERE leased = 1 AND status IN (0, 2)', [now]).changes;
  }

  async returnLeases(leases: ReturnedLease[], now: number): Promise<number> {
    return this.db.transaction(() => {
      const give = this.stmt(
        'UPDATE messages SET next_attempt_at = ?, leased = 0 WHERE id = ? AND next_attempt_at = ? AND leased = 1 AND status IN (0, 2)',
      );
      let returned = 0;
      for (const l of leases) returned += give.run(now, l.messageId, l.leaseEnds).changes;
      if (returned > 0) this.notify();
      return returned;
    })();
  }

  async nextDueAt(): Promise<number | null> {
    const r = this.get('SELECT min(next_attempt_at) AS at FROM messages WHERE status IN (0, 2)');
    return (r?.at as number | null | undefined) ?? null;
  }

  async purgeSettledEvents(before: number, limit: number): Promise<PurgeResult> {
    return this.db.transaction((): PurgeResult => {
      // The primary key bounds the scan (ids begin with their creation time); created_at decides.
      const ids = this.stmt(
        `SELECT e.id FROM events e
          WHERE e.id < ? AND e.created_at < ?
            AND NOT EXISTS (SELECT 1 FROM messages m WHERE m.event_id = e.id AND m.status IN (0, 2))
          ORDER BY e.id LIMIT ?`,
      )
        .pluck()
        .all(idBefore('evt', before), before, limit) as string[];
      if (ids.length === 0) return { events: 0, messages: 0 };
      const list = JSON.stringify(ids);
      // Attempts go with their messages (ON DELETE CASCADE).
      const messages = this.stmt('DELETE FROM messages WHERE event_id IN (SELECT value FROM json_each(?)) AND status IN (1, 3)').run(
        list,
      ).changes;
      const events = this.stmt(
        `DELETE FROM events WHERE id IN (SELECT value FROM json_each(?))
            AND NOT EXISTS (SELECT 1 FROM messages m WHERE m.event_id = events.id)`,
      ).run(list).changes;
      return { events, messages };
    })();
  }

  onMessagesCommitted(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  // Sessions (/auth) ----------------------------------------------------------------------------

  async openSession(session: StoredSession, expiredBefore: number, max: number): Promise<void> {
    this.db.transaction(() => {
      this.run('INSERT INTO sessions (token_hash, id, user_name, created_at, last_seen_at) VALUES (?, ?, ?, ?, ?)', [
        session.tokenHash,
        session.id,
        session.userName,
        session.createdAt,
        session.lastSeenAt,
      ]);
      this.run('DELETE FROM sessions WHERE last_seen_at < ?', [expiredBefore]);
      this.run(
        'DELETE FROM sessions WHERE token_hash IN (SELECT token_hash FROM sessions ORDER BY last_seen_at DESC, token_hash LIMIT -1 OFFSET ?)',
        [max],
      );
    })();
  }

  async getSession(tokenHash: string): Promise<StoredSession | null> {
    const r = this.get('SELECT * FROM sessions WHERE token_hash = ?', [tokenHash]);
    return r ? toSession(r) : null;
  }

  async touchSession(tokenHash: string, lastSeenAt: number): Promise<void> {
    this.run('UPDATE sessions SET last_seen_at = max(last_seen_at, ?) WHERE token_hash = ?', [lastSeenAt, tokenHash]);
  }

  async closeSession(tokenHash: string): Promise<boolean> {
    return this.run('DELETE FROM sessions WHERE token_hash = ?', [tokenHash]).changes > 0;
  }

  // API keys ------------------------------------------------------------------------------------

  async createApiKey(k: ApiKey): Promise<ApiKey> {
    onConflict('The API key already exists', () =>
      this.run(
        `INSERT INTO api_keys (id, name, scope, subscriber_id, hash, created_at, expires_at, revoked_at, allowed_ips, rate_limit)
         VALUES (@id, @name, @scope, @subscriberId, @hash, @createdAt, @expiresAt, @revokedAt, @allowedIps, @rateLimit)`,
        { ...k, allowedIps: json(k.allowedIps) },
      ),
    );
    return k;
  }

  async getApiKey(id: string): Promise<ApiKey | null> {
    const r = this.get('SELECT * FROM api_keys WHERE id = ?', [id]);
    return r ? toApiKey(r) : null;
  }

  async findApiKeyByHash(hash: string): Promise<ApiKey | null> {
    const r = this.get('SELECT * FROM api_keys WHERE hash = ?', [hash]);
    return r ? toApiKey(r) : null;
  }

  async listApiKeys(q: PageQuery): Promise<Page<ApiKey>> {
    const w = where(apiKeyConditions(q));
    return page(this.all(`SELECT * FROM api_keys ${w.sql} ORDER BY id DESC LIMIT ?`, [...w.params, q.limit + 1]), q.limit, toApiKey);
  }

  async revokeApiKey(id: string, now: number): Promise<ApiKey | null> {
    this.run('UPDATE api_keys SET revoked_at = coalesce(revoked_at, ?) WHERE id = ?', [now, id]);
    const r = this.get('SELECT * FROM api_keys WHERE id = ?', [id]);
    return r ? toApiKey(r) : null;
  }

  async countApiKeys(): Promise<number> {
    return this.get('SELECT count(*) AS n FROM api_keys')?.n as number;
  }

  // Audit log -----------------------------------------------------------------------------------

  async appendAudit(e: AuditEntry): Promise<AuditEntry> {
    this.run(
      `INSERT INTO audit_log (id, created_at, actor, action, resource_type, resource_id, changes, ip)
       VALUES (@id, @createdAt, @actor, @action, @resourceType, @resourceId, @changes, @ip)`,
      { ...e, changes: json(e.changes) },
    );
    return e;
  }

  async listAudit(f: AuditFilter): Promise<Page<AuditEntry>> {
    const w = where(auditConditions(f));
    return page(this.all(`SELECT * FROM audit_log ${w.sql} ORDER BY id DESC LIMIT ?`, [...w.params, f.limit + 1]), f.limit, toAuditEntry);
  }

  // Statistics ----------------------------------------------------------------------------------

  async subscriptionStats(subscriptionId: string, since: number): Promise<SubscriptionStats> {
    const messages = Object.fromEntries(MESSAGE_STATUSES.map((s) => [s, 0])) as SubscriptionStats['messages'];
    for (const r of this.all('SELECT status, count(*) AS n FROM messages WHERE subscription_id = ? AND created_at >= ? GROUP BY status', [
      subscriptionId,
      since,
    ])) {
      const name = STATUS_NAME[r.status as number];
      if (name) messages[name] = r.n as number;
    }
    const a = this.get(
      `SELECT count(*) AS n,
              sum(CASE WHEN status_code BETWEEN 200 AND 299 THEN 1 ELSE 0 END) AS ok,
              max(CASE WHEN status_code BETWEEN 200 AND 299 THEN created_at END) AS last_ok,
              max(CASE WHEN status_code IS NULL OR status_code NOT BETWEEN 200 AND 299 THEN created_at END) AS last_fail,
              avg(duration_ms) AS avg_ms
         FROM attempts WHERE subscription_id = ? AND created_at >= ?`,
      [subscriptionId, since],
    ) as Row;
    const total = (a.n as number) ?? 0;
    const ok = (a.ok as number | null) ?? 0;
    return {
      messages,
      attempts: total,
      attemptsSucceeded: ok,
      attemptsFailed: total - ok,
      lastSuccessAt: (a.last_ok as number | null) ?? null,
      lastFailureAt: (a.last_fail as number | null) ?? null,
      averageDurationMs: (a.avg_ms as number | null) ?? null,
    };
  }
}
