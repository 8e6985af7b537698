// "Trigger now" (POST /v1/subscriptions/{id}/test, seed 002, DESIGN.md §6): a sample event goes to
// that one subscription through the normal durable path — recorded as an event and a message with
// attempts, retried like any other — signed so the standardwebhooks package verifies it.
import assert from 'node:assert/strict';
import { after, afterEach, before, beforeEach, describe, it } from 'node:test';
import { Webhook } from 'standardwebhooks';
import { removeDir, startTestHerald, type TestHerald } from '../helpers/herald.js';
import { eventually, TestReceiver } from '../helpers/receiver.js';

type Json = Record<string, unknown>;

let h: TestHerald;
let receiver: TestReceiver;

async function subscriber(): Promise<string> {
  return (await h.api('POST', '/v1/subscribers', { name: 'acme' })).body.id as string;
}

async function subscription(subscriberId: string, body: Json = {}): Promise<{ id: string; secret: string }> {
  const res = await h.api('POST', `/v1/subscribers/${subscriberId}/subscriptions`, {
    url: `${receiver.url}/hook`,
    eventTypes: ['invoice.paid'],
    retrySchedule: [0.05],
    ...body,
  });
  assert.equal(res.status, 201, JSON.stringify(res.body));
  return res.body as { id: string; secret: string };
}

const trigger = (id: string, body?: unknown) => h.api('POST', `/v1/subscriptions/${id}/test`, body);

async function settled(messageId: string): Promise<Json> {
  return eventually(
    async () => {
      const m = (await h.api('GET', `/v1/messages/${messageId}`)).body;
      return m.status === 'succeeded' || m.status === 'failed' ? m : null;
    },
    10_000,
    `message ${messageId} to settle`,
  );
}

const messageCount = async () => (await h.api<{ data: Json[] }>('GET', '/v1/messages?limit=100')).body.data.length;

describe('POST /v1/subscriptions/{id}/test', () => {
  before(async () => {
    receiver = await new TestReceiver().start();
  });
  after(async () => {
    await receiver.stop();
  });
  beforeEach(async () => {
    receiver.requests.length = 0;
    receiver.always(204);
    h = await startTestHerald();
    await h.api('POST', '/v1/event-types', { name: 'invoice.paid', description: 'An invoice was paid' });
    await h.api('POST', '/v1/event-types', { name: 'order.shipped', description: 'An order was shipped' });
  });
  afterEach(async () => {
    await h.stop();
    removeDir(h.dir);
  });

  it('sends a signed herald.test event to that subscription only, recorded as a message with its attempt', async () => {
    const sbr = await subscriber();
    const target = await subscription(sbr);
    await subscription(sbr, { eventTypes: ['*'] }); // a sibling matching everything gets nothing
    const res = await trigger(target.id);
    assert.equal(res.status, 202, JSON.stringify(res.body));
    const messageId = res.body.id as string;
    assert.match(messageId, /^msg_/);
    assert.equal(res.body.eventType, 'herald.test');
    assert.equal(res.body.subscriptionId, target.id);
    assert.equal(res.body.subscriberId, sbr);
    assert.equal(res.body.status, 'pending');

    await receiver.waitFor(1);
    const req = receiver.requests[0]!;
    assert.equal(req.headers['webhook-id'], messageId);
    const payload = new Webhook(target.secret).verify(req.body, req.headers as Record<string, string>) as Json;
    assert.equal(payload.type, 'herald.test');
    assert.equal((payload.data as Json).subscriptionId, target.id);

    const message = await settled(messageId);
    assert.equal(message.status, 'succeeded');
    const attempts = await h.api<{ data: Json[] }>('GET', `/v1/messages/${messageId}/attempts`);
    assert.equal(attempts.body.data.length, 1);
    assert.equal(attempts.body.data[0]!.statusCode, 204);
    const event = await h.api('GET', `/v1/events/${res.body.eventId}`);
    assert.equal(event.status, 200);
    assert.equal(event.body.type, 'herald.test');
    assert.equal(event.body.subscriberId, sbr);
    await new Promise((r) => setTimeout(r, 200));
    assert.equal(receiver.requests.length, 1, 'the sibling subscription got nothing');
    assert.equal(await messageCount(), 1);
  });

  it('sends a given catalogue type and data, even one the subscription does not subscribe to', async () => {
    const target = await subscription(await subscriber(), { payloadFormat: 'raw' });
    const res = await trigger(target.id, { type: 'order.shipped', data: { order: 'SO-9', lines: [1, 2] } });
    assert.equal(res.status, 202, JSON.stringify(res.body));
    await receiver.waitFor(1);
    const req = receiver.requests[0]!;
    assert.deepEqual(new Webhook(target.secret).verify(req.body, req.headers as Record<string, string>), { order: 'SO-9', lines: [1, 2] });
  });

  it('retries a failed test delivery like any other message', async () => {
    const target = await subscription(await subscriber());
    receiver.script(500);
    const res = await trigger(target.id);
    assert.equal(res.status, 202);
    const message = await settled(res.body.id as string);
    assert.equal(message.status, 'succeeded');
    assert.equal(message.attempts, 2);
    assert.equal(receiver.requests.length, 2);
    assert.equal(receiver.requests[0]!.headers['webhook-id'], receiver.requests[1]!.headers['webhook-id']);
  });

  it('rejects bad input with a clear 4xx and creates nothing', async () => {
    const sbr = await subscriber();
    const target = await subscription(sbr);
    const disabled = await subscription(sbr, { enabled: false });
    const cases: [string, unknown, number, string][] = [
      [target.id, { type: 'no.such.type' }, 422, 'unknown_event_type'],
      [target.id, { type: 'Not A Name' }, 422, 'invalid_event_type_name'],
      [target.id, { type: 7 }, 400, 'validation_failed'],
      [target.id, { extra: true }, 400, 'validation_failed'],
      [target.id, '{oops', 400, 'invalid_json'],
      [disabled.id, undefined, 409, 'subscription_disabled'],
      ['sub_00000000000000000000000000', undefined, 404, 'not_found'],
      ['not-an-id', undefined, 404, 'not_found'],
    ];
    for (const [id, body, status, code] of cases) {
      const res = await trigger(id, body);
      assert.equal(res.status, status, `${id} ${JSON.stringify(body)} → ${JSON.stringify(res.body)}`);
      assert.equal(res.body.code, code);
    }
    await h.api('PATCH', `/v1/subscribers/${sbr}`, { enabled: false });
    const offSubscriber = await trigger(target.id);
    assert.equal(offSubscriber.status, 409);
    assert.equal(offSubscriber.body.code, 'subscription_disabled');
    assert.equal(await messageCount(), 0);
    assert.equal((await h.api<{ data: Json[] }>('GET', '/v1/events')).body.data.length, 0);
    assert.equal(receiver.requests.length, 0);
  });
});
