// A subscription's stats panel, aggregated in the database: counters since a time, its state now
// (last success and failure, failures since, last event, next attempt due) and the per-bucket
// series. Each read is an index range (see migration 0013), all in one read-only snapshot.
import { seriesEnd } from '../../domain/stats.js';
import { ATTEMPT_FAILED, ATTEMPT_SUCCEEDED, createdBetween } from '../filters.js';
import { type Row, toSubscriptionStats } from '../rows.js';
import type { StatsStore } from '../store.js';
import type { PostgresConnection } from './connection.js';
import { where } from './rows.js';

export function statsStore(db: PostgresConnection): StatsStore {
  return {
    subscriptionStats(subscriptionId, { since, now, series }) {
      return db.run(() =>
        db.sql.begin('ISOLATION LEVEL REPEATABLE READ READ ONLY', async (tx) => {
          const succeeded = tx.unsafe(ATTEMPT_SUCCEEDED);
          const failed = tx.unsafe(ATTEMPT_FAILED);
          const [statuses, [window], [lastSuccess], [lastFailure], [lastEvent], [next], buckets] = await Promise.all([
            tx<
              Row[]
            >`SELECT status, count(*) AS n FROM messages ${where(tx, createdBetween('msg', subscriptionId, since))} GROUP BY status`,
            tx<Row[]>`
              SELECT count(*) AS n,
                     count(*) FILTER (WHERE ${succeeded}) AS ok,
                     max(created_at) FILTER (WHERE ${succeeded}) AS last_ok,
                     max(created_at) FILTER (WHERE ${failed}) AS last_fail,
                     avg(duration_ms)::float8 AS avg_ms
              FROM attempts ${where(tx, createdBetween('att', subscriptionId, since))}`,
            tx<Row[]>`
              SELECT id, created_at FROM attempts WHERE subscription_id = ${subscriptionId} AND ${succeeded}
              ORDER BY id DESC LIMIT 1`,
            tx<Row[]>`
              SELECT id, created_at FROM attempts WHERE subscription_id = ${subscriptionId} AND ${failed}
              ORDER BY id DESC LIMIT 1`,
            tx<Row[]>`SELECT created_at FROM messages WHERE subscription_id = ${subscriptionId} ORDER BY id DESC LIMIT 1`,
            // Through message_queue, which holds only pending and retrying messages: the planner
            // walks it in due order (its index) and stops at the first of this subscription, or,
            // for a subscription with few messages, reads those; either way not a busy
            // subscription's whole history. A leased message's time is its lease expiry, not a
            // next attempt: while the lease holds it is left out; once expired, it is due again.
            tx<Row[]>`
              SELECT q.next_attempt_at AS at FROM message_queue q JOIN messages m ON m.id = q.message_id
              WHERE m.subscription_id = ${subscriptionId} AND m.status IN (0, 2) AND NOT (m.leased AND q.next_attempt_at > ${now})
              ORDER BY q.next_attempt_at LIMIT 1`,
            tx<Row[]>`
              SELECT (created_at - ${series.start}::bigint) / ${series.intervalMs}::bigint AS b, count(*) AS n, count(*) FILTER (WHERE ${succeeded}) AS ok
              FROM attempts ${where(tx, createdBetween('att', subscriptionId, series.start, seriesEnd(series)))}
              GROUP BY 1`,
          ]);
          // After the last success in attempt order (ids follow creation, within a millisecond too).
          const [afterSuccess] = await tx<Row[]>`
            SELECT count(*) AS n FROM attempts
            WHERE subscription_id = ${subscriptionId} AND ${failed} AND id > ${(lastSuccess?.id as string | undefined) ?? ''}`;
          return toSubscriptionStats(
            {
              statuses,
              window,
              lastSuccess,
              lastFailure,
              failuresSinceLastSuccess: afterSuccess?.n,
              lastEventAt: lastEvent?.created_at,
              nextAttemptAt: next?.at,
              buckets,
            },
            series,
          );
        }),
      );
    },
  };
}
