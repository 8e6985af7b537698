// Operator sessions of the Jiwa-compatible API (/auth), in the database so every process shares them.
import type { SessionStore } from '../store.js';
import type { PostgresConnection } from './connection.js';
import { findOne, toSession } from './rows.js';

export function sessionStore(db: PostgresConnection): SessionStore {
  return {
    openSession(session, expiredBefore, max) {
      return db.run(async () => {
        await db.sql.begin(async (tx) => {
          await tx`
            INSERT INTO sessions (token_hash, id, user_name, created_at, last_seen_at)
            VALUES (${session.tokenHash}, ${session.id}, ${session.userName}, ${session.createdAt}, ${session.lastSeenAt})`;
          await tx`DELETE FROM sessions WHERE last_seen_at < ${expiredBefore}`;
          await tx`
            DELETE FROM sessions WHERE token_hash IN
              (SELECT token_hash FROM sessions ORDER BY last_seen_at DESC, token_hash OFFSET ${max})`;
        });
      });
    },

    getSession(tokenHash) {
      return db.run(() => findOne(db.sql, 'sessions', 'token_hash', tokenHash, toSession));
    },

    touchSession(tokenHash, lastSeenAt) {
      return db.run(async () => {
        await db.sql`UPDATE sessions SET last_seen_at = greatest(last_seen_at, ${lastSeenAt}) WHERE token_hash = ${tokenHash}`;
      });
    },

    closeSession(tokenHash) {
      return db.run(async () => (await db.sql`DELETE FROM sessions WHERE token_hash = ${tokenHash}`).count > 0);
    },
  };
}
