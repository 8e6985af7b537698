// Standard Webhooks signatures (https://www.standardwebhooks.com): the signed content is
// "{webhook-id}.{webhook-timestamp}.{body}", HMAC-SHA256 keyed with the base64-decoded secret
// (after its `whsec_` prefix), sent as `webhook-signature: v1,<base64>`.
import { createHmac, createSecretKey, type KeyObject, randomBytes } from 'node:crypto';

const SECRET_PREFIX = 'whsec_';
// secret → its key, imported once (an HMAC keyed with a KeyObject skips re-importing raw bytes on
// every request); secrets are few and long-lived.
const keyCache = new Map<string, KeyObject>();

export function generateSecret(): string {
  return SECRET_PREFIX + randomBytes(24).toString('base64');
}

export function secretKey(secret: string): KeyObject {
  let key = keyCache.get(secret);
  if (!key) {
    key = createSecretKey(Buffer.from(secret.startsWith(SECRET_PREFIX) ? secret.slice(SECRET_PREFIX.length) : secret, 'base64'));
    if (keyCache.size > 10_000) keyCache.clear();
    keyCache.set(secret, key);
  }
  return key;
}

/** `v1,<base64 HMAC-SHA256>` of `{id}.{timestamp}.{body}`. */
export function sign(secret: string, id: string, timestampSeconds: number | string, body: string): string {
  return `v1,${createHmac('sha256', secretKey(secret)).update(`${id}.${timestampSeconds}.`).update(body).digest('base64')}`;
}
