// Subscription counters for the stats panel: messages by status and attempts since a time.
import { MESSAGE_STATUSES, STATUS_NAME } from '../../domain/glossary.js';
import type { Row } from '../rows.js';
import type { StatsStore, SubscriptionStats } from '../store.js';
import type { SqliteConnection } from './connection.js';

export function statsStore(db: SqliteConnection): StatsStore {
  return {
    async subscriptionStats(subscriptionId, since) {
      const messages = Object.fromEntries(MESSAGE_STATUSES.map((s) => [s, 0])) as SubscriptionStats['messages'];
      for (const r of db.all('SELECT status, count(*) AS n FROM messages WHERE subscription_id = ? AND created_at >= ? GROUP BY status', [
        subscriptionId,
        since,
      ])) {
        const name = STATUS_NAME[r.status as number];
        if (name) messages[name] = r.n as number;
      }
      const a = db.get(
        `SELECT count(*) AS n,
                sum(CASE WHEN status_code BETWEEN 200 AND 299 THEN 1 ELSE 0 END) AS ok,
                max(CASE WHEN status_code BETWEEN 200 AND 299 THEN created_at END) AS last_ok,
                max(CASE WHEN status_code IS NULL OR status_code NOT BETWEEN 200 AND 299 THEN created_at END) AS last_fail,
                avg(duration_ms) AS avg_ms
           FROM attempts WHERE subscription_id = ? AND created_at >= ?`,
        [subscriptionId, since],
      ) as Row;
      const total = (a.n as number) ?? 0;
      const ok = (a.ok as number | null) ?? 0;
      return {
        messages,
        attempts: total,
        attemptsSucceeded: ok,
        attemptsFailed: total - ok,
        lastSuccessAt: (a.last_ok as number | null) ?? null,
        lastFailureAt: (a.last_fail as number | null) ?? null,
        averageDurationMs: (a.avg_ms as number | null) ?? null,
      };
    },
  };
}
