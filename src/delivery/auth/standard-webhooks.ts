// Standard Webhooks signatures (https://www.standardwebhooks.com): the signed content is
// "{webhook-id}.{webhook-timestamp}.{body}", HMAC-SHA256 keyed with the base64-decoded secret
// (after its `whsec_` prefix), sent as `webhook-signature: v1,<base64>`.
// As a stage of the pipeline (when the subscription's `signing` is on) it sets webhook-id (the message id, the same on every attempt), webhook-timestamp
// and webhook-signature, signed with the current secret and, during a rotation, the previous one.
import { createHmac, createSecretKey, type KeyObject } from 'node:crypto';
import { signingSecrets } from '../../domain/glossary.js';
import type { Signer } from './authorizer.js';

const SECRET_PREFIX = 'whsec_';
// secret → its key, imported once (an HMAC keyed with a KeyObject skips re-importing raw bytes on
// every request); secrets are few and long-lived.
const keyCache = new Map<string, KeyObject>();

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

export const standardWebhooks: Signer = {
  sign(job, request, { now }) {
    const timestamp = Math.floor(now / 1000);
    request.headers['webhook-id'] = job.messageId;
    request.headers['webhook-timestamp'] = String(timestamp);
    request.headers['webhook-signature'] = signingSecrets(job.subscription, now)
      .map((secret) => sign(secret, job.messageId, timestamp, request.body))
      .join(' ');
  },
};
