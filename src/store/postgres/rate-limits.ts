// Subscriptions' rate-limit budgets, shared by every worker: one row per limited subscription
// holding the GCRA state (its theoretical arrival time, src/delivery/rate-limit.ts). Each take locks
// the row for its transaction (created first if need be), so concurrent workers take turns and never
// spend the same send twice; one take grants a batch, so a busy subscription costs one round trip
// per batch, not per message.
import { takeSends } from '../../delivery/rate-limit.js';
import type { RateLimitStore } from '../store.js';
import type { PostgresConnection } from './connection.js';

export function rateLimitStore(db: PostgresConnection): RateLimitStore {
  return {
    takeSends(subscriptionId, rule, want, now) {
      return db.run(() =>
        db.sql.begin(async (tx) => {
          await tx`INSERT INTO rate_limits (subscription_id, tat) VALUES (${subscriptionId}, 0) ON CONFLICT (subscription_id) DO NOTHING`;
          const [row] = await tx<{ tat: number }[]>`SELECT tat FROM rate_limits WHERE subscription_id = ${subscriptionId} FOR UPDATE`;
          const sends = takeSends(row === undefined ? null : Number(row.tat), now, rule, want);
          if (sends.granted > 0) await tx`UPDATE rate_limits SET tat = ${sends.tat} WHERE subscription_id = ${subscriptionId}`;
          return { granted: sends.granted, nextAt: sends.nextAt };
        }),
      );
    },
  };
}
