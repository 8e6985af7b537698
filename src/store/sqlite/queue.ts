// The delivery queue. A claim leases messages by moving their next_attempt_at to the lease expiry
// (leased = 1, so that releaseLeases can free them all at start-up: one process owns the file).
// Outcomes are recorded in one transaction committed with synchronous=NORMAL (connection.ts), with
// what they do to their subscriptions' health (src/domain/health.ts decides; this writes).
import { claimScan, takeShares } from '../../delivery/fairness.js';
import type { Subscription, SubscriptionHealth } from '../../domain/glossary.js';
import { STATUS_NUMBER } from '../../domain/glossary.js';
import {
  attemptEvent,
  DEFAULT_HEALTH_POLICY,
  decideProbe,
  type HealthEvent,
  type HealthPolicy,
  recordHealth,
} from '../../domain/health.js';
import { subscriptionLeaseMs } from '../../domain/lease.js';
import { healthColumns, type Row, toHealth } from '../rows.js';
import type { DeliveryJob, QueueStore, SubscriptionTransition } from '../store.js';
import type { SqliteConnection } from './connection.js';
import { moveHeld, toSubscription } from './rows.js';
import { type DeferredValues, type OutcomeValues, outcomeValues } from './wire.js';

/** The queue, with recordAttempts also as the SQLite thread receives it: recordOutcomeValues. */
export type SqliteQueueStore = Omit<QueueStore, 'capabilities'> & {
  /** recordAttempts, the outcomes as value lists (wire.ts). */
  recordOutcomeValues(outcomes: (OutcomeValues | DeferredValues)[], policy?: HealthPolicy): SubscriptionTransition[];
};

/** A due message as a claim reads it: id, event id, event type, event time, data, attempts, retries,
 *  manual, subscription id, subscriber enabled. */
type ClaimRow = [string, string, string, number, string, number, number, number, string, number];

const CLAIM_FROM = `SELECT m.id, m.event_id, m.event_type, e.created_at, e.data, m.attempts, m.retries, m.manual, m.subscription_id, b.enabled
  FROM messages m
  JOIN events e ON e.id = m.event_id
  JOIN subscriptions s ON s.id = m.subscription_id
  JOIN subscribers b ON b.id = s.subscriber_id
 WHERE m.status IN (0, 2) AND m.next_attempt_at <= ?`;
const CLAIM = `${CLAIM_FROM} ORDER BY m.next_attempt_at LIMIT ?`;
const CLAIM_SKIPPING = `${CLAIM_FROM} AND m.subscription_id NOT IN (SELECT value FROM json_each(?)) ORDER BY m.next_attempt_at LIMIT ?`;

export function queueStore(db: SqliteConnection): SqliteQueueStore {
  /** A subscription's health as decided; disabled by it, the subscription is no longer enabled. */
  const writeHealth = (id: string, health: SubscriptionHealth, at: number): void => {
    const disabled = health.status === 'disabled' ? 1 : 0;
    db.stmt(
      `UPDATE subscriptions SET health_status = @health_status, health_reason = @health_reason, health_since = @health_since,
         consecutive_failures = @consecutive_failures, failing_since = @failing_since, last_success_at = @last_success_at,
         last_failure_at = @last_failure_at, failed_messages = @failed_messages,
         breaker_state = @breaker_state, breaker_faults = @breaker_faults, breaker_until = @breaker_until,
         breaker_opened_at = @breaker_opened_at,
         enabled = CASE WHEN @disabled = 1 THEN 0 ELSE enabled END,
         updated_at = CASE WHEN @disabled = 1 AND enabled = 1 THEN @at ELSE updated_at END
       WHERE id = @id`,
    ).run({ ...healthColumns(health), disabled, at, id });
  };

  /** Applies each subscription's recorded attempts to its health, in the caller's transaction. */
  const applyHealth = (events: Map<string, HealthEvent[]>, policy: HealthPolicy): SubscriptionTransition[] => {
    const transitions: SubscriptionTransition[] = [];
    const read = db.stmt('SELECT * FROM subscriptions WHERE id = ?');
    for (const [subscriptionId, list] of events) {
      const r = read.get(subscriptionId) as Row | undefined;
      if (!r) continue;
      const change = recordHealth(
        toHealth(r),
        list.sort((a, b) => a.at - b.at),
        policy,
      );
      if (!change.changed) continue;
      const at = list[list.length - 1]?.at ?? 0;
      writeHealth(subscriptionId, change.health, at);
      moveHeld(db, subscriptionId, change.held);
      for (const t of change.transitions) transitions.push({ ...t, subscriptionId });
    }
    return transitions;
  };

  const recordOutcomeValues = (outcomes: (OutcomeValues | DeferredValues)[], policy = DEFAULT_HEALTH_POLICY): SubscriptionTransition[] => {
    if (outcomes.length === 0) return [];
    const update = db.stmt(
      `UPDATE messages SET status = ?, attempts = ?, retries = ?, next_attempt_at = ?, manual = 0, leased = 0,
         last_status_code = ?, last_error = ?, updated_at = ? WHERE id = ?`,
    );
    const insert = db.stmt(
      `INSERT INTO attempts (id, message_id, subscription_id, subscriber_id, event_type, status_code, duration_ms, error,
         request_headers, response_headers, response_body, trigger, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    );
    // Held back by an open breaker: due again later, as it was otherwise (no attempt, no retry used).
    const defer = db.stmt('UPDATE messages SET next_attempt_at = ?, leased = 0 WHERE id = ? AND status IN (0, 2)');
    return db.transaction(() => {
      const events = new Map<string, HealthEvent[]>();
      for (const o of outcomes) {
        if (o.length === 3) {
          defer.run(o[2], o[0]);
          continue;
        }
        const [status, attempts, retries, nextAttemptAt, statusCode, error, createdAt, messageId] = o;
        if (update.run(status, attempts, retries, nextAttemptAt, statusCode, error, createdAt, messageId).changes === 0) continue; // deleted while in flight
        insert.run(o[8], messageId, o[9], o[10], o[11], statusCode, o[12], error, o[13], o[14], o[15], o[16], createdAt);
        const signal = o[17];
        if (signal === null) continue;
        const event = attemptEvent(signal, status === STATUS_NUMBER.failed, createdAt, o[12], o[18]);
        const list = events.get(o[9]);
        if (list) list.push(event);
        else events.set(o[9], [event]);
      }
      return applyHealth(events, policy);
    });
  };
  return {
    async claimDue(now, limit, leaseMarginMs, share) {
      return db.transaction(() => {
        const per = share?.perSubscription ?? limit;
        const skip = share?.skip ?? [];
        let rows = (skip.length === 0 ? db.stmt(CLAIM) : db.stmt(CLAIM_SKIPPING))
          .raw(true)
          .all(...(skip.length === 0 ? [now] : [now, JSON.stringify(skip)]), claimScan(limit, per)) as ClaimRow[];
        if (per < limit)
          rows = takeShares(
            rows.map((r) => r[8]),
            per,
            limit,
          ).map((i) => rows[i] as ClaimRow);
        if (rows.length === 0) return [];
        // Each subscription of the claim once, whole; its jobs share the object.
        const subscriptions = new Map<string, Subscription>();
        for (const r of db
          .stmt('SELECT * FROM subscriptions WHERE id IN (SELECT value FROM json_each(?))')
          .all(JSON.stringify([...new Set(rows.map((r) => r[8]))]))) {
          const subscription = toSubscription(r as Row);
          subscriptions.set(subscription.id, subscription);
        }
        const lease = db.stmt('UPDATE messages SET next_attempt_at = ?, leased = 1 WHERE id = ?');
        return rows.map((r): DeliveryJob => {
          const subscription = subscriptions.get(r[8]) as Subscription; // joined above, in the same transaction
          lease.run(now + subscriptionLeaseMs(subscription, leaseMarginMs), r[0]);
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
      });
    },

    async recordAttempts(outcomes, policy) {
      return recordOutcomeValues(outcomes.map(outcomeValues), policy);
    },

    async startProbe(subscriptionId, now, leaseEnds, manual) {
      return db.transaction(() => {
        const r = db.stmt('SELECT * FROM subscriptions WHERE id = ?').get(subscriptionId) as Row | undefined;
        if (!r) return { send: true, probe: false } as const;
        const change = decideProbe(toHealth(r), now, leaseEnds, manual);
        if (change.changed) {
          writeHealth(subscriptionId, change.health, now);
          moveHeld(db, subscriptionId, change.held);
        }
        return change.verdict;
      });
    },

    recordOutcomeValues,

    async releaseLeases(now) {
      return db.run('UPDATE messages SET next_attempt_at = ?, leased = 0 WHERE leased = 1 AND status IN (0, 2)', [now]).changes;
    },

    async returnLeases(leases, now) {
      return db.transaction(() => {
        const give = db.stmt(
          'UPDATE messages SET next_attempt_at = ?, leased = 0 WHERE id = ? AND next_attempt_at = ? AND leased = 1 AND status IN (0, 2)',
        );
        let returned = 0;
        for (const l of leases) returned += give.run(now, l.messageId, l.leaseEnds).changes;
        if (returned > 0) db.notify();
        return returned;
      });
    },

    async nextDueAt() {
      const r = db.get('SELECT min(next_attempt_at) AS at FROM messages WHERE status IN (0, 2)');
      return (r?.at as number | null | undefined) ?? null;
    },

    onMessagesCommitted(listener) {
      return db.onMessagesCommitted(listener);
    },
  };
}
