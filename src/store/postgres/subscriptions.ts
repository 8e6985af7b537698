// Subscriptions. Each keeps its event type patterns in subscription_patterns too, written in the
// same transaction, so that ingest finds the candidates of an event type by index.
import { HeraldError } from '../../domain/errors.js';
import { heldMove } from '../../domain/health.js';
import { subscriptionConditions } from '../filters.js';
import { batchColumns, healthColumns, healthCounts, jsonOrNull, type Row, toHealth } from '../rows.js';
import type { SubscriptionStore } from '../store.js';
import { type PostgresConnection, sqlState } from './connection.js';
import { findOne, listNewestFirst, moveHeld, toSubscription } from './rows.js';

export function subscriptionStore(db: PostgresConnection): SubscriptionStore {
  return {
    createSubscription(s) {
      const { health } = s;
      return db.run(async () => {
        try {
          return await db.sql.begin(async (tx) => {
            const [row] = await tx<Row[]>`
              INSERT INTO subscriptions (id, subscriber_id, name, description, url, method, event_types, channels, headers,
                payload_format, retry_schedule, timeout_seconds, max_in_flight, enabled, secret, previous_secret, previous_secret_expires_at,
                created_at, updated_at, health_status, health_reason, health_since, consecutive_failures, failing_since, failed_messages,
                breaker_state, breaker_faults, breaker_until, breaker_opened_at, rate_limit, rate_limit_period_seconds,
                last_success_at, last_failure_at, auth, signing, custom_data, "filter", template, template_preset)
              VALUES (${s.id}, ${s.subscriberId}, ${s.name}, ${s.description}, ${s.url}, ${s.method}, ${s.eventTypes}::text[],
                ${s.channels}::text[], ${JSON.stringify(s.headers)}, ${s.payloadFormat}, ${s.retrySchedule}::float8[],
                ${s.timeoutSeconds}, ${s.maxInFlight ?? null}, ${s.enabled}, ${s.secret}, ${s.previousSecret ?? null}, ${s.previousSecretExpiresAt ?? null},
                ${s.createdAt}, ${s.updatedAt}, ${health.status}, ${health.reason}, ${health.since}, ${health.consecutiveFailures},
                ${health.failingSince}, ${health.failedMessages}, ${health.breaker}, ${health.breakerFaults}, ${health.breakerUntil},
                ${health.breakerOpenedAt}, ${s.rateLimit?.limit ?? null}, ${s.rateLimit?.periodSeconds ?? null},
                ${health.lastSuccessAt}, ${health.lastFailureAt}, ${jsonOrNull(s.auth)}, ${s.signing}, ${jsonOrNull(s.customData)},
                ${jsonOrNull(s.filter)}, ${jsonOrNull(s.template)}, ${s.templatePreset ?? null})
              RETURNING *`;
            // Batch settings (issue 18), in the same transaction.
            const [batched] =
              s.batch === null
                ? [row]
                : await tx<Row[]>`UPDATE subscriptions SET ${tx(batchColumns(s.batch))} WHERE id = ${s.id} RETURNING *`;
            await tx`
              INSERT INTO subscription_patterns (pattern, subscription_id)
              SELECT DISTINCT p, ${s.id}::text FROM unnest(${s.eventTypes}::text[]) AS p`;
            return toSubscription(batched as Row);
          });
        } catch (err) {
          if (sqlState(err) === '23503') throw new HeraldError('unknown_subscriber');
          if (sqlState(err) === '23505') throw new HeraldError('conflict', `Subscription ${s.id} already exists`);
          throw err;
        }
      });
    },

    getSubscription(id) {
      return db.run(() => findOne(db.sql, 'subscriptions', 'id', id, toSubscription));
    },

    listSubscriptions(query) {
      return db.run(() => listNewestFirst(db.sql, 'subscriptions', subscriptionConditions(query), query.limit, toSubscription));
    },

    updateSubscription(id, patch, now) {
      return db.run(() =>
        db.sql.begin(async (tx) => {
          const set: Record<string, unknown> = { updated_at: now };
          if (patch.name !== undefined) set['name'] = patch.name;
          if (patch.description !== undefined) set['description'] = patch.description;
          if (patch.url !== undefined) set['url'] = patch.url;
          if (patch.method !== undefined) set['method'] = patch.method;
          if (patch.headers !== undefined) set['headers'] = JSON.stringify(patch.headers);
          if (patch.payloadFormat !== undefined) set['payload_format'] = patch.payloadFormat;
          if (patch.timeoutSeconds !== undefined) set['timeout_seconds'] = patch.timeoutSeconds;
          if (patch.maxInFlight !== undefined) set['max_in_flight'] = patch.maxInFlight;
          if (patch.rateLimit !== undefined) {
            set['rate_limit'] = patch.rateLimit?.limit ?? null;
            set['rate_limit_period_seconds'] = patch.rateLimit?.periodSeconds ?? null;
          }
          if (patch.auth !== undefined) set['auth'] = jsonOrNull(patch.auth);
          if (patch.signing !== undefined) set['signing'] = patch.signing;
          if (patch.customData !== undefined) set['custom_data'] = jsonOrNull(patch.customData);
          if (patch.batch !== undefined) Object.assign(set, batchColumns(patch.batch));
          if (patch.filter !== undefined) set['filter'] = jsonOrNull(patch.filter);
          if (patch.template !== undefined) set['template'] = jsonOrNull(patch.template);
          if (patch.templatePreset !== undefined) set['template_preset'] = patch.templatePreset;
          if (patch.enabled !== undefined) set['enabled'] = patch.enabled;
          if (patch.secret !== undefined) set['secret'] = patch.secret;
          if (patch.previousSecret !== undefined) set['previous_secret'] = patch.previousSecret;
          if (patch.previousSecretExpiresAt !== undefined) set['previous_secret_expires_at'] = patch.previousSecretExpiresAt;
          let before = null;
          if (patch.health !== undefined) {
            // Locked first, so the held messages follow the breaker as it was replaced.
            const [current] = await tx<Row[]>`SELECT * FROM subscriptions WHERE id = ${id} FOR UPDATE`;
            if (!current) return null;
            before = toHealth(current);
            Object.assign(set, healthColumns(patch.health));
          }
          const [row] = await tx<Row[]>`
            UPDATE subscriptions SET ${tx(set)}
            ${patch.eventTypes !== undefined ? tx`, event_types = ${patch.eventTypes}::text[]` : tx``}
            ${patch.channels !== undefined ? tx`, channels = ${patch.channels}::text[]` : tx``}
            ${patch.retrySchedule !== undefined ? tx`, retry_schedule = ${patch.retrySchedule}::float8[]` : tx``}
            WHERE id = ${id} RETURNING *`;
          if (!row) return null;
          if (before !== null && patch.health !== undefined && (await moveHeld(db, tx, id, heldMove(before, patch.health, now))) > 0) {
            setImmediate(() => db.wake()); // after the commit
          }
          if (patch.eventTypes !== undefined) {
            await tx`DELETE FROM subscription_patterns WHERE subscription_id = ${id}`;
            await tx`
              INSERT INTO subscription_patterns (pattern, subscription_id)
              SELECT DISTINCT p, ${id}::text FROM unnest(${patch.eventTypes}::text[]) AS p`;
          }
          return toSubscription(row);
        }),
      );
    },

    deleteSubscription(id) {
      return db.run(async () =>
        db.sql.begin(async (tx) => {
          await tx`DELETE FROM rate_limits WHERE subscription_id = ${id}`; // its rate budget goes with it
          return (await tx`DELETE FROM subscriptions WHERE id = ${id}`).count > 0;
        }),
      );
    },

    countSubscriptionHealth() {
      return db.run(async () =>
        healthCounts(await db.sql<Row[]>`SELECT health_status, breaker_state, count(*) AS n FROM subscriptions GROUP BY 1, 2`),
      );
    },
  };
}
