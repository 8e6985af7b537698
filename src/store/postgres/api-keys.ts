// API keys, found by the hash of their secret; a revoked key stays, with its revocation time.
import { HeraldError } from '../../domain/errors.js';
import { apiKeyConditions } from '../filters.js';
import type { Row } from '../rows.js';
import type { ApiKeyStore } from '../store.js';
import { type PostgresConnection, sqlState } from './connection.js';
import { findOne, listNewestFirst, toApiKey } from './rows.js';

export function apiKeyStore(db: PostgresConnection): ApiKeyStore {
  return {
    createApiKey(key) {
      return db.run(async () => {
        try {
          const [row] = await db.sql<Row[]>`
            INSERT INTO api_keys (id, name, scope, subscriber_id, hash, created_at, expires_at, revoked_at, allowed_ips, rate_limit)
            VALUES (${key.id}, ${key.name}, ${key.scope}, ${key.subscriberId}, ${key.hash}, ${key.createdAt}, ${key.expiresAt},
                    ${key.revokedAt}, ${key.allowedIps === null ? null : db.sql.array(key.allowedIps)}, ${key.rateLimit})
            RETURNING *`;
          return toApiKey(row as Row);
        } catch (err) {
          if (sqlState(err) === '23505') throw new HeraldError('conflict', 'The API key already exists');
          throw err;
        }
      });
    },

    getApiKey(id) {
      return db.run(() => findOne(db.sql, 'api_keys', 'id', id, toApiKey));
    },

    findApiKeyByHash(hash) {
      return db.run(() => findOne(db.sql, 'api_keys', 'hash', hash, toApiKey));
    },

    listApiKeys(query) {
      return db.run(() => listNewestFirst(db.sql, 'api_keys', apiKeyConditions(query), query.limit, toApiKey));
    },

    revokeApiKey(id, now) {
      return db.run(async () => {
        const [row] = await db.sql<Row[]>`
          UPDATE api_keys SET revoked_at = COALESCE(revoked_at, ${now}) WHERE id = ${id} RETURNING *`;
        return row ? toApiKey(row) : null;
      });
    },

    countApiKeys() {
      return db.run(async () => {
        const [row] = await db.sql<{ n: number }[]>`SELECT count(*) AS n FROM api_keys`;
        return row?.n ?? 0;
      });
    },
  };
}
