// API keys: management through /v1/api-keys and `herald api-keys`, scope enforcement on every /v1
// route for every scope (the table below must name every route in the OpenAPI document), subscriber
// confinement, revocation and expiry, per-key IP allow-lists and rate limits.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { buildApp } from '../../src/api/app.js';
import { resolveConfig } from '../../src/config/config.js';
import type { ApiKeyScope } from '../../src/domain/glossary.js';
import { newId } from '../../src/domain/ids.js';
import { sqliteStore } from '../../src/store/sqlite/sqlite-store.js';
import { ADMIN_KEY, assertError, type Reply, seed, startApi, type TestApi } from './api-helpers.js';

const SCOPES: ApiKeyScope[] = ['admin', 'ingest', 'read', 'subscriber'];

/** Creates a key through the API (as admin) and returns its id and the key itself. */
async function createKey(api: TestApi, body: Record<string, unknown>): Promise<{ id: string; key: string; reply: Reply }> {
  const reply = await api.call('POST', '/v1/api-keys', { name: 'test key', ...body });
  assert.equal(reply.status, 201, reply.text);
  return { id: reply.body.id, key: reply.body.key, reply };
}

/** A request from a given address, with an optional X-Forwarded-For. */
async function fromAddress(api: TestApi, key: string, remoteAddress: string, forwardedFor?: string) {
  const headers: Record<string, string> = { authorization: `Bearer ${key}` };
  if (forwardedFor) headers['x-forwarded-for'] = forwardedFor;
  const res = await api.app.inject({ method: 'GET', url: '/v1/event-types', headers, remoteAddress });
  return { status: res.statusCode, body: res.json() as { code?: string } };
}

describe('custom header values by scope', () => {
  let api: TestApi;
  before(async () => {
    api = await startApi();
  });
  after(() => api.close());

  test('read keys see header names with masked values; admin and subscriber keys see the values', async () => {
    const { subscriberId } = await seed(api);
    const created = await api.call('POST', `/v1/subscribers/${subscriberId}/subscriptions`, {
      url: 'https://receiver.example.com/with-key',
      eventTypes: ['salesorder.created'],
      headers: { 'x-api-key': 'receiver-credential-123' },
    });
    assert.equal(created.status, 201, created.text);
    const id = created.body.id as string;
    const read = await createKey(api, { scope: 'read' });
    const own = await createKey(api, { scope: 'subscriber', subscriberId });

    const masked = await api.call('GET', `/v1/subscriptions/${id}`, undefined, read.key);
    assert.equal(masked.status, 200);
    assert.deepEqual(masked.body.headers, { 'x-api-key': '[redacted]' });
    const listed = await api.call('GET', `/v1/subscribers/${subscriberId}/subscriptions`, undefined, read.key);
    assert.ok(!listed.text.includes('receiver-credential-123'));
    assert.ok(listed.text.includes('[redacted]'));

    for (const key of [ADMIN_KEY, own.key]) {
      const shown = await api.call('GET', `/v1/subscriptions/${id}`, undefined, key);
      assert.deepEqual(shown.body.headers, { 'x-api-key': 'receiver-credential-123' });
    }
  });
});

describe('API key management', () => {
  let api: TestApi;
  let subscriberId: string;

  before(async () => {
    api = await startApi();
    ({ subscriberId } = await seed(api));
  });
  after(() => api.close());

  test('create shows the key once; list and get never show the key or its hash', async () => {
    const { id, key, reply } = await createKey(api, {
      name: 'producer',
      scope: 'ingest',
      allowedIps: ['10.0.0.0/8', '127.0.0.1', '::1'],
      rateLimit: 50,
      expiresAt: '2099-01-01T00:00:00.000Z',
    });
    assert.match(key, /^hk_[A-Za-z0-9_-]{43}$/);
    assert.match(id, /^key_/);
    assert.deepEqual(
      { ...reply.body, id: undefined, key: undefined, createdAt: undefined },
      {
        id: undefined,
        key: undefined,
        createdAt: undefined,
        name: 'producer',
        scope: 'ingest',
        subscriberId: null,
        allowedIps: ['10.0.0.0/8', '127.0.0.1/32', '::1/128'],
        rateLimit: 50,
        expiresAt: '2099-01-01T00:00:00.000Z',
        revokedAt: null,
        active: true,
      },
    );
    assert.equal('hash' in reply.body, false);

    const one = await api.call('GET', `/v1/api-keys/${id}`);
    assert.equal(one.status, 200);
    assert.equal(one.body.name, 'producer');
    const list = await api.call('GET', '/v1/api-keys?limit=1000');
    assert.ok(list.body.data.some((k: { id: string }) => k.id === id));
    for (const text of [one.text, list.text]) {
      assert.ok(!text.includes(key), 'the key is never shown again');
      assert.ok(!text.includes('"hash"'), 'nor its hash');
    }
    await createKey(api, { scope: 'read' });
    const page1 = await api.call('GET', '/v1/api-keys?limit=1');
    assert.equal(page1.body.data.length, 1);
    const page2 = await api.call('GET', `/v1/api-keys?limit=1&cursor=${page1.body.nextCursor}`);
    assert.equal(page2.body.data[0].id, id, 'newest first, then the one before');

    // The new key works for its scope.
    assert.equal((await api.call('POST', '/v1/events', { type: 'salesorder.created', data: {} }, key)).status, 202);
  });

  test('subscriber keys need an existing subscriber; bad input changes nothing', async () => {
    const keysBefore = (await api.call('GET', '/v1/api-keys?limit=1000')).body.data.length;
    assertError(await api.call('POST', '/v1/api-keys', { name: 'x', scope: 'subscriber' }), 400, 'validation_failed');
    assertError(await api.call('POST', '/v1/api-keys', { name: 'x', scope: 'read', subscriberId }), 400, 'validation_failed');
    assertError(
      await api.call('POST', '/v1/api-keys', { name: 'x', scope: 'subscriber', subscriberId: newId('sbr') }),
      422,
      'unknown_subscriber',
    );
    assertError(
      await api.call('POST', '/v1/api-keys', { name: 'x', scope: 'subscriber', subscriberId: 'nope' }),
      422,
      'unknown_subscriber',
    );
    assertError(await api.call('POST', '/v1/api-keys', { name: 'x', scope: 'root' }), 400, 'validation_failed');
    assertError(await api.call('POST', '/v1/api-keys', { name: '', scope: 'read' }), 400, 'validation_failed');
    assertError(await api.call('POST', '/v1/api-keys', { name: '   ', scope: 'read' }), 400, 'validation_failed');
    assertError(await api.call('POST', '/v1/api-keys', { name: 'x', scope: 'read', extra: 1 }), 400, 'validation_failed');
    assertError(
      await api.call('POST', '/v1/api-keys', { name: 'x', scope: 'read', expiresAt: '2001-01-01T00:00:00Z' }),
      400,
      'validation_failed',
    );
    assertError(await api.call('POST', '/v1/api-keys', { name: 'x', scope: 'read', expiresAt: 'tomorrow' }), 400, 'validation_failed');
    assertError(await api.call('POST', '/v1/api-keys', { name: 'x', scope: 'read', rateLimit: -1 }), 400, 'validation_failed');
    assertError(await api.call('POST', '/v1/api-keys', { name: 'x', scope: 'read', allowedIps: [] }), 400, 'validation_failed');
    for (const bad of ['127.1', '10.0.0.0/33', '2130706433', 'example.com', '10.0.0.0/', '::1/129', '1.2.3.4/-1']) {
      assertError(await api.call('POST', '/v1/api-keys', { name: 'x', scope: 'read', allowedIps: [bad] }), 422, 'invalid_cidr');
    }
    assert.equal((await api.call('GET', '/v1/api-keys?limit=1000')).body.data.length, keysBefore);

    const { key } = await createKey(api, { scope: 'subscriber', subscriberId });
    assert.equal((await api.call('GET', `/v1/subscribers/${subscriberId}`, undefined, key)).status, 200);
  });

  test('unknown or malformed ids → 404', async () => {
    for (const id of [newId('key'), 'key_nope', newId('sbr')]) {
      assertError(await api.call('GET', `/v1/api-keys/${id}`), 404, 'not_found');
      assertError(await api.call('POST', `/v1/api-keys/${id}/revoke`), 404, 'not_found');
      assertError(await api.call('DELETE', `/v1/api-keys/${id}`), 404, 'not_found');
    }
  });

  test('a revoked key is refused on its very next request (POST .../revoke and DELETE)', async () => {
    for (const how of ['revoke', 'delete'] as const) {
      const { id, key } = await createKey(api, { scope: 'read' });
      assert.equal((await api.call('GET', '/v1/event-types', undefined, key)).status, 200); // now cached
      const revoked =
        how === 'revoke' ? await api.call('POST', `/v1/api-keys/${id}/revoke`) : await api.call('DELETE', `/v1/api-keys/${id}`);
      assert.equal(revoked.status, how === 'revoke' ? 200 : 204, revoked.text);
      if (how === 'revoke') {
        assert.equal(revoked.body.active, false);
        assert.match(revoked.body.revokedAt, /Z$/);
      }
      assertError(await api.call('GET', '/v1/event-types', undefined, key), 401, 'unauthorized');
      const listed = await api.call('GET', `/v1/api-keys/${id}`);
      assert.equal(listed.body.active, false, 'still listed, as revoked');
      // Revoking again is harmless and keeps the first time.
      assert.equal((await api.call('POST', `/v1/api-keys/${id}/revoke`)).body.revokedAt, listed.body.revokedAt);
    }
  });

  test('a key stops working when it expires, though it is cached', async () => {
    const expiresAt = new Date(Date.now() + 1_000).toISOString();
    const { key } = await createKey(api, { scope: 'read', expiresAt });
    assert.equal((await api.call('GET', '/v1/event-types', undefined, key)).status, 200);
    await new Promise((resolve) => setTimeout(resolve, Date.parse(expiresAt) - Date.now() + 50));
    assertError(await api.call('GET', '/v1/event-types', undefined, key), 401, 'unauthorized');
  });

  test('a key revoked in the database by another process (or the CLI) → 401 once not cached here', async () => {
    const { key, id } = await createKey(api, { scope: 'admin' });
    await api.store.revokeApiKey(id, Date.now());
    assertError(await api.call('GET', '/v1/subscribers', undefined, key), 401, 'unauthorized');
  });
});

describe('scope enforcement on every route', () => {
  let api: TestApi;
  let mine: Awaited<ReturnType<typeof seed>>;
  let theirs: Awaited<ReturnType<typeof seed>>;
  const keys = {} as Record<ApiKeyScope, string>;
  let n = 0;

  before(async () => {
    api = await startApi();
    mine = await seed(api);
    theirs = await seed(api);
    for (const scope of SCOPES) {
      ({ key: keys[scope] } = await createKey(api, { scope, ...(scope === 'subscriber' ? { subscriberId: mine.subscriberId } : {}) }));
    }
  });
  after(() => api.close());

  // Fresh resources of "mine" made with the admin key, so every request acts on something of its own.
  const fresh = {
    async subscription(body: Record<string, unknown> = {}): Promise<string> {
      const r = await api.call('POST', `/v1/subscribers/${mine.subscriberId}/subscriptions`, {
        url: 'https://receiver.example.com/fresh',
        eventTypes: ['*'],
        ...body,
      });
      assert.equal(r.status, 201, r.text);
      return r.body.id;
    },
    async message(): Promise<string> {
      const evt = await api.call('POST', '/v1/events', { type: mine.eventType, data: {}, subscriberId: mine.subscriberId });
      const messages = await api.call('GET', `/v1/messages?eventId=${evt.body.id}`);
      return messages.body.data[0].id;
    },
    async event(): Promise<string> {
      return (await api.call('POST', '/v1/events', { type: mine.eventType, data: {} })).body.id;
    },
    async eventType(): Promise<string> {
      const name = `fresh.type${++n}`;
      assert.equal((await api.call('POST', '/v1/event-types', { name })).status, 201);
      return name;
    },
    async subscriber(): Promise<string> {
      return (await api.call('POST', '/v1/subscribers', { name: 'fresh' })).body.id;
    },
    async apiKey(): Promise<string> {
      return (await createKey(api, { scope: 'read' })).id;
    },
  };

  type Allowed = Record<ApiKeyScope, boolean>;
  const only = (...scopes: ApiKeyScope[]): Allowed => Object.fromEntries(SCOPES.map((s) => [s, scopes.includes(s)])) as Allowed;
  const readers = only('admin', 'read', 'subscriber');

  interface Row {
    method: string;
    path: string; // as in the OpenAPI document
    allowed: Allowed;
    /** The concrete request, on fresh resources. */
    request: () => Promise<{ url: string; body?: unknown }>;
    /** An allowed request answers this instead of 2xx (a probe for a record that does not exist). */
    allowedStatus?: number;
  }

  const ROWS: Row[] = [
    { method: 'GET', path: '/v1/event-types', allowed: readers, request: async () => ({ url: '/v1/event-types' }) },
    {
      method: 'POST',
      path: '/v1/event-types',
      allowed: only('admin'),
      request: async () => ({ url: '/v1/event-types', body: { name: `new.type${++n}` } }),
    },
    {
      method: 'POST',
      path: '/v1/event-types/import',
      allowed: only('admin'),
      request: async () => ({ url: '/v1/event-types/import', body: { eventTypes: [{ name: `imported.type${++n}` }] } }),
    },
    {
      method: 'GET',
      path: '/v1/event-types/{name}',
      allowed: readers,
      request: async () => ({ url: `/v1/event-types/${mine.eventType}` }),
    },
    {
      method: 'PATCH',
      path: '/v1/event-types/{name}',
      allowed: only('admin'),
      request: async () => ({ url: `/v1/event-types/${await fresh.eventType()}`, body: { description: 'changed' } }),
    },
    {
      method: 'DELETE',
      path: '/v1/event-types/{name}',
      allowed: only('admin'),
      request: async () => ({ url: `/v1/event-types/${await fresh.eventType()}` }),
    },
    { method: 'GET', path: '/v1/subscribers', allowed: readers, request: async () => ({ url: '/v1/subscribers' }) },
    {
      method: 'POST',
      path: '/v1/subscribers',
      allowed: only('admin'),
      request: async () => ({ url: '/v1/subscribers', body: { name: 'new' } }),
    },
    {
      method: 'GET',
      path: '/v1/subscribers/{id}',
      allowed: readers,
      request: async () => ({ url: `/v1/subscribers/${mine.subscriberId}` }),
    },
    {
      method: 'PATCH',
      path: '/v1/subscribers/{id}',
      allowed: only('admin'),
      request: async () => ({ url: `/v1/subscribers/${mine.subscriberId}`, body: { name: 'Acme' } }),
    },
    {
      method: 'DELETE',
      path: '/v1/subscribers/{id}',
      allowed: only('admin'),
      request: async () => ({ url: `/v1/subscribers/${await fresh.subscriber()}` }),
    },
    {
      method: 'GET',
      path: '/v1/subscribers/{id}/subscriptions',
      allowed: readers,
      request: async () => ({ url: `/v1/subscribers/${mine.subscriberId}/subscriptions` }),
    },
    {
      method: 'POST',
      path: '/v1/subscribers/{id}/subscriptions',
      allowed: only('admin', 'subscriber'),
      request: async () => ({
        url: `/v1/subscribers/${mine.subscriberId}/subscriptions`,
        body: { url: 'https://receiver.example.com/new', eventTypes: ['*'] },
      }),
    },
    { method: 'GET', path: '/v1/subscriptions', allowed: readers, request: async () => ({ url: '/v1/subscriptions' }) },
    {
      method: 'GET',
      path: '/v1/subscriptions/{id}',
      allowed: readers,
      request: async () => ({ url: `/v1/subscriptions/${mine.subscriptionId}` }),
    },
    {
      method: 'PATCH',
      path: '/v1/subscriptions/{id}',
      allowed: only('admin', 'subscriber'),
      request: async () => ({ url: `/v1/subscriptions/${await fresh.subscription()}`, body: { description: 'changed' } }),
    },
    {
      method: 'DELETE',
      path: '/v1/subscriptions/{id}',
      allowed: only('admin', 'subscriber'),
      request: async () => ({ url: `/v1/subscriptions/${await fresh.subscription()}` }),
    },
    {
      method: 'GET',
      path: '/v1/subscriptions/{id}/secret',
      allowed: only('admin', 'subscriber'),
      request: async () => ({ url: `/v1/subscriptions/${mine.subscriptionId}/secret` }),
    },
    {
      method: 'POST',
      path: '/v1/subscriptions/{id}/secret/rotate',
      allowed: only('admin', 'subscriber'),
      request: async () => ({ url: `/v1/subscriptions/${await fresh.subscription()}/secret/rotate`, body: {} }),
    },
    {
      method: 'POST',
      path: '/v1/subscriptions/{id}/preview',
      allowed: readers,
      request: async () => ({ url: `/v1/subscriptions/${mine.subscriptionId}/preview`, body: { type: mine.eventType, data: {} } }),
    },
    {
      method: 'POST',
      path: '/v1/preview',
      allowed: readers,
      request: async () => ({
        url: '/v1/preview',
        body: { subscription: { url: 'https://receiver.example/hook', eventTypes: ['*'] }, event: { type: mine.eventType } },
      }),
    },
    { method: 'GET', path: '/v1/template-presets', allowed: readers, request: async () => ({ url: '/v1/template-presets' }) },
    {
      method: 'GET',
      path: '/v1/subscriptions/{id}/jwt-secret',
      allowed: only('admin', 'subscriber'),
      request: async () => ({ url: `/v1/subscriptions/${await fresh.subscription({ auth: { type: 'jwt' } })}/jwt-secret` }),
    },
    {
      method: 'POST',
      path: '/v1/subscriptions/{id}/check',
      allowed: only('admin', 'subscriber'),
      request: async () => ({ url: `/v1/subscriptions/${mine.subscriptionId}/check`, body: {} }),
    },
    {
      // A plain GET (not a WebSocket upgrade) says whether a listener is connected; listening needs a secret's reach.
      method: 'GET',
      path: '/v1/subscriptions/{id}/listen',
      allowed: only('admin', 'subscriber'),
      request: async () => ({ url: `/v1/subscriptions/${mine.subscriptionId}/listen` }),
    },
    {
      method: 'POST',
      path: '/v1/subscriptions/{id}/jwt-secret/rotate',
      allowed: only('admin', 'subscriber'),
      request: async () => ({
        url: `/v1/subscriptions/${await fresh.subscription({ auth: { type: 'jwt' } })}/jwt-secret/rotate`,
        body: {},
      }),
    },
    {
      method: 'GET',
      path: '/v1/subscriptions/{id}/stats',
      allowed: readers,
      request: async () => ({ url: `/v1/subscriptions/${mine.subscriptionId}/stats` }),
    },
    {
      method: 'POST',
      path: '/v1/subscriptions/{id}/test',
      allowed: only('admin', 'subscriber'),
      request: async () => ({ url: `/v1/subscriptions/${await fresh.subscription()}/test`, body: {} }),
    },
    {
      method: 'POST',
      path: '/v1/subscriptions/{id}/recover',
      allowed: only('admin', 'subscriber'),
      request: async () => ({ url: `/v1/subscriptions/${mine.subscriptionId}/recover`, body: { since: '2020-01-01T00:00:00Z' } }),
    },
    {
      method: 'POST',
      path: '/v1/events',
      allowed: only('admin', 'ingest'),
      request: async () => ({ url: '/v1/events', body: { type: mine.eventType, data: {} } }),
    },
    {
      method: 'POST',
      path: '/v1/events/batch',
      allowed: only('admin', 'ingest'),
      request: async () => ({ url: '/v1/events/batch', body: { events: [{ type: mine.eventType, data: {} }] } }),
    },
    { method: 'GET', path: '/v1/events', allowed: only('admin', 'read'), request: async () => ({ url: '/v1/events' }) },
    {
      method: 'GET',
      path: '/v1/events/{id}',
      allowed: only('admin', 'read'),
      request: async () => ({ url: `/v1/events/${await fresh.event()}` }),
    },
    { method: 'GET', path: '/v1/messages', allowed: readers, request: async () => ({ url: '/v1/messages' }) },
    { method: 'GET', path: '/v1/messages/{id}', allowed: readers, request: async () => ({ url: `/v1/messages/${await fresh.message()}` }) },
    {
      method: 'DELETE',
      path: '/v1/messages/{id}',
      allowed: only('admin', 'subscriber'),
      request: async () => ({ url: `/v1/messages/${await fresh.message()}` }),
    },
    {
      method: 'POST',
      path: '/v1/messages/resend',
      allowed: only('admin', 'subscriber'),
      request: async () => ({ url: '/v1/messages/resend', body: { subscriberId: mine.subscriberId, status: 'failed' } }),
    },
    {
      method: 'POST',
      path: '/v1/messages/{id}/resend',
      allowed: only('admin', 'subscriber'),
      request: async () => ({ url: `/v1/messages/${await fresh.message()}/resend` }),
    },
    {
      method: 'GET',
      path: '/v1/messages/{id}/attempts',
      allowed: readers,
      request: async () => ({ url: `/v1/messages/${await fresh.message()}/attempts` }),
    },
    { method: 'GET', path: '/v1/attempts', allowed: readers, request: async () => ({ url: '/v1/attempts' }) },
    {
      method: 'GET',
      path: '/v1/attempts/{id}',
      allowed: readers,
      request: async () => ({ url: `/v1/attempts/${newId('att')}` }),
      allowedStatus: 404,
    },
    { method: 'GET', path: '/v1/api-keys', allowed: only('admin'), request: async () => ({ url: '/v1/api-keys' }) },
    {
      method: 'POST',
      path: '/v1/api-keys',
      allowed: only('admin'),
      request: async () => ({ url: '/v1/api-keys', body: { name: 'made in the table', scope: 'read' } }),
    },
    {
      method: 'GET',
      path: '/v1/api-keys/{id}',
      allowed: only('admin'),
      request: async () => ({ url: `/v1/api-keys/${await fresh.apiKey()}` }),
    },
    {
      method: 'POST',
      path: '/v1/api-keys/{id}/revoke',
      allowed: only('admin'),
      request: async () => ({ url: `/v1/api-keys/${await fresh.apiKey()}/revoke` }),
    },
    {
      method: 'DELETE',
      path: '/v1/api-keys/{id}',
      allowed: only('admin'),
      request: async () => ({ url: `/v1/api-keys/${await fresh.apiKey()}` }),
    },
    { method: 'GET', path: '/v1/audit-log', allowed: only('admin'), request: async () => ({ url: '/v1/audit-log' }) },
    {
      method: 'POST',
      path: '/v1/subscribers/{id}/portal',
      allowed: only('admin'),
      request: async () => ({ url: `/v1/subscribers/${mine.subscriberId}/portal`, body: {} }),
    },
    // Signing in needs no credentials (the bearer sent is ignored); who-am-I and sign-out are for every caller.
    {
      method: 'POST',
      path: '/v1/sessions',
      allowed: only(...SCOPES),
      request: async () => ({ url: '/v1/sessions', body: { apiKey: ADMIN_KEY } }),
    },
    { method: 'GET', path: '/v1/session', allowed: only(...SCOPES), request: async () => ({ url: '/v1/session' }) },
    { method: 'DELETE', path: '/v1/session', allowed: only(...SCOPES), request: async () => ({ url: '/v1/session' }) },
  ];

  test('the table names every /v1 route of the OpenAPI document', async () => {
    const doc = (await api.raw({ method: 'GET', url: '/openapi.json' })).body as { paths: Record<string, Record<string, unknown>> };
    const documented = Object.entries(doc.paths)
      .filter(([path]) => path.startsWith('/v1/'))
      .flatMap(([path, ops]) => Object.keys(ops).map((m) => `${m.toUpperCase()} ${path}`))
      .sort();
    const tabled = ROWS.map((r) => `${r.method} ${r.path}`).sort();
    assert.deepEqual(tabled, documented);
  });

  for (const scope of SCOPES) {
    test(`${scope} keys: allowed routes answer, the others 403`, async () => {
      for (const row of ROWS) {
        const { url, body } = await row.request();
        const reply = await api.call(row.method, url, body, keys[scope]);
        const what = `${scope} ${row.method} ${url}: ${reply.status} ${reply.text.slice(0, 200)}`;
        if (!row.allowed[scope]) assertError(reply, 403, 'forbidden');
        else if (row.allowedStatus) assert.equal(reply.status, row.allowedStatus, what);
        else assert.ok(reply.status >= 200 && reply.status < 300, what);
      }
    });
  }

  test("subscriber keys: another subscriber's records are 404 on every route that names one", async () => {
    const evt = await api.call('POST', '/v1/events', { type: theirs.eventType, data: {}, subscriberId: theirs.subscriberId });
    const theirMessage = (await api.call('GET', `/v1/messages?eventId=${evt.body.id}`)).body.data[0].id as string;
    const k = keys.subscriber;
    const cases: [string, string, unknown?][] = [
      ['GET', `/v1/subscribers/${theirs.subscriberId}`],
      ['GET', `/v1/subscribers/${theirs.subscriberId}/subscriptions`],
      ['POST', `/v1/subscribers/${theirs.subscriberId}/subscriptions`, { url: 'https://x.example.com/', eventTypes: ['*'] }],
      ['GET', `/v1/subscriptions?subscriberId=${theirs.subscriberId}`],
      ['GET', `/v1/subscriptions/${theirs.subscriptionId}`],
      ['PATCH', `/v1/subscriptions/${theirs.subscriptionId}`, { enabled: false }],
      ['DELETE', `/v1/subscriptions/${theirs.subscriptionId}`],
      ['GET', `/v1/subscriptions/${theirs.subscriptionId}/secret`],
      ['POST', `/v1/subscriptions/${theirs.subscriptionId}/secret/rotate`, {}],
      ['GET', `/v1/subscriptions/${theirs.subscriptionId}/jwt-secret`],
      ['POST', `/v1/subscriptions/${theirs.subscriptionId}/jwt-secret/rotate`, {}],
      ['GET', `/v1/subscriptions/${theirs.subscriptionId}/stats`],
      ['POST', `/v1/subscriptions/${theirs.subscriptionId}/test`, {}],
      ['POST', `/v1/subscriptions/${theirs.subscriptionId}/recover`, { since: '2020-01-01T00:00:00Z' }],
      ['GET', `/v1/messages?subscriberId=${theirs.subscriberId}`],
      ['GET', `/v1/messages/${theirMessage}`],
      ['DELETE', `/v1/messages/${theirMessage}`],
      ['POST', `/v1/messages/${theirMessage}/resend`],
      ['GET', `/v1/messages/${theirMessage}/attempts`],
      ['GET', `/v1/attempts?subscriberId=${theirs.subscriberId}`],
    ];
    for (const [method, url, body] of cases) assertError(await api.call(method, url, body, k), 404, 'not_found');
    const after = await api.call('GET', `/v1/subscriptions/${theirs.subscriptionId}`);
    assert.equal(after.body.enabled, true, 'theirs untouched');
    assert.equal((await api.call('GET', `/v1/subscriptions/${theirs.subscriptionId}/secret`)).body.secret, theirs.secret);
    assert.equal((await api.call('GET', `/v1/messages/${theirMessage}`)).status, 200);
  });
});

describe('per-key IP allow-lists', () => {
  let api: TestApi;
  let proxied: TestApi;

  before(async () => {
    api = await startApi();
    proxied = await startApi({ config: { trustProxy: '127.0.0.1' } });
  });
  after(async () => {
    await api.close();
    await proxied.close();
  });

  test('the socket address must be in the list; X-Forwarded-For is not believed by default', async () => {
    const { key } = await createKey(api, { scope: 'read', allowedIps: ['10.1.0.0/16', '2001:db8::/32'] });
    assert.equal((await fromAddress(api, key, '10.1.2.3')).status, 200);
    assert.equal((await fromAddress(api, key, '::ffff:10.1.2.3')).status, 200, 'an IPv4 caller on a dual-stack socket');
    assert.equal((await fromAddress(api, key, '2001:db8:1::5')).status, 200);
    for (const address of ['10.2.0.1', '127.0.0.1', '2001:db9::1', '::1']) {
      const r = await fromAddress(api, key, address);
      assert.equal(r.status, 403, address);
      assert.equal(r.body.code, 'ip_not_allowed');
    }
    const spoofed = await fromAddress(api, key, '192.0.2.9', '10.1.2.3');
    assert.equal(spoofed.status, 403);
    assert.equal(spoofed.body.code, 'ip_not_allowed');
    // A key without a list works from anywhere.
    const { key: open } = await createKey(api, { scope: 'read' });
    assert.equal((await fromAddress(api, open, '192.0.2.9')).status, 200);
  });

  test('with HERALD_TRUST_PROXY, X-Forwarded-For from that proxy names the caller', async () => {
    const { key } = await createKey(proxied, { scope: 'read', allowedIps: ['10.1.0.0/16'] });
    assert.equal((await fromAddress(proxied, key, '127.0.0.1', '10.1.2.3')).status, 200);
    assert.equal((await fromAddress(proxied, key, '127.0.0.1', '10.9.9.9')).status, 403);
    // From an address that is not the trusted proxy, the header is ignored.
    assert.equal((await fromAddress(proxied, key, '192.0.2.9', '10.1.2.3')).status, 403);
  });
});

describe('per-key rate limits', () => {
  const burst = (api: TestApi, key: string, n: number) =>
    Promise.all(Array.from({ length: n }, () => api.call('GET', '/v1/event-types', undefined, key)));

  test('a key over its own limit gets 429 rate_limited with Retry-After; others are not affected', async () => {
    const api = await startApi();
    try {
      const { key } = await createKey(api, { scope: 'read', rateLimit: 3 });
      const { key: other } = await createKey(api, { scope: 'read' });
      const replies = await burst(api, key, 8);
      assert.equal(replies.filter((r) => r.status === 200).length, 3);
      const limited = replies.filter((r) => r.status === 429);
      assert.equal(limited.length, 5);
      for (const r of limited) {
        assertError(r, 429, 'rate_limited');
        assert.equal(r.headers['retry-after'], '1');
      }
      assert.equal(replies[0]?.headers['x-ratelimit-limit'], '3');
      // The default (0) is unlimited, and the admin key too.
      assert.ok((await burst(api, other, 20)).every((r) => r.status === 200));
      assert.ok((await burst(api, ADMIN_KEY, 20)).every((r) => r.status === 200));
      // After Retry-After the key works again.
      await new Promise((resolve) => setTimeout(resolve, 1_100));
      assert.equal((await api.call('GET', '/v1/event-types', undefined, key)).status, 200);
    } finally {
      await api.close();
    }
  });

  test('HERALD_RATE_LIMIT is the default for every key; a key may lift it with rateLimit 0', async () => {
    const api = await startApi({ config: { rateLimit: 2 } });
    try {
      const [, , third] = await burst(api, ADMIN_KEY, 3);
      assert.ok(third);
      assertError(third, 429, 'rate_limited');
      await new Promise((resolve) => setTimeout(resolve, 1_100));
      const { key: unlimited } = await createKey(api, { scope: 'read', rateLimit: 0 });
      assert.ok((await burst(api, unlimited, 10)).every((r) => r.status === 200));
    } finally {
      await api.close();
    }
  });
});

describe('herald api-keys (CLI)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'herald-cli-'));
  const path = join(dir, 'herald.db');
  after(() => rmSync(dir, { recursive: true, force: true }));

  function herald(...args: string[]) {
    const result = spawnSync(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', 'api-keys', ...args, '--db', `sqlite:${path}`], {
      encoding: 'utf8',
      timeout: 30_000,
      env: { ...process.env, HERALD_ADMIN_KEY: '', HERALD_CONFIG: '' },
    });
    return { code: result.status, stdout: result.stdout, stderr: result.stderr };
  }

  test('create, list and revoke on the database; the key works in the API until revoked', async () => {
    const created = herald('create', '--name', 'ci producer', '--scope', 'ingest', '--rate-limit', '100', '--json');
    assert.equal(created.code, 0, created.stderr);
    const key = JSON.parse(created.stdout) as { id: string; key: string; scope: string; rateLimit: number };
    assert.equal(key.scope, 'ingest');
    assert.equal(key.rateLimit, 100);
    assert.match(key.key, /^hk_/);

    const text = herald('create', '--name', 'dashboard', '--scope', 'read', '--allowed-ips', '10.0.0.0/8,192.0.2.1');
    assert.equal(text.code, 0, text.stderr);
    assert.match(text.stdout, /shown once/);
    assert.match(text.stdout, /hk_[A-Za-z0-9_-]{43}/);

    const listed = herald('list');
    assert.equal(listed.code, 0, listed.stderr);
    assert.match(listed.stdout, new RegExp(`${key.id}\\s+ingest\\s+active`));
    assert.match(listed.stdout, /dashboard/);
    assert.ok(!listed.stdout.includes(key.key), 'list never shows a key');
    const listedJson = JSON.parse(herald('list', '--json').stdout) as { id: string; allowedIps: string[] | null }[];
    assert.equal(listedJson.length, 2);
    assert.deepEqual(listedJson[0]?.allowedIps, ['10.0.0.0/8', '192.0.2.1/32']);

    // Bad input: a clear message and a non-zero exit, nothing created. (Each spawn costs seconds
    // of start-up; the rules themselves are those of the API, tested above.)
    for (const [args, message] of [
      [['create', '--name', 'x', '--scope', 'subscriber', '--subscriber', newId('sbr')], /No subscriber/],
      [['create', '--name', 'x', '--scope', 'read', '--allowed-ips', '127.1'], /not an IPv4 or IPv6 address/],
      [['create', '--name', 'x', '--scope', 'root'], /--scope, one of/],
      [['revoke', newId('key')], /No API key/],
    ] as const) {
      const r = herald(...args);
      assert.notEqual(r.code, 0, args.join(' '));
      assert.match(r.stderr, message, args.join(' '));
    }

    // The key made by the CLI authenticates against an API on the same database.
    const store = sqliteStore({ path });
    const app = await buildApp({ store, config: resolveConfig({ databaseUrl: `sqlite:${path}`, logLevel: 'silent' }) });
    try {
      const ingest = (k: string) =>
        app.inject({
          method: 'POST',
          url: '/v1/events',
          headers: { authorization: `Bearer ${k}`, 'content-type': 'application/json' },
          payload: JSON.stringify({ type: 'nothing.here', data: {} }),
        });
      assert.equal((await ingest(key.key)).statusCode, 422, 'authenticated (the event type is unknown)');

      const revoked = herald('revoke', key.id);
      assert.equal(revoked.code, 0, revoked.stderr);
      assert.match(revoked.stdout, /revoked/);
      assert.equal((await store.listApiKeys({ limit: 10 })).data.length, 2, 'bad input created nothing');
      assert.notEqual((await store.getApiKey(key.id))?.revokedAt, null);
      // A fresh API process (no cache) refuses it at once.
      const app2 = await buildApp({ store, config: resolveConfig({ databaseUrl: `sqlite:${path}`, logLevel: 'silent' }) });
      assert.equal(
        (await app2.inject({ method: 'POST', url: '/v1/events', headers: { authorization: `Bearer ${key.key}` } })).statusCode,
        401,
      );
      await app2.close();

      const audit = await store.listAudit({ limit: 10, actor: 'cli' });
      assert.deepEqual(
        audit.data.map((e) => [e.action, e.resourceId]),
        [
          ['api-key.revoke', key.id],
          ['api-key.create', listedJson[0]?.id],
          ['api-key.create', key.id],
        ],
      );
      assert.ok(audit.data.every((e) => e.ip === null));
      assert.ok(!JSON.stringify(audit.data).includes(key.key));
    } finally {
      await app.close();
      await store.close();
    }
  });
});
