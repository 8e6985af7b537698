// Operator sessions (src/api/sessions.ts), by the hash of their token.
import type { SessionStore } from '../store.js';
import type { SqliteConnection } from './connection.js';
import { oneRow, toSession } from './rows.js';

export function sessionStore(db: SqliteConnection): SessionStore {
  return {
    async openSession(session, expiredBefore, max) {
      db.transaction(() => {
        db.run('INSERT INTO sessions (token_hash, id, user_name, created_at, last_seen_at) VALUES (?, ?, ?, ?, ?)', [
          session.tokenHash,
          session.id,
          session.userName,
          session.createdAt,
          session.lastSeenAt,
        ]);
        db.run('DELETE FROM sessions WHERE last_seen_at < ?', [expiredBefore]);
        db.run(
          'DELETE FROM sessions WHERE token_hash IN (SELECT token_hash FROM sessions ORDER BY last_seen_at DESC, token_hash LIMIT -1 OFFSET ?)',
          [max],
        );
      });
    },

    async getSession(tokenHash) {
      return oneRow(db, 'SELECT * FROM sessions WHERE token_hash = ?', [tokenHash], toSession);
    },

    async touchSession(tokenHash, lastSeenAt) {
      db.run('UPDATE sessions SET last_seen_at = max(last_seen_at, ?) WHERE token_hash = ?', [lastSeenAt, tokenHash]);
    },

    async closeSession(tokenHash) {
      return db.run('DELETE FROM sessions WHERE token_hash = ?', [tokenHash]).changes > 0;
    },
  };
}
