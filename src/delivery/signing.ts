// Standard Webhooks signatures (https://www.standardwebhooks.com): the signed content is
// "{webhook-id}.{webhook-timestamp}.{body}", HMAC-SHA256 keyed with the base64-decoded secret
// (after its `whsec_` prefix), sent as `webhook-signature: v1,<base64>`.
import { createHmac, randomBytes } from 'node:crypto';

const SECRET_PREFIX = 'whsec_';
const keyCache = new Map<string, Buffer>(); // secret → decoded key; secrets are few and long-lived

export function generateSecret(): string {
  return SECRET_PREFIX + randomBytes(24).toString('base64');
}

export function secretKey(secret: string): Buffer {
  let key = keyCache.get(secret);
  if (!key) {
    key = Buffer.from(secret.startsWith(SECRET_PREFIX) ? secret.slice(SECRET_PREFIX.length) : secret, 'base64');
    if (keyCache.size > 10_000) keyCache.clear();
    keyCache.set(secret, key);
  }
  return key;
}

/** `v1,<base64 HMAC-SHA256>` of `{id}.{timestamp}.{body}`. */
export function sign(secret: string, id: string, timestampSeconds: number | string, body: string): string {
  return `v1,${createHmac('sha256', secretKey(secret)).update(`${id}.${timestampSeconds}.${body}`).digest('base64')}`;
}
