// A subscription record as a store takes it, for tests that write to a store or build a delivery
// job directly: every field at its default (src/domain/subscriptions.ts, as the API creates them),
// `over` for what the test is about.
import type { Subscription } from '../../src/domain/glossary.js';
import { initialHealth } from '../../src/domain/health.js';
import { newSubscription } from '../../src/domain/subscriptions.js';

export const FIXTURE_SECRET = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw';

export function subscriptionFixture(over: Partial<Subscription> & Pick<Subscription, 'subscriberId'>): Subscription {
  return newSubscription(
    {
      url: 'https://receiver.example/hook',
      eventTypes: ['*'],
      timeoutSeconds: 30,
      secret: FIXTURE_SECRET,
      health: initialHealth(true, 0),
      ...over,
    },
    over.createdAt ?? Date.now(),
  );
}
