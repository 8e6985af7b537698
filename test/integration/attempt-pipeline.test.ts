// The attempt pipeline (src/delivery/attempt.ts) against a real receiver on 127.0.0.1: each stage
// seen from the receiving side. Gate: a disabled subscription is not called and its message fails;
// an open breaker holds the job back without an attempt, and once its window has come one job is
// the probe (the store's startProbe is scripted here; test/store/contract/queue.ts checks it). Format: `standard` and `raw` bodies, none for GET. Authorize: Standard Webhooks headers the
// standardwebhooks package verifies, with both secrets during a rotation. Classify: the message's
// next state and what the answer says about the endpoint. Recorded: custom header values redacted.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { Webhook } from 'standardwebhooks';
import { runAttempt } from '../../src/delivery/attempt.js';
import { ProbeGate } from '../../src/delivery/gate.js';
import { HttpClient } from '../../src/delivery/http-client.js';
import { guardedConnector, networkPolicy } from '../../src/delivery/ssrf.js';
import type { Subscription } from '../../src/domain/glossary.js';
import { initialHealth, type ProbeVerdict } from '../../src/domain/health.js';
import { newId } from '../../src/domain/ids.js';
import type { AttemptOutcome, DeliveryJob } from '../../src/store/store.js';
import { subscriptionFixture } from '../helpers/fixtures.js';
import { TEST_ALLOWED_NETWORKS } from '../helpers/herald.js';
import { TestReceiver } from '../helpers/receiver.js';

const SECRET = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw';
const OLD_SECRET = 'whsec_bmV3c2VjcmV0bmV3c2VjcmV0bmV3c2VjcmV0';
/** What the store's startProbe answered, and to whom: the tests script it. */
const probeCalls: { subscriptionId: string; manual: boolean }[] = [];
let probeAnswer: ProbeVerdict = { send: true, probe: true };
const OPTIONS = {
  retryInterval: 1,
  maxRetries: 6,
  userAgent: 'Herald-Test',
  publicUrl: 'http://localhost:8080',
  probes: new ProbeGate(
    {
      startProbe: async (subscriptionId, _now, _leaseEnds, manual) => {
        probeCalls.push({ subscriptionId, manual });
        return probeAnswer;
      },
    },
    1_000,
  ),
};

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
    subscription: subscriptionFixture({
      subscriberId: newId('sbr'),
      url: `${receiver.url}/hook`,
      timeoutSeconds: 5,
      secret: SECRET,
      createdAt: 0,
      ...over,
    }),
    ...jobOver,
  });

  /** Runs the pipeline on `j`, which must make an attempt. */
  async function attempt(j: DeliveryJob): Promise<AttemptOutcome> {
    const outcome = await runAttempt(j, client, OPTIONS);
    assert.ok('attempt' in outcome, 'an attempt was made');
    return outcome;
  }

  it('gate: a disabled subscription is not called; the attempt is recorded as not sent and the message fails', async () => {
    const before = receiver.requests.length;
    const outcome = await attempt(job({ enabled: false }));
    assert.equal(receiver.requests.length, before, 'nothing sent');
    assert.equal(outcome.status, 'failed');
    assert.equal(outcome.nextAttemptAt, null);
    assert.equal(outcome.attempt.statusCode, null);
    assert.equal(outcome.attempt.error, 'disabled: not sent: the subscription or its subscriber is disabled');
    assert.deepEqual(outcome.attempt.requestHeaders, {});
  });

  it('format and authorize: a standard body, signed so that standardwebhooks verifies it', async () => {
    const j = job({ headers: { 'x-api-key': 'hunter2' } });
    const outcome = await attempt(j);
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
    await attempt(job({ payloadFormat: 'raw', previousSecret: OLD_SECRET, previousSecretExpiresAt: Date.now() + 60_000 }));
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
    await attempt(job({ method: 'GET' }));
    const got = receiver.requests.at(-1);
    assert.ok(got);
    assert.equal(got.method, 'GET');
    assert.equal(got.body, '');
    assert.equal(got.headers['content-type'], undefined);
    assert.match(String(got.headers['webhook-signature']), /^v1,/);
  });

  it('classify: a 500 is retried on the schedule, a 410 fails the message and disables the subscription', async () => {
    receiver.script(500, 410);
    const retried = await attempt(job());
    assert.equal(retried.status, 'retrying');
    assert.equal(retried.retries, 1);
    assert.equal(retried.attempt.error, 'HTTP 500');
    assert.ok(retried.nextAttemptAt !== null && retried.nextAttemptAt > Date.now());
    const gone = await attempt(job());
    assert.equal(gone.status, 'failed');
    assert.equal(gone.health, 'gone');
  });

  it('classify: what each answer says about the endpoint (the breaker counts faults)', async () => {
    receiver.script(204, 500, 503, 404, 429, 302);
    const signals = [];
    for (let i = 0; i < 6; i++) signals.push((await attempt(job())).health);
    assert.deepEqual(signals, ['success', 'fault', 'fault', 'rejected', 'rejected', 'rejected']);
    const refused = await attempt(job({ url: 'http://127.0.0.1:1/hook' }));
    assert.equal(refused.attempt.statusCode, null);
    assert.equal(refused.health, 'fault', 'no answer is a fault');
    assert.equal((await attempt(job({ enabled: false }))).health, null, 'nothing sent says nothing');
  });

  const open = (until: number, over: Partial<Subscription> = {}) =>
    job({
      health: {
        ...initialHealth(true, 0),
        status: 'failing',
        reason: 'breaker_open',
        breaker: 'open',
        breakerUntil: until,
        breakerOpenedAt: 0,
      },
      ...over,
    });

  it('gate: an open breaker holds the job back, without a request or an attempt, until its probe window', async () => {
    const before = receiver.requests.length;
    const until = Date.now() + 60_000;
    const j = open(until);
    const outcome = await runAttempt(j, client, OPTIONS);
    assert.deepEqual(outcome, {
      deferred: true,
      messageId: j.messageId,
      subscriptionId: j.subscription.id,
      nextAttemptAt: until,
      signal: 'neutral',
    });
    assert.equal(receiver.requests.length, before, 'nothing sent');
    assert.equal(probeCalls.length, 0, 'the store is not asked before the window');
  });

  it('gate: once the window has come, one job of a claim asks to be the probe; the others wait for it', async () => {
    probeCalls.length = 0;
    probeAnswer = { send: true, probe: true };
    const shared = open(Date.now() - 1);
    const before = receiver.requests.length;
    const probe = await runAttempt(shared, client, OPTIONS);
    assert.ok('attempt' in probe, 'the probe goes out');
    assert.equal(probe.attempt.statusCode, 204);
    assert.equal(probe.probe, true, 'recorded as the probe');
    assert.equal(receiver.requests.length, before + 1);
    // Another job of the same claim (the same subscription object) does not ask again: it waits
    // until the probe's lease ends (its timeout of 5 s and the margin of 1 s).
    const other = await runAttempt({ ...shared, messageId: newId('msg') }, client, OPTIONS);
    assert.ok('deferred' in other);
    assert.ok(
      other.nextAttemptAt > Date.now() + 5_000 && other.nextAttemptAt <= Date.now() + 6_000,
      `${other.nextAttemptAt - Date.now()} ms`,
    );
    assert.equal(probeCalls.length, 1);
    assert.equal(receiver.requests.length, before + 1);
    // Another worker won it: wait until the store says. The breaker closed meanwhile: go.
    probeAnswer = { send: false, until: Date.now() + 30_000 };
    const lost = await runAttempt(open(Date.now() - 1), client, OPTIONS);
    assert.deepEqual('deferred' in lost && lost.nextAttemptAt, probeAnswer.until);
    probeAnswer = { send: true, probe: false };
    assert.ok('attempt' in (await runAttempt(open(Date.now() - 1), client, OPTIONS)));
    // A person's resend need not wait for the cool-down: it asks at once, as manual.
    probeAnswer = { send: true, probe: true };
    const resent = { ...open(Date.now() + 60_000), manual: true };
    assert.ok('attempt' in (await runAttempt(resent, client, OPTIONS)));
    assert.deepEqual(probeCalls.at(-1), { subscriptionId: resent.subscription.id, manual: true });
    assert.equal(probeCalls.length, 4);
  });
});
