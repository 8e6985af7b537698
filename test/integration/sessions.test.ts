// Sessions on /v1 (issue 19): sign-in with an API key, the operator credentials or a portal link
// into an HttpOnly cookie; the cookie's CSRF rule; sign-out; a session ending with its key; Jiwa
// /auth tokens as bearers on /v1; the subscriber portal's single-use, short-lived, confined links.
// Real Herald servers over HTTP, on SQLite and on PostgreSQL.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { ADMIN_KEY, removeDir, startTestHerald, type TestHerald, tempDir } from '../helpers/herald.js';
import { createTestDatabase, requirePostgres, type TestDatabase } from '../helpers/postgres.js';

// biome-ignore lint/suspicious/noExplicitAny: parsed JSON of whatever shape the test checks
type Body = any;
interface Answer {
  status: number;
  body: Body;
  setCookie: string | null;
}
interface Credentials {
  bearer?: string;
  cookie?: string;
  csrf?: string;
  headers?: Record<string, string>;
}

const pgSkip = await requirePostgres();
const COOKIE = 'herald_session';
const TEST_SECRET_KEY = 'oh6SXsguEVmPDn0BeFaOA5XzywGGL4+vn8v76dABteg='; // base64 of 32 bytes, tests only

for (const backend of ['SQLite', 'PostgreSQL'] as const) {
  describe(`sessions on /v1 (${backend})`, { skip: backend === 'PostgreSQL' ? (pgSkip ?? false) : false }, () => {
    let h: TestHerald;
    let db: TestDatabase | undefined;
    const dir = tempDir();
    let mine: string; // subscriber ids
    let theirs: string;
    let theirMessage: string;

    async function call(method: string, path: string, body?: unknown, as: Credentials = {}): Promise<Answer> {
      const headers: Record<string, string> = { ...as.headers };
      if (as.bearer) headers.authorization = `Bearer ${as.bearer}`;
      if (as.cookie) headers.cookie = `${COOKIE}=${as.cookie}`;
      if (as.csrf) headers['x-csrf-token'] = as.csrf;
      if (body !== undefined) headers['content-type'] = 'application/json';
      const res = await fetch(h.url + path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
      const text = await res.text();
      return { status: res.status, body: text ? JSON.parse(text) : null, setCookie: res.headers.get('set-cookie') };
    }
    const admin = (method: string, path: string, body?: unknown) => call(method, path, body, { bearer: ADMIN_KEY });
    const ok = async (method: string, path: string, body?: unknown): Promise<Body> => {
      const r = await admin(method, path, body);
      assert.ok(r.status < 300, `${method} ${path}: ${r.status} ${JSON.stringify(r.body)}`);
      return r.body;
    };
    const refused = (r: Answer, status: number, code: string) =>
      assert.equal(`${r.status} ${r.body?.code}`, `${status} ${code}`, JSON.stringify(r.body));
    const newKey = async (scope: string, extra: Record<string, unknown> = {}) =>
      ok('POST', '/v1/api-keys', { name: `${scope} key`, scope, ...extra });

    /** Signs in with `credentials`; the session's cookie value and CSRF token, and the answer. */
    async function signIn(credentials: Record<string, unknown>, headers: Record<string, string> = {}) {
      const r = await call('POST', '/v1/sessions', credentials, { headers });
      assert.equal(r.status, 201, JSON.stringify(r.body));
      const cookie = /^herald_session=([^;]+);/.exec(r.setCookie ?? '')?.[1];
      assert.ok(cookie, `a session cookie: ${r.setCookie}`);
      return { cookie, csrf: r.body.csrfToken as string, body: r.body, setCookie: r.setCookie as string };
    }

    before(async () => {
      if (backend === 'PostgreSQL') db = await createTestDatabase();
      h = await startTestHerald({ ...(db ? { databaseUrl: db.url } : {}), trustProxy: '127.0.0.1', secretKey: TEST_SECRET_KEY }, dir);
      await ok('POST', '/v1/event-types', { name: 'order.created' });
      mine = (await ok('POST', '/v1/subscribers', { name: 'mine' })).id;
      theirs = (await ok('POST', '/v1/subscribers', { name: 'theirs' })).id;
      for (const sbr of [mine, theirs]) {
        await ok('POST', `/v1/subscribers/${sbr}/subscriptions`, { url: 'http://127.0.0.1:9/hook', eventTypes: ['order.created'] });
      }
      const event = await ok('POST', '/v1/events', { type: 'order.created', data: { n: 1 }, subscriberId: theirs });
      theirMessage = (await ok('GET', `/v1/messages?eventId=${event.id}`)).data[0].id;
    });

    after(async () => {
      await h?.stop();
      await db?.drop();
      removeDir(dir);
    });

    it('an admin key opens an HttpOnly, SameSite=Strict cookie session; writes by cookie need the CSRF token, bearers do not', async () => {
      const s = await signIn({ apiKey: ADMIN_KEY });
      assert.match(s.setCookie, /^herald_session=[\w-]+; Path=\/; HttpOnly; SameSite=Strict$/, 'no Secure over plain http');
      assert.equal(s.body.scope, 'admin');
      assert.equal(s.body.subscriberId, null);
      assert.equal(s.body.actor, 'admin');
      assert.equal(s.body.kind, 'api-key');
      assert.ok(Date.parse(s.body.expiresAt) > Date.now() + 60_000, 'idle expiry ahead');
      assert.ok(!JSON.stringify(s.body).includes(ADMIN_KEY));

      const who = await call('GET', '/v1/session', undefined, { cookie: s.cookie });
      assert.equal(who.status, 200);
      assert.deepEqual(
        { scope: who.body.scope, by: who.body.authenticatedBy, kind: who.body.kind, csrf: who.body.csrfToken },
        { scope: 'admin', by: 'session-cookie', kind: 'api-key', csrf: s.csrf },
        'GET /v1/session hands a new tab the same CSRF token',
      );
      assert.equal((await call('GET', '/v1/subscribers', undefined, { cookie: s.cookie })).status, 200, 'reads need no CSRF token');

      const noToken = await call('POST', '/v1/subscribers', { name: 'x' }, { cookie: s.cookie });
      refused(noToken, 403, 'csrf_failed');
      assert.match(noToken.body.message, /X-CSRF-Token/);
      refused(await call('POST', '/v1/subscribers', { name: 'x' }, { cookie: s.cookie, csrf: `${s.csrf}x` }), 403, 'csrf_failed');
      const other = await signIn({ apiKey: ADMIN_KEY });
      assert.notEqual(other.csrf, s.csrf);
      refused(await call('POST', '/v1/subscribers', { name: 'x' }, { cookie: s.cookie, csrf: other.csrf }), 403, 'csrf_failed');
      const before = (await ok('GET', '/v1/subscribers?limit=100')).data.length;
      assert.equal((await call('POST', '/v1/subscribers', { name: 'by cookie' }, { cookie: s.cookie, csrf: s.csrf })).status, 201);
      assert.equal(
        (await ok('GET', '/v1/subscribers?limit=100')).data.length,
        before + 1,
        'only the request with the token changed anything',
      );

      // A bearer needs none, and GET /v1/session describes it too.
      const byBearer = await admin('GET', '/v1/session');
      assert.deepEqual([byBearer.body.authenticatedBy, byBearer.body.kind, byBearer.body.csrfToken], ['api-key', null, null]);
      assert.equal((await admin('POST', '/v1/subscribers', { name: 'by bearer' })).status, 201);
      refused(await call('GET', '/v1/session'), 401, 'unauthorized');
      refused(await call('GET', '/v1/session', undefined, { cookie: 'not-a-session' }), 401, 'unauthorized');
    });

    it('the cookie is Secure when the request came over https through the trusted proxy', async () => {
      const s = await signIn({ apiKey: ADMIN_KEY }, { 'x-forwarded-proto': 'https' });
      assert.match(s.setCookie, /; Secure$/);
    });

    it("a read key's session reads and cannot write; a subscriber key's session is confined; an ingest key's ingests", async () => {
      const read = await signIn({ apiKey: (await newKey('read')).key });
      assert.equal(read.body.scope, 'read');
      assert.equal((await call('GET', '/v1/subscriptions', undefined, { cookie: read.cookie })).status, 200);
      refused(await call('POST', '/v1/subscribers', { name: 'x' }, { cookie: read.cookie, csrf: read.csrf }), 403, 'forbidden');

      const sub = await newKey('subscriber', { subscriberId: mine });
      const confined = await signIn({ apiKey: sub.key });
      assert.deepEqual([confined.body.scope, confined.body.subscriberId, confined.body.actor], ['subscriber', mine, sub.id]);
      const list = await call('GET', '/v1/subscriptions', undefined, { cookie: confined.cookie });
      assert.deepEqual(new Set(list.body.data.map((s: Body) => s.subscriberId)), new Set([mine]));
      const viaKey = await call('GET', `/v1/messages/${theirMessage}`, undefined, { bearer: sub.key });
      const viaSession = await call('GET', `/v1/messages/${theirMessage}`, undefined, { cookie: confined.cookie });
      refused(viaSession, 404, 'not_found');
      assert.deepEqual(viaSession.body, viaKey.body, 'the same answer as the key itself');

      const ingest = await signIn({ apiKey: (await newKey('ingest')).key });
      const sent = await call('POST', '/v1/events', { type: 'order.created', data: {} }, { cookie: ingest.cookie, csrf: ingest.csrf });
      assert.equal(sent.status, 202, JSON.stringify(sent.body));
      refused(await call('GET', '/v1/subscribers', undefined, { cookie: ingest.cookie }), 403, 'forbidden');
    });

    it('a session ends when its key is revoked; unknown keys are refused', async () => {
      const key = await newKey('read');
      const s = await signIn({ apiKey: key.key });
      assert.equal((await call('GET', '/v1/session', undefined, { cookie: s.cookie })).status, 200);
      await ok('POST', `/v1/api-keys/${key.id}/revoke`);
      refused(await call('GET', '/v1/session', undefined, { cookie: s.cookie }), 401, 'unauthorized');
      refused(await call('POST', '/v1/sessions', { apiKey: key.key }), 401, 'unauthorized');
      refused(await call('POST', '/v1/sessions', { apiKey: 'no-such-key' }), 401, 'unauthorized');
      refused(await call('POST', '/v1/sessions', {}), 400, 'validation_failed');
      refused(await call('POST', '/v1/sessions', { apiKey: ADMIN_KEY, portalToken: 'x' }), 400, 'validation_failed');
      refused(await call('POST', '/v1/sessions', { userName: 'admin' }), 400, 'validation_failed');
    });

    it('sign-out needs the CSRF token, closes the session and clears the cookie', async () => {
      const s = await signIn({ apiKey: ADMIN_KEY });
      refused(await call('DELETE', '/v1/session', undefined, { cookie: s.cookie }), 403, 'csrf_failed');
      const out = await call('DELETE', '/v1/session', undefined, { cookie: s.cookie, csrf: s.csrf });
      assert.equal(out.status, 204);
      assert.match(out.setCookie ?? '', /^herald_session=; Path=\/; HttpOnly; SameSite=Strict; Max-Age=0$/);
      refused(await call('GET', '/v1/session', undefined, { cookie: s.cookie }), 401, 'unauthorized');
    });

    it('the operator user name and password open an operator session; a Jiwa /auth token is a bearer on /v1', async () => {
      const s = await signIn({ userName: 'Admin', password: ADMIN_KEY });
      assert.deepEqual([s.body.scope, s.body.kind], ['admin', 'operator']);
      assert.match(s.body.actor, /^ses_/);
      refused(await call('POST', '/v1/sessions', { userName: 'admin', password: 'wrong password' }), 401, 'unauthorized');

      const auth = await call('GET', `/auth?UserName=admin&Password=${encodeURIComponent(ADMIN_KEY)}`);
      assert.equal(auth.status, 200);
      const token = auth.body.BearerToken as string;
      const who = await call('GET', '/v1/session', undefined, { bearer: token });
      assert.deepEqual([who.status, who.body.authenticatedBy, who.body.kind, who.body.scope], [200, 'session-bearer', 'operator', 'admin']);
      const created = await call('POST', '/v1/subscribers', { name: 'by /auth token' }, { bearer: token });
      assert.equal(created.status, 201, 'a bearer needs no CSRF token');
      const audit = await ok('GET', `/v1/audit-log?resourceId=${created.body.id}`);
      assert.match(audit.data[0].actor, /^ses_/, 'the audit log names the session, never its token');
      await call('GET', '/auth/logout', undefined, { bearer: token });
      refused(await call('GET', '/v1/subscribers', undefined, { bearer: token }), 401, 'unauthorized');
    });

    it('on the Jiwa routes a session has its own scope, and the dashboard cookie needs the CSRF token', async () => {
      const read = await signIn({ apiKey: (await newKey('read')).key });
      const create = (as: Credentials) =>
        fetch(`${h.url}/Webhooks/Subscribers`, {
          method: 'POST',
          headers: {
            'content-type': 'application/json',
            ...(as.bearer ? { authorization: `Bearer ${as.bearer}` } : {}),
            ...(as.cookie ? { cookie: `${COOKIE}=${as.cookie}` } : {}),
            ...(as.csrf ? { 'x-csrf-token': as.csrf } : {}),
          },
          body: JSON.stringify({ Name: 'jiwa' }),
        }).then(async (r) => ({ status: r.status, body: (await r.json()) as Body, setCookie: null }));
      refused(await create({ bearer: read.cookie }), 403, 'forbidden');
      const adminSession = await signIn({ apiKey: ADMIN_KEY });
      refused(await create({ cookie: adminSession.cookie }), 403, 'csrf_failed');
      assert.equal((await create({ cookie: adminSession.cookie, csrf: adminSession.csrf })).status, 201);
      // GET /auth answers with a session's token: never for the HttpOnly dashboard cookie.
      refused(await call('GET', '/auth', undefined, { cookie: adminSession.cookie }), 401, 'unauthorized');
    });

    it('a portal link opens one session confined to its subscriber, once; expired and used links are refused', async () => {
      const readKey = (await newKey('read')).key;
      refused(await call('POST', `/v1/subscribers/${mine}/portal`, {}, { bearer: readKey }), 403, 'forbidden');
      refused(await admin('POST', '/v1/subscribers/sbr_0000000000000000000000000000/portal', {}), 404, 'not_found');
      refused(await admin('POST', `/v1/subscribers/${mine}/portal`, { expiresInMinutes: 0 }), 400, 'validation_failed');
      refused(await admin('POST', `/v1/subscribers/${mine}/portal`, { expiresInMinutes: 100_000 }), 400, 'validation_failed');

      const link = await admin('POST', `/v1/subscribers/${mine}/portal`);
      assert.equal(link.status, 201, JSON.stringify(link.body));
      assert.ok(link.body.url.startsWith(`${h.url}/ui/portal#token=`), link.body.url);
      const minutes = (Date.parse(link.body.expiresAt) - Date.now()) / 60_000;
      assert.ok(minutes > 14 && minutes <= 15, `default 15 minutes: ${minutes}`);
      const token = new URL(link.body.url).hash.slice('#token='.length);

      const s = await signIn({ portalToken: token });
      assert.deepEqual([s.body.scope, s.body.subscriberId, s.body.kind], ['subscriber', mine, 'portal']);
      refused(await call('POST', '/v1/sessions', { portalToken: token }), 401, 'portal_link_used');

      const list = await call('GET', '/v1/subscriptions', undefined, { cookie: s.cookie });
      assert.ok(list.body.data.length >= 1);
      assert.deepEqual(new Set(list.body.data.map((x: Body) => x.subscriberId)), new Set([mine]));
      const viaPortal = await call('GET', `/v1/messages/${theirMessage}`, undefined, { cookie: s.cookie });
      const viaApi = await call('GET', '/v1/messages/msg_0000000000000000000000000000', undefined, { bearer: ADMIN_KEY });
      refused(viaPortal, 404, 'not_found');
      assert.deepEqual(viaPortal.body, viaApi.body, "another subscriber's message is exactly as missing as one that does not exist");
      refused(await call('GET', `/v1/subscribers/${theirs}`, undefined, { cookie: s.cookie }), 404, 'not_found');
      const own = await call(
        'POST',
        `/v1/subscribers/${mine}/subscriptions`,
        { url: 'http://127.0.0.1:9/portal', eventTypes: ['order.created'] },
        { cookie: s.cookie, csrf: s.csrf },
      );
      assert.equal(own.status, 201, 'a subscriber manages its own subscriptions');
      refused(await call('POST', `/v1/subscribers/${mine}/portal`, {}, { cookie: s.cookie, csrf: s.csrf }), 403, 'forbidden');

      const audit = await ok('GET', `/v1/audit-log?action=subscriber.portal&resourceId=${mine}`);
      assert.ok(audit.data.length >= 1);
      assert.equal(audit.data[0].actor, 'admin');
      assert.ok(!JSON.stringify(audit.data).includes(token), 'the audit log never holds the token');

      // A link of 0.005 minutes (300 ms), opened after it ended.
      const short = await admin('POST', `/v1/subscribers/${mine}/portal`, { expiresInMinutes: 0.005 });
      assert.equal(short.status, 201);
      const wait = Date.parse(short.body.expiresAt) - Date.now() + 50;
      await new Promise((resolve) => setTimeout(resolve, Math.max(0, wait)));
      const expired = await call('POST', '/v1/sessions', { portalToken: new URL(short.body.url).hash.slice(7) });
      refused(expired, 401, 'portal_link_expired');
      assert.match(expired.body.message, /expired/);
      refused(await call('POST', '/v1/sessions', { portalToken: 'no-such-link' }), 401, 'unauthorized');
    });

    // Last: it leaves 127.0.0.1 throttled for the rest of the minute.
    it("failed sign-ins share /auth's throttle: 10 a minute per address, then 429 with Retry-After", async () => {
      // Earlier tests of this file failed some sign-ins already: at most 10 more reach the limit.
      let answer = await call('POST', '/v1/sessions', { apiKey: 'wrong-0' });
      for (let i = 1; i < 10 && answer.status === 401; i++) answer = await call('POST', '/v1/sessions', { apiKey: `wrong-${i}` });
      refused(answer, 429, 'rate_limited');
      const throttled = await fetch(`${h.url}/v1/sessions`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ apiKey: ADMIN_KEY }),
      });
      assert.equal(throttled.status, 429);
      assert.ok(Number(throttled.headers.get('retry-after')) > 0);
      refused(await call('GET', `/auth?UserName=admin&Password=${encodeURIComponent(ADMIN_KEY)}`), 429, 'rate_limited');
      assert.equal((await admin('GET', '/v1/session')).status, 200, 'API keys keep working');
    });

    // Last: it restarts the server.
    it("sessions of the configured admin key end when HERALD_ADMIN_KEY changes; stored keys' sessions survive a restart", async () => {
      await h.stop(); // the previous test left 127.0.0.1 throttled in that process
      h = await startTestHerald({ ...(db ? { databaseUrl: db.url } : {}), secretKey: TEST_SECRET_KEY }, dir);
      const byAdminKey = await signIn({ apiKey: ADMIN_KEY });
      const byStoredKey = await signIn({ apiKey: (await newKey('read')).key });
      await h.stop();
      h = await startTestHerald(
        { ...(db ? { databaseUrl: db.url } : {}), secretKey: TEST_SECRET_KEY, adminKey: `${ADMIN_KEY}-rotated` },
        dir,
      );
      refused(await call('GET', '/v1/session', undefined, { cookie: byAdminKey.cookie }), 401, 'unauthorized');
      assert.equal((await call('GET', '/v1/session', undefined, { cookie: byStoredKey.cookie })).status, 200);
    });
  });
}
