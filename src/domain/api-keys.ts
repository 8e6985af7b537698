// API key material and the rules of a new key. A key is shown once; only its SHA-256 is stored, so
// a stolen database does not yield working keys. Keys are long random strings, so a fast hash is
// enough (no password KDF). The API (/v1/api-keys) and the CLI (`herald api-keys create`) both build
// keys with newApiKey, so they accept and refuse the same things.
import { createHash, randomBytes } from 'node:crypto';
import { HeraldError } from './errors.js';
import type { ApiKey, ApiKeyScope } from './glossary.js';
import { newId } from './ids.js';
import { normalizeCidr } from './ip-allow-list.js';

export const API_KEY_PREFIX = 'hk_';
export const API_KEY_NAME_MAX = 256; // characters
export const MAX_ALLOWED_IPS = 100; // CIDR entries per key
export const MAX_KEY_RATE_LIMIT = 1_000_000; // requests per second

export function generateApiKey(): string {
  return API_KEY_PREFIX + randomBytes(32).toString('base64url');
}

export function hashApiKey(key: string): string {
  return createHash('sha256').update(key, 'utf8').digest('hex');
}

/** What a caller asks for when creating a key. */
export interface ApiKeyRequest {
  name: string;
  scope: ApiKeyScope;
  /** Required for, and only for, scope `subscriber`. Whether it exists is the caller's to check. */
  subscriberId?: string | null;
  expiresAt?: number | null;
  allowedIps?: string[] | null;
  rateLimit?: number | null;
}

/** Checks the request and builds the key: the plain key, shown once, and the record to store. */
export function newApiKey(request: ApiKeyRequest, now: number): { key: string; record: ApiKey } {
  const name = request.name.trim();
  if (name === '' || name.length > API_KEY_NAME_MAX)
    throw new HeraldError('validation_failed', `name must be 1 to ${API_KEY_NAME_MAX} characters`);
  const subscriberId = request.subscriberId ?? null;
  if (request.scope === 'subscriber' && subscriberId === null)
    throw new HeraldError('validation_failed', 'subscriberId is required for scope "subscriber"');
  if (request.scope !== 'subscriber' && subscriberId !== null)
    throw new HeraldError('validation_failed', 'subscriberId is only for scope "subscriber"');
  const expiresAt = request.expiresAt ?? null;
  if (expiresAt !== null && !(expiresAt > now)) throw new HeraldError('validation_failed', 'expiresAt must be in the future');
  const rateLimit = request.rateLimit ?? null;
  if (rateLimit !== null && !(Number.isInteger(rateLimit) && rateLimit >= 0 && rateLimit <= MAX_KEY_RATE_LIMIT))
    throw new HeraldError('validation_failed', `rateLimit must be an integer from 0 to ${MAX_KEY_RATE_LIMIT}`);
  const key = generateApiKey();
  return {
    key,
    record: {
      id: newId('key', now),
      name,
      scope: request.scope,
      subscriberId,
      hash: hashApiKey(key),
      createdAt: now,
      expiresAt,
      revokedAt: null,
      allowedIps: request.allowedIps == null ? null : checkAllowedIps(request.allowedIps),
      rateLimit,
    },
  };
}

/** The CIDRs normalized and de-duplicated; throws invalid_cidr naming the first bad one. */
export function checkAllowedIps(entries: readonly string[]): string[] {
  if (entries.length === 0)
    throw new HeraldError('validation_failed', 'allowedIps must hold at least one CIDR; leave it out to allow any address');
  if (entries.length > MAX_ALLOWED_IPS) throw new HeraldError('validation_failed', `allowedIps may hold at most ${MAX_ALLOWED_IPS} CIDRs`);
  const out = new Set<string>();
  for (const entry of entries) {
    const cidr = normalizeCidr(entry.trim());
    if (cidr === null) throw new HeraldError('invalid_cidr', `"${entry.slice(0, 100)}" is not an IPv4 or IPv6 address or CIDR block`);
    out.add(cidr);
  }
  return [...out];
}

/** A key is usable when it is neither revoked nor expired. */
export function isActive(key: Pick<ApiKey, 'revokedAt' | 'expiresAt'>, now: number): boolean {
  return key.revokedAt === null && (key.expiresAt === null || key.expiresAt > now);
}
