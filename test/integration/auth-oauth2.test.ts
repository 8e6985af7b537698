// OAuth 2.0 client credentials towards receivers (seed 004), through the real pipeline, with a real
// token endpoint and a real receiver on 127.0.0.1 written here: the token request as RFC 6749 §4.4
// and §2.3.1 say; one fetch for 200 attempts at once; a new token before the old one expires; a 401
// from the receiver costs one new token and one resend, recorded as one attempt; a failing token
// endpoint fails the attempt (retried) without calling the receiver; a token URL the SSRF guard
// blocks is refused like any URL.
import assert from 'node:assert/strict';
import { createServer, type IncomingHttpHeaders, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { runAttempt } from '../../src/delivery/attempt.js';
import type { HttpClient } from '../../src/delivery/http-client.js';
import type { OAuth2Auth } from '../../src/domain/glossary.js';
import { attempt, deliveryJob, PIPELINE_OPTIONS, testClient } from '../helpers/pipeline.js';
import { TestReceiver } from '../helpers/receiver.js';

interface TokenRequest {
  headers: IncomingHttpHeaders;
  body: string;
  at: number;
}

/** A token endpoint: records each request and answers with `answer` (by default a fresh token
 *  `tok-<n>`, expires_in 3600). */
class TokenEndpoint {
  readonly requests: TokenRequest[] = [];
  answer: (res: ServerResponse, n: number) => void = (res, n) =>
    json(res, 200, { access_token: `tok-${n}`, token_type: 'Bearer', expires_in: 3600 });
  delayMs = 0;
  private readonly server: Server;
  url = '';

  constructor() {
    this.server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        this.requests.push({ headers: req.headers, body: Buffer.concat(chunks).toString('utf8'), at: Date.now() });
        const n = this.requests.length;
        setTimeout(() => this.answer(res, n), this.delayMs);
      });
    });
  }

  async start(host = '127.0.0.1'): Promise<this> {
    await new Promise<void>((resolve) => this.server.listen(0, host, resolve));
    this.url = `http://${host}:${(this.server.address() as AddressInfo).port}/oauth/token`;
    return this;
  }

  async stop(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}

function json(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
}

let clients = 0;
/** A credential of its own for each test (the token cache is per credential). */
function credential(tokenUrl: string, over: Partial<OAuth2Auth> = {}): OAuth2Auth {
  return {
    type: 'oauth2',
    tokenUrl,
    clientId: `herald client ${++clients}`,
    clientSecret: 's3cr&t:+/é',
    scope: null,
    audience: null,
    ...over,
  };
}

describe('OAuth 2.0 client credentials', () => {
  let receiver: TestReceiver;
  let tokens: TokenEndpoint;
  let client: HttpClient;
  before(async () => {
    receiver = await new TestReceiver().start();
    client = testClient();
  });
  after(async () => {
    await client?.close();
    await receiver?.stop();
  });
  const fresh = async () => {
    await tokens?.stop();
    tokens = await new TokenEndpoint().start();
  };
  after(async () => tokens?.stop());

  it('200 attempts at once: one token request, as RFC 6749 §4.4 and §2.3.1 say; every attempt carries the token', async () => {
    await fresh();
    tokens.delayMs = 200; // every attempt starts while the one fetch is in flight
    const auth = credential(tokens.url, { scope: 'orders:read orders:write', audience: 'https://api.receiver.example' });
    const before = receiver.requests.length;
    const outcomes = await Promise.all(Array.from({ length: 200 }, () => attempt(deliveryJob(`${receiver.url}/hook`, { auth }), client)));
    assert.equal(tokens.requests.length, 1, 'one token fetch');
    assert.ok(outcomes.every((o) => o.status === 'succeeded'));
    const got = receiver.requests.slice(before);
    assert.equal(got.length, 200);
    assert.ok(got.every((r) => r.headers.authorization === 'Bearer tok-1'));
    const [request] = tokens.requests;
    assert.ok(request);
    assert.equal(request.headers['content-type'], 'application/x-www-form-urlencoded');
    const form = new URLSearchParams(request.body);
    assert.deepEqual(Object.fromEntries(form), {
      grant_type: 'client_credentials',
      scope: 'orders:read orders:write',
      audience: 'https://api.receiver.example',
    });
    // client_secret_basic: id and secret form-urlencoded, then Basic.
    const basic = /^Basic (.+)$/.exec(String(request.headers.authorization))?.[1];
    assert.ok(basic);
    const decoded = Buffer.from(basic, 'base64').toString('utf8');
    assert.equal(decoded, `herald+client+${clients}:s3cr%26t%3A%2B%2F%C3%A9`);
    const [id, secret] = decoded.split(':').map((part) => decodeURIComponent((part ?? '').replace(/\+/g, ' ')));
    assert.deepEqual([id, secret], [auth.clientId, auth.clientSecret]);
    for (const o of outcomes) assert.equal(o.attempt.requestHeaders.authorization, '[redacted]');
    assert.ok(!JSON.stringify(outcomes.map((o) => o.attempt)).includes('tok-1'), 'the token is not recorded');
  });

  it('without scope or audience, only grant_type is sent', async () => {
    await fresh();
    await attempt(deliveryJob(`${receiver.url}/hook`, { auth: credential(tokens.url) }), client);
    assert.equal(tokens.requests[0]?.body, 'grant_type=client_credentials');
  });

  it('a short-lived token is replaced before it expires, and reused until then', async () => {
    await fresh();
    tokens.answer = (res, n) => json(res, 200, { access_token: `short-${n}`, token_type: 'bearer', expires_in: 3 });
    const auth = credential(tokens.url);
    await attempt(deliveryJob(`${receiver.url}/hook`, { auth }), client);
    const issuedAt = tokens.requests[0]?.at ?? 0;
    await new Promise((r) => setTimeout(r, 1_500));
    await attempt(deliveryJob(`${receiver.url}/hook`, { auth }), client);
    assert.equal(tokens.requests.length, 1, 'reused halfway through its life');
    assert.equal(receiver.requests.at(-1)?.headers.authorization, 'Bearer short-1');
    // 3 s token: refreshed 10 % (0.3 s) before it expires.
    await new Promise((r) => setTimeout(r, Math.max(0, issuedAt + 2_750 - Date.now())));
    await attempt(deliveryJob(`${receiver.url}/hook`, { auth }), client);
    assert.equal(tokens.requests.length, 2, 'a new token fetched');
    assert.ok((tokens.requests[1]?.at ?? Number.POSITIVE_INFINITY) < issuedAt + 3_000, 'before the old one expired');
    assert.equal(receiver.requests.at(-1)?.headers.authorization, 'Bearer short-2');
  });

  it('a 401 from the receiver: one new token, one resend at once, one attempt recorded', async () => {
    await fresh();
    const auth = credential(tokens.url);
    await attempt(deliveryJob(`${receiver.url}/hook`, { auth }), client); // tok-1 cached
    const before = receiver.requests.length;
    receiver.script(401);
    const job = deliveryJob(`${receiver.url}/hook`, { auth }, { attempts: 2, retries: 2 });
    const outcome = await attempt(job, client);
    assert.equal(tokens.requests.length, 2, 'exactly one new token fetch');
    const got = receiver.requests.slice(before);
    assert.deepEqual(
      got.map((r) => r.headers.authorization),
      ['Bearer tok-1', 'Bearer tok-2'],
      'sent, refused, resent once with the new token',
    );
    assert.equal(got[0]?.headers['webhook-id'], got[1]?.headers['webhook-id'], 'the same message');
    assert.equal(outcome.attempts, 3, 'one attempt counted');
    assert.equal(outcome.retries, 2, 'no retry used');
    assert.equal(outcome.status, 'succeeded');
    assert.equal(outcome.attempt.statusCode, 204, 'the resend is the attempt recorded');
    assert.equal(outcome.attempt.error, null);
  });

  it('a receiver that keeps answering 401: one resend only, then the attempt fails as any 4xx', async () => {
    await fresh();
    const auth = credential(tokens.url);
    const before = receiver.requests.length;
    receiver.script(401, 401);
    const outcome = await attempt(deliveryJob(`${receiver.url}/hook`, { auth }), client);
    assert.equal(receiver.requests.length - before, 2, 'one send, one resend');
    assert.equal(tokens.requests.length, 2);
    assert.equal(outcome.attempts, 1);
    assert.equal(outcome.status, 'retrying');
    assert.equal(outcome.attempt.error, 'HTTP 401');
  });

  it('a 401 with Basic auth is not resent', async () => {
    const before = receiver.requests.length;
    receiver.script(401);
    const outcome = await attempt(deliveryJob(`${receiver.url}/hook`, { auth: { type: 'basic', username: 'u', password: 'p' } }), client);
    assert.equal(receiver.requests.length - before, 1);
    assert.equal(outcome.attempt.statusCode, 401);
  });

  it('a token endpoint answering 400 invalid_client: the attempt fails, retried, the receiver not called', async () => {
    await fresh();
    tokens.answer = (res) => json(res, 400, { error: 'invalid_client', error_description: 'Client authentication failed for s3cr&t' });
    const before = receiver.requests.length;
    const job = deliveryJob(`${receiver.url}/hook`, { auth: credential(tokens.url) });
    const run = await runAttempt(job, client, PIPELINE_OPTIONS);
    assert.ok('attempt' in run);
    assert.equal(receiver.requests.length, before, 'receiver not called');
    assert.equal(run.attempt.error, 'auth_failed: token endpoint answered 400 invalid_client');
    assert.equal(run.attempt.statusCode, null);
    assert.deepEqual(run.attempt.requestHeaders, {});
    assert.equal(run.status, 'retrying', 'retried on the schedule, not failed for good');
    assert.equal(run.retries, 1);
    assert.ok(run.nextAttemptAt !== null && run.nextAttemptAt > Date.now());
    assert.equal(run.health, null, "not the receiver's fault: no health signal");
    assert.equal(run.signal, 'neutral');
    // Failures are not cached: the next attempt asks again.
    await attempt(deliveryJob(`${receiver.url}/hook`, { auth: job.subscription.auth as OAuth2Auth }), client);
    assert.equal(tokens.requests.length, 2);
  });

  it('a token answer without an access_token, or an endpoint that is down, fails the attempt with its reason', async () => {
    await fresh();
    tokens.answer = (res) => json(res, 200, { token_type: 'Bearer' });
    let outcome = await attempt(deliveryJob(`${receiver.url}/hook`, { auth: credential(tokens.url) }), client);
    assert.equal(outcome.attempt.error, 'auth_failed: token endpoint answered 200 without an access_token');
    const url = tokens.url;
    await tokens.stop();
    outcome = await attempt(deliveryJob(`${receiver.url}/hook`, { auth: credential(url) }), client);
    assert.match(String(outcome.attempt.error), /^auth_failed: token endpoint not reached: connection_refused: /);
    assert.equal(outcome.status, 'retrying');
    tokens = await new TokenEndpoint().start();
  });

  it('a token URL the SSRF guard blocks (production policy: no loopback) is refused with the guard’s error', async () => {
    await fresh();
    const guarded = testClient(''); // HERALD_ALLOWED_NETWORKS unset, as in production
    try {
      const before = receiver.requests.length;
      const outcome = await attempt(deliveryJob(`${receiver.url}/hook`, { auth: credential(tokens.url) }), guarded);
      assert.equal(outcome.attempt.error, 'auth_failed: token endpoint not reached: blocked: 127.0.0.1 is loopback');
      assert.equal(tokens.requests.length, 0, 'the token endpoint was never reached');
      assert.equal(receiver.requests.length, before, 'receiver not called');
      assert.equal(outcome.status, 'retrying');
    } finally {
      await guarded.close();
    }
  });

  it('the token URL is checked on its own: a receiver the policy allows, a token endpoint it does not', async () => {
    const elsewhere = await new TokenEndpoint().start('127.0.0.2');
    const guarded = testClient('127.0.0.1/32'); // the receiver's address only
    try {
      const before = receiver.requests.length;
      const outcome = await attempt(deliveryJob(`${receiver.url}/hook`, { auth: credential(elsewhere.url) }), guarded);
      assert.equal(outcome.attempt.error, 'auth_failed: token endpoint not reached: blocked: 127.0.0.2 is loopback');
      assert.equal(elsewhere.requests.length, 0);
      assert.equal(receiver.requests.length, before);
      const plain = await attempt(deliveryJob(`${receiver.url}/hook`), guarded);
      assert.equal(plain.status, 'succeeded', 'the receiver itself is allowed');
    } finally {
      await guarded.close();
      await elsewhere.stop();
    }
  });
});
