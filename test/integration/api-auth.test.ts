import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { ACTIONS, hashApiKey, SCOPE_ACTIONS } from '../../src/api/auth.js';
import type { ApiKeyScope } from '../../src/domain/glossary.js';
import { newId } from '../../src/domain/ids.js';
import { assertError, seed, startApi, type TestApi } from './api-helpers.js';

describe('API keys and scopes', () => {
  let api: TestApi;
  let mine: Awaited<ReturnType<typeof seed>>;
  let theirs: Awaited<ReturnType<typeof seed>>;
  let myMessage: string;
  let theirMessage: string;

  /** Stores a key of this scope and returns the plain key. */
  async function key(
    scope: ApiKeyScope,
    options: { subscriberId?: string | null; expiresAt?: number | null; revokedAt?: number | null } = {},
  ) {
    const plain = `hk_${randomBytes(18).toString('base64url')}`;
    await api.store.createApiKey({
      id: newId('key'),
      name: `${scope} key`,
      scope,
      subscriberId: options.subscriberId ?? null,
      hash: hashApiKey(plain),
      createdAt: Date.now(),
      expiresAt: options.expiresAt ?? null,
      revokedAt: options.revokedAt ?? null,
      allowedIps: null,
      rateLimit: null,
    });
    return plain;
  }

  before(async () => {
    api = await startApi();
    mine = await seed(api);
    theirs = await seed(api);
    const msgOf = async (subscriberId: string) => {
      const evt = await api.call('POST', '/v1/events', { type: mine.eventType, data: {}, subscriberId });
      return (await api.call('GET', `/v1/messages?eventId=${evt.body.id}`)).body.data[0].id as string;
    };
    myMessage = await msgOf(mine.subscriberId);
    theirMessage = await msgOf(theirs.subscriberId);
  });
  after(() => api.close());

  test('hashApiKey is hex SHA-256', () => {
    assert.equal(hashApiKey('abc'), 'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
  });

  test('missing, malformed, wrong, revoked or expired keys → 401', async () => {
    const missing = await api.call('GET', '/v1/subscribers', undefined, null);
    assertError(missing, 401, 'unauthorized');
    assert.equal(missing.headers['www-authenticate'], 'Bearer');
    assertError(await api.call('GET', '/v1/subscribers', undefined, 'not-the-key'), 401, 'unauthorized');
    assertError(await api.call('POST', '/v1/events', { type: mine.eventType, data: {} }, 'wrong'), 401, 'unauthorized');
    for (const authorization of ['Basic dGVzdDp0ZXN0', 'Bearer', 'Bearer ', 'test-admin-key-0123456789', 'Bearer a b']) {
      assertError(await api.raw({ method: 'GET', url: '/v1/subscribers', headers: { authorization } }), 401, 'unauthorized');
    }
    assertError(
      await api.call('GET', '/v1/subscribers', undefined, await key('admin', { revokedAt: Date.now() - 1 })),
      401,
      'unauthorized',
    );
    assertError(
      await api.call('GET', '/v1/subscribers', undefined, await key('admin', { expiresAt: Date.now() - 1 })),
      401,
      'unauthorized',
    );
    assertError(await api.call('GET', '/v1/subscribers', undefined, await key('subscriber', { subscriberId: null })), 401, 'unauthorized');
    // Unauthenticated bad input is refused for the key first, and nothing is written.
    assertError(await api.call('POST', '/v1/subscribers', { name: 'sneaky' }, null), 401, 'unauthorized');
    const names = (await api.call('GET', '/v1/subscribers?limit=1000')).body.data.map((s: { name: string }) => s.name);
    assert.ok(!names.includes('sneaky'));
  });

  test('the scheme is case-insensitive; keys from the store work; an unexpired key works', async () => {
    assert.equal(
      (await api.raw({ method: 'GET', url: '/v1/subscribers', headers: { authorization: 'bearer test-admin-key-0123456789' } })).status,
      200,
    );
    assert.equal((await api.call('GET', '/v1/subscribers', undefined, await key('admin'))).status, 200);
    assert.equal((await api.call('GET', '/v1/subscribers', undefined, await key('admin', { expiresAt: Date.now() + 60_000 }))).status, 200);
  });

  test('ingest keys only ingest', async () => {
    const k = await key('ingest');
    assert.equal((await api.call('POST', '/v1/events', { type: mine.eventType, data: {} }, k)).status, 202);
    assert.equal((await api.call('POST', '/v1/events/batch', { events: [{ type: mine.eventType, data: {} }] }, k)).status, 202);
    assertError(await api.call('GET', '/v1/events', undefined, k), 403, 'forbidden');
    assertError(await api.call('GET', '/v1/messages', undefined, k), 403, 'forbidden');
    assertError(await api.call('POST', '/v1/subscribers', { name: 'x' }, k), 403, 'forbidden');
    assertError(await api.call('POST', '/v1/event-types', { name: 'x.y' }, k), 403, 'forbidden');
  });

  test('read keys only read, and not secrets', async () => {
    const k = await key('read');
    for (const url of [
      '/v1/event-types',
      '/v1/subscribers',
      `/v1/subscribers/${theirs.subscriberId}`,
      `/v1/subscribers/${theirs.subscriberId}/subscriptions`,
      `/v1/subscriptions/${theirs.subscriptionId}`,
      `/v1/subscriptions/${theirs.subscriptionId}/stats`,
      '/v1/events',
      '/v1/messages',
      `/v1/messages/${theirMessage}`,
      `/v1/messages/${theirMessage}/attempts`,
      '/v1/attempts',
    ]) {
      assert.equal((await api.call('GET', url, undefined, k)).status, 200, url);
    }
    assertError(await api.call('GET', `/v1/subscriptions/${mine.subscriptionId}/secret`, undefined, k), 403, 'forbidden');
    assertError(await api.call('POST', '/v1/events', { type: mine.eventType, data: {} }, k), 403, 'forbidden');
    assertError(await api.call('POST', '/v1/subscribers', { name: 'x' }, k), 403, 'forbidden');
    assertError(await api.call('PATCH', `/v1/subscriptions/${mine.subscriptionId}`, { enabled: false }, k), 403, 'forbidden');
    assertError(await api.call('DELETE', `/v1/messages/${myMessage}`, undefined, k), 403, 'forbidden');
    assertError(await api.call('POST', `/v1/messages/${myMessage}/resend`, undefined, k), 403, 'forbidden');
  });

  test('subscriber keys see their own subscriber only; another’s records are 404', async () => {
    const k = await key('subscriber', { subscriberId: mine.subscriberId });
    const get = (url: string) => api.call('GET', url, undefined, k);

    const list = await get('/v1/subscribers');
    assert.deepEqual(
      list.body.data.map((s: { id: string }) => s.id),
      [mine.subscriberId],
    );
    assert.equal((await get(`/v1/subscribers/${mine.subscriberId}`)).status, 200);
    assertError(await get(`/v1/subscribers/${theirs.subscriberId}`), 404, 'not_found');

    assert.equal((await get(`/v1/subscribers/${mine.subscriberId}/subscriptions`)).status, 200);
    assertError(await get(`/v1/subscribers/${theirs.subscriberId}/subscriptions`), 404, 'not_found');
    assert.deepEqual(
      (await get('/v1/subscriptions')).body.data.map((s: { id: string }) => s.id),
      [mine.subscriptionId],
    );
    assertError(await get(`/v1/subscriptions?subscriberId=${theirs.subscriberId}`), 404, 'not_found');
    assert.equal((await get(`/v1/subscriptions/${mine.subscriptionId}`)).status, 200);
    assert.equal((await get(`/v1/subscriptions/${mine.subscriptionId}/secret`)).body.secret, mine.secret);
    assert.equal((await get(`/v1/subscriptions/${mine.subscriptionId}/stats`)).status, 200);
    for (const url of [
      `/v1/subscriptions/${theirs.subscriptionId}`,
      `/v1/subscriptions/${theirs.subscriptionId}/secret`,
      `/v1/subscriptions/${theirs.subscriptionId}/stats`,
      `/v1/messages/${theirMessage}`,
      `/v1/messages/${theirMessage}/attempts`,
      `/v1/messages?subscriberId=${theirs.subscriberId}`,
      `/v1/attempts?subscriberId=${theirs.subscriberId}`,
    ]) {
      assertError(await get(url), 404, 'not_found');
    }
    assertError(await api.call('PATCH', `/v1/subscriptions/${theirs.subscriptionId}`, { enabled: false }, k), 404, 'not_found');
    assertError(await api.call('DELETE', `/v1/subscriptions/${theirs.subscriptionId}`, undefined, k), 404, 'not_found');
    assertError(await api.call('POST', `/v1/messages/${theirMessage}/resend`, undefined, k), 404, 'not_found');
    assertError(await api.call('DELETE', `/v1/messages/${theirMessage}`, undefined, k), 404, 'not_found');
    assertError(
      await api.call('POST', `/v1/subscriptions/${theirs.subscriptionId}/recover`, { since: '2020-01-01T00:00:00Z' }, k),
      404,
      'not_found',
    );
    const body = { url: 'https://mine.example.com/h', eventTypes: ['*'] };
    assertError(await api.call('POST', `/v1/subscribers/${theirs.subscriberId}/subscriptions`, body, k), 404, 'not_found');
    assert.equal((await api.call('GET', `/v1/subscriptions/${theirs.subscriptionId}`)).body.enabled, true, 'theirs untouched');

    const messages = (await get('/v1/messages?limit=1000')).body.data as { id: string; subscriberId: string }[];
    assert.ok(messages.some((m) => m.id === myMessage));
    assert.ok(messages.every((m) => m.subscriberId === mine.subscriberId));
    const attempts = (await get('/v1/attempts?limit=1000')).body.data as { subscriberId: string }[];
    assert.ok(attempts.every((a) => a.subscriberId === mine.subscriberId));
    assert.equal((await get(`/v1/messages/${myMessage}`)).status, 200);
    assert.equal((await api.call('POST', `/v1/messages/${myMessage}/resend`, undefined, k)).status, 202);
    assert.equal((await api.call('POST', `/v1/subscribers/${mine.subscriberId}/subscriptions`, body, k)).status, 201);
    assert.equal((await get('/v1/event-types')).status, 200);

    assertError(await get('/v1/events'), 403, 'forbidden');
    assertError(await api.call('POST', '/v1/events', { type: mine.eventType, data: {} }, k), 403, 'forbidden');
    assertError(await api.call('POST', '/v1/subscribers', { name: 'x' }, k), 403, 'forbidden');
    assertError(await api.call('PATCH', `/v1/subscribers/${mine.subscriberId}`, { name: 'x' }, k), 403, 'forbidden');
    assertError(await api.call('POST', '/v1/event-types', { name: 'x.y' }, k), 403, 'forbidden');
  });

  test('operations routes need no key', async () => {
    for (const url of ['/healthz', '/readyz', '/metrics', '/openapi.json'])
      assert.equal((await api.raw({ method: 'GET', url })).status, 200, url);
    assert.ok([200, 302].includes((await api.raw({ method: 'GET', url: '/docs' })).status));
  });

  test('the scope table covers every action and read scopes only hold reads', () => {
    for (const action of ACTIONS) assert.ok(SCOPE_ACTIONS.admin.has(action), action);
    for (const action of SCOPE_ACTIONS.read) assert.match(action, /\.read$/);
    assert.deepEqual([...SCOPE_ACTIONS.ingest], ['events.ingest']);
  });
});
