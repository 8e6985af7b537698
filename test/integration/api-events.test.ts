import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { assertError, ISO, seed, startApi, type TestApi } from './api-helpers.js';

describe('API /v1/events', () => {
  let api: TestApi;
  let ids: Awaited<ReturnType<typeof seed>>;
  before(async () => {
    api = await startApi();
    ids = await seed(api, { eventType: 'salesorder.created', eventTypes: ['salesorder.*'] });
  });
  after(() => api.close());

  async function messagesOf(eventId: string): Promise<{ subscriptionId: string; status: string }[]> {
    return (await api.call('GET', `/v1/messages?eventId=${eventId}`)).body.data;
  }

  test('ingest answers 202 with the event and its fan-out, committed', async () => {
    const res = await api.call('POST', '/v1/events', { type: 'salesorder.created', data: { orderNo: 'SO-1', lines: [1, 2] } });
    assert.equal(res.status, 202, res.text);
    assert.match(res.body.id, /^evt_[0-9A-Z]{26}$/);
    assert.equal(res.body.type, 'salesorder.created');
    assert.match(res.body.createdAt, ISO);
    assert.equal(res.body.messages, 1);
    assert.deepEqual(Object.keys(res.body).sort(), ['createdAt', 'id', 'messages', 'type']);

    const msgs = await messagesOf(res.body.id);
    assert.equal(msgs.length, 1);
    assert.equal(msgs[0]?.subscriptionId, ids.subscriptionId);
    assert.equal(msgs[0]?.status, 'pending');

    const event = await api.call('GET', `/v1/events/${res.body.id}`);
    assert.equal(event.status, 200);
    assert.deepEqual(event.body, {
      id: res.body.id,
      type: 'salesorder.created',
      data: { orderNo: 'SO-1', lines: [1, 2] },
      idempotencyKey: null,
      subscriberId: null,
      channels: null,
      createdAt: res.body.createdAt,
    });
  });

  test('any JSON value is data; an event nobody wants makes no messages', async () => {
    assert.equal((await api.call('POST', '/v1/event-types', { name: 'nobody.listens' })).status, 201);
    for (const data of [null, 0, 'text', [1, 'two'], { deep: { er: [true] } }]) {
      const res = await api.call('POST', '/v1/events', { type: 'nobody.listens', data });
      assert.equal(res.status, 202, res.text);
      assert.equal(res.body.messages, 0);
      assert.deepEqual((await api.call('GET', `/v1/events/${res.body.id}`)).body.data, data);
    }
  });

  test('broadcast reaches every subscriber; subscriberId scopes to one', async () => {
    const other = await seed(api, { eventType: 'salesorder.created' });
    const broadcast = await api.call('POST', '/v1/events', { type: 'salesorder.created', data: {} });
    assert.equal(broadcast.body.messages, 2);
    const scoped = await api.call('POST', '/v1/events', { type: 'salesorder.created', data: {}, subscriberId: other.subscriberId });
    assert.equal(scoped.status, 202);
    assert.equal(scoped.body.messages, 1);
    assert.deepEqual(
      (await messagesOf(scoped.body.id)).map((m) => m.subscriptionId),
      [other.subscriptionId],
    );
    const event = await api.call('GET', `/v1/events/${scoped.body.id}`);
    assert.equal(event.body.subscriberId, other.subscriberId);
    await api.call('DELETE', `/v1/subscribers/${other.subscriberId}`);
  });

  test('idempotency: same key and body replays, another body conflicts and writes nothing', async () => {
    const body = { type: 'salesorder.created', data: { a: 1, b: [1, 2] }, idempotencyKey: 'order-77' };
    const first = await api.call('POST', '/v1/events', body);
    assert.equal(first.status, 202);
    assert.equal(first.body.messages, 1);

    // Same request, keys in another order: the original result again.
    const again = await api.call('POST', '/v1/events', {
      idempotencyKey: 'order-77',
      data: { b: [1, 2], a: 1 },
      type: 'salesorder.created',
    });
    assert.equal(again.status, 202);
    assert.deepEqual(again.body, first.body);
    assert.equal(again.headers['idempotent-replayed'], 'true');

    const eventsBefore = (await api.call('GET', '/v1/events?limit=1000')).body.data.length;
    const messagesBefore = (await api.call('GET', '/v1/messages?limit=1000')).body.data.length;
    assertError(await api.call('POST', '/v1/events', { ...body, data: { a: 2 } }), 409, 'idempotency_conflict');
    assertError(await api.call('POST', '/v1/events', { ...body, channels: ['x'] }), 409, 'idempotency_conflict');
    assert.equal((await api.call('GET', '/v1/events?limit=1000')).body.data.length, eventsBefore, 'no event written');
    assert.equal((await api.call('GET', '/v1/messages?limit=1000')).body.data.length, messagesBefore, 'no message written');
    assert.equal((await messagesOf(first.body.id)).length, 1);

    // The key is per subscriber scope: the same key for a scoped event is another key.
    const scoped = await api.call('POST', '/v1/events', { ...body, subscriberId: ids.subscriberId });
    assert.equal(scoped.status, 202);
    assert.notEqual(scoped.body.id, first.body.id);
  });

  test('bad events are refused and write nothing', async () => {
    const eventsBefore = (await api.call('GET', '/v1/events?limit=1000')).body.data.length;
    assertError(await api.call('POST', '/v1/events', { type: 'unknown.type', data: {} }), 422, 'unknown_event_type');
    assertError(await api.call('POST', '/v1/events', { type: 'Not A Name', data: {} }), 422, 'invalid_event_type_name');
    assertError(
      await api.call('POST', '/v1/events', { type: 'salesorder.created', data: {}, subscriberId: 'sbr_01ARZ3NDEKTSV4RRFFQ69G5FAV' }),
      422,
      'unknown_subscriber',
    );
    assertError(
      await api.call('POST', '/v1/events', { type: 'salesorder.created', data: {}, subscriberId: 'nobody' }),
      422,
      'unknown_subscriber',
    );
    assertError(await api.call('POST', '/v1/events', { type: 'salesorder.created' }), 400, 'validation_failed');
    assertError(await api.call('POST', '/v1/events', { data: {} }), 400, 'validation_failed');
    assertError(await api.call('POST', '/v1/events', { type: 5, data: {} }), 400, 'validation_failed');
    assertError(
      await api.call('POST', '/v1/events', { type: 'salesorder.created', data: {}, idempotencyKey: 7 }),
      400,
      'validation_failed',
    );
    assertError(
      await api.call('POST', '/v1/events', { type: 'salesorder.created', data: {}, idempotencyKey: '' }),
      400,
      'validation_failed',
    );
    assertError(await api.call('POST', '/v1/events', { type: 'salesorder.created', data: {}, channels: 'c' }), 400, 'validation_failed');
    assertError(await api.call('POST', '/v1/events', { type: 'salesorder.created', data: {}, extra: 1 }), 400, 'validation_failed');
    assertError(await api.call('POST', '/v1/events', [{ type: 'salesorder.created', data: {} }]), 400, 'validation_failed');
    assertError(await api.call('POST', '/v1/events', 'salesorder.created'), 400, 'validation_failed');
    assert.equal((await api.call('GET', '/v1/events?limit=1000')).body.data.length, eventsBefore);
  });

  test('batch: a result or an error per event, in request order', async () => {
    const ok = (n: number) => ({ type: 'salesorder.created', data: { n } });
    const res = await api.call('POST', '/v1/events/batch', {
      events: [
        ok(1),
        { type: 'unknown.type', data: {} },
        ok(2),
        { type: 'Bad Name', data: {} },
        { type: 'salesorder.created', data: {}, subscriberId: 'sbr_01ARZ3NDEKTSV4RRFFQ69G5FAV' },
        { ...ok(3), idempotencyKey: 'batch-1' },
      ],
    });
    assert.equal(res.status, 202, res.text);
    const data = res.body.data;
    assert.equal(data.length, 6);
    assert.equal(data[0].messages, 1);
    assert.deepEqual(data[1].error.code, 'unknown_event_type');
    assert.equal(typeof data[1].error.message, 'string');
    assert.equal(data[2].messages, 1);
    assert.equal(data[3].error.code, 'invalid_event_type_name');
    assert.equal(data[4].error.code, 'unknown_subscriber');
    assert.match(data[5].id, /^evt_/);
    for (const [i, n] of [
      [0, 1],
      [2, 2],
      [5, 3],
    ]) {
      assert.deepEqual((await api.call('GET', `/v1/events/${data[i as number].id}`)).body.data, { n });
    }

    const replay = await api.call('POST', '/v1/events/batch', {
      events: [
        { ...ok(3), idempotencyKey: 'batch-1' },
        { ...ok(4), idempotencyKey: 'batch-1' },
      ],
    });
    assert.equal(replay.status, 202);
    assert.deepEqual(replay.body.data[0], data[5]);
    assert.equal(replay.body.data[1].error.code, 'idempotency_conflict');

    const single = await api.call('POST', '/v1/events', { ...ok(3), idempotencyKey: 'batch-1' });
    assert.deepEqual(single.body, data[5], 'batch and single share idempotency');
  });

  test('batch bad input', async () => {
    assertError(await api.call('POST', '/v1/events/batch', { events: [] }), 400, 'validation_failed');
    assertError(await api.call('POST', '/v1/events/batch', {}), 400, 'validation_failed');
    assertError(await api.call('POST', '/v1/events/batch', [{ type: 'salesorder.created', data: 1 }]), 400, 'validation_failed');
    assertError(await api.call('POST', '/v1/events/batch', { events: [{ type: 'salesorder.created' }] }), 400, 'validation_failed');
    const tooMany = Array.from({ length: 1001 }, () => ({ type: 'salesorder.created', data: 1 }));
    assertError(await api.call('POST', '/v1/events/batch', { events: tooMany }), 400, 'validation_failed');
    const full = await api.call('POST', '/v1/events/batch', { events: tooMany.slice(1) });
    assert.equal(full.status, 202);
    assert.equal(full.body.data.length, 1000);
    assert.equal(new Set(full.body.data.map((r: { id: string }) => r.id)).size, 1000);
  });

  test('list and filter events, newest first', async () => {
    assert.equal((await api.call('POST', '/v1/event-types', { name: 'invoice.paid' })).status, 201);
    const since = new Date().toISOString();
    const a = (await api.call('POST', '/v1/events', { type: 'invoice.paid', data: 1 })).body.id;
    const b = (await api.call('POST', '/v1/events', { type: 'invoice.paid', data: 2, subscriberId: ids.subscriberId })).body.id;
    const byType = await api.call('GET', '/v1/events?type=invoice.paid');
    assert.deepEqual(
      byType.body.data.map((e: { id: string }) => e.id),
      [b, a],
    );
    const bySubscriber = await api.call('GET', `/v1/events?type=invoice.paid&subscriberId=${ids.subscriberId}`);
    assert.deepEqual(
      bySubscriber.body.data.map((e: { id: string }) => e.id),
      [b],
    );
    const window = await api.call('GET', `/v1/events?since=${encodeURIComponent(since)}&limit=1`);
    assert.equal(window.body.data[0].id, b);
    const next = await api.call('GET', `/v1/events?since=${encodeURIComponent(since)}&limit=1&cursor=${window.body.nextCursor}`);
    assert.equal(next.body.data[0].id, a);
    const past = await api.call('GET', '/v1/events?until=2000-01-01T00:00:00Z');
    assert.deepEqual(past.body.data, []);
    assert.equal(past.body.nextCursor, null);

    assertError(await api.call('GET', '/v1/events/evt_01ARZ3NDEKTSV4RRFFQ69G5FAV'), 404, 'not_found');
    assertError(await api.call('GET', '/v1/events/../../etc'), 404, 'route_not_found');
    assertError(await api.call('GET', '/v1/events/whatever'), 404, 'not_found');
    assertError(await api.call('GET', '/v1/events?since=tuesday'), 400, 'validation_failed');
  });
});
