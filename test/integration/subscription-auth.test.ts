// A subscription's auth towards its receiver, signing and custom data through the /v1 API (seeds 002
// and 004): each auth type created, read, listed and updated; credentials shown by the create answer
// and the JWT secret endpoints only, masked for every other answer (read and subscriber keys too);
// the JWT secret generated, viewed and rotated with the signing secret's overlap; validation errors
// with their codes, changing nothing; no plaintext credential in the database (the SQLite file bytes,
// the PostgreSQL rows) or in the audit log; Jiwa-created subscriptions have none of it. On SQLite
// and PostgreSQL, over real HTTP.
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { isSealed } from '../../src/security/secret-box.js';
import { pgAdminQuery } from '../../src/store/postgres/admin.js';
import { ADMIN_KEY, removeDir, startTestHerald, type TestHerald, tempDir } from '../helpers/herald.js';
import { createTestDatabase, requirePostgres, type TestDatabase } from '../helpers/postgres.js';

type Json = Record<string, unknown>;
// biome-ignore lint/suspicious/noExplicitAny: parsed JSON of whatever shape the test checks
type Body = any;
interface Answer {
  status: number;
  body: Body;
  text: string;
}

const pgSkip = await requirePostgres();
const TEST_SECRET_KEY = 'c3Vic2NyaXB0aW9uLWF1dGggdGVzdCBrZXkgMzJCISE='; // base64 of 32 bytes, tests only
const MASK = '********';
const DAY_MS = 24 * 60 * 60 * 1000;

// Credentials a client gives Herald for its receivers; none may be stored or logged in the clear.
const JWT_SECRET = 'jwt-secret-given-9f8e7d6c5b4a';
const BASIC_PASSWORD = 'basic-password-3c2b1a0f';
const CLIENT_SECRET = 'oauth-client-secret-77aa55cc';
const API_KEY_VALUE = 'api-key-value-1d2e3f4a5b';
const NEW_PASSWORD = 'basic-password-rotated-8e8e';
const ROTATED_JWT = 'jwt-secret-rotated-by-hand-6b6b';

describe('subscription auth, signing and custom data through /v1', { timeout: 120_000 }, () => {
  for (const backend of ['SQLite', 'PostgreSQL'] as const) {
    describe(backend, { skip: backend === 'PostgreSQL' ? (pgSkip ?? false) : false }, () => {
      const dir = tempDir();
      let db: TestDatabase | null = null;
      let h: TestHerald;
      let subscriberId = '';
      let readKey = '';
      let subscriberKey = '';
      /** Every credential sent so far, and every generated one seen. */
      const credentials = [JWT_SECRET, BASIC_PASSWORD, CLIENT_SECRET, API_KEY_VALUE];

      async function call(method: string, path: string, body?: unknown, key = ADMIN_KEY): Promise<Answer> {
        const res = await fetch(h.url + path, {
          method,
          headers: { authorization: `Bearer ${key}`, ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
          body: body === undefined ? undefined : JSON.stringify(body),
        });
        const text = await res.text();
        assert.ok(res.status < 500, `${method} ${path} answered ${res.status}: ${text}`);
        return { status: res.status, body: text ? JSON.parse(text) : null, text };
      }
      const create = (body: Json) =>
        call('POST', `/v1/subscribers/${subscriberId}/subscriptions`, {
          url: 'https://receiver.example/hook',
          eventTypes: ['order.*'],
          ...body,
        });
      const assertError = (a: Answer, status: number, code: string, what: string) => {
        assert.equal(a.status, status, `${what}: ${a.text}`);
        assert.equal(a.body.code, code, `${what}: ${a.text}`);
        assert.equal(typeof a.body.message, 'string');
      };

      /** What the database holds, as bytes or row text, in which no credential may appear. */
      async function storedText(): Promise<string> {
        if (db) {
          const rows = await pgAdminQuery<{ row: string }>(db.url, 'SELECT row_to_json(s)::text AS row FROM subscriptions s');
          return rows.map((r) => r.row).join('\n');
        }
        const files = ['herald.db', 'herald.db-wal', 'herald.db-shm'].map((f) => join(dir, f)).filter((f) => existsSync(f));
        return Buffer.concat(files.map((f) => readFileSync(f))).toString('latin1');
      }

      before(async () => {
        if (backend === 'PostgreSQL') db = await createTestDatabase();
        h = await startTestHerald(db ? { databaseUrl: db.url, secretKey: TEST_SECRET_KEY } : {}, dir);
        subscriberId = (await call('POST', '/v1/subscribers', { name: 'CloudBlue' })).body.id;
        readKey = (await call('POST', '/v1/api-keys', { name: 'dashboard', scope: 'read' })).body.key;
        subscriberKey = (await call('POST', '/v1/api-keys', { name: 'portal', scope: 'subscriber', subscriberId })).body.key;
        assert.ok(readKey && subscriberKey);
      });
      after(async () => {
        await h?.stop();
        await db?.drop();
        removeDir(dir);
      });

      it('creates each auth type: the create answer shows the credentials once, every other answer masks them', async () => {
        const customData = { purpose: 'demo', audience: 'partners', nested: { list: [1, 2], ok: true } };
        const jwt = await create({ auth: { type: 'jwt' }, signing: false, customData });
        assert.equal(jwt.status, 201, jwt.text);
        const generated = jwt.body.auth.secret as string;
        credentials.push(generated);
        assert.match(generated, /^[A-Za-z0-9_-]{43}$/, '32 random bytes, base64url');
        assert.equal(Buffer.from(generated, 'base64url').length, 32);
        assert.deepEqual(jwt.body.auth, { type: 'jwt', secret: generated, previousSecret: null, previousSecretExpiresAt: null });
        assert.equal(jwt.body.signing, false);
        assert.deepEqual(jwt.body.customData, customData);
        assert.deepEqual([jwt.body.health.lastSuccessAt, jwt.body.health.lastFailureAt], [null, null]);

        const given = await create({ auth: { type: 'jwt', secret: JWT_SECRET } });
        assert.equal(given.status, 201, given.text);
        assert.equal(given.body.auth.secret, JWT_SECRET);
        assert.equal(given.body.signing, true, 'signing is on by default');
        assert.equal(given.body.customData, null);

        const basic = await create({ auth: { type: 'basic', username: 'erp', password: BASIC_PASSWORD } });
        assert.equal(basic.status, 201, basic.text);
        assert.deepEqual(basic.body.auth, { type: 'basic', username: 'erp', password: BASIC_PASSWORD });
        const oauth = await create({
          auth: {
            type: 'oauth2',
            tokenUrl: 'https://idp.example/oauth/token',
            clientId: 'herald',
            clientSecret: CLIENT_SECRET,
            scope: 'hooks',
          },
        });
        assert.equal(oauth.status, 201, oauth.text);
        assert.deepEqual(oauth.body.auth, {
          type: 'oauth2',
          tokenUrl: 'https://idp.example/oauth/token',
          clientId: 'herald',
          clientSecret: CLIENT_SECRET,
          scope: 'hooks',
          audience: null,
        });
        const apiKey = await create({ auth: { type: 'apiKey', header: 'X-API-Key', value: API_KEY_VALUE }, headers: { 'X-Team': 'qa' } });
        assert.equal(apiKey.status, 201, apiKey.text);
        assert.deepEqual(apiKey.body.auth, { type: 'apiKey', header: 'X-API-Key', value: API_KEY_VALUE });
        const none = await create({});
        assert.deepEqual([none.body.auth, none.body.signing, none.body.customData], [null, true, null]);

        const masked: Record<string, Json> = {
          [jwt.body.id]: { type: 'jwt', secret: MASK, previousSecret: null, previousSecretExpiresAt: null },
          [given.body.id]: { type: 'jwt', secret: MASK, previousSecret: null, previousSecretExpiresAt: null },
          [basic.body.id]: { type: 'basic', username: 'erp', password: MASK },
          [oauth.body.id]: {
            type: 'oauth2',
            tokenUrl: 'https://idp.example/oauth/token',
            clientId: 'herald',
            clientSecret: MASK,
            scope: 'hooks',
            audience: null,
          },
          [apiKey.body.id]: { type: 'apiKey', header: 'X-API-Key', value: MASK },
        };
        for (const key of [ADMIN_KEY, readKey, subscriberKey]) {
          for (const [id, auth] of Object.entries(masked)) {
            const got = await call('GET', `/v1/subscriptions/${id}`, undefined, key);
            assert.equal(got.status, 200, got.text);
            assert.deepEqual(got.body.auth, auth);
          }
          const gotJwt = await call('GET', `/v1/subscriptions/${jwt.body.id}`, undefined, key);
          assert.equal(gotJwt.body.signing, false);
          assert.deepEqual(gotJwt.body.customData, customData);
          for (const path of [`/v1/subscriptions?subscriberId=${subscriberId}`, `/v1/subscribers/${subscriberId}/subscriptions`]) {
            const list = await call('GET', path, undefined, key);
            assert.equal(list.status, 200, list.text);
            for (const s of list.body.data) if (masked[s.id]) assert.deepEqual(s.auth, masked[s.id], `${path} ${s.id}`);
            for (const c of credentials) assert.ok(!list.text.includes(c), `${path} must not show ${c.slice(0, 10)}...`);
          }
        }
        const forReader = await call('GET', `/v1/subscriptions/${apiKey.body.id}`, undefined, readKey);
        assert.deepEqual(forReader.body.headers, { 'X-Team': '[redacted]' }, 'custom headers stay masked for read keys as before');
      });

      it('the JWT secret: viewable, and rotated with the overlap of the signing secret; only for jwt auth and secret-reading keys', async () => {
        const sub = await create({ auth: { type: 'jwt', secret: JWT_SECRET } });
        const id = sub.body.id as string;
        assert.deepEqual((await call('GET', `/v1/subscriptions/${id}/jwt-secret`)).body, {
          secret: JWT_SECRET,
          previousSecret: null,
          previousSecretExpiresAt: null,
        });
        assert.deepEqual((await call('GET', `/v1/subscriptions/${id}/jwt-secret`, undefined, subscriberKey)).body, {
          secret: JWT_SECRET,
          previousSecret: null,
          previousSecretExpiresAt: null,
        });
        assertError(await call('GET', `/v1/subscriptions/${id}/jwt-secret`, undefined, readKey), 403, 'forbidden', 'a read key');
        assertError(await call('POST', `/v1/subscriptions/${id}/jwt-secret/rotate`, {}, readKey), 403, 'forbidden', 'a read key rotating');

        const before = Date.now();
        const rotated = await call('POST', `/v1/subscriptions/${id}/jwt-secret/rotate`, {});
        assert.equal(rotated.status, 200, rotated.text);
        const fresh = rotated.body.secret as string;
        credentials.push(fresh);
        assert.match(fresh, /^[A-Za-z0-9_-]{43}$/);
        const expires = Date.parse(rotated.body.previousSecretExpiresAt);
        assert.ok(
          expires >= before + DAY_MS && expires <= Date.now() + DAY_MS,
          'the old secret stays valid 24 h, as with the signing secret',
        );
        assert.deepEqual(
          (await call('GET', `/v1/subscriptions/${id}/jwt-secret`)).body,
          { secret: fresh, previousSecret: JWT_SECRET, previousSecretExpiresAt: rotated.body.previousSecretExpiresAt },
          'the new secret, and the old one while the overlap lasts',
        );
        const got = await call('GET', `/v1/subscriptions/${id}`);
        assert.deepEqual(got.body.auth, {
          type: 'jwt',
          secret: MASK,
          previousSecret: MASK,
          previousSecretExpiresAt: rotated.body.previousSecretExpiresAt,
        });
        const stored = await h.herald.store.getSubscription(id);
        assert.deepEqual(stored?.auth, { type: 'jwt', secret: fresh, previousSecret: JWT_SECRET, previousSecretExpiresAt: expires });

        const byHand = await call(
          'POST',
          `/v1/subscriptions/${id}/jwt-secret/rotate`,
          { secret: ROTATED_JWT, expiresInSeconds: 0 },
          subscriberKey,
        );
        assert.equal(byHand.status, 200, byHand.text);
        assert.deepEqual(byHand.body, { secret: ROTATED_JWT, previousSecretExpiresAt: null });
        assert.deepEqual((await h.herald.store.getSubscription(id))?.auth, {
          type: 'jwt',
          secret: ROTATED_JWT,
          previousSecret: null,
          previousSecretExpiresAt: null,
        });
        assert.equal(got.body.secret, undefined);
        assert.notEqual((await call('GET', `/v1/subscriptions/${id}/secret`)).body.secret, ROTATED_JWT, 'the signing secret is another');

        const unchanged = (await call('GET', `/v1/subscriptions/${id}`)).text;
        assertError(
          await call('POST', `/v1/subscriptions/${id}/jwt-secret/rotate`, { secret: 'short' }),
          422,
          'invalid_auth',
          'a short secret',
        );
        assertError(
          await call('POST', `/v1/subscriptions/${id}/jwt-secret/rotate`, { secret: 'x'.repeat(513) }),
          422,
          'invalid_auth',
          'a long secret',
        );
        assertError(
          await call('POST', `/v1/subscriptions/${id}/jwt-secret/rotate`, { nope: 1 }),
          400,
          'validation_failed',
          'an unknown field',
        );
        assert.equal((await call('GET', `/v1/subscriptions/${id}`)).text, unchanged);

        const basic = await create({ auth: { type: 'basic', username: 'u', password: BASIC_PASSWORD } });
        for (const [method, path] of [
          ['GET', `/v1/subscriptions/${basic.body.id}/jwt-secret`],
          ['POST', `/v1/subscriptions/${basic.body.id}/jwt-secret/rotate`],
        ] as const) {
          const refused = await call(method, path, method === 'POST' ? {} : undefined);
          assertError(refused, 409, 'auth_not_jwt', `${method} on basic auth`);
          assert.match(refused.body.message, /basic, not jwt/);
        }
        const plain = await create({});
        assertError(await call('GET', `/v1/subscriptions/${plain.body.id}/jwt-secret`), 409, 'auth_not_jwt', 'no auth');
      });

      it('updates: an auth of the same type without its credential keeps it; another type needs its own; null removes it', async () => {
        const sub = await create({ auth: { type: 'basic', username: 'erp', password: BASIC_PASSWORD } });
        const id = sub.body.id as string;
        const renamed = await call('PATCH', `/v1/subscriptions/${id}`, { auth: { type: 'basic', username: 'erp2' } });
        assert.equal(renamed.status, 200, renamed.text);
        assert.deepEqual(renamed.body.auth, { type: 'basic', username: 'erp2', password: MASK });
        assert.deepEqual((await h.herald.store.getSubscription(id))?.auth, { type: 'basic', username: 'erp2', password: BASIC_PASSWORD });
        await call('PATCH', `/v1/subscriptions/${id}`, { auth: { type: 'basic', username: 'erp2', password: NEW_PASSWORD } });
        credentials.push(NEW_PASSWORD);
        assert.deepEqual((await h.herald.store.getSubscription(id))?.auth, { type: 'basic', username: 'erp2', password: NEW_PASSWORD });

        const before = (await call('GET', `/v1/subscriptions/${id}`)).text;
        assertError(
          await call('PATCH', `/v1/subscriptions/${id}`, { auth: { type: 'apiKey', header: 'X-Key' } }),
          422,
          'invalid_auth',
          'apiKey without value',
        );
        assertError(
          await call('PATCH', `/v1/subscriptions/${id}`, { auth: { type: 'oauth2', tokenUrl: 'https://idp.example/t', clientId: 'c' } }),
          422,
          'invalid_auth',
          'oauth2 without clientSecret',
        );
        assert.equal((await call('GET', `/v1/subscriptions/${id}`)).text, before, 'a refused update changes nothing');

        const oauth = await call('PATCH', `/v1/subscriptions/${id}`, {
          auth: { type: 'oauth2', tokenUrl: 'https://idp.example/t', clientId: 'c', clientSecret: CLIENT_SECRET, audience: 'api' },
          signing: false,
          customData: { tier: 'gold' },
        });
        assert.equal(oauth.status, 200, oauth.text);
        assert.deepEqual(oauth.body.auth, {
          type: 'oauth2',
          tokenUrl: 'https://idp.example/t',
          clientId: 'c',
          clientSecret: MASK,
          scope: null,
          audience: 'api',
        });
        const scoped = await call('PATCH', `/v1/subscriptions/${id}`, {
          auth: { type: 'oauth2', tokenUrl: 'https://idp.example/t', clientId: 'c', scope: 'read write' },
        });
        assert.equal(scoped.status, 200, scoped.text);
        assert.deepEqual((await h.herald.store.getSubscription(id))?.auth, {
          type: 'oauth2',
          tokenUrl: 'https://idp.example/t',
          clientId: 'c',
          clientSecret: CLIENT_SECRET,
          scope: 'read write',
          audience: null,
        });
        assert.equal(scoped.body.signing, false, 'fields left out keep their value');
        assert.deepEqual(scoped.body.customData, { tier: 'gold' });

        const toJwt = await call('PATCH', `/v1/subscriptions/${id}`, { auth: { type: 'jwt' } });
        assert.equal(toJwt.status, 200, toJwt.text);
        const generated = (await call('GET', `/v1/subscriptions/${id}/jwt-secret`)).body.secret as string;
        credentials.push(generated);
        assert.match(generated, /^[A-Za-z0-9_-]{43}$/, 'a new jwt auth gets a generated secret, viewable by GET .../jwt-secret');
        await call('PATCH', `/v1/subscriptions/${id}`, { auth: { type: 'jwt' } });
        assert.equal((await call('GET', `/v1/subscriptions/${id}/jwt-secret`)).body.secret, generated, 'jwt without a secret keeps it');

        const cleared = await call('PATCH', `/v1/subscriptions/${id}`, { auth: null, customData: null, signing: true });
        assert.equal(cleared.status, 200, cleared.text);
        assert.deepEqual([cleared.body.auth, cleared.body.customData, cleared.body.signing], [null, null, true]);
        assert.equal((await h.herald.store.getSubscription(id))?.auth, null);
      });

      it('refuses bad auth, custom data and signing with stable codes, changing nothing', async () => {
        const count = async () =>
          (await call('GET', `/v1/subscribers/${subscriberId}/subscriptions?limit=1000`)).body.data.length as number;
        const n = await count();
        const cases: [Json, number, string][] = [
          [{ auth: { type: 'digest' } }, 400, 'validation_failed'],
          [{ auth: { username: 'x', password: 'y' } }, 400, 'validation_failed'],
          [{ auth: 'jwt' }, 400, 'validation_failed'],
          [{ auth: { type: 'basic', username: 'u', password: 'p', extra: 1 } }, 400, 'validation_failed'],
          [{ auth: { type: 'basic', username: 'u', tokenUrl: 'https://x.example' } }, 422, 'invalid_auth'],
          [{ auth: { type: 'basic', password: 'p' } }, 422, 'invalid_auth'],
          [{ auth: { type: 'basic', username: 'u' } }, 422, 'invalid_auth'],
          [{ auth: { type: 'basic', username: 'a:b', password: 'p' } }, 422, 'invalid_auth'],
          [{ auth: { type: 'basic', username: 'u', password: 'line\nbreak' } }, 422, 'invalid_auth'],
          [{ auth: { type: 'jwt', secret: 'fifteen-chars!!' } }, 422, 'invalid_auth'],
          [{ auth: { type: 'oauth2', clientId: 'c', clientSecret: 's' } }, 422, 'invalid_auth'],
          [{ auth: { type: 'oauth2', tokenUrl: 'ftp://idp.example/t', clientId: 'c', clientSecret: 's' } }, 422, 'invalid_url'],
          [
            { auth: { type: 'oauth2', tokenUrl: 'http://169.254.169.254/token', clientId: 'c', clientSecret: 's' } },
            422,
            'url_not_allowed',
          ],
          [{ auth: { type: 'oauth2', tokenUrl: 'http://10.1.2.3/token', clientId: 'c', clientSecret: 's' } }, 422, 'url_not_allowed'],
          [{ auth: { type: 'apiKey', header: 'X Key', value: 'v' } }, 422, 'invalid_auth'],
          [{ auth: { type: 'apiKey', header: 'webhook-signature', value: 'v' } }, 422, 'invalid_auth'],
          [{ auth: { type: 'apiKey', header: 'Content-Type', value: 'v' } }, 422, 'invalid_auth'],
          [{ auth: { type: 'apiKey', header: 'Host', value: 'v' } }, 422, 'invalid_auth'],
          [{ auth: { type: 'apiKey', header: 'X-Key', value: '' } }, 422, 'invalid_auth'],
          [{ auth: { type: 'apiKey', header: 'X-Key', value: 'v' }, headers: { 'x-key': 'other' } }, 422, 'invalid_auth'],
          [{ auth: { type: 'basic', username: 'u', password: 'p' }, headers: { Authorization: 'Bearer t' } }, 422, 'invalid_auth'],
          [{ customData: [1, 2] }, 400, 'validation_failed'],
          [{ customData: 'text' }, 400, 'validation_failed'],
          [{ customData: 7 }, 400, 'validation_failed'],
          [{ customData: { blob: 'x'.repeat(65_536) } }, 422, 'custom_data_too_large'],
          [{ signing: 'yes' }, 400, 'validation_failed'],
        ];
        for (const [body, status, code] of cases) assertError(await create(body), status, code, JSON.stringify(body).slice(0, 120));
        assert.equal(await count(), n, 'nothing was created');

        const big = await create({ customData: { blob: 'x'.repeat(65_536) } });
        assert.match(big.body.message, /65536 bytes/);
        assert.equal(big.body.details.limitBytes, 65_536);
        const fits = await create({ customData: { blob: 'x'.repeat(65_536 - '{"blob":""}'.length) } });
        assert.equal(fits.status, 201, 'exactly 64 KB is allowed');
        const hostHeader = await create({ auth: { type: 'apiKey', header: 'Authorization', value: 'ApiKey k' } });
        assert.equal(hostHeader.status, 201, 'an API key may use Authorization: Herald sets it only for the other auth types');

        const id = fits.body.id as string;
        const before = (await call('GET', `/v1/subscriptions/${id}`)).text;
        for (const [body, status, code] of cases)
          assertError(await call('PATCH', `/v1/subscriptions/${id}`, body), status, code, `PATCH ${JSON.stringify(body).slice(0, 100)}`);
        assert.equal((await call('GET', `/v1/subscriptions/${id}`)).text, before, 'refused updates changed nothing');
      });

      it('no credential in the clear: not in the database, not in the audit log', async () => {
        const text = await storedText();
        assert.ok(text.includes('https://idp.example/oauth/token') && text.includes('X-API-Key'), 'the check reads real data');
        for (const c of credentials) assert.ok(!text.includes(c), `${c.slice(0, 12)}... must not be stored in the clear`);
        if (db) {
          const rows = await pgAdminQuery<{ auth: string }>(db.url, 'SELECT auth FROM subscriptions WHERE auth IS NOT NULL');
          assert.ok(rows.length >= 5);
          for (const r of rows) {
            const auth = JSON.parse(r.auth) as Json;
            for (const field of ['secret', 'password', 'clientSecret', 'value']) {
              if (typeof auth[field] === 'string') assert.ok(isSealed(auth[field] as string), `${auth.type}.${field} is sealed`);
            }
          }
        }

        const audit = await call('GET', '/v1/audit-log?limit=1000');
        assert.equal(audit.status, 200, audit.text);
        assert.ok(
          audit.body.data.some((e: Json) => e.action === 'subscription.rotate-jwt-secret'),
          'the rotation is audited',
        );
        const created = audit.body.data.find(
          (e: Json) => e.action === 'subscription.create' && JSON.stringify(e.changes).includes('X-API-Key'),
        );
        assert.deepEqual(created?.changes.auth, { type: 'apiKey', header: 'X-API-Key', value: '[redacted]' }, 'names stay, values go');
        for (const c of credentials) assert.ok(!audit.text.includes(c), `${c.slice(0, 12)}... must not be in the audit log`);
      });

      it('Jiwa subscriptions have no auth, sign, and carry no custom data; their Headers still work', async () => {
        await call('POST', '/v1/event-types', { name: 'salesorder.created', description: 'A sales order was created' });
        const sbr = await call('POST', '/Webhooks/Subscribers', { Name: 'jiwa shop', IsEnabled: true });
        assert.ok(sbr.status < 300, sbr.text);
        const sub = await call('POST', `/Webhooks/Subscribers/${sbr.body.RecID}/Subscriptions`, {
          URL: 'https://receiver.example/jiwa',
          EventName: 'salesorder.created',
          Headers: [{ Name: 'X-Team', Value: 'qa' }],
        });
        assert.ok(sub.status < 300, sub.text);
        const got = await call('GET', `/v1/subscriptions/${sub.body.RecID}`);
        assert.equal(got.status, 200, got.text);
        assert.deepEqual([got.body.auth, got.body.signing, got.body.customData], [null, true, null]);
        assert.deepEqual(got.body.headers, { 'X-Team': 'qa' });
      });
    });
  }
});
