// The list filters of both stores, decided once: which column each filter field compares, how, and
// with which value. A store renders the conditions in its own dialect (placeholders, array
// parameters); neither spells a filter of its own. Columns are whitelisted text, never user input.
import { STATUS_NUMBER } from '../domain/glossary.js';
import { type IdPrefix, idBefore } from '../domain/ids.js';
import type {
  AttemptFilter,
  AttemptQuery,
  AuditFilter,
  EventFilter,
  MessageFilter,
  MessageQuery,
  PageQuery,
  RecoverQuery,
  SubscriptionFilter,
} from './store.js';

/** `column op value`; `in` takes a list. */
export interface Condition {
  column: string;
  op: '=' | '<' | '>' | '>=' | 'in';
  value: unknown;
}

type Spec = [value: unknown, column: string, op?: Condition['op']];

/** The conditions whose value is given (not undefined; a null cursor is the first page). An empty
 *  string is a value like any other: `subscriberId: ''` matches nothing, on both stores. */
function conditions(specs: Spec[]): Condition[] {
  const out: Condition[] = [];
  for (const [value, column, op = '='] of specs) if (value !== undefined && value !== null) out.push({ column, op, value });
  return out;
}

const status = (s: keyof typeof STATUS_NUMBER | undefined) => (s === undefined ? undefined : STATUS_NUMBER[s]);

/** Lists newest first page with `id < cursor`. */
const cursor = (q: PageQuery, column: string): Spec => [q.cursor, column, '<'];

/** The catalogue lists by name ascending: the cursor is the last name. */
export const eventTypeConditions = (q: PageQuery): Condition[] => conditions([[q.cursor, 'name', '>']]);

export const subscriberConditions = (q: PageQuery): Condition[] => conditions([cursor(q, 'id')]);

export const subscriptionConditions = (q: SubscriptionFilter): Condition[] =>
  conditions([cursor(q, 'id'), [q.subscriberId, 'subscriber_id'], [q.health, 'health_status']]);

export const apiKeyConditions = (q: PageQuery): Condition[] => conditions([cursor(q, 'id')]);

export const eventConditions = (f: EventFilter): Condition[] =>
  conditions([
    cursor(f, 'id'),
    [f.type, 'type'],
    [f.subscriberId, 'subscriber_id'],
    [f.since, 'created_at', '>='],
    [f.until, 'created_at', '<'],
  ]);

/** Over `messages m JOIN subscriptions s`. */
export const messageConditions = (f: MessageFilter): Condition[] =>
  conditions([
    cursor(f, 'm.id'),
    [f.subscriberId, 'm.subscriber_id'],
    [f.subscriptionId, 'm.subscription_id'],
    [f.eventId, 'm.event_id'],
    [f.eventType, 'm.event_type'],
    [status(f.status), 'm.status'],
    [f.since, 'm.created_at', '>='],
    [f.until, 'm.created_at', '<'],
  ]);

/** Over `attempts a JOIN messages m`. */
export const attemptConditions = (f: AttemptFilter): Condition[] =>
  conditions([
    cursor(f, 'a.id'),
    [f.messageId, 'a.message_id'],
    [f.subscriberId, 'a.subscriber_id'],
    [f.subscriptionId, 'a.subscription_id'],
    [f.eventType, 'a.event_type'],
    [status(f.status), 'm.status'],
    [f.statusCode, 'a.status_code'],
    [f.since, 'a.created_at', '>='],
    [f.until, 'a.created_at', '<'],
  ]);

/** Over `messages m JOIN subscriptions s`. */
export const messageQueryConditions = (q: MessageQuery): Condition[] =>
  conditions([
    [q.ids, 'm.id', 'in'],
    [q.subscriberId, 'm.subscriber_id'],
    [q.subscriptionId, 'm.subscription_id'],
    [q.eventType, 'm.event_type'],
    [status(q.status), 'm.status'],
    [q.retries, 'm.retries'],
    [q.lastStatusCode, 'm.last_status_code'],
    [q.url, 's.url'],
  ]);

/** Over `attempts a JOIN messages m`. */
export const attemptQueryConditions = (q: AttemptQuery): Condition[] =>
  conditions([
    [q.id, 'a.id'],
    [q.messageId, 'a.message_id'],
    [q.subscriberId, 'a.subscriber_id'],
    [q.subscriptionId, 'a.subscription_id'],
    [q.eventType, 'a.event_type'],
    [q.statusCode, 'a.status_code'],
    [status(q.messageStatus), 'm.status'],
    [q.messageRetries, 'm.retries'],
  ]);

export const auditConditions = (f: AuditFilter): Condition[] =>
  conditions([
    cursor(f, 'id'),
    [f.actor, 'actor'],
    [f.action, 'action'],
    [f.resourceType, 'resource_type'],
    [f.resourceId, 'resource_id'],
    [f.since, 'created_at', '>='],
    [f.until, 'created_at', '<'],
  ]);

// ---- One subscription's messages and attempts (stats, recover) -----------------------------------

/**
 * A subscription's messages (`msg`) or attempts (`att`) created in [from, until): by the id too,
 * since an id begins with its row's createdAt (ids.ts: messages are made at their event's time,
 * attempts at theirs), so the (subscription_id, id) index reads just that range; the created_at
 * conditions keep the answer exact.
 */
export const createdBetween = (
  prefix: Extract<IdPrefix, 'msg' | 'att'>,
  subscriptionId: string,
  from: number,
  until?: number,
): Condition[] =>
  conditions([
    [subscriptionId, 'subscription_id'],
    [idBefore(prefix, from), 'id', '>='],
    [until === undefined ? undefined : idBefore(prefix, until), 'id', '<'],
    [from, 'created_at', '>='],
    [until, 'created_at', '<'],
  ]);

/** The messages recoverMessages considers (those in flight among them are left alone). */
export const recoverConditions = (subscriptionId: string, q: RecoverQuery): Condition[] => [
  ...createdBetween('msg', subscriptionId, q.since),
  { column: 'status', op: 'in', value: q.statuses.map((s) => STATUS_NUMBER[s]) },
];

/** The page of messages resendMessages took (by id), as long as they still meet its filter:
 *  PostgreSQL changes them after choosing them, and a delivery may settle one in between. */
export const bulkResendConditions = (f: MessageFilter, ids: readonly string[]): Condition[] => [
  ...messageConditions(f),
  { column: 'm.id', op: 'in', value: ids },
];

/**
 * What an attempt's outcome is, as SQL over `attempts` (DESIGN.md §4: success is any 2xx; another
 * status, or none, is a failure). The partial indexes attempts_subscription_succeeded and
 * attempts_subscription_failed (SQLite 0008, PostgreSQL 0013) are defined with these very texts,
 * and a query must spell its condition the same way for SQLite to use them.
 */
export const ATTEMPT_SUCCEEDED = 'status_code BETWEEN 200 AND 299';
export const ATTEMPT_FAILED = '(status_code IS NULL OR status_code NOT BETWEEN 200 AND 299)';
