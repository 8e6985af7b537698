import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { ADMIN_KEY, seed, startApi, type TestApi } from './api-helpers.js';

describe('API operations routes', () => {
  let api: TestApi;
  before(async () => {
    api = await startApi();
  });
  after(() => api.close());

  test('healthz and readyz', async () => {
    const health = await api.raw({ method: 'GET', url: '/healthz' });
    assert.equal(health.status, 200);
    assert.deepEqual(health.body, { status: 'ok' });
    const ready = await api.raw({ method: 'GET', url: '/readyz' });
    assert.equal(ready.status, 200);
    assert.deepEqual(ready.body, { status: 'ready' });
  });

  test('metrics in Prometheus text, counting ingest', async () => {
    const ids = await seed(api);
    const read = async () => (await api.raw({ method: 'GET', url: '/metrics' })).text;
    const value = (text: string, name: string) => Number(new RegExp(`^${name} (\\S+)$`, 'm').exec(text)?.[1] ?? Number.NaN);
    const before = await read();
    for (const name of ['herald_events_ingested_total', 'herald_messages_created_total', 'herald_inflight_attempts']) {
      assert.ok(Number.isFinite(value(before, name)), name);
    }
    assert.match(before, /^herald_attempts_total\{outcome="succeeded"\} \d+/m);
    assert.match(before, /^herald_attempts_total\{outcome="failed"\} \d+/m);
    assert.match(before, /^herald_attempt_duration_seconds_bucket\{le="0\.1"\}/m);
    assert.match(before, /^process_cpu_user_seconds_total/m, 'default metrics');

    await api.call('POST', '/v1/events', { type: ids.eventType, data: {} });
    await api.call('POST', '/v1/events', { type: ids.eventType, data: {}, idempotencyKey: 'm-1' });
    await api.call('POST', '/v1/events', { type: ids.eventType, data: {}, idempotencyKey: 'm-1' }); // a replay counts nothing
    const after = await read();
    assert.equal(value(after, 'herald_events_ingested_total') - value(before, 'herald_events_ingested_total'), 2);
    assert.equal(value(after, 'herald_messages_created_total') - value(before, 'herald_messages_created_total'), 2);
    const res = await api.raw({ method: 'GET', url: '/metrics' });
    assert.match(String(res.headers['content-type']), /^text\/plain/);
  });

  test('metrics: one metric by name, nothing for an unknown name, 400 for a malformed one', async () => {
    const one = await api.raw({ method: 'GET', url: '/metrics?name=herald_events_ingested_total' });
    assert.equal(one.status, 200);
    assert.match(one.text, /^herald_events_ingested_total \d+$/m);
    assert.doesNotMatch(one.text, /herald_messages_created_total|process_cpu/);
    const unknown = await api.raw({ method: 'GET', url: '/metrics?name=no_such_metric' });
    assert.equal(unknown.status, 200);
    assert.equal(unknown.text, '');
    const bad = await api.raw({ method: 'GET', url: '/metrics?name=not-a-name' });
    assert.equal(bad.status, 400);
    assert.equal(bad.body.code, 'validation_failed');
  });

  test('OpenAPI document generated from the routes', async () => {
    const res = await api.raw({ method: 'GET', url: '/openapi.json' });
    assert.equal(res.status, 200);
    const doc = res.body;
    assert.equal(doc.openapi, '3.1.0');
    assert.deepEqual(doc.components.securitySchemes.bearer, { type: 'http', scheme: 'bearer', description: 'An API key' });
    const routes: [string, string][] = [
      ['get', '/v1/event-types'],
      ['post', '/v1/event-types'],
      ['get', '/v1/event-types/{name}'],
      ['patch', '/v1/event-types/{name}'],
      ['delete', '/v1/event-types/{name}'],
      ['get', '/v1/subscribers'],
      ['post', '/v1/subscribers'],
      ['get', '/v1/subscribers/{id}'],
      ['patch', '/v1/subscribers/{id}'],
      ['delete', '/v1/subscribers/{id}'],
      ['get', '/v1/subscribers/{id}/subscriptions'],
      ['post', '/v1/subscribers/{id}/subscriptions'],
      ['get', '/v1/subscriptions/{id}'],
      ['patch', '/v1/subscriptions/{id}'],
      ['delete', '/v1/subscriptions/{id}'],
      ['get', '/v1/subscriptions/{id}/secret'],
      ['get', '/v1/subscriptions/{id}/stats'],
      ['post', '/v1/subscriptions/{id}/recover'],
      ['post', '/v1/subscriptions/{id}/secret/rotate'],
      ['post', '/v1/subscriptions/{id}/test'],
      ['post', '/v1/events'],
      ['post', '/v1/events/batch'],
      ['get', '/v1/events'],
      ['get', '/v1/events/{id}'],
      ['get', '/v1/messages'],
      ['get', '/v1/messages/{id}'],
      ['delete', '/v1/messages/{id}'],
      ['post', '/v1/messages/{id}/resend'],
      ['get', '/v1/messages/{id}/attempts'],
      ['get', '/v1/attempts'],
      ['get', '/healthz'],
      ['get', '/readyz'],
      ['get', '/metrics'],
    ];
    for (const [method, path] of routes) assert.ok(doc.paths[path]?.[method], `${method} ${path}`);
    const ingest = doc.paths['/v1/events'].post;
    const bodySchema = ingest.requestBody.content['application/json'].schema;
    assert.deepEqual([...bodySchema.required].sort(), ['data', 'type']);
    assert.ok(ingest.responses['202']);
    assert.deepEqual(doc.paths['/healthz'].get.security, []);
    const filters = doc.paths['/v1/attempts'].get.parameters.map((p: { name: string }) => p.name);
    for (const f of ['limit', 'cursor', 'subscriberId', 'subscriptionId', 'eventType', 'status', 'since', 'until', 'statusCode']) {
      assert.ok(filters.includes(f), f);
    }
    assert.equal(doc.paths['/openapi.json'], undefined);
  });

  test('Swagger UI at /docs', async () => {
    const res = await api.app.inject({ method: 'GET', url: '/docs/' });
    assert.equal(res.statusCode, 200);
    assert.match(res.body, /swagger/i);
  });
});

describe('API roles', () => {
  test('worker serves only health, readiness and metrics', async () => {
    const api = await startApi({ role: 'worker' });
    try {
      for (const url of ['/healthz', '/readyz', '/metrics']) assert.equal((await api.raw({ method: 'GET', url })).status, 200, url);
      for (const url of ['/v1/subscribers', '/openapi.json', '/docs']) {
        const res = await api.call('GET', url);
        assert.equal(res.status, 404, url);
        assert.equal(res.body.code, 'route_not_found');
      }
    } finally {
      await api.close();
    }
  });

  test('api serves /v1', async () => {
    const api = await startApi({ role: 'api' });
    try {
      assert.equal((await api.call('GET', '/v1/subscribers')).status, 200);
    } finally {
      await api.close();
    }
  });
});

describe('API when the database is gone', () => {
  test('readyz answers 503; other routes 500 internal_error without internals', async () => {
    const api = await startApi();
    try {
      await api.store.close();
      const ready = await api.app.inject({ method: 'GET', url: '/readyz' });
      assert.equal(ready.statusCode, 503);
      assert.equal(ready.json().code, 'store_unavailable');
      assert.equal((await api.app.inject({ method: 'GET', url: '/healthz' })).statusCode, 200, 'alive all the same');

      const res = await api.app.inject({ method: 'GET', url: '/v1/subscribers', headers: { authorization: `Bearer ${ADMIN_KEY}` } });
      assert.equal(res.statusCode, 500);
      assert.deepEqual(res.json(), { code: 'internal_error', message: 'Internal error' });
      const viaKey = await api.app.inject({ method: 'GET', url: '/v1/subscribers', headers: { authorization: 'Bearer some-other-key' } });
      assert.equal(viaKey.statusCode, 500);
      assert.doesNotMatch(viaKey.body, /database|sqlite|stack|at /i);
    } finally {
      await api.close();
    }
  });
});
