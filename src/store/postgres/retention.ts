// Retention: settled events deleted in batches, safe to run from several processes at once.
import { idBefore } from '../../domain/ids.js';
import type { PurgeResult, RetentionStore } from '../store.js';
import type { PostgresConnection } from './connection.js';

export function retentionStore(db: PostgresConnection): RetentionStore {
  return {
    purgeSettledEvents(before, limit) {
      return db.run(() =>
        db.sql.begin(async (tx): Promise<PurgeResult> => {
          // The primary key bounds the scan (ids begin with their creation time); created_at
          // decides. Purgers in other processes skip the events this one holds.
          const rows = await tx<{ id: string }[]>`
            SELECT e.id FROM events e
             WHERE e.id < ${idBefore('evt', before)} AND e.created_at < ${before}
               AND NOT EXISTS (SELECT 1 FROM messages m WHERE m.event_id = e.id AND m.status IN (0, 2))
             ORDER BY e.id LIMIT ${limit}
             FOR UPDATE SKIP LOCKED`;
          if (rows.length === 0) return { events: 0, messages: 0 };
          const ids = rows.map((r) => r.id);
          // Only settled messages: one resent meanwhile is kept, and so is its event. The
          // messages_deleted trigger takes their attempts and queue rows.
          const messages = await tx`DELETE FROM messages WHERE event_id = ANY(${ids}) AND status IN (1, 3)`;
          const events = await tx`
            DELETE FROM events e WHERE e.id = ANY(${ids}) AND NOT EXISTS (SELECT 1 FROM messages m WHERE m.event_id = e.id)`;
          return { events: events.count, messages: messages.count };
        }),
      );
    },
  };
}
