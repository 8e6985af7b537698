// The list filters of both stores, decided once: which column each filter field compares, how, and
// with which value. A store renders the conditions in its own dialect (placeholders, array
// parameters); neither spells a filter of its own. Columns are whitelisted text, never user input.
import { STATUS_NUMBER } from '../domain/glossary.js';
import type {
  AttemptFilter,
  AttemptQuery,
  AuditFilter,
  EventFilter,
  MessageFilter,
  MessageQuery,
  PageQuery,
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
