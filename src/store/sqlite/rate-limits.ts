// Subscriptions' rate-limit budgets: one row per limited subscription holding the GCRA state (its
// theoretical arrival time, src/delivery/rate-limit.ts), read and written in one transaction.
import { takeSends } from '../../delivery/rate-limit.js';
import type { RateLimitStore } from '../store.js';
import type { SqliteConnection } from './connection.js';

export function rateLimitStore(db: SqliteConnection): RateLimitStore {
  return {
    async takeSends(subscriptionId, rule, want, now) {
      return db.transaction(() => {
        const row = db.get('SELECT tat FROM rate_limits WHERE subscription_id = ?', [subscriptionId]);
        const sends = takeSends(row === undefined ? null : (row.tat as number), now, rule, want);
        if (sends.granted > 0)
          db.run(
            'INSERT INTO rate_limits (subscription_id, tat) VALUES (?, ?) ON CONFLICT (subscription_id) DO UPDATE SET tat = excluded.tat',
            [subscriptionId, sends.tat],
          );
        return { granted: sends.granted, nextAt: sends.nextAt };
      });
    },
  };
}
