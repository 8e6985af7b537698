// The attempt pipeline (src/delivery/attempt.ts) against a real receiver on 127.0.0.1: each stage
// seen from the receiving side. Gate: a disabled subscription is not called and its message fails.
// Format: `standard` and `raw` bodies, none for GET. Authorize: Standard Webhooks headers the
// standardwebhooks package verifies, with both secrets during a rotation. Classify: the message's
// next state. Recorded: custom header values redacted.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { Webhook } from 'standardwebhooks';
import { runAttempt } from '../../src/delivery/attempt.js';
import { HttpClient } from '../../src/delivery/http-client.js';
import { guardedConnector, networkPolicy } from '../../src/delivery/ssrf.js';
import type { Subscription } from '../../src/domain/glossary.js';
import { newId } from '../../src/domain/ids.js';
import type { DeliveryJob } from '../../src/store/store.js';
import { TEST_ALLOWED_NETWORKS } from '../helpers/herald.js';
import { TestReceiver } from '../helpers/receiver.js';

const SECRET = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw';
const OLD_SECRET = 'whsec_bmV3c2VjcmV0bmV3c2VjcmV0bmV3c2VjcmV0';
const OPTIONS = { retryInterval: 1, maxRetries: 6, userAgent: 'Herald-Test' };

describe('attempt pipeline', () => {
  let receiver: TestReceiver;
  let client: HttpClient;
  before(async () => {
    receiver = await new TestReceiver().start();
    const policy = networkPolicy({ allowedNetworks: TEST_ALLOWED_NETWORKS, requireHttps: false });
    client = new HttpClient({ connectionsPerOrigin: 4, responseBodyCapBytes: 20_480, connect: guardedConnector({ policy }) });
  });
  after(async () => {
    await client?.close();
    await receiver?.stop();
  });

  const job = (over: Partial<Subscription> = {}, jobOver: Partial<DeliveryJob> = {}): DeliveryJob => ({
    messageId: newId('msg'),
    eventId: newId('evt'),
    eventType: 'order.created',
    eventCreatedAt: Date.parse('2026-12-01T10:00:00.000Z'),
    dataJson: '{"id":7,"total":120.5}',
    attempts: 0,
    retries: 0,
    manual: false,
    subscriberEnabled: true,
    subscription: {
      id: newId('sub'),
      subscriberId: newId('sbr'),
      name: null,
      description: null,
      url: `${receiver.url}/hook`,
      method: 'POST',
      eventTypes: ['*'],
      channels: null,
      headers: {},
      payloadFormat: 'standard',
      retrySchedule: null,
      timeoutSeconds: 5,
      maxInFlight: null,
      rateLimit: null,
      enabled: true,
      secret: SECRET,
      previousSecret: null,
      previousSecretExpiresAt: null,
      createdAt: 0,
      updatedAt: 0,
      ...over,
    },
    ...jobOver,
  });

  it('gate: a disabled subscription is not called; the attempt is recorded as not sent and the message fails', async () => {
    const before = receiver.requests.length;
    const outcome = await runAttempt(job({ enabled: false }), client, OPTIONS);
    assert.equal(receiver.requests.length, before, 'nothing sent');
    assert.equal(outcome.status, 'failed');
    assert.equal(outcome.nextAttemptAt, null);
    assert.equal(outcome.attempt.statusCode, null);
    assert.equal(outcome.attempt.error, 'disabled: not sent: the subscription or its subscriber is disabled');
    assert.deepEqual(outcome.attempt.requestHeaders, {});
  });

  it('format and authorize: a standard body, signed so that standardwebhooks verifies it', async () => {
    const j = job({ headers: { 'x-api-key': 'hunter2' } });
    const outcome = await runAttempt(j, client, OPTIONS);
    const got = receiver.requests.at(-1);
    assert.ok(got);
    assert.equal(got.body, '{"type":"order.created","timestamp":"2026-12-01T10:00:00.000Z","data":{"id":7,"total":120.5}}');
    assert.equal(got.headers['content-type'], 'application/json');
    assert.equal(got.headers['user-agent'], 'Herald-Test');
    assert.equal(got.headers['x-api-key'], 'hunter2');
    assert.equal(got.headers['webhook-id'], j.messageId);
    const headers = Object.fromEntries(['webhook-id', 'webhook-timestamp', 'webhook-signature'].map((h) => [h, String(got.headers[h])]));
    assert.deepEqual(new Webhook(SECRET).verify(got.body, headers), JSON.parse(got.body));
    assert.equal(outcome.status, 'succeeded');
    assert.equal(outcome.attempt.statusCode, 204);
    assert.equal(outcome.attempt.requestHeaders['x-api-key'], '[redacted]', 'custom header values are not recorded');
    assert.equal(outcome.attempt.requestHeaders['webhook-signature'], headers['webhook-signature']);
  });

  it('during a rotation both secrets sign; raw sends the data as received', async () => {
    await runAttempt(
      job({ payloadFormat: 'raw', previousSecret: OLD_SECRET, previousSecretExpiresAt: Date.now() + 60_000 }),
      client,
      OPTIONS,
    );
    const got = receiver.requests.at(-1);
    assert.ok(got);
    assert.equal(got.body, '{"id":7,"total":120.5}');
    const signatures = String(got.headers['webhook-signature']).split(' ');
    assert.equal(signatures.length, 2);
    const signed: Record<string, string> = {
      'webhook-id': String(got.headers['webhook-id']),
      'webhook-timestamp': String(got.headers['webhook-timestamp']),
      'webhook-signature': String(got.headers['webhook-signature']),
    };
    for (const secret of [SECRET, OLD_SECRET]) assert.deepEqual(new Webhook(secret).verify(got.body, signed), JSON.parse(got.body));
  });

  it('a GET sends no body and no Content-Type, and is still signed', async () => {
    await runAttempt(job({ method: 'GET' }), client, OPTIONS);
    const got = receiver.requests.at(-1);
    assert.ok(got);
    assert.equal(got.method, 'GET');
    assert.equal(got.body, '');
    assert.equal(got.headers['content-type'], undefined);
    assert.match(String(got.headers['webhook-signature']), /^v1,/);
  });

  it('classify: a 500 is retried on the schedule, a 410 fails the message and disables the subscription', async () => {
    receiver.script(500, 410);
    const retried = await runAttempt(job(), client, OPTIONS);
    assert.equal(retried.status, 'retrying');
    assert.equal(retried.retries, 1);
    assert.equal(retried.attempt.error, 'HTTP 500');
    assert.ok(retried.nextAttemptAt !== null && retried.nextAttemptAt > Date.now());
    const gone = await runAttempt(job(), client, OPTIONS);
    assert.equal(gone.status, 'failed');
    assert.equal(gone.disableSubscription, true);
  });
});
