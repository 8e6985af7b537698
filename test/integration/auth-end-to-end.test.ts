// Auth towards receivers end to end (issue 17): a subscription created through /v1 with seed 002's
// JWT bearer, the `cloudblue` format and custom data, and one with Basic and an API key, delivered
// by a real `herald serve` process to real receivers on 127.0.0.1. The CloudBlue receiver verifies
// the JWT with jose and the secret the create answer showed; after POST .../jwt-secret/rotate it
// verifies with the new secret, and the old one no longer does. An OAuth 2.0 subscription gets its
// token from a token endpoint written here. The process's log (at debug level) and every recorded
// attempt hold none of the credentials. On SQLite and PostgreSQL.
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { jwtVerify } from 'jose';
import { removeDir, tempDir } from '../helpers/herald.js';
import { createTestDatabase, requirePostgres, type TestDatabase } from '../helpers/postgres.js';
import { callApi, type HeraldProcess, serveProcess } from '../helpers/processes.js';
import { eventually, TestReceiver } from '../helpers/receiver.js';

// biome-ignore lint/suspicious/noExplicitAny: parsed JSON of whatever shape the test checks
type Body = any;

const pgSkip = await requirePostgres();
const key = (secret: string) => new TextEncoder().encode(secret);
const PASSWORD = 'basic-password-e2e-0123';
const API_KEY = 'api-key-value-e2e-4567';
const CLIENT_SECRET = 'client-secret-e2e-89ab';
const ACCESS_TOKEN = 'access-token-e2e-cdef';
const CUSTOM_DATA = { purpose: 'demo', audience: 'partners' };

/** A token endpoint that grants ACCESS_TOKEN to the right client, counting its calls. */
async function tokenEndpoint(): Promise<{ url: string; calls: () => number; close: () => Promise<void> }> {
  let calls = 0;
  const server: Server = createServer((req, res) => {
    calls++;
    const expected = `Basic ${Buffer.from(`client-e2e:${CLIENT_SECRET}`).toString('base64')}`;
    if (req.headers.authorization !== expected) {
      res.writeHead(401, { 'content-type': 'application/json' }).end('{"error":"invalid_client"}');
      return;
    }
    res
      .writeHead(200, { 'content-type': 'application/json' })
      .end(JSON.stringify({ access_token: ACCESS_TOKEN, token_type: 'Bearer', expires_in: 3600 }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/oauth/token`,
    calls: () => calls,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

function suite(name: string, database: () => Promise<{ db: string; drop: () => Promise<void> }>) {
  describe(name, () => {
    let herald: HeraldProcess;
    let drop: () => Promise<void>;
    let receiver: TestReceiver;
    let tokens: Awaited<ReturnType<typeof tokenEndpoint>>;
    let base = '';
    let subscriberId = '';

    before(async () => {
      const made = await database();
      drop = made.drop;
      receiver = await new TestReceiver().start();
      tokens = await tokenEndpoint();
      herald = await serveProcess('all', made.db, {
        HERALD_LOG_LEVEL: 'debug',
        HERALD_PUBLIC_URL: 'https://herald.example',
        HERALD_MAX_TIMEOUT_SECONDS: '600', // seed 002's 10-minute processing timeout
      });
      base = herald.url;
      assert.equal(
        (await callApi(base, 'POST', '/v1/event-types', { name: 'request.queued', description: 'A request was queued' })).status,
        201,
      );
      subscriberId = (await callApi<{ id: string }>(base, 'POST', '/v1/subscribers', { name: 'VA-240-990' })).body.id;
    });
    after(async () => {
      await herald?.stop();
      await receiver?.stop();
      await tokens?.close();
      await drop?.();
    });

    const subscribe = async (path: string, over: Record<string, unknown>) => {
      const created = await callApi<Body>(base, 'POST', `/v1/subscribers/${subscriberId}/subscriptions`, {
        url: `${receiver.url}${path}`,
        eventTypes: ['request.queued'],
        ...over,
      });
      assert.equal(created.status, 201, JSON.stringify(created.body));
      return created.body;
    };
    const deliver = async (path: string, count: number) => {
      assert.equal(
        (await callApi(base, 'POST', '/v1/events', { type: 'request.queued', data: { id: 'PR-1' }, channels: ['PRD-578-226-824'] })).status,
        202,
      );
      await eventually(async () => receiver.requests.filter((r) => r.path === path).length >= count, 20_000, `${count} at ${path}`);
      return receiver.requests.filter((r) => r.path === path)[count - 1]!;
    };

    it('JWT bearer with the cloudblue body: verified with the secret shown at create, then with the rotated one', async () => {
      const sub = await subscribe('/cloudblue', {
        name: 'Tutorial Webhook',
        auth: { type: 'jwt' },
        payloadFormat: 'cloudblue',
        customData: CUSTOM_DATA,
        timeoutSeconds: 600,
        channels: ['PRD-578-226-824'],
      });
      const secret = sub.auth.secret as string;
      assert.ok(secret.length >= 32, 'a generated secret, shown once');
      const first = await deliver('/cloudblue', 1);
      const token = (first.headers.authorization as string).replace(/^Bearer /, '');
      const { payload, protectedHeader } = await jwtVerify(token, key(secret), { algorithms: ['HS256'] });
      assert.deepEqual(protectedHeader, { typ: 'JWT', alg: 'HS256' });
      const body = JSON.parse(first.body);
      const { exp, ...claims } = payload;
      assert.deepEqual(claims, body, 'the POST body is the JWT claims without exp');
      assert.equal(body.webhook_id, sub.id);
      assert.equal(body.webhook_name, 'Tutorial Webhook');
      assert.equal(body.object_class, 'request.queued');
      assert.equal(body.account_id, subscriberId);
      assert.equal(body.product_id, 'PRD-578-226-824');
      assert.equal(body.api_url, 'https://herald.example/v1/');
      assert.equal(body.processing_timeout, 600);
      assert.deepEqual(body.data, CUSTOM_DATA);
      assert.equal(exp, Date.parse(body.triggered_at) / 1000 + 600);
      assert.ok(first.headers['webhook-signature'], 'Standard Webhooks signing stays on beside the JWT');

      // The secret is viewable, and rotating it changes what the JWT verifies with.
      assert.deepEqual((await callApi(base, 'GET', `/v1/subscriptions/${sub.id}/jwt-secret`)).body, {
        secret,
        previousSecret: null,
        previousSecretExpiresAt: null,
      });
      const rotated = await callApi<Body>(base, 'POST', `/v1/subscriptions/${sub.id}/jwt-secret/rotate`, {});
      assert.equal(rotated.status, 200, JSON.stringify(rotated.body));
      const newSecret = rotated.body.secret as string;
      assert.notEqual(newSecret, secret);
      const second = await deliver('/cloudblue', 2);
      const token2 = (second.headers.authorization as string).replace(/^Bearer /, '');
      await jwtVerify(token2, key(newSecret), { algorithms: ['HS256'] });
      await assert.rejects(jwtVerify(token2, key(secret), { algorithms: ['HS256'] }), 'the old secret no longer verifies');
      // The next success is in the claims of the attempt after it.
      const third = await deliver('/cloudblue', 3);
      assert.notEqual(JSON.parse(third.body).last_success_at, null, 'last_success_at once something succeeded');
    });

    it('Basic, API key and OAuth 2.0 headers arrive as configured; no credential in attempts or the log', async () => {
      await subscribe('/basic', { auth: { type: 'basic', username: 'herald', password: PASSWORD } });
      await subscribe('/apikey', { auth: { type: 'apiKey', header: 'X-API-Key', value: API_KEY }, signing: false });
      const oauth = await subscribe('/oauth', {
        auth: { type: 'oauth2', tokenUrl: tokens.url, clientId: 'client-e2e', clientSecret: CLIENT_SECRET, scope: 'webhooks' },
      });
      assert.equal(oauth.auth.clientSecret, CLIENT_SECRET, 'the create answer shows the credential once');
      const masked = await callApi<Body>(base, 'GET', `/v1/subscriptions/${oauth.id}`);
      assert.notEqual(masked.body.auth.clientSecret, CLIENT_SECRET, 'a later read masks it');

      const basic = await deliver('/basic', 1);
      assert.equal(basic.headers.authorization, `Basic ${Buffer.from(`herald:${PASSWORD}`).toString('base64')}`);
      const apiKey = await deliver('/apikey', 1);
      assert.equal(apiKey.headers['x-api-key'], API_KEY);
      assert.equal(apiKey.headers['webhook-signature'], undefined, 'signing: false sends no signature');
      const viaOauth = await deliver('/oauth', 1);
      assert.equal(viaOauth.headers.authorization, `Bearer ${ACCESS_TOKEN}`);
      assert.equal(tokens.calls(), 1);

      const attempts = await callApi<Body>(base, 'GET', '/v1/attempts?limit=100');
      assert.equal(attempts.status, 200, JSON.stringify(attempts.body));
      const recorded = JSON.stringify(attempts.body);
      const log = herald.output();
      for (const credential of [PASSWORD, API_KEY, CLIENT_SECRET, ACCESS_TOKEN, Buffer.from(`herald:${PASSWORD}`).toString('base64')]) {
        assert.ok(!recorded.includes(credential), `attempts hold ${credential}`);
        assert.ok(!log.includes(credential), `the log holds ${credential}`);
      }
    });
  });
}

suite('auth end to end: SQLite', async () => {
  const dir = tempDir();
  return { db: `${dir}/herald.db`, drop: async () => removeDir(dir) };
});

describe('auth end to end: PostgreSQL', { skip: pgSkip ?? false }, () => {
  suite('PostgreSQL', async () => {
    const db: TestDatabase = await createTestDatabase();
    return { db: db.url, drop: () => db.drop() };
  });
});
