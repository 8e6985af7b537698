// A subscription record as a store takes it, for tests that write to a store or build a delivery
// job directly: every field at its default, `over` for what the test is about. One place, so a new
// subscription setting is added to the tests' records once.
import type { Subscription } from '../../src/domain/glossary.js';
import { initialHealth } from '../../src/domain/health.js';
import { newId } from '../../src/domain/ids.js';

export const FIXTURE_SECRET = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw';

export function subscriptionFixture(over: Partial<Subscription> & Pick<Subscription, 'subscriberId'>): Subscription {
  const at = over.createdAt ?? Date.now();
  return {
    id: newId('sub', at),
    name: null,
    description: null,
    url: 'https://receiver.example/hook',
    method: 'POST',
    eventTypes: ['*'],
    channels: null,
    headers: {},
    payloadFormat: 'standard',
    retrySchedule: null,
    timeoutSeconds: 30,
    maxInFlight: null,
    rateLimit: null,
    filter: null,
    template: null,
    templatePreset: null,
    batch: null,
    auth: null,
    signing: true,
    customData: null,
    enabled: true,
    secret: FIXTURE_SECRET,
    previousSecret: null,
    previousSecretExpiresAt: null,
    health: initialHealth(true, 0),
    createdAt: at,
    updatedAt: at,
    ...over,
  };
}
