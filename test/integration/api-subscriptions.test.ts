import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { assertError, ISO, startApi, type TestApi } from './api-helpers.js';

describe('API subscriptions', () => {
  let api: TestApi;
  let subscriberId: string;
  before(async () => {
    api = await startApi({ config: { maxTimeoutSeconds: 60, timeoutSeconds: 20 } });
    subscriberId = (await api.call('POST', '/v1/subscribers', { name: 'Acme' })).body.id;
    // A subscription may name only event types in the catalogue (wildcards aside).
    for (const name of ['salesorder.created', 'invoice.paid'])
      assert.equal((await api.call('POST', '/v1/event-types', { name })).status, 201);
  });
  after(() => api.close());

  const valid = { url: 'https://receiver.example.com/hooks', eventTypes: ['salesorder.created'] };

  test('create returns the secret once; reads do not', async () => {
    const created = await api.call('POST', `/v1/subscribers/${subscriberId}/subscriptions`, {
      name: 'ERP orders',
      description: 'All sales orders',
      url: 'http://127.0.0.1:9999/in?x=1',
      method: 'GET',
      eventTypes: ['salesorder.*', 'invoice.paid', '*', 'invoice.paid'],
      channels: ['project.1'],
      headers: { 'X-Api-Key': 'abc', Authorization: 'Bearer t' },
      payloadFormat: 'raw',
      retrySchedule: [1, 5, 0.5],
      timeoutSeconds: 10,
      enabled: false,
    });
    assert.equal(created.status, 201, created.text);
    const s = created.body;
    assert.match(s.id, /^sub_[0-9A-Z]{26}$/);
    assert.equal(s.subscriberId, subscriberId);
    assert.equal(s.name, 'ERP orders');
    assert.equal(s.description, 'All sales orders');
    assert.equal(s.url, 'http://127.0.0.1:9999/in?x=1');
    assert.equal(s.method, 'GET');
    assert.deepEqual(s.eventTypes, ['salesorder.*', 'invoice.paid', '*'], 'deduplicated in order');
    assert.deepEqual(s.channels, ['project.1']);
    assert.deepEqual(s.headers, { 'X-Api-Key': 'abc', Authorization: 'Bearer t' });
    assert.equal(s.payloadFormat, 'raw');
    assert.deepEqual(s.retrySchedule, [1, 5, 0.5]);
    assert.equal(s.timeoutSeconds, 10);
    assert.equal(s.enabled, false);
    assert.match(s.createdAt, ISO);
    assert.match(s.secret, /^whsec_[A-Za-z0-9+/]{32}$/);
    assert.equal(Buffer.from(s.secret.slice(6), 'base64').length, 24);

    const got = await api.call('GET', `/v1/subscriptions/${s.id}`);
    assert.equal(got.status, 200);
    assert.equal(got.body.secret, undefined);
    const { secret, ...withoutSecret } = s;
    assert.deepEqual(got.body, withoutSecret);

    const list = await api.call('GET', `/v1/subscribers/${subscriberId}/subscriptions`);
    assert.equal(list.status, 200);
    assert.ok(list.body.data.some((x: { id: string }) => x.id === s.id));
    for (const x of list.body.data) assert.equal(x.secret, undefined);

    const all = await api.call('GET', `/v1/subscriptions?subscriberId=${subscriberId}`);
    assert.ok(all.body.data.some((x: { id: string }) => x.id === s.id));

    const shown = await api.call('GET', `/v1/subscriptions/${s.id}/secret`);
    assert.deepEqual(shown.body, { secret, previousSecret: null, previousSecretExpiresAt: null });
  });

  test('defaults', async () => {
    const created = await api.call('POST', `/v1/subscribers/${subscriberId}/subscriptions`, valid);
    assert.equal(created.status, 201);
    const s = created.body;
    assert.equal(s.method, 'POST');
    assert.equal(s.payloadFormat, 'standard');
    assert.deepEqual(s.headers, {});
    assert.equal(s.retrySchedule, null);
    assert.equal(s.channels, null);
    assert.equal(s.name, null);
    assert.equal(s.timeoutSeconds, 20, 'config.timeoutSeconds');
    assert.equal(s.enabled, true);
  });

  test('patch and delete', async () => {
    const s = (await api.call('POST', `/v1/subscribers/${subscriberId}/subscriptions`, { ...valid, retrySchedule: [1] })).body;
    const patched = await api.call('PATCH', `/v1/subscriptions/${s.id}`, {
      url: 'https://other.example.com/h',
      eventTypes: ['invoice.*'],
      retrySchedule: null,
      headers: { 'X-A': '1' },
      enabled: false,
      name: 'renamed',
    });
    assert.equal(patched.status, 200, patched.text);
    assert.equal(patched.body.url, 'https://other.example.com/h');
    assert.deepEqual(patched.body.eventTypes, ['invoice.*']);
    assert.equal(patched.body.retrySchedule, null);
    assert.deepEqual(patched.body.headers, { 'X-A': '1' });
    assert.equal(patched.body.enabled, false);
    assert.equal(patched.body.name, 'renamed');
    assert.equal(patched.body.method, 'POST', 'untouched');
    assert.equal(patched.body.secret, undefined);
    const secretAfter = (await api.call('GET', `/v1/subscriptions/${s.id}/secret`)).body.secret;
    assert.equal(secretAfter, s.secret, 'a patch keeps the secret');

    assert.equal((await api.call('DELETE', `/v1/subscriptions/${s.id}`)).status, 204);
    assertError(await api.call('GET', `/v1/subscriptions/${s.id}`), 404, 'not_found');
    assertError(await api.call('DELETE', `/v1/subscriptions/${s.id}`), 404, 'not_found');
    assertError(await api.call('PATCH', `/v1/subscriptions/${s.id}`, { enabled: true }), 404, 'not_found');
    assertError(await api.call('GET', `/v1/subscriptions/${s.id}/secret`), 404, 'not_found');
  });

  test('pagination of a subscriber’s subscriptions', async () => {
    const owner = (await api.call('POST', '/v1/subscribers', { name: 'Paged' })).body.id;
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) ids.push((await api.call('POST', `/v1/subscribers/${owner}/subscriptions`, valid)).body.id);
    const first = await api.call('GET', `/v1/subscribers/${owner}/subscriptions?limit=3`);
    assert.deepEqual(
      first.body.data.map((x: { id: string }) => x.id),
      ids.slice(2).reverse(),
    );
    assert.ok(first.body.nextCursor);
    const second = await api.call('GET', `/v1/subscribers/${owner}/subscriptions?limit=3&cursor=${first.body.nextCursor}`);
    assert.deepEqual(
      second.body.data.map((x: { id: string }) => x.id),
      ids.slice(0, 2).reverse(),
    );
    assert.equal(second.body.nextCursor, null);
  });

  test('bad input is refused and changes nothing', async () => {
    const before = (await api.call('GET', `/v1/subscribers/${subscriberId}/subscriptions?limit=1000`)).body.data.length;
    const bad: [unknown, number, string][] = [
      [{ ...valid, url: 'ftp://example.com/x' }, 422, 'invalid_url'],
      [{ ...valid, url: 'javascript:alert(1)' }, 422, 'invalid_url'],
      [{ ...valid, url: '/relative/path' }, 422, 'invalid_url'],
      [{ ...valid, url: 'not a url' }, 422, 'invalid_url'],
      [{ ...valid, url: `https://example.com/${'a'.repeat(2048)}` }, 422, 'invalid_url'],
      [{ ...valid, url: 42 }, 400, 'validation_failed'],
      [{ eventTypes: ['a.b'] }, 400, 'validation_failed'],
      [{ url: valid.url }, 400, 'validation_failed'],
      [{ ...valid, eventTypes: [] }, 400, 'validation_failed'],
      [{ ...valid, eventTypes: 'salesorder.created' }, 400, 'validation_failed'],
      [{ ...valid, eventTypes: ['Sales Order'] }, 422, 'invalid_event_type_name'],
      [{ ...valid, eventTypes: ['sales*'] }, 422, 'invalid_event_type_name'],
      [{ ...valid, method: 'PUT' }, 400, 'validation_failed'],
      [{ ...valid, payloadFormat: 'xml' }, 400, 'validation_failed'],
      [{ ...valid, timeoutSeconds: 0 }, 400, 'validation_failed'],
      [{ ...valid, timeoutSeconds: 61 }, 400, 'validation_failed'],
      [{ ...valid, timeoutSeconds: '10' }, 400, 'validation_failed'],
      [{ ...valid, retrySchedule: [1, -1] }, 400, 'validation_failed'],
      [{ ...valid, retrySchedule: ['1'] }, 400, 'validation_failed'],
      [{ ...valid, retrySchedule: Array(51).fill(1) }, 400, 'validation_failed'],
      [{ ...valid, headers: { 'Bad Header': 'x' } }, 422, 'invalid_header'],
      [{ ...valid, headers: { 'X-Ok': 'a\r\nInjected: yes' } }, 422, 'invalid_header'],
      [{ ...valid, headers: { 'webhook-signature': 'v1,forged' } }, 422, 'invalid_header'],
      [{ ...valid, headers: { Host: 'internal' } }, 422, 'invalid_header'],
      [{ ...valid, headers: { 'X-N': 1 } }, 400, 'validation_failed'],
      [{ ...valid, headers: ['x'] }, 400, 'validation_failed'],
      [{ ...valid, enabled: 'true' }, 400, 'validation_failed'],
      [{ ...valid, secret: 'whsec_mine' }, 400, 'validation_failed'],
      [{ ...valid, channels: ['bad channel'] }, 400, 'validation_failed'],
    ];
    for (const [body, status, code] of bad) {
      assertError(await api.call('POST', `/v1/subscribers/${subscriberId}/subscriptions`, body), status, code);
    }
    const after = (await api.call('GET', `/v1/subscribers/${subscriberId}/subscriptions?limit=1000`)).body.data.length;
    assert.equal(after, before, 'nothing was created');

    const s = (await api.call('POST', `/v1/subscribers/${subscriberId}/subscriptions`, valid)).body;
    for (const [body, status, code] of [
      [{ url: 'file:///etc/passwd' }, 422, 'invalid_url'],
      [{ eventTypes: [] }, 400, 'validation_failed'],
      [{ headers: { 'X\nY': 'v' } }, 422, 'invalid_header'],
      [{ method: 'DELETE' }, 400, 'validation_failed'],
      [{ timeoutSeconds: 1000 }, 400, 'validation_failed'],
      [{ subscriberId: 'sbr_other' }, 400, 'validation_failed'],
    ] as [unknown, number, string][]) {
      assertError(await api.call('PATCH', `/v1/subscriptions/${s.id}`, body), status, code);
    }
    const unchanged = (await api.call('GET', `/v1/subscriptions/${s.id}`)).body;
    assert.equal(unchanged.url, valid.url);
    assert.deepEqual(unchanged.eventTypes, valid.eventTypes);

    const ghost = 'sbr_01ARZ3NDEKTSV4RRFFQ69G5FAV';
    assertError(await api.call('POST', `/v1/subscribers/${ghost}/subscriptions`, valid), 404, 'not_found');
    assertError(await api.call('POST', '/v1/subscribers/garbage/subscriptions', valid), 404, 'not_found');
    assertError(await api.call('GET', `/v1/subscribers/${ghost}/subscriptions`), 404, 'not_found');
    assertError(await api.call('GET', '/v1/subscriptions/sub_01ARZ3NDEKTSV4RRFFQ69G5FAV'), 404, 'not_found');
    assertError(await api.call('GET', '/v1/subscriptions/nope/stats'), 404, 'not_found');
    assertError(await api.call('POST', '/v1/subscriptions/nope/recover', { since: '2024-01-01T00:00:00Z' }), 404, 'not_found');
    assertError(await api.call('POST', `/v1/subscriptions/${s.id}/recover`, { since: 'yesterday' }), 400, 'validation_failed');
    assertError(await api.call('POST', `/v1/subscriptions/${s.id}/recover`, {}), 400, 'validation_failed');
    assertError(await api.call('GET', `/v1/subscriptions/${s.id}/stats?since=last-week`), 400, 'validation_failed');
  });

  test('recover takes status failed and retrying; any other is a 400 naming the field', async () => {
    const s = (await api.call('POST', `/v1/subscribers/${subscriberId}/subscriptions`, valid)).body;
    const since = '2024-01-01T00:00:00Z';
    for (const status of [undefined, ['failed'], ['retrying'], ['failed', 'retrying'], ['retrying', 'failed']]) {
      const res = await api.call('POST', `/v1/subscriptions/${s.id}/recover`, { since, ...(status ? { status } : {}) });
      assert.equal(res.status, 202, res.text);
      assert.deepEqual(res.body, { messages: 0, inFlight: 0 });
    }
    for (const status of [['pending'], ['succeeded'], ['FAILED'], ['failed', 'pending'], [], ['failed', 'failed'], 'failed', [2], null]) {
      const res = await api.call('POST', `/v1/subscriptions/${s.id}/recover`, { since, status });
      assertError(res, 400, 'validation_failed');
      assert.match(res.body.message, /^body\.status\b/, res.text);
      assert.ok(
        res.body.details.every((d: { in: string; path: string }) => d.in === 'body' && d.path.startsWith('/status')),
        res.text,
      );
    }
    const unknown = await api.call('POST', `/v1/subscriptions/${s.id}/recover`, { since, status: ['pending'] });
    assert.equal(unknown.body.message, 'body.status.0 must be one of "failed", "retrying"');
  });

  test('stats: the panel of a subscription without traffic', async () => {
    const s = (await api.call('POST', `/v1/subscribers/${subscriberId}/subscriptions`, valid)).body;
    const before = Date.now();
    const res = await api.call('GET', `/v1/subscriptions/${s.id}/stats`);
    assert.equal(res.status, 200, res.text);
    const { series, since, ...rest } = res.body;
    assert.deepEqual(rest, {
      subscriptionId: s.id,
      messages: { pending: 0, succeeded: 0, retrying: 0, failed: 0 },
      events: 0,
      attempts: 0,
      attemptsSucceeded: 0,
      attemptsFailed: 0,
      lastSuccessAt: null,
      lastFailureAt: null,
      averageDurationMs: null,
      failuresSinceLastSuccess: 0,
      lastEventAt: null,
      nextAttemptAt: null,
      lastSuccess: null,
      lastFailure: null,
      filterErrors: { count: 0, last: null },
    });
    assert.match(since, ISO);
    assert.ok(Math.abs(Date.parse(since) - (before - 24 * 3_600_000)) < 60_000, 'the last 24 hours by default');
    assert.equal(series.intervalSeconds, 60);
    assert.equal(series.succeeded.length, 1_440);
    assert.equal(series.failed.length, 1_440);
    assert.ok([...series.succeeded, ...series.failed].every((n: number) => n === 0));
    const start = Date.parse(series.start);
    assert.equal(start % 60_000, 0, 'buckets begin on whole minutes');
    assert.ok(start + 1_439 * 60_000 <= Date.now() && Date.now() < start + 1_440 * 60_000 + 1_000, 'the last bucket is the current minute');
    const given = await api.call('GET', `/v1/subscriptions/${s.id}/stats?since=2024-01-01T00:00:00Z`);
    assert.equal(given.body.since, '2024-01-01T00:00:00.000Z');
  });
});
