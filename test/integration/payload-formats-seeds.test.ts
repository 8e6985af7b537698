// The `acculynx` (seed 003) and `cloudblue` (seed 002) payload formats through the real pipeline to
// a real receiver, field by field against the seeds' own examples, the events and subscriptions
// built to mirror them.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { HttpClient } from '../../src/delivery/http-client.js';
import { initialHealth } from '../../src/domain/health.js';
import { attempt, deliveryJob, PIPELINE_OPTIONS, testClient } from '../helpers/pipeline.js';
import { TestReceiver } from '../helpers/receiver.js';

// Seed 003's example notification, as printed there (its "topicNamee" and "Event" are the seed's
// spelling; Herald writes topicName and event).
const ACCULYNX_SEED = `{
"topicNamee": "job-milestone-changed",
"eventDateTime": "2023-07-11T22:38:57.1993216Z",
"eventId": "a653de1a-84a6-488c-90bc-f6c8e990bf51",
"subscriptionId": "f30009c1-b6e3-432a-9a0e-6932c9fabdd8",
"Event": {
"jobId": "24732e2b-bc9f-4a7a-a0a3-6200902a6fb4",
"companyId": "f218fc64-352c-410d-86b7-36787b88b26e",
"milestoneId": 3,
"milestoneName": "Approved",
"companyUserId": "e38c052d-38ef-4bb7-90d3-9868bb623aed",
"adminId": "d133c31c-78b9-495f-a370-aa2ac43c3545",
"message": "This job was approved",
"actionLocation": null,
"milestoneDate": "2023-07-11T22:38:57.0539859Z"
}
}`;

// Seed 002's example body (the request a handler receives).
const CLOUDBLUE_SEED = `{
"webhook_id": "WH-623-978-334",
"webhook_name": "Tutorial Webhook",
"object_class": "fulfillment_requests",
"account_id": "VA-240-990",
"product_id": "PRD-578-226-824",
"api_url": "https://api.conn.rocks/public/v1/",
"triggered_at": "2021-05-27T09:54:03+00:00",
"last_success_at": null,
"last_failure_at": "2021-05-27T09:52:32+00:00",
"processing_timeout": 600,
"data": {
"purpose": "demo",
"audience": "partners"
}
}`;

describe('payload formats from the seeds', () => {
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

  it('acculynx: seed 003 example field by field, the event data spliced as received, the same bytes every attempt', async () => {
    const seed = JSON.parse(ACCULYNX_SEED);
    const dataJson = JSON.stringify(seed.Event, null, 1); // its own whitespace, which must survive
    const job = deliveryJob(
      `${receiver.url}/acculynx`,
      { id: seed.subscriptionId, payloadFormat: 'acculynx' },
      { eventType: seed.topicNamee, eventId: seed.eventId, eventCreatedAt: Date.parse(seed.eventDateTime), dataJson },
    );
    const outcome = await attempt(job, client);
    assert.equal(outcome.status, 'succeeded');
    const got = receiver.requests.at(-1);
    assert.ok(got);
    assert.equal(got.headers['content-type'], 'application/json');
    const body = JSON.parse(got.body);
    assert.deepEqual(Object.keys(body), ['topicName', 'eventDateTime', 'eventId', 'subscriptionId', 'event']);
    assert.equal(body.topicName, seed.topicNamee);
    // The seed has 100 ns precision; Herald keeps milliseconds, ISO 8601 in UTC.
    assert.equal(body.eventDateTime, '2023-07-11T22:38:57.199Z');
    assert.equal(body.eventId, seed.eventId);
    assert.equal(body.subscriptionId, seed.subscriptionId);
    assert.deepEqual(body.event, seed.Event);
    assert.ok(got.body.endsWith(`"event":${dataJson}}`), 'the stored data text, spliced in');
    await attempt({ ...job, attempts: 1, retries: 1 }, client);
    assert.equal(receiver.requests.at(-1)?.body, got.body, 'a retry sends the same bytes');
  });

  it('cloudblue: seed 002 example field by field, in its order; triggered_at is the attempt time', async () => {
    const seed = JSON.parse(CLOUDBLUE_SEED);
    const job = deliveryJob(
      `${receiver.url}/cloudblue`,
      {
        id: seed.webhook_id,
        name: seed.webhook_name,
        subscriberId: seed.account_id,
        channels: [seed.product_id, 'PRD-000-000-001'],
        timeoutSeconds: 600,
        payloadFormat: 'cloudblue',
        customData: { purpose: 'demo', audience: 'partners' },
        health: { ...initialHealth(true, 0), lastSuccessAt: null, lastFailureAt: Date.parse('2021-05-27T09:52:32Z') },
      },
      { eventType: seed.object_class, dataJson: '{"not":"sent"}' },
    );
    const from = Date.now();
    const outcome = await attempt(job, client, { ...PIPELINE_OPTIONS, publicUrl: 'https://api.conn.rocks/public' });
    assert.equal(outcome.status, 'succeeded');
    const got = receiver.requests.at(-1);
    assert.ok(got);
    const body = JSON.parse(got.body);
    assert.deepEqual(Object.keys(body), Object.keys(seed), "the seed's keys, in its order");
    for (const field of Object.keys(seed)) {
      if (field === 'triggered_at') continue;
      assert.deepEqual(body[field], seed[field], field);
    }
    assert.match(body.triggered_at, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+00:00$/);
    const triggered = Date.parse(body.triggered_at);
    assert.ok(triggered >= Math.floor(from / 1000) * 1000 && triggered <= Date.now());
    assert.ok(!got.body.includes('"sent"'), "the event's own data is not part of seed 002's body");
  });

  it('cloudblue with a last success and no custom data; GET sends no body', async () => {
    const job = deliveryJob(`${receiver.url}/cloudblue`, {
      payloadFormat: 'cloudblue',
      health: { ...initialHealth(true, 0), lastSuccessAt: Date.parse('2026-11-30T08:00:00.400Z'), lastFailureAt: null },
    });
    await attempt(job, client);
    const body = JSON.parse(receiver.requests.at(-1)?.body ?? '');
    assert.equal(body.last_success_at, '2026-11-30T08:00:00+00:00');
    assert.equal(body.last_failure_at, null);
    assert.deepEqual(body.data, {});
    assert.equal(body.api_url, 'https://hooks.example.com/v1/');
    await attempt(deliveryJob(`${receiver.url}/cloudblue`, { payloadFormat: 'cloudblue', method: 'GET' }), client);
    assert.equal(receiver.requests.at(-1)?.body, '');
    assert.equal(receiver.requests.at(-1)?.headers['content-type'], undefined);
  });
});
