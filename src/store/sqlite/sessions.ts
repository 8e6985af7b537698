// Sessions (src/api/sessions.ts) and subscriber portal links, by the hash of their token.

import { toPortalLink } from '../rows.js';
import type { PortalLink, SessionStore } from '../store.js';
import type { SqliteConnection } from './connection.js';
import { oneRow, toSession } from './rows.js';

export function sessionStore(db: SqliteConnection): SessionStore {
  return {
    async openSession(session, expiredBefore, max) {
      db.transaction(() => {
        db.run(
          `INSERT INTO sessions (token_hash, id, user_name, created_at, last_seen_at, kind, scope, subscriber_id, key_id)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
          [
            session.tokenHash,
            session.id,
            session.userName,
            session.createdAt,
            session.lastSeenAt,
            session.kind,
            session.scope,
            session.subscriberId,
            session.keyId,
          ],
        );
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

    async createPortalLink(link, expiredBefore) {
      db.transaction(() => {
        db.run('INSERT INTO portal_links (token_hash, subscriber_id, created_at, expires_at, used_at) VALUES (?, ?, ?, ?, ?)', [
          link.tokenHash,
          link.subscriberId,
          link.createdAt,
          link.expiresAt,
          link.usedAt,
        ]);
        db.run('DELETE FROM portal_links WHERE expires_at < ?', [expiredBefore]);
      });
    },

    async claimPortalLink(tokenHash, now) {
      // One connection, one transaction: nothing runs between the read and the write.
      return db.transaction((): PortalLink | null => {
        const before = oneRow(db, 'SELECT * FROM portal_links WHERE token_hash = ?', [tokenHash], toPortalLink);
        if (before !== null && before.usedAt === null) db.run('UPDATE portal_links SET used_at = ? WHERE token_hash = ?', [now, tokenHash]);
        return before;
      });
    },
  };
}
