// Error messages that say what was wrong and how to fix it (issue 20): each 401 names its reason
// (no header, not Bearer, unknown key, revoked or expired key, expired session), each 403 the action
// the route needs and the scopes that have it, unknown_event_type the type and how to add it.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { hashApiKey } from '../../src/api/auth.js';
import type { ApiKeyScope } from '../../src/domain/glossary.js';
import { newId } from '../../src/domain/ids.js';
import { ADMIN_KEY, assertError, type Reply, seed, startApi, type TestApi } from './api-helpers.js';

/** Asserts a 4xx with this code whose message matches every pattern. */
function says(reply: Reply, status: number, code: string, ...patterns: RegExp[]): void {
  assertError(reply, status, code);
  for (const pattern of patterns) assert.match(reply.body.message, pattern);
}

describe('error messages', () => {
  let api: TestApi;
  let mine: Awaited<ReturnType<typeof seed>>;

  async function key(scope: ApiKeyScope, options: { expiresAt?: number; revokedAt?: number } = {}): Promise<{ id: string; key: string }> {
    const plain = `hk_${randomBytes(18).toString('base64url')}`;
    const id = newId('key');
    await api.store.createApiKey({
      id,
      name: `${scope} key`,
      scope,
      subscriberId: null,
      hash: hashApiKey(plain),
      createdAt: Date.now() - 10_000,
      expiresAt: options.expiresAt ?? null,
      revokedAt: options.revokedAt ?? null,
      allowedIps: null,
      rateLimit: null,
    });
    return { id, key: plain };
  }

  before(async () => {
    api = await startApi({ config: { jiwaPassword: 'operator-password-123', sessionExpiryMinutes: 0.01 } }); // 600 ms
    mine = await seed(api);
  });
  after(() => api.close());

  it('401 says what was wrong with the credentials, and never echoes them', async () => {
    const get = (authorization?: string) =>
      api.raw({ method: 'GET', url: '/v1/subscribers', headers: authorization === undefined ? {} : { authorization } });
    says(await get(), 401, 'unauthorized', /^No Authorization header/, /Bearer <API key>/);
    for (const header of ['Basic dGVzdDp0ZXN0', ADMIN_KEY, 'Bearer', 'Bearer a b']) {
      const reply = await get(header);
      says(reply, 401, 'unauthorized', /not a Bearer token/, /Authorization: Bearer <API key>/);
      assert.ok(!reply.text.includes(ADMIN_KEY) && !reply.text.includes('dGVzdDp0ZXN0'), 'the header is not echoed');
    }
    says(await get('Bearer hk_not-a-key-we-know'), 401, 'unauthorized', /^Unknown API key/);
    const expiredAt = Date.now() - 1_000;
    const expired = await key('admin', { expiresAt: expiredAt });
    says(
      await get(`Bearer ${expired.key}`),
      401,
      'unauthorized',
      new RegExp(`${expired.id} expired at ${new Date(expiredAt).toISOString()}`),
    );
    const revoked = await key('admin', { revokedAt: Date.now() - 1_000 });
    says(await get(`Bearer ${revoked.key}`), 401, 'unauthorized', new RegExp(`${revoked.id} was revoked`));
  });

  it('403 names the action the route needs and the scopes that have it', async () => {
    const read = await key('read');
    says(
      await api.call('POST', '/v1/subscribers', { name: 'x' }, read.key),
      403,
      'forbidden',
      /scope \(read\) may not do subscribers\.create; a key of scope admin may$/,
    );
    const ingest = await key('ingest');
    says(
      await api.call('GET', '/v1/messages', undefined, ingest.key),
      403,
      'forbidden',
      /scope \(ingest\) may not do messages\.read; a key of scope admin or read or subscriber may$/,
    );
    says(
      await api.call('POST', '/Webhooks/Subscribers', { Name: 'x' }, ingest.key),
      403,
      'forbidden',
      /subscribers\.create; a key of scope admin may/,
    );
  });

  it('an expired /auth session says so, on /auth and on an operator route', async () => {
    const login = await api.raw({ method: 'GET', url: '/auth?UserName=admin&Password=operator-password-123' });
    assert.equal(login.status, 200, login.text);
    const token = login.body.BearerToken as string;
    says(await api.raw({ method: 'GET', url: '/auth' }), 401, 'unauthorized', /^Not logged in/);
    says(
      await api.raw({ method: 'GET', url: '/auth', headers: { 'x-ss-id': 'no-such-session' } }),
      401,
      'unauthorized',
      /^Unknown session/,
    );
    await new Promise((resolve) => setTimeout(resolve, 800));
    const create = await api.raw({
      method: 'POST',
      url: '/Webhooks/Subscribers',
      headers: { cookie: `ss-id=${token}`, 'content-type': 'application/json' },
      payload: JSON.stringify({ Name: 'late' }),
    });
    says(
      create,
      401,
      'unauthorized',
      /^The session expired after 0\.01 minutes without use: sign in again \(the dashboard, POST \/v1\/sessions, or \/auth\)/,
    );
    assert.equal(create.body.ResponseStatus.Message, create.body.message, 'ServiceStack clients read it too');
    // Once reported, the expired session is gone: from then on it is unknown.
    says(
      await api.raw({ method: 'GET', url: '/auth', headers: { authorization: `Bearer ${token}` } }),
      401,
      'unauthorized',
      /^Unknown session/,
    );
  });

  it('unknown_event_type names the type and how to add it, alone, in a batch and for Trigger now', async () => {
    const how = [/POST \/v1\/event-types/, /herald event-types import/];
    const one = await api.call('POST', '/v1/events', { type: 'stock.vanished', data: {} });
    says(one, 422, 'unknown_event_type', /^Event type "stock\.vanished" is not in the catalogue/, ...how);
    assert.deepEqual(one.body.details, { type: 'stock.vanished' });
    const batch = await api.call('POST', '/v1/events/batch', {
      events: [
        { type: mine.eventType, data: {} },
        { type: 'stock.gone', data: {} },
      ],
    });
    assert.equal(batch.status, 202, batch.text);
    assert.equal(batch.body.data[1].error.code, 'unknown_event_type');
    assert.match(batch.body.data[1].error.message, /"stock\.gone"/);
    const trigger = await api.call('POST', `/v1/subscriptions/${mine.subscriptionId}/test`, { type: 'stock.missing' });
    says(trigger, 422, 'unknown_event_type', /"stock\.missing"/, ...how);
  });
});
