// Operational webhooks (DESIGN.md §4): Herald reports on its own delivery through itself. A
// subscription's health turning failing, disabled or healthy again, and a message whose retries are
// exhausted, become events of the catalogue's `subscription.*` and `message.failed` types, scoped to
// a built-in operator subscriber: an operator subscribes to them like to any event (a subscription
// of that subscriber), and they are delivered, signed, retried and recorded like any other. Nothing
// about the operator subscriber's own subscriptions is reported, so a failing operator endpoint
// cannot feed itself. This module decides which events a batch of recorded outcomes gives; the
// process that delivers ingests them. On unless HERALD_OPERATIONAL_WEBHOOKS is false: the four
// event types are in the /v1 catalogue (not in Jiwa's), and the operator subscriber is created by
// an operator's first subscription to it (src/api/operator.ts); nothing is reported before.
import type { EventType, HealthStatus, HeraldEvent, Subscriber } from './glossary.js';
import { newId } from './ids.js';

/** The built-in subscriber operational events are scoped to (the first id there can be). */
export const OPERATOR_SUBSCRIBER_ID = 'sbr_00000000000000000000000000';

export const OPERATIONAL_EVENT_TYPES = [
  {
    name: 'subscription.failing',
    description: "A subscription's endpoint is failing (its breaker opened, or it failed too often in a row): an early warning",
  },
  { name: 'subscription.disabled', description: 'A subscription was disabled by delivery: its endpoint is gone (410) or out of order' },
  { name: 'subscription.recovered', description: 'A subscription that was failing delivers again' },
  { name: 'message.failed', description: 'A message exhausted its retries (or failed for good) and will not be sent again' },
] as const;

/** The operator subscriber and the catalogue entries, as first written. */
export function operationalRecords(now: number): { subscriber: Subscriber; eventTypes: EventType[] } {
  return {
    subscriber: { id: OPERATOR_SUBSCRIBER_ID, name: 'Herald operations', enabled: true, metadata: null, createdAt: now, updatedAt: now },
    eventTypes: OPERATIONAL_EVENT_TYPES.map((t) => ({ ...t, schema: null, example: null, createdAt: now, updatedAt: now })),
  };
}

/** A subscription's health changing, as the store reports it. */
export interface StatusChange {
  subscriptionId: string;
  /** The subscription's subscriber; undefined when not known (then nothing is reported). */
  subscriberId: string | undefined;
  from: HealthStatus;
  to: HealthStatus;
  reason: string | null;
  at: number;
}

/** A message that failed for good. */
export interface FailedMessage {
  messageId: string;
  subscriptionId: string;
  subscriberId: string;
  eventType: string;
  attempts: number;
  lastStatusCode: number | null;
  lastError: string | null;
  at: number;
}

const event = (type: string, data: unknown, at: number): HeraldEvent => ({
  id: newId('evt', at),
  type,
  dataJson: JSON.stringify(data),
  idempotencyKey: null,
  subscriberId: OPERATOR_SUBSCRIBER_ID,
  channels: null,
  createdAt: at,
});

const iso = (ms: number): string => new Date(ms).toISOString();

/** The operational events of a batch of recorded outcomes. */
export function operationalEvents(changes: readonly StatusChange[], failed: readonly FailedMessage[]): HeraldEvent[] {
  const events: HeraldEvent[] = [];
  for (const c of changes) {
    if (c.subscriberId === undefined || c.subscriberId === OPERATOR_SUBSCRIBER_ID || c.from === c.to) continue;
    const data = {
      subscriptionId: c.subscriptionId,
      subscriberId: c.subscriberId,
      from: c.from,
      to: c.to,
      reason: c.reason,
      at: iso(c.at),
    };
    if (c.to === 'failing') events.push(event('subscription.failing', data, c.at));
    else if (c.to === 'disabled' && c.reason !== 'disabled_manually') events.push(event('subscription.disabled', data, c.at));
    else if (c.to === 'healthy' && c.from === 'failing') events.push(event('subscription.recovered', data, c.at));
  }
  for (const m of failed) {
    if (m.subscriberId === OPERATOR_SUBSCRIBER_ID) continue;
    events.push(
      event(
        'message.failed',
        {
          messageId: m.messageId,
          subscriptionId: m.subscriptionId,
          subscriberId: m.subscriberId,
          eventType: m.eventType,
          attempts: m.attempts,
          lastStatusCode: m.lastStatusCode,
          lastError: m.lastError,
          at: iso(m.at),
        },
        m.at,
      ),
    );
  }
  return events;
}
