// A subscription's stats panel, aggregated in the database: counters since a time, its state now
// (last success and failure, failures since, last event, next attempt due) and the per-bucket
// series. Each read is an index range (see migration 0008); one read transaction, one snapshot.
import { seriesEnd } from '../../domain/stats.js';
import { ATTEMPT_FAILED, ATTEMPT_SUCCEEDED, createdBetween } from '../filters.js';
import { toSubscriptionStats } from '../rows.js';
import type { StatsStore } from '../store.js';
import type { SqliteConnection } from './connection.js';
import { where } from './rows.js';

export function statsStore(db: SqliteConnection): StatsStore {
  return {
    async subscriptionStats(subscriptionId, { since, now, series }) {
      return db.transaction(() => {
        const messages = where(createdBetween('msg', subscriptionId, since));
        const attempts = where(createdBetween('att', subscriptionId, since));
        const charted = where(createdBetween('att', subscriptionId, series.start, seriesEnd(series)));
        const lastSuccess = db.get(
          `SELECT id, created_at FROM attempts WHERE subscription_id = ? AND ${ATTEMPT_SUCCEEDED} ORDER BY id DESC LIMIT 1`,
          [subscriptionId],
        );
        return toSubscriptionStats(
          {
            statuses: db.all(`SELECT status, count(*) AS n FROM messages ${messages.sql} GROUP BY status`, messages.params),
            window: db.get(
              `SELECT count(*) AS n,
                      sum(${ATTEMPT_SUCCEEDED}) AS ok,
                      max(CASE WHEN ${ATTEMPT_SUCCEEDED} THEN created_at END) AS last_ok,
                      max(CASE WHEN ${ATTEMPT_FAILED} THEN created_at END) AS last_fail,
                      avg(duration_ms) AS avg_ms
                 FROM attempts ${attempts.sql}`,
              attempts.params,
            ),
            lastSuccess,
            lastFailure: db.get(
              `SELECT id, created_at FROM attempts WHERE subscription_id = ? AND ${ATTEMPT_FAILED} ORDER BY id DESC LIMIT 1`,
              [subscriptionId],
            ),
            // After the last success in attempt order (ids follow creation, within a millisecond too).
            failuresSinceLastSuccess: db.get(
              `SELECT count(*) AS n FROM attempts WHERE subscription_id = ? AND ${ATTEMPT_FAILED} AND id > ?`,
              [subscriptionId, (lastSuccess?.id as string | undefined) ?? ''],
            )?.n,
            lastEventAt: db.get('SELECT created_at FROM messages WHERE subscription_id = ? ORDER BY id DESC LIMIT 1', [subscriptionId])
              ?.created_at,
            // A leased message's next_attempt_at is its lease expiry, not a next attempt: while the
            // lease holds it is left out; once expired, the message is due again.
            nextAttemptAt: db.get(
              `SELECT min(next_attempt_at) AS at FROM messages
                WHERE subscription_id = ? AND status IN (0, 2) AND NOT (leased = 1 AND next_attempt_at > ?)`,
              [subscriptionId, now],
            )?.at,
            buckets: db.all(
              `SELECT (created_at - CAST(? AS INTEGER)) / CAST(? AS INTEGER) AS b, count(*) AS n, sum(${ATTEMPT_SUCCEEDED}) AS ok FROM attempts ${charted.sql} GROUP BY b`,
              [series.start, series.intervalMs, ...charted.params],
            ),
          },
          series,
        );
      });
    },
  };
}
