import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { ADMIN_KEY, assertError, seed, startApi, type TestApi } from './api-helpers.js';

const LIMIT = 2_048; // bytes: a small payload limit to test 413 with

describe('API error answers', () => {
  let api: TestApi;
  let ids: Awaited<ReturnType<typeof seed>>;
  const auth = { authorization: `Bearer ${ADMIN_KEY}` };
  const json = { ...auth, 'content-type': 'application/json' };

  before(async () => {
    api = await startApi({ config: { payloadLimitBytes: LIMIT } });
    ids = await seed(api);
  });
  after(() => api.close());

  async function eventCount(): Promise<number> {
    return (await api.call('GET', '/v1/events?limit=1000')).body.data.length;
  }

  test('malformed JSON → 400 invalid_json', async () => {
    for (const payload of ['{bad', '{"type": "salesorder.created", "data": ', 'nul', '{"a":1}}', "{'single': 1}"]) {
      assertError(await api.raw({ method: 'POST', url: '/v1/events', payload, headers: json }), 400, 'invalid_json');
    }
    const poisoned = '{"type":"salesorder.created","data":{"__proto__":{"admin":true}}}';
    assertError(await api.raw({ method: 'POST', url: '/v1/events', payload: poisoned, headers: json }), 400, 'invalid_json');
    assertError(await api.raw({ method: 'POST', url: '/v1/subscribers', payload: '{"name":', headers: json }), 400, 'invalid_json');
    assert.equal(await eventCount(), 0);
  });

  test('an empty body where one is required → 400 validation_failed', async () => {
    assertError(await api.raw({ method: 'POST', url: '/v1/events', payload: '', headers: json }), 400, 'validation_failed');
    assertError(await api.raw({ method: 'POST', url: '/v1/events', headers: auth }), 400, 'validation_failed');
    assertError(await api.raw({ method: 'POST', url: '/v1/events', payload: 'null', headers: json }), 400, 'validation_failed');
  });

  test('validation details say where', async () => {
    const res = await api.call('POST', '/v1/events', { type: 5 });
    assertError(res, 400, 'validation_failed');
    assert.ok(Array.isArray(res.body.details));
    const paths = res.body.details.map((d: { path: string }) => d.path);
    assert.ok(paths.includes('/type'), res.text);
    assert.ok(res.body.details.every((d: { in: string }) => d.in === 'body'));

    const bad = await api.call('POST', '/v1/events/batch', { events: Array.from({ length: 150 }, () => ({ type: 1 })) });
    assertError(bad, 400, 'validation_failed');
    assert.ok(bad.body.details.length <= 20, 'details are capped');
    assert.equal(bad.body.details[0].path, '/events/0');
  });

  test('wrong content type → 415', async () => {
    const payload = JSON.stringify({ type: 'salesorder.created', data: {} });
    for (const type of ['text/plain', 'application/x-www-form-urlencoded', 'application/xml', 'multipart/form-data; boundary=x']) {
      assertError(
        await api.raw({ method: 'POST', url: '/v1/events', payload, headers: { ...auth, 'content-type': type } }),
        415,
        'unsupported_media_type',
      );
    }
    assertError(await api.raw({ method: 'POST', url: '/v1/events', payload, headers: auth }), 415, 'unsupported_media_type');
    const ok = await api.raw({
      method: 'POST',
      url: '/v1/events',
      payload,
      headers: { ...auth, 'content-type': 'application/json; charset=utf-8' },
    });
    assert.equal(ok.status, 202);
  });

  test('a body over the payload limit → 413 and nothing written', async () => {
    const before = await eventCount();
    const big = { type: ids.eventType, data: { blob: 'x'.repeat(LIMIT) } };
    assertError(await api.call('POST', '/v1/events', big), 413, 'payload_too_large');
    assertError(await api.call('POST', '/v1/events/batch', { events: [big] }), 413, 'payload_too_large');
    assertError(await api.call('POST', '/v1/subscribers', { name: 'y'.repeat(LIMIT) }), 413, 'payload_too_large');
    assert.equal(await eventCount(), before);
    const fits = { type: ids.eventType, data: { blob: 'x'.repeat(LIMIT - 200) } };
    assert.equal((await api.call('POST', '/v1/events', fits)).status, 202);
  });

  test('unknown routes → 404 route_not_found; another method of a known route → 405 with Allow', async () => {
    assertError(await api.call('GET', '/v1/nothing-here'), 404, 'route_not_found');
    assertError(await api.call('GET', '/nothing'), 404, 'route_not_found');
    assertError(await api.call('GET', '/v2/subscribers'), 404, 'route_not_found');
    const put = await api.call('PUT', '/v1/subscribers', { name: 'x' });
    assertError(put, 405, 'method_not_allowed');
    assert.equal(put.headers.allow, 'GET, HEAD, POST');
    const patch = await api.call('PATCH', '/v1/events/evt_01ARZ3NDEKTSV4RRFFQ69G5FAV', {});
    assertError(patch, 405, 'method_not_allowed');
    assert.equal(patch.headers.allow, 'GET, HEAD');
    assertError(await api.call('DELETE', '/Webhooks/Events'), 405, 'method_not_allowed');
    assert.equal((await api.call('GET', '/v1/subscribers/')).status, 200, 'a trailing slash is ignored');
  });
});
