// Basic and API-key auth towards receivers (seed 004) and the `signing` switch, through the real
// pipeline to a real receiver on 127.0.0.1: the headers arrive as configured, the Standard Webhooks
// signature stays on beside an auth method unless `signing` is false, and the attempt record holds
// no credential (Authorization and the API key header read `[redacted]`).
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { Webhook } from 'standardwebhooks';
import type { HttpClient } from '../../src/delivery/http-client.js';
import type { AttemptOutcome } from '../../src/store/store.js';
import { FIXTURE_SECRET } from '../helpers/fixtures.js';
import { attempt, deliveryJob, testClient } from '../helpers/pipeline.js';
import { TestReceiver } from '../helpers/receiver.js';

const SIGNATURE_HEADERS = ['webhook-id', 'webhook-timestamp', 'webhook-signature'];

function noCredential(outcome: AttemptOutcome, ...credentials: string[]): void {
  const recorded = JSON.stringify(outcome.attempt);
  for (const credential of credentials) assert.ok(!recorded.includes(credential), `${credential} is not in the attempt record`);
}

describe('auth methods towards receivers', () => {
  let receiver: TestReceiver;
  let client: HttpClient;
  before(async () => {
    receiver = await new TestReceiver().start();
    client = testClient();
  });
  after(async () => {
    await client?.close();
    await receiver?.stop();
  });

  it('basic: Authorization: Basic base64(username:password), signed as well, recorded redacted', async () => {
    const outcome = await attempt(
      deliveryJob(`${receiver.url}/hook`, { auth: { type: 'basic', username: 'herald', password: 'pä:ss wörd' } }),
      client,
    );
    const got = receiver.requests.at(-1);
    assert.ok(got);
    const expected = `Basic ${Buffer.from('herald:pä:ss wörd', 'utf8').toString('base64')}`;
    assert.equal(got.headers.authorization, expected);
    const [user, ...rest] = Buffer.from(String(got.headers.authorization).slice(6), 'base64').toString('utf8').split(':');
    assert.deepEqual([user, rest.join(':')], ['herald', 'pä:ss wörd']);
    const signed = Object.fromEntries(SIGNATURE_HEADERS.map((h) => [h, String(got.headers[h])]));
    assert.deepEqual(new Webhook(FIXTURE_SECRET).verify(got.body, signed), JSON.parse(got.body), 'signing stays on beside auth');
    assert.equal(outcome.status, 'succeeded');
    assert.equal(outcome.attempt.requestHeaders.authorization, '[redacted]');
    assert.equal(outcome.attempt.requestHeaders['webhook-signature'], signed['webhook-signature']);
    noCredential(outcome, expected, 'pä:ss wörd', expected.slice(6));
  });

  it('apiKey: the configured header and value, replacing a custom header of that name, recorded redacted', async () => {
    const outcome = await attempt(
      deliveryJob(`${receiver.url}/hook`, {
        auth: { type: 'apiKey', header: 'X-API-Key', value: 'key-0f8e3c' },
        headers: { 'x-api-key': 'custom-value', 'x-tenant': 'acme' },
      }),
      client,
    );
    const got = receiver.requests.at(-1);
    assert.ok(got);
    assert.equal(got.headers['x-api-key'], 'key-0f8e3c');
    assert.equal(got.headers['x-tenant'], 'acme');
    assert.ok(got.headers['webhook-signature']);
    assert.equal(outcome.attempt.requestHeaders['x-api-key'], '[redacted]');
    assert.equal(outcome.attempt.requestHeaders['x-tenant'], '[redacted]', 'custom header values stay redacted');
    assert.equal(outcome.attempt.requestHeaders['user-agent'], 'Herald-Test', 'other headers are recorded as sent');
    noCredential(outcome, 'key-0f8e3c', 'custom-value');
  });

  it('signing: false sends no webhook-* headers; with an auth method, only its header', async () => {
    await attempt(deliveryJob(`${receiver.url}/hook`, { signing: false }), client);
    let got = receiver.requests.at(-1);
    assert.ok(got);
    for (const h of SIGNATURE_HEADERS) assert.equal(got.headers[h], undefined, `no ${h}`);
    assert.equal(got.headers.authorization, undefined);

    const outcome = await attempt(
      deliveryJob(`${receiver.url}/hook`, { signing: false, auth: { type: 'apiKey', header: 'Authorization', value: 'Token abc' } }),
      client,
    );
    got = receiver.requests.at(-1);
    assert.ok(got);
    for (const h of SIGNATURE_HEADERS) assert.equal(got.headers[h], undefined, `no ${h}`);
    assert.equal(got.headers.authorization, 'Token abc');
    assert.deepEqual(Object.keys(outcome.attempt.requestHeaders).sort(), ['authorization', 'content-type', 'user-agent']);
    assert.equal(outcome.attempt.requestHeaders.authorization, '[redacted]');
  });

  it('no auth and signing on (the defaults): only the signature', async () => {
    const outcome = await attempt(deliveryJob(`${receiver.url}/hook`), client);
    const got = receiver.requests.at(-1);
    assert.ok(got);
    for (const h of SIGNATURE_HEADERS) assert.ok(got.headers[h], h);
    assert.equal(got.headers.authorization, undefined);
    assert.deepEqual(Object.keys(outcome.attempt.requestHeaders).sort(), ['content-type', 'user-agent', ...SIGNATURE_HEADERS].sort());
  });
});
