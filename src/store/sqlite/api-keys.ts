// API keys, found by the hash of the secret (revoked and expired ones too: the caller decides).
import type { ApiKey } from '../../domain/glossary.js';
import { apiKeyConditions } from '../filters.js';
import type { ApiKeyStore } from '../store.js';
import { onConflict, type SqliteConnection } from './connection.js';
import { jsonOrNull, newestFirst, oneRow, toApiKey } from './rows.js';

export function apiKeyStore(db: SqliteConnection): ApiKeyStore {
  const getApiKey = async (id: string): Promise<ApiKey | null> => oneRow(db, 'SELECT * FROM api_keys WHERE id = ?', [id], toApiKey);
  return {
    async createApiKey(k) {
      onConflict('The API key already exists', () =>
        db.run(
          `INSERT INTO api_keys (id, name, scope, subscriber_id, hash, created_at, expires_at, revoked_at, allowed_ips, rate_limit)
           VALUES (@id, @name, @scope, @subscriberId, @hash, @createdAt, @expiresAt, @revokedAt, @allowedIps, @rateLimit)`,
          { ...k, allowedIps: jsonOrNull(k.allowedIps) },
        ),
      );
      return k;
    },

    getApiKey,

    async findApiKeyByHash(hash) {
      return oneRow(db, 'SELECT * FROM api_keys WHERE hash = ?', [hash], toApiKey);
    },

    async listApiKeys(q) {
      return newestFirst(db, 'api_keys', apiKeyConditions(q), q.limit, toApiKey);
    },

    async revokeApiKey(id, now) {
      db.run('UPDATE api_keys SET revoked_at = coalesce(revoked_at, ?) WHERE id = ?', [now, id]);
      return getApiKey(id);
    },

    async countApiKeys() {
      return db.get('SELECT count(*) AS n FROM api_keys')?.n as number;
    },
  };
}
