// A new subscription (DESIGN.md §9, "subscription construction"): what its creator gave, and every
// setting it did not give at its default, decided here once for the /v1 API, the Jiwa routes and
// the tests' records. No I/O and no checks: callers check what they were given first.
import { randomBytes } from 'node:crypto';
import type { Subscription } from './glossary.js';
import { initialHealth } from './health.js';
import { newId } from './ids.js';

const SECRET_BYTES = 24; // Standard Webhooks asks for at least 24 random bytes

/** A new Standard Webhooks signing secret: `whsec_` + base64 of 24 random bytes. */
export function newSecret(): string {
  return `whsec_${randomBytes(SECRET_BYTES).toString('base64')}`;
}

/** What a creator must give; everything else has a default (a field given as undefined too). */
export type SubscriptionFields = Pick<Subscription, 'subscriberId' | 'url' | 'eventTypes' | 'timeoutSeconds'> & {
  [K in keyof Subscription]?: Subscription[K] | undefined;
};

/** A subscription created at `now`: `fields`, and for the rest no name, POST, every channel, no
 *  custom headers, the `standard` format, the default retry schedule, the adaptive cap, no rate
 *  limit, filter, template or batch, signature-only auth, no custom data, enabled, a fresh signing
 *  secret, and the health of a new subscription. */
export function newSubscription(fields: SubscriptionFields, now: number): Subscription {
  const enabled = fields.enabled ?? true;
  const given = Object.fromEntries(Object.entries(fields).filter(([, value]) => value !== undefined)) as Partial<Subscription>;
  return {
    id: newId('sub', now),
    name: null,
    description: null,
    method: 'POST',
    channels: null,
    headers: {},
    payloadFormat: 'standard',
    retrySchedule: null,
    maxInFlight: null,
    rateLimit: null,
    filter: null,
    template: null,
    templatePreset: null,
    batch: null,
    auth: null,
    signing: true,
    customData: null,
    enabled,
    secret: newSecret(),
    previousSecret: null,
    previousSecretExpiresAt: null,
    health: initialHealth(enabled, now),
    createdAt: now,
    updatedAt: now,
    ...given,
  } as Subscription;
}
