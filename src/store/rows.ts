// Rows to domain records, once for both dialects. The two schemas name every column alike (PostgreSQL
// migration 0010 aligned the last spellings); they differ only in how a flag and a list are stored:
// SQLite keeps booleans as 0/1 and lists as JSON text, PostgreSQL as BOOLEAN and arrays. A dialect
// says how to read those two (`Dialect`), and everything else is read here.
import type {
  ApiKey,
  ApiKeyScope,
  Attempt,
  AttemptTrigger,
  AuditEntry,
  BatchSettings,
  BreakerState,
  EventType,
  HealthReason,
  HealthStatus,
  HeraldEvent,
  HttpMethod,
  Message,
  PayloadFormat,
  Subscriber,
  Subscription,
  SubscriptionAuth,
  SubscriptionHealth,
  TemplatePresetName,
} from '../domain/glossary.js';
import { BREAKER_STATES, HEALTH_STATUSES, MESSAGE_STATUSES, STATUS_NAME } from '../domain/glossary.js';
import type { SeriesWindow } from '../domain/stats.js';
import type { PriorEvent } from '../fanout/plan.js';
import type { AttemptRef, HealthCounts, Page, PortalLink, SessionKind, StoredSession, SubscriptionStats } from './store.js';

/** A row as a driver returns it, by column name. */
export type Row = Record<string, unknown>;

/** How a dialect stores what SQL has no common type for. */
export interface Dialect {
  /** A boolean column. */
  flag(value: unknown): boolean;
  /** A list column (text or numbers); null stays null. */
  list<T>(value: unknown): T[] | null;
}

/** A value for a JSON text column (TEXT in both dialects): null and undefined are NULL. */
export function jsonOrNull(value: unknown): string | null {
  return value === null || value === undefined ? null : JSON.stringify(value);
}

/** JSON text as stored (TEXT in both dialects), or null. */
export function parseJson<T>(text: unknown): T | null {
  return text === null || text === undefined ? null : (JSON.parse(text as string) as T);
}

const nullable = <T>(value: unknown): T | null => (value ?? null) as T | null;

/** A subscription's health columns (migrations: SQLite 0006 and 0010, PostgreSQL 0011 and 0015), as both dialects
 *  store them (healthColumns gives their values). */
export const HEALTH_COLUMNS = [
  'health_status',
  'health_reason',
  'health_since',
  'consecutive_failures',
  'failing_since',
  'last_success_at',
  'last_failure_at',
  'failed_messages',
  'breaker_state',
  'breaker_faults',
  'breaker_until',
  'breaker_opened_at',
] as const;

/** A subscription's health as its columns, by name. */
export function healthColumns(h: SubscriptionHealth): Record<(typeof HEALTH_COLUMNS)[number], string | number | null> {
  return {
    health_status: h.status,
    health_reason: h.reason,
    health_since: h.since,
    consecutive_failures: h.consecutiveFailures,
    failing_since: h.failingSince,
    last_success_at: h.lastSuccessAt,
    last_failure_at: h.lastFailureAt,
    failed_messages: h.failedMessages,
    breaker_state: h.breaker,
    breaker_faults: h.breakerFaults,
    breaker_until: h.breakerUntil,
    breaker_opened_at: h.breakerOpenedAt,
  };
}

/** Rows of (health_status, breaker_state, n) counted: every status and state, 0 where no row. */
export function healthCounts(rows: readonly Row[]): HealthCounts {
  const counts: HealthCounts = {
    status: Object.fromEntries(HEALTH_STATUSES.map((s) => [s, 0])) as HealthCounts['status'],
    breaker: Object.fromEntries(BREAKER_STATES.map((s) => [s, 0])) as HealthCounts['breaker'],
  };
  for (const r of rows) {
    const n = Number(r.n);
    const status = r.health_status as HealthStatus;
    const breaker = r.breaker_state as BreakerState;
    if (status in counts.status) counts.status[status] += n;
    if (breaker in counts.breaker) counts.breaker[breaker] += n;
  }
  return counts;
}

/** A subscription's health from its row. */
export function toHealth(r: Row): SubscriptionHealth {
  return {
    status: r.health_status as HealthStatus,
    reason: nullable<HealthReason>(r.health_reason),
    since: Number(r.health_since),
    consecutiveFailures: r.consecutive_failures as number,
    failingSince: nullable(r.failing_since),
    lastSuccessAt: nullable(r.last_success_at),
    lastFailureAt: nullable(r.last_failure_at),
    failedMessages: r.failed_messages as number,
    breaker: r.breaker_state as BreakerState,
    breakerFaults: r.breaker_faults as number,
    breakerUntil: nullable(r.breaker_until),
    breakerOpenedAt: nullable(r.breaker_opened_at),
  };
}

/** A subscription's batch settings from its batch_* columns; null: it does not batch. */
function toBatch(r: Row): BatchSettings | null {
  if (r.batch_max_events === null || r.batch_max_events === undefined) return null;
  return {
    maxEvents: Number(r.batch_max_events),
    maxWaitMs: Number(r.batch_max_wait_ms),
    maxBytes: r.batch_max_bytes === null || r.batch_max_bytes === undefined ? null : Number(r.batch_max_bytes),
  };
}

/** A subscription's batch settings as its batch_* columns hold them. */
export function batchColumns(batch: BatchSettings | null): {
  batch_max_events: number | null;
  batch_max_wait_ms: number | null;
  batch_max_bytes: number | null;
} {
  return {
    batch_max_events: batch?.maxEvents ?? null,
    batch_max_wait_ms: batch?.maxWaitMs ?? null,
    batch_max_bytes: batch?.maxBytes ?? null,
  };
}

/** The row mappers of one dialect. */
export function rowMappers(d: Dialect) {
  const toEvent = (r: Row): HeraldEvent => ({
    id: r.id as string,
    type: r.type as string,
    dataJson: r.data as string,
    idempotencyKey: nullable(r.idempotency_key),
    subscriberId: nullable(r.subscriber_id),
    channels: d.list<string>(r.channels),
    createdAt: r.created_at as number,
  });
  return {
    toEventType: (r: Row): EventType => ({
      name: r.name as string,
      description: r.description as string,
      schema: parseJson(r.schema),
      example: parseJson(r.example),
      createdAt: r.created_at as number,
      updatedAt: r.updated_at as number,
    }),
    toSubscriber: (r: Row): Subscriber => ({
      id: r.id as string,
      name: r.name as string,
      enabled: d.flag(r.enabled),
      metadata: parseJson(r.metadata),
      createdAt: r.created_at as number,
      updatedAt: r.updated_at as number,
    }),
    toSubscription: (r: Row): Subscription => ({
      id: r.id as string,
      subscriberId: r.subscriber_id as string,
      name: nullable(r.name),
      description: nullable(r.description),
      url: r.url as string,
      method: r.method as HttpMethod,
      eventTypes: d.list<string>(r.event_types) ?? [],
      channels: d.list<string>(r.channels),
      headers: parseJson<Record<string, string>>(r.headers) ?? {},
      payloadFormat: r.payload_format as PayloadFormat,
      retrySchedule: d.list<number>(r.retry_schedule),
      timeoutSeconds: r.timeout_seconds as number,
      maxInFlight: nullable(r.max_in_flight),
      rateLimit:
        r.rate_limit === null || r.rate_limit === undefined
          ? null
          : { limit: Number(r.rate_limit), periodSeconds: Number(r.rate_limit_period_seconds) },
      filter: parseJson<string[]>(r.filter),
      template: parseJson<unknown>(r.template),
      templatePreset: nullable<TemplatePresetName>(r.template_preset),
      batch: toBatch(r),
      auth: parseJson<SubscriptionAuth>(r.auth),
      signing: d.flag(r.signing),
      customData: parseJson<Record<string, unknown>>(r.custom_data),
      enabled: d.flag(r.enabled),
      secret: r.secret as string,
      previousSecret: nullable(r.previous_secret),
      previousSecretExpiresAt: nullable(r.previous_secret_expires_at),
      health: toHealth(r),
      createdAt: r.created_at as number,
      updatedAt: r.updated_at as number,
    }),
    toEvent,
    /** An event stored under an idempotency key, as the fan-out plan compares it. */
    toPriorEvent: (r: Row): PriorEvent => ({
      event: toEvent(r),
      requestHash: nullable(r.request_hash),
      messages: r.message_count as number,
    }),
    toMessage: (r: Row): Message => ({
      id: r.id as string,
      eventId: r.event_id as string,
      eventType: r.event_type as string,
      subscriberId: r.subscriber_id as string,
      subscriptionId: r.subscription_id as string,
      url: r.url as string,
      status: STATUS_NAME[r.status as number] ?? 'pending',
      attempts: r.attempts as number,
      retries: r.retries as number,
      nextAttemptAt: nullable(r.next_attempt_at),
      lastStatusCode: nullable(r.last_status_code),
      lastError: nullable(r.last_error),
      createdAt: r.created_at as number,
      updatedAt: r.updated_at as number,
    }),
    toAttempt: (r: Row): Attempt => ({
      id: r.id as string,
      messageId: r.message_id as string,
      subscriptionId: r.subscription_id as string,
      subscriberId: r.subscriber_id as string,
      eventType: r.event_type as string,
      statusCode: nullable(r.status_code),
      durationMs: r.duration_ms as number,
      error: nullable(r.error),
      requestHeaders: parseJson<Record<string, string>>(r.request_headers) ?? {},
      responseHeaders: parseJson<Record<string, string>>(r.response_headers) ?? {},
      responseBody: r.response_body as string,
      trigger: r.trigger as AttemptTrigger,
      createdAt: r.created_at as number,
    }),
    toSession: (r: Row): StoredSession => ({
      tokenHash: r.token_hash as string,
      id: r.id as string,
      userName: r.user_name as string,
      createdAt: r.created_at as number,
      lastSeenAt: r.last_seen_at as number,
      kind: r.kind as SessionKind,
      scope: r.scope as ApiKeyScope,
      subscriberId: nullable(r.subscriber_id),
      keyId: nullable(r.key_id),
    }),
    toApiKey: (r: Row): ApiKey => ({
      id: r.id as string,
      name: r.name as string,
      scope: r.scope as ApiKeyScope,
      subscriberId: nullable(r.subscriber_id),
      hash: r.hash as string,
      createdAt: r.created_at as number,
      expiresAt: nullable(r.expires_at),
      revokedAt: nullable(r.revoked_at),
      allowedIps: d.list<string>(r.allowed_ips),
      rateLimit: nullable(r.rate_limit),
    }),
    toAuditEntry: (r: Row): AuditEntry => ({
      id: r.id as string,
      createdAt: r.created_at as number,
      actor: r.actor as string,
      action: r.action as string,
      resourceType: r.resource_type as string,
      resourceId: nullable(r.resource_id),
      changes: parseJson(r.changes),
      ip: nullable(r.ip),
    }),
  };
}

/** Turns `limit + 1` rows, newest first, into a page; the cursor is `key` of the last row kept. */
export function page<T>(rows: readonly Row[], limit: number, map: (r: Row) => T, key: (r: Row) => string = byId): Page<T> {
  const more = rows.length > limit;
  const kept = more ? rows.slice(0, limit) : rows;
  const last = kept[kept.length - 1];
  return { data: kept.map(map), nextCursor: more && last !== undefined ? key(last) : null };
}

const byId = (r: Row): string => r.id as string;

// ---- The stats panel ---------------------------------------------------------------------------

/** What a dialect reads for subscriptionStats (../store.ts), before it is a SubscriptionStats. */
export interface StatsRows {
  /** Messages created in the window, by status number (`status`, `n`). */
  statuses: readonly Row[];
  /** Attempts created in the window: how many (`n`), how many succeeded (`ok`), the last success and
   *  failure (`last_ok`, `last_fail`), the mean duration (`avg_ms`). */
  window: Row | undefined;
  /** The last successful attempt and the last failed one, whenever (`id`, `created_at`). */
  lastSuccess: Row | undefined;
  lastFailure: Row | undefined;
  failuresSinceLastSuccess: unknown;
  lastEventAt: unknown;
  nextAttemptAt: unknown;
  /** Attempts in the series' window by bucket number (`b`): how many (`n`), how many succeeded (`ok`). */
  buckets: readonly Row[];
}

/** A count or a time as a driver returns it (a sum over no rows is NULL): a number, or null. */
const numberOrNull = (value: unknown): number | null => (value === null || value === undefined ? null : Number(value));
const count = (value: unknown): number => numberOrNull(value) ?? 0;
const attemptRef = (r: Row | undefined): AttemptRef | null => (r ? { at: Number(r.created_at), attemptId: r.id as string } : null);

/** The stats panel from what a dialect read; `series` is the window its buckets were counted over. */
export function toSubscriptionStats(rows: StatsRows, series: SeriesWindow): SubscriptionStats {
  const messages = Object.fromEntries(MESSAGE_STATUSES.map((s) => [s, 0])) as SubscriptionStats['messages'];
  for (const r of rows.statuses) {
    const name = STATUS_NAME[Number(r.status)];
    if (name) messages[name] = count(r.n);
  }
  const succeeded = new Array<number>(series.buckets).fill(0);
  const failed = new Array<number>(series.buckets).fill(0);
  for (const r of rows.buckets) {
    const b = Number(r.b);
    if (!(Number.isInteger(b) && b >= 0 && b < series.buckets)) continue; // the query bounds the window; an index must be whole
    const ok = count(r.ok);
    succeeded[b] = ok;
    failed[b] = count(r.n) - ok;
  }
  const attempts = count(rows.window?.n);
  const ok = count(rows.window?.ok);
  return {
    messages,
    events: MESSAGE_STATUSES.reduce((sum, s) => sum + messages[s], 0),
    attempts,
    attemptsSucceeded: ok,
    attemptsFailed: attempts - ok,
    lastSuccessAt: numberOrNull(rows.window?.last_ok),
    lastFailureAt: numberOrNull(rows.window?.last_fail),
    averageDurationMs: numberOrNull(rows.window?.avg_ms),
    failuresSinceLastSuccess: count(rows.failuresSinceLastSuccess),
    lastEventAt: numberOrNull(rows.lastEventAt),
    nextAttemptAt: numberOrNull(rows.nextAttemptAt),
    lastSuccess: attemptRef(rows.lastSuccess),
    lastFailure: attemptRef(rows.lastFailure),
    series: { start: series.start, intervalMs: series.intervalMs, succeeded, failed },
  };
}

/** A portal_links row (the same in both dialects: text and integers only). */
export function toPortalLink(r: Row): PortalLink {
  return {
    tokenHash: r.token_hash as string,
    subscriberId: r.subscriber_id as string,
    createdAt: Number(r.created_at),
    expiresAt: Number(r.expires_at),
    usedAt: r.used_at === null || r.used_at === undefined ? null : Number(r.used_at),
  };
}
