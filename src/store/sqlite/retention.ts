// Retention (HERALD_RETENTION_DAYS): settled events deleted in batches, with their messages and
// those messages' attempts.
import { idBefore } from '../../domain/ids.js';
import type { PurgeResult, RetentionStore } from '../store.js';
import type { SqliteConnection } from './connection.js';

export function retentionStore(db: SqliteConnection): RetentionStore {
  return {
    async purgeSettledEvents(before, limit) {
      return db.transaction((): PurgeResult => {
        // The primary key bounds the scan (ids begin with their creation time); created_at decides.
        const ids = db
          .stmt(
            `SELECT e.id FROM events e
              WHERE e.id < ? AND e.created_at < ?
                AND NOT EXISTS (SELECT 1 FROM messages m WHERE m.event_id = e.id AND m.status IN (0, 2))
              ORDER BY e.id LIMIT ?`,
          )
          .pluck()
          .all(idBefore('evt', before), before, limit) as string[];
        if (ids.length === 0) return { events: 0, messages: 0 };
        const list = JSON.stringify(ids);
        // Attempts go with their messages (ON DELETE CASCADE).
        const messages = db
          .stmt('DELETE FROM messages WHERE event_id IN (SELECT value FROM json_each(?)) AND status IN (1, 3)')
          .run(list).changes;
        const events = db
          .stmt(
            `DELETE FROM events WHERE id IN (SELECT value FROM json_each(?))
                AND NOT EXISTS (SELECT 1 FROM messages m WHERE m.event_id = events.id)`,
          )
          .run(list).changes;
        return { events, messages };
      });
    },
  };
}
