// Every input limit, each refused with a clear 4xx and a stable code, nothing changed: the 10 MB
// default body limit over real HTTP (with and without Content-Length), JSON nesting depth, custom
// subscription headers (names, values, reserved names, counts and sizes), the event type grammar on
// every route that takes a name, and the URL length.
import assert from 'node:assert/strict';
import { request } from 'node:http';
import { after, before, describe, it } from 'node:test';
import { MAX_JSON_DEPTH } from '../../src/api/json-limits.js';
import { ADMIN_KEY, removeDir, startTestHerald, type TestHerald } from '../helpers/herald.js';
import { assertError, seed, startApi, type TestApi } from './api-helpers.js';

const TEN_MB = 10 * 1024 * 1024; // the default HERALD_PAYLOAD_LIMIT_BYTES

/** POSTs `size` bytes of a JSON event to a real server, with or without Content-Length; answers status and body. */
function postLarge(url: string, size: number, chunked: boolean): Promise<{ status: number; body: string }> {
  const head = '{"type":"big.event","data":"';
  const tail = '"}';
  const filler = Buffer.alloc(size - head.length - tail.length, 'x');
  return new Promise((resolve, reject) => {
    const req = request(`${url}/v1/events`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${ADMIN_KEY}`,
        'content-type': 'application/json',
        ...(chunked ? {} : { 'content-length': String(size) }),
      },
    });
    req.on('response', (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
    });
    req.on('error', reject);
    req.write(head);
    // In pieces, so the server may answer before everything is sent; writes after its answer may fail.
    const PIECE = 1024 * 1024;
    for (let at = 0; at < filler.length; at += PIECE) req.write(filler.subarray(at, at + PIECE));
    req.end(tail);
  });
}

describe('the default 10 MB body limit, over HTTP', () => {
  let h: TestHerald;
  before(async () => {
    h = await startTestHerald();
    assert.equal(h.config.payloadLimitBytes, TEN_MB);
    assert.equal((await h.api('POST', '/v1/event-types', { name: 'big.event' })).status, 201);
  });
  after(async () => {
    await h.stop();
    removeDir(h.dir);
  });

  for (const chunked of [false, true]) {
    it(`a body one byte over 10 MB → 413 payload_too_large (${chunked ? 'chunked' : 'Content-Length'})`, async () => {
      const res = await postLarge(h.url, TEN_MB + 1, chunked);
      assert.equal(res.status, 413, res.body.slice(0, 200));
      assert.equal(JSON.parse(res.body).code, 'payload_too_large');
      assert.equal((await h.api<{ data: unknown[] }>('GET', '/v1/events')).body.data.length, 0, 'nothing stored');
    });
  }

  it('a body of exactly 10 MB is accepted', async () => {
    const res = await postLarge(h.url, TEN_MB, false);
    assert.equal(res.status, 202, res.body.slice(0, 200));
  });
});

describe('limits through the API', () => {
  let api: TestApi;
  let ids: Awaited<ReturnType<typeof seed>>;
  const json = { authorization: `Bearer ${ADMIN_KEY}`, 'content-type': 'application/json' };
  const nested = (depth: number) => `${'['.repeat(depth - 1)}1${']'.repeat(depth - 1)}`; // `depth` levels with the event object

  before(async () => {
    api = await startApi();
    ids = await seed(api);
  });
  after(() => api.close());

  const events = async () => (await api.call('GET', '/v1/events?limit=1000')).body.data.length;
  const subscriptionsCount = async () =>
    (await api.call('GET', `/v1/subscribers/${ids.subscriberId}/subscriptions?limit=1000`)).body.data.length;

  it(`JSON nested deeper than ${MAX_JSON_DEPTH} levels → 400 json_too_deep, before it is parsed`, async () => {
    const event = (depth: number) => `{"type":"${ids.eventType}","data":${nested(depth)}}`;
    const accepted = await api.raw({ method: 'POST', url: '/v1/events', payload: event(MAX_JSON_DEPTH), headers: json });
    assert.equal(accepted.status, 202, accepted.text);
    const before = await events();
    assertError(
      await api.raw({ method: 'POST', url: '/v1/events', payload: event(MAX_JSON_DEPTH + 1), headers: json }),
      400,
      'json_too_deep',
    );
    // A million levels: refused quickly, not a stack overflow and a 500.
    const started = Date.now();
    const huge = `{"type":"${ids.eventType}","data":${'['.repeat(1_000_000)}${']'.repeat(1_000_000)}}`;
    assertError(await api.raw({ method: 'POST', url: '/v1/events', payload: huge, headers: json }), 400, 'json_too_deep');
    assert.ok(Date.now() - started < 5_000);
    // Objects count as much as arrays; unbalanced input is still found.
    const objects = `{"type":"${ids.eventType}","data":${'{"a":'.repeat(MAX_JSON_DEPTH)}1${'}'.repeat(MAX_JSON_DEPTH)}}`;
    assertError(await api.raw({ method: 'POST', url: '/v1/events', payload: objects, headers: json }), 400, 'json_too_deep');
    assertError(await api.raw({ method: 'POST', url: '/v1/subscribers', payload: '['.repeat(100), headers: json }), 400, 'json_too_deep');
    assert.equal(await events(), before, 'nothing stored');
  });

  it('brackets inside strings do not count towards the depth', async () => {
    const data = { text: '[[[[{{{{'.repeat(100), quote: 'a \\" [[[[ "'.repeat(20) };
    const res = await api.call('POST', '/v1/events', { type: ids.eventType, data });
    assert.equal(res.status, 202, res.text);
  });

  it('custom headers: names, values, reserved names, counts and sizes', async () => {
    const url = `/v1/subscribers/${ids.subscriberId}/subscriptions`;
    const valid = { url: 'https://receiver.example.com/hooks', eventTypes: [ids.eventType] };
    const before = await subscriptionsCount();
    const many = (n: number, valueLength = 1) =>
      Object.fromEntries(Array.from({ length: n }, (_, i) => [`x-h${i}`, 'v'.repeat(valueLength)]));
    const bad: [Record<string, unknown>, number, string][] = [
      [{ 'X-Ok': 'a\r\nInjected: yes' }, 422, 'invalid_header'],
      [{ 'X-Ok': 'a\nb' }, 422, 'invalid_header'],
      [{ 'X-Ok': 'a\rb' }, 422, 'invalid_header'],
      [{ 'X-Ok': 'a\u0000b' }, 400, 'invalid_string'], // refused for every field, before the header rules
      [{ 'X-Ok': 'a\u0007b' }, 422, 'invalid_header'],
      [{ 'X-Ok': 'euro €' }, 422, 'invalid_header'],
      [{ 'X Bad': 'v' }, 422, 'invalid_header'],
      [{ 'X-Bad:': 'v' }, 422, 'invalid_header'],
      [{ '': 'v' }, 422, 'invalid_header'],
      [{ 'X\nY': 'v' }, 422, 'invalid_header'],
      [{ Host: 'internal.example' }, 422, 'invalid_header'],
      [{ 'Content-Length': '1' }, 422, 'invalid_header'],
      [{ 'transfer-encoding': 'chunked' }, 422, 'invalid_header'],
      [{ Connection: 'close' }, 422, 'invalid_header'],
      [{ Expect: '100-continue' }, 422, 'invalid_header'],
      [{ 'webhook-id': 'msg_forged' }, 422, 'invalid_header'],
      [{ 'Webhook-Timestamp': '1' }, 422, 'invalid_header'],
      [{ 'WEBHOOK-SIGNATURE': 'v1,forged' }, 422, 'invalid_header'],
      [{ 'webhook-anything': 'x' }, 422, 'invalid_header'],
      [{ 'X-Dup': 'a', 'x-dup': 'b' }, 422, 'invalid_header'],
      [{ ['x'.repeat(257)]: 'v' }, 422, 'invalid_header'],
      [{ 'X-Long': 'v'.repeat(8_193) }, 400, 'validation_failed'],
      [many(65), 400, 'validation_failed'],
      [many(3, 8_000), 422, 'invalid_header'], // each value fits, all together are over 16 KB
    ];
    for (const [headers, status, code] of bad) {
      const res = await api.call('POST', url, { ...valid, headers });
      assertError(res, status, code);
      assert.ok(!res.text.includes('Injected: yes\r'), 'the message quotes no raw line breaks');
    }
    assert.equal(await subscriptionsCount(), before, 'nothing created');

    const ok = await api.call('POST', url, {
      ...valid,
      headers: { Authorization: 'Bearer t0k3n', 'X-Tab': 'a\tb', 'X-Latin1': 'café', 'X-Name': 'x'.repeat(256), ...many(60, 200) },
    });
    assert.equal(ok.status, 201, ok.text);
    for (const [headers, status, code] of bad.slice(0, 5)) {
      assertError(await api.call('PATCH', `/v1/subscriptions/${ok.body.id}`, { headers }), status, code);
    }
    assert.equal((await api.call('GET', `/v1/subscriptions/${ok.body.id}`)).body.headers.Authorization, 'Bearer t0k3n', 'unchanged');
  });

  it('event type names follow one grammar on every route that takes one', async () => {
    const BAD = ['Sales.Order', 'sales order', 'sales..order', '.sales', 'sales.', 'sales/order', 'säles', 'sales.*', '*'];
    const before = (await api.call('GET', '/v1/event-types?limit=1000')).body.data.length;
    for (const name of BAD) {
      assertError(await api.call('POST', '/v1/event-types', { name }), 422, 'invalid_event_type_name');
      assertError(await api.call('POST', '/v1/events', { type: name, data: {} }), 422, 'invalid_event_type_name');
      const batch = await api.call('POST', '/v1/events/batch', { events: [{ type: name, data: {} }] });
      assert.ok(batch.status >= 400 || batch.body.data[0].error?.code === 'invalid_event_type_name', `${name}: ${batch.text}`);
    }
    assertError(await api.call('POST', '/v1/event-types', { name: 'a'.repeat(201) }), 400, 'validation_failed');
    assertError(await api.call('POST', '/v1/events', { type: 'a'.repeat(201), data: {} }), 400, 'validation_failed');
    assert.equal((await api.call('POST', '/v1/event-types', { name: `a.${'b'.repeat(198)}` })).status, 201, '200 characters');
    const sub = `/v1/subscribers/${ids.subscriberId}/subscriptions`;
    for (const pattern of ['Sales.*', 'sales.*.created', '**', 'sales*', '*.created', 'sales.order.']) {
      assertError(
        await api.call('POST', sub, { url: 'https://receiver.example.com/h', eventTypes: [pattern] }),
        422,
        'invalid_event_type_name',
      );
      assertError(
        await api.call('PATCH', `/v1/subscriptions/${ids.subscriptionId}`, { eventTypes: [pattern] }),
        422,
        'invalid_event_type_name',
      );
    }
    // Exact names must be in the catalogue (wildcards need not be).
    for (const name of ['sales.order.created', 'a_b-c.d1']) assert.equal((await api.call('POST', '/v1/event-types', { name })).status, 201);
    for (const pattern of ['*', 'sales.*', 'sales.order.created', 'a_b-c.d1']) {
      assert.equal((await api.call('POST', sub, { url: 'https://receiver.example.com/h', eventTypes: [pattern] })).status, 201, pattern);
    }
    assert.equal((await api.call('GET', '/v1/event-types?limit=1000')).body.data.length, before + 3);
  });

  it('subscription URLs are at most 2048 characters', async () => {
    const sub = `/v1/subscribers/${ids.subscriberId}/subscriptions`;
    const base = 'https://receiver.example.com/';
    const at = (length: number) => base + 'a'.repeat(length - base.length);
    assert.equal((await api.call('POST', sub, { url: at(2_048), eventTypes: [ids.eventType] })).status, 201);
    const before = await subscriptionsCount();
    const res = await api.call('POST', sub, { url: at(2_049), eventTypes: [ids.eventType] });
    assertError(res, 422, 'invalid_url');
    assert.match(res.body.message, /2048/);
    assertError(await api.call('PATCH', `/v1/subscriptions/${ids.subscriptionId}`, { url: at(100_000) }), 422, 'invalid_url');
    assert.equal(await subscriptionsCount(), before);
  });
});
