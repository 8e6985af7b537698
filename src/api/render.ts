// Domain records → API JSON: epoch milliseconds become ISO 8601 strings, secrets stay behind.
import { isActive } from '../domain/api-keys.js';
import { HeraldError } from '../domain/errors.js';
import type {
  ApiKey,
  Attempt,
  AuditEntry,
  EventType,
  HeraldEvent,
  Message,
  Subscriber,
  Subscription,
  SubscriptionHealth,
} from '../domain/glossary.js';
import type { SubscriptionFilterErrors } from '../observability/filter-errors.js';
import type { AttemptRef, SubscriptionStats } from '../store/store.js';
import type {
  ApiKeyJson,
  AttemptJson,
  AuditEntryJson,
  EventJson,
  EventTypeJson,
  HealthJson,
  IngestJson,
  MessageJson,
  StatsJson,
  SubscriberJson,
  SubscriptionJson,
} from './schemas.js';
import { renderAuth } from './subscription-auth.js';

export function iso(ms: number): string {
  return new Date(ms).toISOString();
}

export function isoOrNull(ms: number | null): string | null {
  return ms === null ? null : iso(ms);
}

/** An ISO 8601 query or body value (already validated as date-time) as epoch milliseconds. */
export function parseTime(value: string): number;
export function parseTime(value: string | undefined): number | undefined;
export function parseTime(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  // The schema's date-time format lets through what Date cannot read (a leap second, 23:59:60).
  const ms = Date.parse(value);
  if (Number.isNaN(ms))
    throw new HeraldError(
      'validation_failed',
      `${value.slice(0, 40)} is not a time Herald can read; use ISO 8601 like 2026-12-01T10:00:00Z`,
    );
  return ms;
}

export function renderEventType(e: EventType): EventTypeJson {
  return {
    name: e.name,
    description: e.description,
    schema: e.schema ?? null,
    example: e.example ?? null,
    createdAt: iso(e.createdAt),
    updatedAt: iso(e.updatedAt),
  };
}

export function renderSubscriber(s: Subscriber): SubscriberJson {
  return {
    id: s.id,
    name: s.name,
    enabled: s.enabled,
    metadata: s.metadata,
    createdAt: iso(s.createdAt),
    updatedAt: iso(s.updatedAt),
  };
}

/** A subscription without its secret, which only the create answer and GET .../secret show. */
/** What `read` keys see instead of custom header values, which often are receivers' credentials. */
export const REDACTED_HEADER = '[redacted]';

/** `revealHeaders: false` (callers who may not read secrets) masks the custom header values. Auth
 *  credentials are masked for everyone unless `revealCredentials` (the create answer). */
export function renderSubscription(s: Subscription, revealHeaders = true, revealCredentials = false): SubscriptionJson {
  return {
    id: s.id,
    subscriberId: s.subscriberId,
    name: s.name,
    description: s.description,
    url: s.url,
    method: s.method,
    eventTypes: s.eventTypes,
    channels: s.channels,
    headers: revealHeaders ? s.headers : Object.fromEntries(Object.keys(s.headers).map((name) => [name, REDACTED_HEADER])),
    payloadFormat: s.payloadFormat,
    retrySchedule: s.retrySchedule,
    timeoutSeconds: s.timeoutSeconds,
    maxInFlight: s.maxInFlight,
    rateLimit: s.rateLimit,
    filter: s.filter,
    template: s.template,
    templatePreset: s.templatePreset,
    batch: s.batch,
    auth: renderAuth(s.auth, revealCredentials, iso) as SubscriptionJson['auth'],
    signing: s.signing,
    customData: s.customData,
    enabled: s.enabled,
    health: renderHealth(s.health),
    createdAt: iso(s.createdAt),
    updatedAt: iso(s.updatedAt),
  };
}

export function renderHealth(h: SubscriptionHealth): HealthJson {
  return {
    status: h.status,
    reason: h.reason,
    since: iso(h.since),
    consecutiveFailures: h.consecutiveFailures,
    failingSince: isoOrNull(h.failingSince),
    lastSuccessAt: isoOrNull(h.lastSuccessAt),
    lastFailureAt: isoOrNull(h.lastFailureAt),
    failedMessages: h.failedMessages,
    breaker: { state: h.breaker, openedAt: isoOrNull(h.breakerOpenedAt), until: isoOrNull(h.breakerUntil) },
  };
}

export function renderEvent(e: HeraldEvent): EventJson {
  return {
    id: e.id,
    type: e.type,
    data: JSON.parse(e.dataJson) as unknown,
    idempotencyKey: e.idempotencyKey,
    subscriberId: e.subscriberId,
    channels: e.channels,
    createdAt: iso(e.createdAt),
  };
}

export function renderIngested(e: HeraldEvent, messages: number): IngestJson {
  return { id: e.id, type: e.type, createdAt: iso(e.createdAt), messages };
}

export function renderMessage(m: Message): MessageJson {
  return {
    id: m.id,
    eventId: m.eventId,
    eventType: m.eventType,
    subscriberId: m.subscriberId,
    subscriptionId: m.subscriptionId,
    url: m.url,
    status: m.status,
    attempts: m.attempts,
    retries: m.retries,
    nextAttemptAt: isoOrNull(m.nextAttemptAt),
    lastStatusCode: m.lastStatusCode,
    lastError: m.lastError,
    createdAt: iso(m.createdAt),
    updatedAt: iso(m.updatedAt),
  };
}

export function renderAttempt(a: Attempt): AttemptJson {
  return {
    id: a.id,
    messageId: a.messageId,
    subscriptionId: a.subscriptionId,
    subscriberId: a.subscriberId,
    eventType: a.eventType,
    statusCode: a.statusCode,
    durationMs: a.durationMs,
    error: a.error,
    requestHeaders: a.requestHeaders,
    responseHeaders: a.responseHeaders,
    responseBody: a.responseBody,
    trigger: a.trigger,
    createdAt: iso(a.createdAt),
  };
}

const attemptRef = (r: AttemptRef | null) => (r === null ? null : { at: iso(r.at), attemptId: r.attemptId });

export function renderStats(
  subscriptionId: string,
  since: number,
  s: SubscriptionStats,
  filterErrors: SubscriptionFilterErrors = { count: 0, last: null },
): StatsJson {
  const lastFilterError = filterErrors.last;
  return {
    subscriptionId,
    since: iso(since),
    messages: s.messages,
    events: s.events,
    attempts: s.attempts,
    attemptsSucceeded: s.attemptsSucceeded,
    attemptsFailed: s.attemptsFailed,
    lastSuccessAt: isoOrNull(s.lastSuccessAt),
    lastFailureAt: isoOrNull(s.lastFailureAt),
    averageDurationMs: s.averageDurationMs,
    failuresSinceLastSuccess: s.failuresSinceLastSuccess,
    lastEventAt: isoOrNull(s.lastEventAt),
    nextAttemptAt: isoOrNull(s.nextAttemptAt),
    lastSuccess: attemptRef(s.lastSuccess),
    lastFailure: attemptRef(s.lastFailure),
    filterErrors: {
      count: filterErrors.count,
      last: lastFilterError === null ? null : { ...lastFilterError, at: iso(lastFilterError.at) },
    },
    series: {
      start: iso(s.series.start),
      intervalSeconds: s.series.intervalMs / 1_000,
      succeeded: s.series.succeeded,
      failed: s.series.failed,
    },
  };
}

/** An API key without its hash: the key itself is shown once, by the create answer only. */
export function renderApiKey(k: ApiKey, now: number = Date.now()): ApiKeyJson {
  return {
    id: k.id,
    name: k.name,
    scope: k.scope,
    subscriberId: k.subscriberId,
    allowedIps: k.allowedIps,
    rateLimit: k.rateLimit,
    createdAt: iso(k.createdAt),
    expiresAt: isoOrNull(k.expiresAt),
    revokedAt: isoOrNull(k.revokedAt),
    active: isActive(k, now),
  };
}

export function renderAuditEntry(e: AuditEntry): AuditEntryJson {
  return {
    id: e.id,
    createdAt: iso(e.createdAt),
    actor: e.actor,
    action: e.action,
    resourceType: e.resourceType,
    resourceId: e.resourceId,
    changes: e.changes,
    ip: e.ip,
  };
}
