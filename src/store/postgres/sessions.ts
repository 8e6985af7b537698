// Sessions (src/api/sessions.ts) and subscriber portal links, in the database so every process
// shares them.

import { toPortalLink } from '../rows.js';
import type { SessionStore } from '../store.js';
import type { PostgresConnection } from './connection.js';
import { findOne, toSession } from './rows.js';

export function sessionStore(db: PostgresConnection): SessionStore {
  return {
    openSession(session, expiredBefore, max) {
      return db.run(async () => {
        await db.sql.begin(async (tx) => {
          await tx`
            INSERT INTO sessions (token_hash, id, user_name, created_at, last_seen_at, kind, scope, subscriber_id, key_id)
            VALUES (${session.tokenHash}, ${session.id}, ${session.userName}, ${session.createdAt}, ${session.lastSeenAt},
                    ${session.kind}, ${session.scope}, ${session.subscriberId}, ${session.keyId})`;
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

    createPortalLink(link, expiredBefore) {
      return db.run(async () => {
        await db.sql.begin(async (tx) => {
          await tx`
            INSERT INTO portal_links (token_hash, subscriber_id, created_at, expires_at, used_at)
            VALUES (${link.tokenHash}, ${link.subscriberId}, ${link.createdAt}, ${link.expiresAt}, ${link.usedAt})`;
          await tx`DELETE FROM portal_links WHERE expires_at < ${expiredBefore}`;
        });
      });
    },

    claimPortalLink(tokenHash, now) {
      // The row lock makes two exchanges of one link take turns: the second sees it used.
      return db.run(() =>
        db.sql.begin(async (tx) => {
          const rows = await tx`SELECT * FROM portal_links WHERE token_hash = ${tokenHash} FOR UPDATE`;
          const before = rows[0] ? toPortalLink(rows[0]) : null;
          if (before !== null && before.usedAt === null) await tx`UPDATE portal_links SET used_at = ${now} WHERE token_hash = ${tokenHash}`;
          return before;
        }),
      );
    },
  };
}
