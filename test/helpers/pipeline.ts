// The attempt pipeline as tests run it: options (a probe gate that always lets the job through),
// an HTTP client whose SSRF policy allows loopback (or the production policy, for tests of the
// guard), and a delivery job for a subscription built with subscriptionFixture.
import assert from 'node:assert/strict';
import { type PipelineOptions, runAttempt } from '../../src/delivery/attempt.js';
import { ProbeGate } from '../../src/delivery/gate.js';
import { HttpClient } from '../../src/delivery/http-client.js';
import { guardedConnector, networkPolicy } from '../../src/delivery/ssrf.js';
import type { Subscription } from '../../src/domain/glossary.js';
import { newId } from '../../src/domain/ids.js';
import type { AttemptOutcome, DeliveryJob } from '../../src/store/store.js';
import { subscriptionFixture } from './fixtures.js';
import { TEST_ALLOWED_NETWORKS } from './herald.js';

export const PUBLIC_URL = 'https://hooks.example.com';

export const PIPELINE_OPTIONS: PipelineOptions = {
  retryInterval: 1,
  maxRetries: 6,
  userAgent: 'Herald-Test',
  publicUrl: PUBLIC_URL,
  probes: new ProbeGate({ startProbe: async () => ({ send: true, probe: false }) }, 1_000),
};

/** A delivery client; `allowedNetworks` as HERALD_ALLOWED_NETWORKS ('' is production's default). */
export function testClient(allowedNetworks = TEST_ALLOWED_NETWORKS): HttpClient {
  const policy = networkPolicy({ allowedNetworks, requireHttps: false });
  return new HttpClient({ connectionsPerOrigin: 16, responseBodyCapBytes: 20_480, connect: guardedConnector({ policy }) });
}

/** A job of a fresh message for a subscription to `url`, with `over` for what the test is about. */
export function deliveryJob(url: string, over: Partial<Subscription> = {}, jobOver: Partial<DeliveryJob> = {}): DeliveryJob {
  return {
    messageId: newId('msg'),
    eventId: newId('evt'),
    eventType: 'order.created',
    eventCreatedAt: Date.parse('2026-12-01T10:00:00.000Z'),
    dataJson: '{"id":7,"total":120.5}',
    attempts: 0,
    retries: 0,
    manual: false,
    subscriberEnabled: true,
    subscription: subscriptionFixture({ subscriberId: newId('sbr'), url, timeoutSeconds: 5, ...over }),
    ...jobOver,
  };
}

/** Runs the real pipeline on `job`, which must make an attempt. */
export async function attempt(job: DeliveryJob, client: HttpClient, options: PipelineOptions = PIPELINE_OPTIONS): Promise<AttemptOutcome> {
  const outcome = await runAttempt(job, client, options);
  assert.ok('attempt' in outcome, 'an attempt was made');
  return outcome;
}
