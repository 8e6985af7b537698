// JWT bearer towards receivers (seed 002, CloudBlue Connect), through the real pipeline to a real
// receiver on 127.0.0.1 that verifies the token with jose as a CloudBlue handler would: HS256 keyed
// with the shared secret string. Checked: the header, every claim of the seed's list and no other,
// their types and values, `exp` = triggered_at + processing_timeout, for GET (no body, everything
// in the JWT) and POST with the `cloudblue` body (the claims minus exp); a rotated secret signs with
// the new one only, and a receiver accepting both secrets accepts it; the secret never recorded.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { decodeProtectedHeader, type JWTPayload, jwtVerify } from 'jose';
import type { HttpClient } from '../../src/delivery/http-client.js';
import type { Subscription } from '../../src/domain/glossary.js';
import { initialHealth } from '../../src/domain/health.js';
import { attempt, deliveryJob, PIPELINE_OPTIONS, testClient } from '../helpers/pipeline.js';
import { TestReceiver } from '../helpers/receiver.js';

const SECRET = 'cloudblue-shared-jwt-secret-string';
const OLD_SECRET = 'the-secret-before-the-rotation';
const CLAIMS = [
  'webhook_id',
  'webhook_name',
  'object_class',
  'account_id',
  'product_id',
  'api_url',
  'triggered_at',
  'last_success_at',
  'last_failure_at',
  'processing_timeout',
  'data',
  'exp',
].sort();
const SEED_TIME = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+00:00$/; // 2021-05-27T09:54:03+00:00
const key = (secret: string) => new TextEncoder().encode(secret);

/** Seed 002's example webhook as a Herald subscription. */
function seedSubscription(url: string, over: Partial<Subscription> = {}): Partial<Subscription> {
  return {
    id: 'WH-623-978-334',
    name: 'Tutorial Webhook',
    subscriberId: 'VA-240-990',
    url,
    channels: ['PRD-578-226-824'],
    timeoutSeconds: 600,
    customData: { purpose: 'demo', audience: 'partners' },
    health: { ...initialHealth(true, 0), lastSuccessAt: null, lastFailureAt: Date.parse('2021-05-27T09:52:32Z') },
    auth: { type: 'jwt', secret: SECRET, previousSecret: null, previousSecretExpiresAt: null },
    ...over,
  };
}

function bearer(header: string | string[] | undefined): string {
  assert.equal(typeof header, 'string');
  const match = /^Bearer ([\w-]+\.[\w-]+\.[\w-]+)$/.exec(header as string);
  assert.ok(match, `Authorization: Bearer <JWT>, got ${header}`);
  return match[1] as string;
}

/** Every check of seed 002's claim list on a verified payload, for an attempt made in [from, to]. */
function checkClaims(payload: JWTPayload, from: number, to: number): void {
  assert.deepEqual(Object.keys(payload).sort(), CLAIMS, 'exactly the seed 002 claims and exp');
  assert.equal(payload.webhook_id, 'WH-623-978-334');
  assert.equal(payload.webhook_name, 'Tutorial Webhook');
  assert.equal(payload.object_class, 'fulfillment_requests');
  assert.equal(payload.account_id, 'VA-240-990');
  assert.equal(payload.product_id, 'PRD-578-226-824');
  assert.equal(payload.api_url, 'https://api.conn.rocks/public/v1/');
  assert.match(String(payload.triggered_at), SEED_TIME);
  const triggered = Date.parse(String(payload.triggered_at));
  assert.ok(triggered >= Math.floor(from / 1000) * 1000 && triggered <= to, 'triggered_at is the attempt time');
  assert.equal(payload.last_success_at, null);
  assert.equal(payload.last_failure_at, '2021-05-27T09:52:32+00:00');
  assert.equal(payload.processing_timeout, 600);
  assert.ok(Number.isInteger(payload.processing_timeout));
  assert.deepEqual(payload.data, { purpose: 'demo', audience: 'partners' });
  assert.equal(payload.exp, triggered / 1000 + 600, 'exp = triggered_at + processing_timeout, in seconds');
}

describe('JWT bearer (seed 002)', () => {
  let receiver: TestReceiver;
  let client: HttpClient;
  const options = { ...PIPELINE_OPTIONS, publicUrl: 'https://api.conn.rocks/public' };
  before(async () => {
    receiver = await new TestReceiver().start();
    client = testClient();
  });
  after(async () => {
    await client?.close();
    await receiver?.stop();
  });

  it('GET: no body, every claim in a JWT that jose verifies with the shared secret', async () => {
    const job = deliveryJob('', seedSubscription(`${receiver.url}/handler`, { method: 'GET' }), { eventType: 'fulfillment_requests' });
    const from = Date.now();
    const outcome = await attempt(job, client, options);
    const to = Date.now();
    assert.equal(outcome.status, 'succeeded');
    const got = receiver.requests.at(-1);
    assert.ok(got);
    assert.equal(got.method, 'GET');
    assert.equal(got.body, '');
    assert.equal(got.headers['content-type'], undefined);
    const token = bearer(got.headers.authorization);
    assert.deepEqual(decodeProtectedHeader(token), { typ: 'JWT', alg: 'HS256' });
    const { payload } = await jwtVerify(token, key(SECRET), { algorithms: ['HS256'] });
    checkClaims(payload, from, to);
    await assert.rejects(jwtVerify(token, key('another secret'), { algorithms: ['HS256'] }), 'a wrong secret does not verify');
    assert.equal(outcome.attempt.requestHeaders.authorization, '[redacted]');
    assert.ok(!JSON.stringify(outcome.attempt).includes(token), 'the token is not recorded');
    assert.ok(!JSON.stringify(outcome.attempt).includes(SECRET));
  });

  it('POST with the cloudblue format: the body is the claims minus exp', async () => {
    const job = deliveryJob('', seedSubscription(`${receiver.url}/handler`, { payloadFormat: 'cloudblue' }), {
      eventType: 'fulfillment_requests',
    });
    const from = Date.now();
    const outcome = await attempt(job, client, options);
    const to = Date.now();
    assert.equal(outcome.status, 'succeeded');
    const got = receiver.requests.at(-1);
    assert.ok(got);
    assert.equal(got.method, 'POST');
    assert.equal(got.headers['content-type'], 'application/json');
    const { payload } = await jwtVerify(bearer(got.headers.authorization), key(SECRET), { algorithms: ['HS256'] });
    checkClaims(payload, from, to);
    const { exp: _exp, ...claims } = payload;
    assert.deepEqual(JSON.parse(got.body), claims);
    assert.ok(got.headers['webhook-signature'], 'signing stays on beside the JWT');
  });

  it('processing_timeout is whole seconds, rounded up; webhook_name falls back to the id; no channel: product_id null', async () => {
    const job = deliveryJob(
      `${receiver.url}/handler`,
      { auth: { type: 'jwt', secret: SECRET, previousSecret: null, previousSecretExpiresAt: null }, timeoutSeconds: 2.5, name: null },
      {},
    );
    const outcome = await attempt(job, client, options);
    assert.equal(outcome.status, 'succeeded');
    const { payload } = await jwtVerify(bearer(receiver.requests.at(-1)?.headers.authorization), key(SECRET));
    assert.equal(payload.processing_timeout, 3);
    assert.equal(payload.webhook_name, job.subscription.id);
    assert.equal(payload.product_id, null);
    assert.deepEqual(payload.data, {}, 'no custom data: {}');
    assert.equal(payload.exp, Date.parse(String(payload.triggered_at)) / 1000 + 3);
  });

  it('rotation: the new secret signs; a receiver accepting both secrets during the overlap accepts it', async () => {
    const accepted: string[] = [];
    const rotating = await new TestReceiver().start();
    // A CloudBlue-style handler during the overlap: tries the new secret, then the old one.
    rotating.always((res, req) => {
      const token = /^Bearer (.+)$/.exec(String(req.headers.authorization))?.[1] ?? '';
      (async () => {
        for (const [name, secret] of [
          ['new', SECRET],
          ['old', OLD_SECRET],
        ] as const) {
          try {
            await jwtVerify(token, key(secret), { algorithms: ['HS256'] });
            accepted.push(name);
            res.writeHead(200).end();
            return;
          } catch {}
        }
        res.writeHead(401).end();
      })();
    });
    try {
      const job = deliveryJob(
        '',
        seedSubscription(`${rotating.url}/handler`, {
          auth: { type: 'jwt', secret: SECRET, previousSecret: OLD_SECRET, previousSecretExpiresAt: Date.now() + 3_600_000 },
        }),
        { eventType: 'fulfillment_requests' },
      );
      const outcome = await attempt(job, client, options);
      assert.equal(outcome.status, 'succeeded', 'the receiver accepted the JWT');
      assert.deepEqual(accepted, ['new'], 'signed with the new secret');
      const token = bearer(rotating.requests.at(-1)?.headers.authorization);
      await assert.rejects(jwtVerify(token, key(OLD_SECRET)), 'not signed with the old secret');
      const outcomeAfter = await attempt(
        deliveryJob(
          '',
          seedSubscription(`${rotating.url}/handler`, {
            auth: { type: 'jwt', secret: 'unknown', previousSecret: null, previousSecretExpiresAt: null },
          }),
        ),
        client,
        options,
      );
      assert.equal(outcomeAfter.attempt.statusCode, 401, 'a JWT signed with neither secret is refused');
    } finally {
      await rotating.stop();
    }
  });
});
