// Statistics: a subscription's counters for the stats panel, aggregated in the database.
import { STATUS_NAME } from '../../domain/glossary.js';
import type { StatsStore } from '../store.js';
import type { PostgresConnection } from './connection.js';

export function statsStore(db: PostgresConnection): StatsStore {
  return {
    subscriptionStats(subscriptionId, since) {
      return db.run(async () => {
        const statusRows = await db.sql<{ status: number; n: number }[]>`
          SELECT status, count(*) AS n FROM messages
          WHERE subscription_id = ${subscriptionId} AND created_at >= ${since}
          GROUP BY status`;
        const [a] = await db.sql<{ total: number; ok: number; last_ok: number | null; last_fail: number | null; avg_ms: number | null }[]>`
          SELECT count(*) AS total,
                 count(*) FILTER (WHERE status_code BETWEEN 200 AND 299) AS ok,
                 max(created_at) FILTER (WHERE status_code BETWEEN 200 AND 299) AS last_ok,
                 max(created_at) FILTER (WHERE status_code IS NULL OR status_code NOT BETWEEN 200 AND 299) AS last_fail,
                 avg(duration_ms)::float8 AS avg_ms
          FROM attempts WHERE subscription_id = ${subscriptionId} AND created_at >= ${since}`;
        const messages = { pending: 0, succeeded: 0, retrying: 0, failed: 0 };
        for (const r of statusRows) {
          const name = STATUS_NAME[r.status];
          if (name) messages[name] = r.n;
        }
        const total = a?.total ?? 0;
        const ok = a?.ok ?? 0;
        return {
          messages,
          attempts: total,
          attemptsSucceeded: ok,
          attemptsFailed: total - ok,
          lastSuccessAt: a?.last_ok ?? null,
          lastFailureAt: a?.last_fail ?? null,
          averageDurationMs: a?.avg_ms ?? null,
        };
      });
    },
  };
}
