// Operators on the Jiwa routes: /auth sessions (bearer, ss-id cookie, X-ss-id), their idle expiry
// and logout, HERALD_JIWA_PASSWORD, the admin API key used directly, and keys of other scopes
// refused. Subscriber-facing routes need no credentials at all.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { newApiKey } from '../../src/domain/api-keys.js';
import { ADMIN_KEY, assertError, startApi } from './api-helpers.js';

const PASSWORD = 'correct horse battery staple';

describe('Jiwa authentication', () => {
  it('opens sessions with UserName and Password and accepts them as bearer token, cookie or X-ss-id', async () => {
    const api = await startApi({ config: { jiwaPassword: PASSWORD } });
    try {
      const createWith = (headers: Record<string, string>, name: string) =>
        api.raw({
          method: 'POST',
          url: '/Webhooks/Subscribers',
          payload: JSON.stringify({ Name: name }),
          headers: { 'content-type': 'application/json', ...headers },
        });

      assertError(await createWith({}, 'x'), 401, 'unauthorized');
      const viaGet = await api.raw({ method: 'GET', url: `/auth?UserName=ADMIN&Password=${encodeURIComponent(PASSWORD)}` });
      assert.equal(viaGet.status, 200, viaGet.text);
      assert.equal(viaGet.body.UserName, 'admin');
      assert.equal(viaGet.body.SessionId, viaGet.body.BearerToken);
      assert.match(String(viaGet.headers['set-cookie']), /^ss-id=[\w-]+; Path=\/; HttpOnly; SameSite=Lax$/);
      const token = viaGet.body.BearerToken as string;

      assert.equal((await createWith({ authorization: `Bearer ${token}` }, 'by bearer')).status, 201);
      assert.equal((await createWith({ cookie: `other=1; ss-id=${token}` }, 'by cookie')).status, 201);
      assert.equal((await createWith({ 'x-ss-id': token }, 'by header')).status, 201);

      // POST /auth with a JSON body, and /auth/credentials, work the same; the admin key is a password too.
      const viaPost = await api.raw({
        method: 'POST',
        url: '/auth',
        payload: JSON.stringify({ userName: 'admin', password: ADMIN_KEY }),
        headers: { 'content-type': 'application/json' },
      });
      assert.equal(viaPost.status, 200, viaPost.text);
      const viaProvider = await api.raw({
        method: 'POST',
        url: `/auth/credentials?UserName=admin&Password=${encodeURIComponent(PASSWORD)}`,
      });
      assert.equal(viaProvider.status, 200);

      // GET /auth without credentials answers the caller's session.
      const current = await api.raw({ method: 'GET', url: '/auth', headers: { authorization: `Bearer ${token}` } });
      assert.equal(current.status, 200);
      assert.equal(current.body.SessionId, token);
      assertError(await api.raw({ method: 'GET', url: '/auth' }), 401, 'unauthorized');

      // Who did it is in the audit log: the session, never its token.
      const audit = await api.store.listAudit({ limit: 10, action: 'subscriber.create' });
      assert.ok(audit.data.length >= 3);
      for (const entry of audit.data) {
        assert.match(entry.actor, /^ses_/);
        assert.ok(!JSON.stringify(entry).includes(token));
      }

      // Logout ends the session.
      const logout = await api.raw({ method: 'GET', url: '/auth/logout', headers: { cookie: `ss-id=${token}` } });
      assert.equal(logout.status, 200);
      assertError(await createWith({ authorization: `Bearer ${token}` }, 'after logout'), 401, 'unauthorized');
    } finally {
      await api.close();
    }
  });

  it('refuses logins from an address after 10 failures in a minute, with Retry-After; open sessions keep working', async () => {
    const api = await startApi({ config: { jiwaPassword: PASSWORD } });
    try {
      const login = (password: string) => api.raw({ method: 'GET', url: `/auth?UserName=admin&Password=${encodeURIComponent(password)}` });
      const before = await login(PASSWORD);
      assert.equal(before.status, 200);
      for (let i = 0; i < 10; i++) assertError(await login(`wrong-${i}`), 401, 'unauthorized');
      const refused = await login(PASSWORD);
      assertError(refused, 429, 'rate_limited');
      const retryAfter = Number(refused.headers['retry-after']);
      assert.ok(retryAfter >= 1 && retryAfter <= 60, `Retry-After ${refused.headers['retry-after']}`);
      const token = before.body.BearerToken as string;
      const current = await api.raw({ method: 'GET', url: '/auth', headers: { authorization: `Bearer ${token}` } });
      assert.equal(current.status, 200, 'a session opened before is not affected');
    } finally {
      await api.close();
    }
  });

  it('refuses wrong credentials, and sessions expire after SessionExpiryInMinutes idle', async () => {
    const api = await startApi({ config: { jiwaPassword: PASSWORD, sessionExpiryMinutes: 0.01 } }); // 600 ms
    try {
      for (const query of [`UserName=admin&Password=wrong-password`, `UserName=root&Password=${encodeURIComponent(PASSWORD)}`]) {
        const r = await api.raw({ method: 'GET', url: `/auth?${query}` });
        assertError(r, 401, 'unauthorized');
        assert.equal(r.body.ResponseStatus.ErrorCode, 'unauthorized');
        assert.equal(r.headers['set-cookie'], undefined);
      }
      assertError(await api.raw({ method: 'GET', url: '/auth?UserName=admin' }), 400, 'validation_failed');
      assertError(await api.raw({ method: 'GET', url: '/auth/twitter?UserName=admin&Password=x' }), 404, 'not_found');

      const token = (await api.raw({ method: 'GET', url: `/auth?UserName=admin&Password=${encodeURIComponent(PASSWORD)}` })).body
        .BearerToken;
      const use = () => api.raw({ method: 'GET', url: '/auth', headers: { authorization: `Bearer ${token}` } });
      for (let i = 0; i < 4; i++) {
        await new Promise((r) => setTimeout(r, 300)); // each use restarts the idle clock
        assert.equal((await use()).status, 200, `use ${i}`);
      }
      await new Promise((r) => setTimeout(r, 800));
      assertError(await use(), 401, 'unauthorized');
    } finally {
      await api.close();
    }
  });

  it('takes an admin API key directly and refuses keys of other scopes; subscriber routes need none', async () => {
    const api = await startApi();
    try {
      const create = (key: string) => api.call('POST', '/Webhooks/Subscribers', { Name: 'Keyed' }, key);
      const created = await create(ADMIN_KEY);
      assert.equal(created.status, 201);
      const ingest = newApiKey({ name: 'producer', scope: 'ingest' }, Date.now());
      await api.store.createApiKey(ingest.record);
      assertError(await create(ingest.key), 403, 'forbidden');
      assertError(await api.raw({ method: 'GET', url: `/auth?UserName=admin&Password=${ingest.key}` }), 401, 'unauthorized');
      // Without HERALD_JIWA_PASSWORD, only an admin key is a password.
      assertError(
        await api.raw({ method: 'GET', url: `/auth?UserName=admin&Password=${encodeURIComponent(PASSWORD)}` }),
        401,
        'unauthorized',
      );
      // The SubscriberID is all a subscriber needs (to subscribe to an event type of the catalogue).
      assert.equal((await api.call('POST', '/v1/event-types', { name: 'a.b' })).status, 201);
      const sub = await api.call(
        'POST',
        `/Webhooks/Subscribers/${created.body.RecID}/Subscriptions`,
        { URL: 'http://127.0.0.1:9/', EventName: 'a.b' },
        null,
      );
      assert.equal(sub.status, 201, sub.text);
      const audit = await api.store.listAudit({ limit: 10, action: 'subscription.create' });
      assert.equal(audit.data[0]?.actor, created.body.RecID, 'recorded as done by the subscriber');
    } finally {
      await api.close();
    }
  });
});
