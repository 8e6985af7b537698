// The typed client (herald/client) against a real Herald over HTTP: typed calls, paging, and the
// API's errors as HeraldApiError. typedCalls at the end is for `tsc`: a call the API would refuse
// must not compile (npm run lint fails if one does).
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { buildUrl, createClient, HeraldApiError, type HeraldClient, listAll } from '../../src/client/index.js';
import { closedPort } from '../helpers/cli.js';
import { ADMIN_KEY, removeDir, startTestHerald, type TestHerald } from '../helpers/herald.js';
import { TestReceiver } from '../helpers/receiver.js';

async function rejectsWith(
  promise: Promise<unknown>,
  expected: { code: string; status: number; message?: RegExp },
): Promise<HeraldApiError> {
  const err = await promise.then(
    () => assert.fail(`expected ${expected.code}`),
    (e: unknown) => e,
  );
  assert.ok(err instanceof HeraldApiError, String(err));
  assert.equal(err.code, expected.code, err.message);
  assert.equal(err.status, expected.status, err.message);
  if (expected.message) assert.match(err.message, expected.message);
  return err;
}

describe('herald/client', () => {
  let h: TestHerald;
  let receiver: TestReceiver;
  let client: HeraldClient;
  before(async () => {
    h = await startTestHerald();
    receiver = await new TestReceiver().start();
    client = createClient({ baseUrl: `${h.url}/`, key: ADMIN_KEY });
  });
  after(async () => {
    await receiver.stop();
    await h.stop();
    removeDir(h.dir);
  });

  it('makes typed calls: create, send, list with filters, get, patch, resend', async () => {
    await client.post('/v1/event-types', { body: { name: 'order.created', description: 'An order was placed' } });
    const subscriber = await client.post('/v1/subscribers', { body: { name: 'Acme' } });
    const subscription = await client.post('/v1/subscribers/{id}/subscriptions', {
      params: { id: subscriber.id },
      body: { url: `${receiver.url}/hooks`, eventTypes: ['order.created'] },
    });
    assert.match(subscription.id, /^sub_/);
    assert.equal(subscription.health.status, 'healthy');

    const event = await client.post('/v1/events', { body: { type: 'order.created', data: { id: 7 } } });
    assert.equal(event.messages, 1);
    await receiver.waitFor(1);
    assert.deepEqual(JSON.parse(receiver.requests[0]!.body).data, { id: 7 });

    let messages = await client.get('/v1/messages', { query: { subscriptionId: subscription.id } });
    for (let i = 0; i < 100 && messages.data[0]?.status !== 'succeeded'; i++) {
      await new Promise((r) => setTimeout(r, 50));
      messages = await client.get('/v1/messages', { query: { subscriptionId: subscription.id } });
    }
    assert.equal(messages.data.length, 1);
    const message = messages.data[0]!;
    assert.equal(message.status, 'succeeded');
    assert.equal(message.eventId, event.id);
    assert.equal((await client.get('/v1/messages', { query: { subscriptionId: subscription.id, status: 'failed' } })).data.length, 0);

    const got = await client.get('/v1/messages/{id}', { params: { id: message.id } });
    assert.equal(got.subscriptionId, subscription.id);
    const attempts = await client.get('/v1/messages/{id}/attempts', { params: { id: message.id } });
    assert.equal(attempts.data[0]?.statusCode, 204);

    const disabled = await client.patch('/v1/subscriptions/{id}', { params: { id: subscription.id }, body: { enabled: false } });
    assert.equal(disabled.enabled, false);
    await client.patch('/v1/subscriptions/{id}', { params: { id: subscription.id }, body: { enabled: true } });
    const resent = await client.post('/v1/messages/{id}/resend', { params: { id: message.id } });
    assert.equal(resent.id, message.id);
    await receiver.waitFor(2);
    // A path without a key or parameters.
    assert.deepEqual(await createClient({ baseUrl: h.url }).get('/healthz'), { status: 'ok' });
  });

  it('listAll follows nextCursor page by page and stops at max', async () => {
    for (const name of ['P1', 'P2', 'P3']) await client.post('/v1/subscribers', { body: { name } });
    const all = await listAll(client, '/v1/subscribers', { pageSize: 1 });
    assert.equal(all.truncated, false);
    assert.ok(all.items.length >= 4, `${all.items.length}`);
    assert.equal(new Set(all.items.map((s) => s.id)).size, all.items.length, 'no item twice');
    const two = await listAll(client, '/v1/subscribers', { pageSize: 1, max: 2 });
    assert.deepEqual(
      two.items.map((s) => s.id),
      all.items.slice(0, 2).map((s) => s.id),
    );
    assert.equal(two.truncated, true);
  });

  it("throws HeraldApiError with the API's code, message and status", async () => {
    const missing = await rejectsWith(client.get('/v1/subscriptions/{id}', { params: { id: 'sub_01JAAAAAAAAAAAAAAAAAAAAAAA' } }), {
      code: 'not_found',
      status: 404,
    });
    assert.ok(missing.message.length > 0);
    await rejectsWith(client.post('/v1/events', { body: { type: 'no.such.type', data: {} } }), { code: 'unknown_event_type', status: 422 });
    await rejectsWith(createClient({ baseUrl: h.url }).get('/v1/subscribers'), { code: 'unauthorized', status: 401 });
    await rejectsWith(createClient({ baseUrl: h.url, key: 'not-a-key-of-this-herald' }).get('/v1/subscribers'), {
      code: 'unauthorized',
      status: 401,
    });
    const port = await closedPort();
    await rejectsWith(createClient({ baseUrl: `http://127.0.0.1:${port}` }).get('/healthz'), {
      code: 'server_unreachable',
      status: 0,
      message: new RegExp(`cannot reach Herald at http://127\\.0\\.0\\.1:${port}: ECONNREFUSED`),
    });
  });

  it('fills path parameters encoded and leaves unset query values out', () => {
    assert.equal(
      buildUrl('http://h:1/', '/v1/event-types/{name}', { name: 'a/b c' }, { limit: 5, cursor: undefined, status: ['failed', 'retrying'] }),
      'http://h:1/v1/event-types/a%2Fb%20c?limit=5&status=failed&status=retrying',
    );
    assert.throws(() => buildUrl('http://h:1', '/v1/subscriptions/{id}', {}, {}), /needs params\.id/);
    assert.throws(() => createClient({ baseUrl: 'ftp://x' }), /http\(s\) URL/);
  });
});

/** Never called: `tsc` (npm run lint) checks that these compile, and that the marked ones do not. */
export async function typedCalls(c: HeraldClient): Promise<unknown[]> {
  const s = await c.get('/v1/subscriptions/{id}', { params: { id: 'x' } });
  const health: 'healthy' | 'degraded' | 'failing' | 'disabled' = s.health.status;
  const recovered = await c.post('/v1/subscriptions/{id}/recover', { params: { id: 'x' }, body: { since: 'x', status: ['failed'] } });
  const counts: number = recovered.messages + recovered.inFlight;
  // @ts-expect-error the path needs params.id
  await c.get('/v1/subscriptions/{id}');
  // @ts-expect-error not a message status
  await c.get('/v1/messages', { query: { status: 'lost' } });
  // @ts-expect-error an event needs a body
  await c.post('/v1/events');
  // @ts-expect-error no such path
  await c.get('/v1/nothing');
  // @ts-expect-error subscriptions are not PUT
  await c.request('put', '/v1/subscriptions/{id}', { params: { id: 'x' } });
  return [health, counts];
}
