// Subscriptions, and the index ingest matches events by: a row of subscription_patterns for each of
// a subscription's event-type patterns, rewritten with them.
import { HeraldError } from '../../domain/errors.js';
import type { Subscription } from '../../domain/glossary.js';
import { heldMove } from '../../domain/health.js';
import { subscriptionConditions } from '../filters.js';
import { batchColumns, healthColumns, healthCounts } from '../rows.js';
import type { SubscriptionStore } from '../store.js';
import { onConflict, type Params, type SqliteConnection } from './connection.js';
import { jsonOrNull, moveHeld, newestFirst, oneRow, toSubscription } from './rows.js';

const HEALTH_VALUES = `@health_status, @health_reason, @health_since, @consecutive_failures, @failing_since, @last_success_at,
  @last_failure_at, @failed_messages, @breaker_state, @breaker_faults, @breaker_until, @breaker_opened_at`;
const HEALTH_NAMES = `health_status, health_reason, health_since, consecutive_failures, failing_since, last_success_at,
  last_failure_at, failed_messages, breaker_state, breaker_faults, breaker_until, breaker_opened_at`;

const BATCH_NAMES = 'batch_max_events, batch_max_wait_ms, batch_max_bytes'; // batch settings (issue 18)
const BATCH_VALUES = '@batch_max_events, @batch_max_wait_ms, @batch_max_bytes';

function subscriptionParams({ health, batch, ...s }: Subscription): Params {
  return {
    ...s,
    ...healthColumns(health),
    eventTypes: JSON.stringify(s.eventTypes),
    channels: jsonOrNull(s.channels),
    headers: JSON.stringify(s.headers),
    retrySchedule: jsonOrNull(s.retrySchedule),
    enabled: s.enabled ? 1 : 0,
    previousSecret: s.previousSecret ?? null,
    previousSecretExpiresAt: s.previousSecretExpiresAt ?? null,
    maxInFlight: s.maxInFlight ?? null,
    rateLimit: s.rateLimit?.limit ?? null,
    rateLimitPeriodSeconds: s.rateLimit?.periodSeconds ?? null,
    auth: jsonOrNull(s.auth),
    signing: s.signing ? 1 : 0,
    customData: jsonOrNull(s.customData),
    filter: jsonOrNull(s.filter),
    template: jsonOrNull(s.template),
    templatePreset: s.templatePreset ?? null,
    ...batchColumns(batch), // batch settings (issue 18)
  };
}

export function subscriptionStore(db: SqliteConnection): SubscriptionStore {
  const writePatterns = (subscriptionId: string, patterns: string[]): void => {
    db.run('DELETE FROM subscription_patterns WHERE subscription_id = ?', [subscriptionId]);
    for (const pattern of new Set(patterns)) {
      db.run('INSERT INTO subscription_patterns (pattern, subscription_id) VALUES (?, ?)', [pattern, subscriptionId]);
    }
  };
  return {
    async createSubscription(s) {
      onConflict(`Subscription ${s.id} already exists`, () =>
        db.transaction(() => {
          if (!db.get('SELECT 1 FROM subscribers WHERE id = ?', [s.subscriberId])) throw new HeraldError('unknown_subscriber');
          db.run(
            `INSERT INTO subscriptions (id, subscriber_id, name, description, url, method, event_types, channels, headers, payload_format,
               retry_schedule, timeout_seconds, max_in_flight, enabled, secret, previous_secret, previous_secret_expires_at, created_at, updated_at,
               ${HEALTH_NAMES}, rate_limit, rate_limit_period_seconds, auth, signing, custom_data, "filter", template, template_preset,
               ${BATCH_NAMES})
             VALUES (@id, @subscriberId, @name, @description, @url, @method, @eventTypes, @channels, @headers, @payloadFormat,
               @retrySchedule, @timeoutSeconds, @maxInFlight, @enabled, @secret, @previousSecret, @previousSecretExpiresAt, @createdAt, @updatedAt,
               ${HEALTH_VALUES}, @rateLimit, @rateLimitPeriodSeconds, @auth, @signing, @customData, @filter, @template, @templatePreset,
               ${BATCH_VALUES})`,
            subscriptionParams(s),
          );
          writePatterns(s.id, s.eventTypes);
        }),
      );
      return s;
    },

    async getSubscription(id) {
      return oneRow(db, 'SELECT * FROM subscriptions WHERE id = ?', [id], toSubscription);
    },

    async listSubscriptions(q) {
      return newestFirst(db, 'subscriptions', subscriptionConditions(q), q.limit, toSubscription);
    },

    async updateSubscription(id, patch, now) {
      return db.transaction(() => {
        const r = db.get('SELECT * FROM subscriptions WHERE id = ?', [id]);
        if (!r) return null;
        const current = toSubscription(r);
        const next: Subscription = { ...current, ...patch, updatedAt: now };
        db.run(
          `UPDATE subscriptions SET name = @name, description = @description, url = @url, method = @method, event_types = @eventTypes,
             channels = @channels, headers = @headers, payload_format = @payloadFormat, retry_schedule = @retrySchedule,
             timeout_seconds = @timeoutSeconds, max_in_flight = @maxInFlight, enabled = @enabled, secret = @secret, previous_secret = @previousSecret,
             previous_secret_expires_at = @previousSecretExpiresAt, updated_at = @updatedAt,
             (${HEALTH_NAMES}) = (${HEALTH_VALUES}),
             rate_limit = @rateLimit, rate_limit_period_seconds = @rateLimitPeriodSeconds, auth = @auth, signing = @signing,
             custom_data = @customData, "filter" = @filter, template = @template, template_preset = @templatePreset,
             (${BATCH_NAMES}) = (${BATCH_VALUES})
           WHERE id = @id`,
          subscriptionParams(next),
        );
        if (patch.eventTypes) writePatterns(id, next.eventTypes);
        if (patch.health) moveHeld(db, id, heldMove(current.health, patch.health, now));
        return next;
      });
    },

    async deleteSubscription(id) {
      return db.transaction(() => {
        db.run('DELETE FROM rate_limits WHERE subscription_id = ?', [id]); // its rate budget goes with it
        return db.run('DELETE FROM subscriptions WHERE id = ?', [id]).changes > 0;
      });
    },

    async countSubscriptionHealth() {
      return healthCounts(db.all('SELECT health_status, breaker_state, count(*) AS n FROM subscriptions GROUP BY 1, 2'));
    },
  };
}
