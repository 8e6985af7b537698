// herald/receiver against Herald's real deliveries: a real Herald (API and dispatcher, SQLite) sends
// to real receivers on 127.0.0.1 built with each adapter: node:http (nodeHandler), express-style
// middleware (expressVerifier on node:http with the Buffer express.raw leaves, with the stream left
// alone, and with a body a JSON parser already consumed: a clear error), and fastify (rawBodyParser
// and fastifyVerifier in a scope of their own). Each receiver records what it verified or refused;
// the tests compare that with the message Herald recorded. Also: a rotated secret (two signatures),
// a JWT subscription verified with its JWT secret and expected claims, and a replayed delivery
// refused once the tolerance has passed.
import assert from 'node:assert/strict';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import Fastify, { type FastifyInstance } from 'fastify';
import {
  type AdapterOptions,
  type ExpressLikeRequest,
  expressVerifier,
  fastifyVerifier,
  nodeHandler,
  RawBodyUnavailableError,
  rawBodyParser,
  readRawBody,
  type Verified,
  verify,
  webhookOf,
} from '../../src/receiver/index.js';
import { removeDir, startTestHerald, type TestHerald } from '../helpers/herald.js';
import { eventually } from '../helpers/receiver.js';

// biome-ignore lint/suspicious/noExplicitAny: parsed JSON of whatever shape the test checks
type Body = any;

interface Log {
  verified: Verified[];
  refused: { status: number; body: string }[];
  errors: string[];
}
const newLog = (): Log => ({ verified: [], refused: [], errors: [] });

async function listen(server: Server): Promise<string> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}
async function close(server: Server): Promise<void> {
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
}

/** Records a refusal's answer as the adapter wrote it. */
function recordRefusals(res: ServerResponse, log: Log): void {
  const end = res.end.bind(res);
  res.end = ((chunk?: unknown) => {
    if (res.statusCode >= 400) log.refused.push({ status: res.statusCode, body: String(chunk ?? '') });
    return end(chunk as string);
  }) as typeof res.end;
}

/** A node:http receiver verifying with nodeHandler; `options()` read per request (tests change it). */
function nodeReceiver(options: () => AdapterOptions, log: Log): Server {
  return createServer((req, res) => {
    recordRefusals(res, log);
    nodeHandler(options(), (webhook, _req, reply) => {
      log.verified.push(webhook);
      reply.writeHead(204).end();
    })(req, res);
  });
}

type BodyMode = 'raw' | 'stream' | 'json';
/** What express would do before the middleware: express.raw (a Buffer), nothing, or express.json. */
async function expressBodyParser(req: ExpressLikeRequest, mode: BodyMode): Promise<void> {
  if (mode === 'raw') req.body = await readRawBody(req);
  if (mode === 'json') req.body = JSON.parse((await readRawBody(req)).toString('utf8'));
}

/** An express-style app on node:http: a body parser by mode, expressVerifier, then the route; errors
 *  passed to next() answer 500 with their message, as express's default error handler would log. */
function expressReceiver(secret: () => string, log: Log): Server {
  return createServer((req: ExpressLikeRequest, res) => {
    recordRefusals(res, log);
    const mode = (new URL(req.url ?? '/', 'http://x').searchParams.get('parser') ?? 'raw') as BodyMode;
    expressBodyParser(req, mode).then(() =>
      expressVerifier({ secret: secret() })(req, res, (err?: unknown) => {
        if (err) {
          log.errors.push(`${(err as Error).constructor.name}: ${(err as Error).message}`);
          res.writeHead(500).end();
          return;
        }
        assert.equal(webhookOf(req), req.webhook);
        log.verified.push(req.webhook as Verified);
        res.writeHead(200, { 'content-type': 'application/json' }).end('{"received":true}');
      }),
    );
  });
}

async function fastifyReceiver(secret: () => string, log: Log): Promise<{ app: FastifyInstance; url: string }> {
  const app = Fastify();
  app.post('/other', async (request) => ({ parsed: request.body })); // outside the scope: JSON as usual
  await app.register(async (scope) => {
    rawBodyParser(scope);
    scope.addHook('onRequest', async (request) => {
      (request as unknown as { secret: string }).secret = secret();
    });
    scope.post('/webhooks', {
      preHandler: async (request, reply) => {
        await fastifyVerifier({ secret: (request as unknown as { secret: string }).secret })(request, reply);
        if (reply.sent) log.refused.push({ status: reply.statusCode, body: '' });
      },
      handler: async (request, reply) => {
        const webhook = webhookOf(request);
        assert.ok(webhook, 'verified before the handler');
        log.verified.push(webhook);
        return reply.code(202).send({ id: webhook.id });
      },
    });
  });
  const url = await app.listen({ port: 0, host: '127.0.0.1' });
  return { app, url };
}

describe('herald/receiver adapters receiving real Herald deliveries', () => {
  let h: TestHerald;
  let subscriberId = '';
  const servers: Server[] = [];
  let fastify: FastifyInstance | undefined;

  before(async () => {
    h = await startTestHerald();
    assert.equal((await h.api('POST', '/v1/event-types', { name: 'order.created', description: 'An order was created' })).status, 201);
    subscriberId = (await h.api<Body>('POST', '/v1/subscribers', { name: 'receiver-tests' })).body.id;
  });
  after(async () => {
    await h?.stop();
    for (const s of servers) await close(s);
    await fastify?.close();
    if (h) removeDir(h.dir);
  });

  const subscribe = async (url: string, over: Record<string, unknown> = {}) => {
    const created = await h.api<Body>('POST', `/v1/subscribers/${subscriberId}/subscriptions`, {
      url,
      eventTypes: ['order.created'],
      ...over,
    });
    assert.equal(created.status, 201, JSON.stringify(created.body));
    return created.body as { id: string; secret: string; auth: Body };
  };
  const send = async (data: unknown) => {
    const sent = await h.api<Body>('POST', '/v1/events', { type: 'order.created', data });
    assert.equal(sent.status, 202, JSON.stringify(sent.body));
    return sent.body;
  };
  /** The subscription's messages once `count` exist and all succeeded (or the last one's state). */
  const settled = async (subscriptionId: string, count: number, status = 'succeeded') =>
    eventually(
      async () => {
        const list = (await h.api<Body>('GET', `/v1/messages?subscriptionId=${subscriptionId}`)).body.data as Body[];
        return list.length >= count && list.every((m) => m.status === status) ? list : null;
      },
      15_000,
      `${count} ${status} message(s) of ${subscriptionId}`,
    );

  it('node:http: verifies each delivery, id and payload as sent; a rotated secret (two signatures) verifies with either', async () => {
    const log = newLog();
    let options: AdapterOptions = { secret: 'whsec_placeholder' };
    const server = nodeReceiver(() => options, log);
    servers.push(server);
    const sub = await subscribe(`${await listen(server)}/hook`);
    options = { secret: sub.secret };
    await send({ id: 'ord_1', total: 12.5, note: 'caf\u00e9 \u2615' });
    const [message] = await settled(sub.id, 1);
    assert.equal(log.verified.length, 1);
    assert.equal(log.verified[0]?.id, message.id, 'webhook-id is the message id');
    assert.deepEqual((log.verified[0]?.payload as Body)?.data, { id: 'ord_1', total: 12.5, note: 'caf\u00e9 \u2615' });
    assert.ok(Math.abs((log.verified[0]?.timestamp ?? 0) - Date.now() / 1000) < 30);

    const rotated = await h.api<Body>('POST', `/v1/subscriptions/${sub.id}/secret/rotate`, {});
    assert.equal(rotated.status, 200);
    options = { secret: rotated.body.secret }; // the receiver already switched: the new signature verifies
    await send({ id: 'ord_2' });
    await settled(sub.id, 2);
    options = { secret: sub.secret }; // a receiver still on the old secret: its signature is there too
    await send({ id: 'ord_3' });
    await settled(sub.id, 3);
    assert.equal(log.verified.length, 3);
    assert.equal(log.refused.length, 0);
  });

  it('node:http: a receiver with the wrong secret refuses with 401 and the reason; Herald records the 401', async () => {
    const log = newLog();
    const server = nodeReceiver(() => ({ secret: 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw' }), log);
    servers.push(server);
    const sub = await subscribe(`${await listen(server)}/hook`, { retrySchedule: [3600] });
    await send({ id: 'ord_1' });
    await eventually(async () => log.refused.length >= 1, 10_000, 'a refusal');
    assert.equal(log.refused[0]?.status, 401);
    assert.equal(JSON.parse(log.refused[0]?.body ?? '{}').reason, 'bad_signature');
    const attempts = await eventually(async () => {
      const list = (await h.api<Body>('GET', `/v1/attempts?subscriptionId=${sub.id}`)).body.data as Body[];
      return list.length > 0 ? list : null;
    });
    assert.equal(attempts[0].statusCode, 401);
    assert.match(attempts[0].responseBody, /bad_signature/);
  });

  it('express-style: with express.raw, or no parser at all, it verifies; after express.json it names the fix', async () => {
    const log = newLog();
    let secret = '';
    const server = expressReceiver(() => secret, log);
    servers.push(server);
    const base = await listen(server);
    const raw = await subscribe(`${base}/hook?parser=raw`);
    const stream = await subscribe(`${base}/hook?parser=stream`);
    const json = await subscribe(`${base}/hook?parser=json`, { retrySchedule: [3600] });
    // Each receiver path has its own subscription (and secret): deliver to one at a time.
    for (const sub of [raw, stream]) {
      secret = sub.secret;
      await h.api('PATCH', `/v1/subscriptions/${(sub === raw ? stream : raw).id}`, { enabled: false });
      await h.api('PATCH', `/v1/subscriptions/${json.id}`, { enabled: false });
      await h.api('PATCH', `/v1/subscriptions/${sub.id}`, { enabled: true });
      await send({ id: `ord_${sub.id}` });
      await settled(sub.id, 1);
    }
    assert.equal(log.verified.length, 2);
    assert.deepEqual(
      log.verified.map((v) => (v.payload as Body).data.id),
      [`ord_${raw.id}`, `ord_${stream.id}`],
    );
    secret = json.secret;
    await h.api('PATCH', `/v1/subscriptions/${raw.id}`, { enabled: false });
    await h.api('PATCH', `/v1/subscriptions/${stream.id}`, { enabled: false });
    await h.api('PATCH', `/v1/subscriptions/${json.id}`, { enabled: true });
    await send({ id: 'ord_json' });
    await eventually(async () => log.errors.length >= 1, 10_000, 'the setup error');
    assert.match(log.errors[0] ?? '', new RegExp(`^${RawBodyUnavailableError.name}: .*express\\.raw`));
    assert.equal(log.verified.length, 2, 'nothing verified from a re-serialized body');
  });

  it('fastify: rawBodyParser keeps the bytes in its scope, fastifyVerifier verifies; other routes parse JSON', async () => {
    const log = newLog();
    let secret = 'whsec_placeholder';
    const started = await fastifyReceiver(() => secret, log);
    fastify = started.app;
    const sub = await subscribe(`${started.url}/webhooks`);
    secret = sub.secret;
    await send({ id: 'ord_f', lines: [{ sku: 'a', qty: 2 }] });
    const [message] = await settled(sub.id, 1);
    assert.equal(log.verified[0]?.id, message.id);
    assert.deepEqual((log.verified[0]?.payload as Body)?.data, { id: 'ord_f', lines: [{ sku: 'a', qty: 2 }] });
    const other = await fetch(`${started.url}/other`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"a":1}' });
    assert.deepEqual(await other.json(), { parsed: { a: 1 } });
    const unsigned = await fetch(`${started.url}/webhooks`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"a":1}',
    });
    assert.equal(unsigned.status, 401);
    assert.equal(((await unsigned.json()) as Body).reason, 'missing_signature');
  });

  it('JWT bearer: a jwt subscription (GET, no body) verified with its JWT secret and the claims expected', async () => {
    const log = newLog();
    let options: AdapterOptions = { jwtSecret: 'placeholder-secret-string' };
    const server = nodeReceiver(() => options, log);
    servers.push(server);
    const sub = await subscribe(`${await listen(server)}/jwt`, {
      auth: { type: 'jwt' },
      method: 'GET',
      signing: false,
      customData: { purpose: 'demo' },
    });
    options = { jwtSecret: sub.auth.secret, expectClaims: { webhook_id: sub.id, account_id: subscriberId, object_class: 'order.created' } };
    await send({ id: 'ord_j' });
    await settled(sub.id, 1);
    const [webhook] = log.verified;
    assert.ok(webhook?.claims);
    assert.deepEqual(webhook.claims.data, { purpose: 'demo' });
    assert.equal(webhook.payload, null, 'a GET has no body');
    assert.equal(webhook.claims.exp - webhook.claims.processing_timeout, webhook.timestamp);

    options = { jwtSecret: sub.auth.secret, expectClaims: { webhook_id: 'sub_someone_else' } };
    await h.api('PATCH', `/v1/subscriptions/${sub.id}`, { retrySchedule: [3600] });
    await send({ id: 'ord_k' });
    await eventually(async () => log.refused.length >= 1, 10_000, 'a refusal');
    assert.equal(JSON.parse(log.refused[0]?.body ?? '{}').reason, 'claim_mismatch');
  });

  it('a delivery replayed after the tolerance is refused as too old', async () => {
    const captured: { headers: IncomingMessage['headers']; body: Buffer }[] = [];
    const server = createServer((req, res) => {
      readRawBody(req).then((body) => {
        captured.push({ headers: req.headers, body });
        res.writeHead(204).end();
      });
    });
    servers.push(server);
    const sub = await subscribe(`${await listen(server)}/capture`);
    await send({ id: 'ord_r' });
    await settled(sub.id, 1);
    const [request] = captured;
    assert.ok(request);
    assert.equal((await verify(request.body, request.headers, { secret: sub.secret })).ok, true);
    const later = () => Date.now() + 6 * 60_000; // six minutes on: past the default 5
    const replay = await verify(request.body, request.headers, { secret: sub.secret, now: later });
    assert.equal(replay.ok, false);
    assert.equal(!replay.ok && replay.reason, 'timestamp_too_old');
  });
});
