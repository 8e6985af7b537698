// The relay mode of `herald listen` (issue 20): a real Herald on SQLite, the listener (runRelay, and
// once the CLI as a child process) connected over a real WebSocket, forwarding to a real local
// service, with a real receiver at the subscription's URL. Hostile listeners are raw WebSocket
// clients that break the protocol on purpose. PostgreSQL: role all relays, role api refuses (409).
import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { request as httpRequest } from 'node:http';
import { after, before, describe, it } from 'node:test';
import { Webhook } from 'standardwebhooks';
import { WebSocket } from 'undici';
import { parseRelayArgs, type RelayOptions, runRelay } from '../../src/cli/listen-relay.js';
import { ADMIN_KEY, removeDir, startTestHerald, type TestHerald } from '../helpers/herald.js';
import { createTestDatabase, requirePostgres } from '../helpers/postgres.js';
import { eventually, TestReceiver } from '../helpers/receiver.js';

type Json = Record<string, unknown>;
type Attempt = { statusCode: number | null; error: string | null; responseBody: string; responseHeaders: Record<string, string> };

let h: TestHerald;
let remote: TestReceiver; // at the subscriptions' URLs
let local: TestReceiver; // the developer's local service

async function subscriber(name: string): Promise<string> {
  const res = await h.api('POST', '/v1/subscribers', { name });
  assert.equal(res.status, 201, JSON.stringify(res.body));
  return res.body.id as string;
}

async function subscription(subscriberId: string, body: Json = {}): Promise<{ id: string; secret: string }> {
  const res = await h.api('POST', `/v1/subscribers/${subscriberId}/subscriptions`, {
    url: `${remote.url}/hook?from=herald`,
    eventTypes: ['*'],
    retrySchedule: [0.05, 0.05, 0.05],
    ...body,
  });
  assert.equal(res.status, 201, JSON.stringify(res.body));
  return res.body as { id: string; secret: string };
}

/** Sends a test event to just this subscription ("Trigger now"); returns its message id. */
async function trigger(subscriptionId: string, server = h): Promise<string> {
  const res = await server.api('POST', `/v1/subscriptions/${subscriptionId}/test`, {});
  assert.equal(res.status, 202, JSON.stringify(res.body));
  return res.body.id as string;
}

async function message(id: string, server = h): Promise<Json> {
  return (await server.api('GET', `/v1/messages/${id}`)).body;
}

async function settled(id: string, status: string, server = h, timeoutMs = 10_000): Promise<Json> {
  return eventually(
    async () => {
      const m = await message(id, server);
      return m.status === status ? m : null;
    },
    timeoutMs,
    `message ${id} to be ${status}`,
  );
}

async function attemptsOf(id: string, server = h): Promise<Attempt[]> {
  return (await server.api<{ data: Attempt[] }>('GET', `/v1/messages/${id}/attempts`)).body.data.reverse(); // oldest first
}

async function relayStatus(subscriptionId: string, key = ADMIN_KEY, server = h): Promise<{ status: number; body: Json }> {
  const res = await fetch(`${server.url}/v1/subscriptions/${subscriptionId}/listen`, { headers: { authorization: `Bearer ${key}` } });
  return { status: res.status, body: (await res.json()) as Json };
}

/** A running in-process listener: stop() disconnects it and resolves to runRelay's exit code. */
interface Listener {
  lines: string[];
  errors: string[];
  code: Promise<number>;
  stop(): Promise<number>;
}

async function listen(options: Partial<RelayOptions> & { subscription: string }, server = h): Promise<Listener> {
  const stop = new AbortController();
  const lines: string[] = [];
  const errors: string[] = [];
  let ready: () => void = () => {};
  const connected = new Promise<void>((resolve) => {
    ready = resolve;
  });
  const code = runRelay({
    server: server.url,
    key: ADMIN_KEY,
    signal: stop.signal,
    print: (line) => lines.push(line),
    printError: (line) => errors.push(line),
    onReady: () => ready(),
    ...options,
  });
  const outcome = await Promise.race([connected.then(() => 'ready' as const), code]);
  assert.equal(outcome, 'ready', `the listener did not connect: ${errors.join('\n')}`);
  return {
    lines,
    errors,
    code,
    stop: () => {
      stop.abort();
      return code;
    },
  };
}

/** A raw WebSocket client at the listen route, for listeners that misbehave on purpose. */
async function rawListener(
  subscriptionId: string,
  key = ADMIN_KEY,
): Promise<{ socket: WebSocket; requests: Json[]; closed: Promise<number> }> {
  const socket = new WebSocket(`${h.url.replace('http', 'ws')}/v1/subscriptions/${subscriptionId}/listen`, {
    headers: { authorization: `Bearer ${key}` },
  });
  const requests: Json[] = [];
  const closed = new Promise<number>((resolve) => socket.addEventListener('close', (e) => resolve(e.code)));
  await new Promise<void>((resolve, reject) => {
    socket.addEventListener('message', (e) => {
      const m = JSON.parse(String(e.data)) as Json;
      if (m.type === 'ready') resolve();
      else requests.push(m);
    });
    socket.addEventListener('error', () => reject(new Error('the upgrade was refused')));
  });
  return { socket, requests, closed };
}

/** Whether a WebSocket upgrade with `key` is accepted (true) or refused (false). */
async function upgradeAccepted(subscriptionId: string, key: string): Promise<boolean> {
  return rawListener(subscriptionId, key).then(
    ({ socket }) => {
      socket.close();
      return true;
    },
    () => false,
  );
}

/** The HTTP answer to a WebSocket upgrade request that is refused (a raw node:http upgrade). */
function upgradeRefusal(url: string, key: string): Promise<{ status: number; body: Json }> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(url, {
      headers: {
        authorization: `Bearer ${key}`,
        connection: 'Upgrade',
        upgrade: 'websocket',
        'sec-websocket-version': '13',
        'sec-websocket-key': 'dGhlIHNhbXBsZSBub25jZQ==',
      },
    });
    req.on('upgrade', (_res, socket) => {
      socket.destroy();
      reject(new Error('the upgrade was accepted'));
    });
    req.on('response', (res) => {
      let text = '';
      res.on('data', (c: Buffer) => {
        text += c.toString();
      });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: JSON.parse(text) as Json }));
    });
    req.on('error', reject);
    req.end();
  });
}

async function subscriberKey(subscriberId: string): Promise<string> {
  const res = await h.api('POST', '/v1/api-keys', { name: `key of ${subscriberId}`, scope: 'subscriber', subscriberId });
  assert.equal(res.status, 201, JSON.stringify(res.body));
  return res.body.key as string;
}

describe('herald listen --subscription (relay) on SQLite', () => {
  before(async () => {
    remote = await new TestReceiver().start();
    local = await new TestReceiver().start();
    h = await startTestHerald();
  });
  after(async () => {
    await h.stop();
    removeDir(h.dir);
    await remote.stop();
    await local.stop();
  });

  it('relays the signed request to the local service and records its answer as the attempt', async () => {
    const sub = await subscription(await subscriber('relay-basic'));
    assert.deepEqual((await relayStatus(sub.id)).body, { subscriptionId: sub.id, connected: false, available: true });
    const listener = await listen({ subscription: sub.id, forward: `${local.url}/local-hook` });
    assert.deepEqual((await relayStatus(sub.id)).body, { subscriptionId: sub.id, connected: true, available: true });
    const before = { local: local.requests.length, remote: remote.requests.length };
    local.script({ status: 202, headers: { 'x-local': 'yes' }, body: 'accepted locally' });

    const id = await trigger(sub.id);
    const msg = await settled(id, 'succeeded');
    assert.equal(msg.attempts, 1);
    assert.equal(local.requests.length, before.local + 1);
    assert.equal(remote.requests.length, before.remote, 'nothing went to the subscription URL');
    const req = local.requests.at(-1)!;
    assert.equal(req.method, 'POST');
    assert.equal(req.path, '/local-hook');
    assert.equal(req.headers['webhook-id'], id);
    assert.equal(req.headers['content-type'], 'application/json');
    const verified = new Webhook(sub.secret).verify(req.body, req.headers as Record<string, string>) as Json;
    assert.equal(verified.type, 'herald.test');

    const [attempt] = await attemptsOf(id);
    assert.equal(attempt?.statusCode, 202);
    assert.equal(attempt?.error, null);
    assert.equal(attempt?.responseBody, 'accepted locally');
    assert.equal(attempt?.responseHeaders['x-local'], 'yes');
    await eventually(async () => listener.lines.some((l) => l.includes(id) && l.includes('answered 202')), 5_000, 'the printed line');

    assert.equal(await listener.stop(), 0);
    await eventually(async () => (await relayStatus(sub.id)).body.connected === false, 5_000, 'the relay to be gone');
  });

  it('a local 500 fails the attempt, which is retried like any other', async () => {
    const sub = await subscription(await subscriber('relay-500'));
    const listener = await listen({ subscription: sub.id, forward: `${local.url}/local-hook` });
    local.script({ status: 500, body: 'boom' });
    const id = await trigger(sub.id);
    const msg = await settled(id, 'succeeded');
    assert.equal(msg.attempts, 2);
    const [first, second] = await attemptsOf(id);
    assert.equal(first?.statusCode, 500);
    assert.equal(first?.error, 'HTTP 500');
    assert.equal(first?.responseBody, 'boom');
    assert.equal(second?.statusCode, 204);
    await listener.stop();
  });

  it('after the listener disconnects, deliveries go to the subscription URL again', async () => {
    const sub = await subscription(await subscriber('relay-back'));
    const listener = await listen({ subscription: sub.id, forward: `${local.url}/local-hook` });
    const relayed = await trigger(sub.id);
    await settled(relayed, 'succeeded');
    assert.equal(await listener.stop(), 0);
    assert.ok(listener.lines.at(-1)?.includes('deliveries go to the subscription URL again'));
    await eventually(async () => (await relayStatus(sub.id)).body.connected === false, 5_000, 'the relay to be gone');

    const direct = await trigger(sub.id);
    await settled(direct, 'succeeded');
    const got = remote.requests.find((r) => r.headers['webhook-id'] === direct);
    assert.ok(got, 'the subscription URL received the delivery');
    assert.equal(got.path, '/hook?from=herald');
    assert.ok(!local.requests.some((r) => r.headers['webhook-id'] === direct));
  });

  it('a batched subscription sends its batch through the relay, each member recording the attempt', async () => {
    assert.equal((await h.api('POST', '/v1/event-types', { name: 'relay.batched', description: 'relay batch test' })).status, 201);
    const sub = await subscription(await subscriber('relay-batch'), {
      eventTypes: ['relay.batched'],
      batch: { maxEvents: 3, maxWaitMs: 2_000 },
    });
    const listener = await listen({ subscription: sub.id, forward: `${local.url}/batch` });
    const events = [1, 2, 3].map((n) => ({ type: 'relay.batched', data: { n } }));
    assert.equal((await h.api('POST', '/v1/events/batch', { events })).status, 202);
    const got = await eventually(async () => local.requests.find((r) => r.path === '/batch'), 10_000, 'the batch at the local service');
    const members = String(got.headers['webhook-batch']).split(',');
    assert.equal(members.length, 3);
    assert.deepEqual((JSON.parse(got.body) as { data: { n: number } }[]).map((p) => p.data.n).sort(), [1, 2, 3]);
    new Webhook(sub.secret).verify(got.body, got.headers as Record<string, string>);
    for (const id of members) {
      await settled(id, 'succeeded');
      assert.equal((await attemptsOf(id))[0]?.statusCode, 204);
    }
    await listener.stop();
  });

  it('--port forwards to 127.0.0.1:N with the path of the subscription URL', async () => {
    const sub = await subscription(await subscriber('relay-port'));
    const listener = await listen({ subscription: sub.id, port: Number(new URL(local.url).port) });
    const id = await trigger(sub.id);
    await settled(id, 'succeeded');
    assert.equal(local.requests.find((r) => r.headers['webhook-id'] === id)?.path, '/hook?from=herald');
    await listener.stop();
  });

  it('without --forward the listener verifies, prints and answers itself', async () => {
    const sub = await subscription(await subscriber('relay-self'));
    const listener = await listen({ subscription: sub.id }); // the admin key may read the secret
    const id = await trigger(sub.id);
    await settled(id, 'succeeded');
    assert.equal((await attemptsOf(id))[0]?.statusCode, 204);
    const line = listener.lines.find((l) => l.includes(id));
    assert.ok(line, listener.lines.join('\n'));
    assert.match(line, /herald\.test/);
    assert.match(line, /signature ok/);
    assert.match(line, /answered 204/);
    await listener.stop();

    // With a wrong secret the same request is refused: the attempt fails with the listener's 401.
    const wrong = await listen({ subscription: sub.id, secret: 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw' });
    const refused = await trigger(sub.id);
    await eventually(async () => (await attemptsOf(refused)).length > 0, 5_000, 'an attempt');
    const [attempt] = await attemptsOf(refused);
    assert.equal(attempt?.statusCode, 401);
    assert.match(attempt?.responseBody ?? '', /bad_signature: none of the 1 signature\(s\) in webhook-signature matches/);
    await wrong.stop();
  });

  it('a local service that is down is a network error for the attempt', async () => {
    const sub = await subscription(await subscriber('relay-down'), { retrySchedule: [] });
    const closed = await new TestReceiver().start();
    const deadUrl = closed.url;
    await closed.stop();
    const listener = await listen({ subscription: sub.id, forward: `${deadUrl}/x` });
    const id = await trigger(sub.id);
    await settled(id, 'failed');
    const [attempt] = await attemptsOf(id);
    assert.equal(attempt?.statusCode, null);
    assert.match(attempt?.error ?? '', /^network_error: relay: the listener got no local answer: ECONNREFUSED/);
    await listener.stop();
  });

  it("refuses a wrong key, another subscriber's subscription (404) and a second listener", async () => {
    const owner = await subscriber('relay-owner');
    const other = await subscriber('relay-other');
    const sub = await subscription(owner);
    const ownKey = await subscriberKey(owner);
    const otherKey = await subscriberKey(other);

    // Wrong key: the plain GET and the upgrade are both refused; runRelay says why and exits 1.
    assert.equal((await relayStatus(sub.id, 'not-a-key')).status, 401);
    assert.equal(await upgradeAccepted(sub.id, 'not-a-key'), false);
    const errors: string[] = [];
    assert.equal(await runRelay({ subscription: sub.id, server: h.url, key: 'not-a-key', printError: (l) => errors.push(l) }), 1);
    assert.match(errors.join('\n'), /unauthorized/);

    // Another subscriber's subscription answers 404, exactly as the API does; a missing one too.
    const foreign = await relayStatus(sub.id, otherKey);
    assert.equal(foreign.status, 404);
    assert.equal(foreign.body.code, 'not_found');
    assert.deepEqual(foreign.body, (await relayStatus('sub_does_not_exist', otherKey)).body);
    assert.equal((await h.api('GET', `/v1/subscriptions/${sub.id}`)).status, 200);
    assert.equal(await upgradeAccepted(sub.id, otherKey), false);
    assert.equal((await upgradeRefusal(`${h.url}/v1/subscriptions/${sub.id}/listen`, otherKey)).status, 404);
    errors.length = 0;
    assert.equal(await runRelay({ subscription: sub.id, server: h.url, key: otherKey, printError: (l) => errors.push(l) }), 1);
    assert.match(errors.join('\n'), /not_found/);

    // A read key lacks subscriptions.write: 403 naming the scope problem.
    const readKey = (await h.api('POST', '/v1/api-keys', { name: 'read', scope: 'read' })).body.key as string;
    assert.equal((await relayStatus(sub.id, readKey)).status, 403);
    assert.equal(await upgradeAccepted(sub.id, readKey), false);

    // The owner's subscriber key works; a second listener is refused while the first is connected.
    const first = await listen({ subscription: sub.id, key: ownKey, forward: `${local.url}/a` });
    assert.equal(await upgradeAccepted(sub.id, ownKey), false);
    const taken = await upgradeRefusal(`${h.url}/v1/subscriptions/${sub.id}/listen`, ownKey);
    assert.equal(taken.status, 409);
    assert.equal(taken.body.code, 'relay_connected');
    errors.length = 0;
    assert.equal(await runRelay({ subscription: sub.id, server: h.url, key: ADMIN_KEY, printError: (l) => errors.push(l) }), 1);
    assert.match(errors.join('\n'), /relay_connected/);
    const id = await trigger(sub.id);
    await settled(id, 'succeeded');
    assert.equal(local.requests.find((r) => r.headers['webhook-id'] === id)?.path, '/a', 'the first listener kept the subscription');
    await first.stop();
  });

  it('a listener whose key is revoked, or whose subscription is deleted, is disconnected', async () => {
    const owner = await subscriber('relay-revoked');
    const sub = await subscription(owner);
    const created = await h.api('POST', '/v1/api-keys', { name: 'to revoke', scope: 'subscriber', subscriberId: owner });
    const listener = await listen({ subscription: sub.id, key: created.body.key as string, forward: `${local.url}/r` });
    assert.equal((await h.api('POST', `/v1/api-keys/${created.body.id}/revoke`)).status, 200);
    assert.equal(await listener.code, 1);
    assert.match(listener.errors.join('\n'), /4401: the API key may no longer listen \(unauthorized\)/);
    const direct = await trigger(sub.id);
    await settled(direct, 'succeeded');
    assert.ok(
      remote.requests.some((r) => r.headers['webhook-id'] === direct),
      'deliveries went back to the URL',
    );

    const doomed = await subscription(owner);
    const second = await listen({ subscription: doomed.id, forward: `${local.url}/r` });
    assert.equal((await h.api('DELETE', `/v1/subscriptions/${doomed.id}`)).status, 204);
    assert.equal(await second.code, 1);
    assert.match(second.errors.join('\n'), /4404: the subscription no longer exists/);
  });

  it('a listener that never answers times out its attempts; other subscriptions are unaffected', async () => {
    const hung = await subscription(await subscriber('relay-hung'), { timeoutSeconds: 5, retrySchedule: [] });
    const healthy = await subscription(await subscriber('relay-healthy'));
    const silent = await rawListener(hung.id);
    const stuck = await trigger(hung.id);
    await eventually(async () => silent.requests.length > 0, 5_000, 'the request to reach the listener');
    const fine = await trigger(healthy.id);
    await settled(fine, 'succeeded');
    const meanwhile = await message(stuck);
    assert.equal(meanwhile.attempts, 0, 'the healthy subscription was delivered while the silent listener still held its request');
    assert.ok(remote.requests.some((r) => r.headers['webhook-id'] === fine));

    await settled(stuck, 'failed', h, 20_000);
    const [attempt] = await attemptsOf(stuck);
    assert.equal(attempt?.statusCode, null);
    assert.match(attempt?.error ?? '', /^timeout: relay: the listener did not answer within \d+ ms/);
    const late = silent.requests[0] as Json;
    assert.equal(late.v, 1);
    assert.equal(late.type, 'request');

    // Its late answer is ignored (the id is no longer outstanding); the socket still serves the next.
    silent.socket.send(JSON.stringify({ v: 1, type: 'response', id: late.id, status: 200, headers: {}, body: '' }));
    const next = await trigger(hung.id);
    await eventually(async () => silent.requests.length > 1, 5_000, 'the next request');
    const asked = silent.requests[1] as Json;
    assert.notEqual(asked.id, late.id);
    silent.socket.send(
      JSON.stringify({ v: 1, type: 'response', id: asked.id, status: 201, headers: {}, body: Buffer.from('ok').toString('base64') }),
    );
    await settled(next, 'succeeded');
    assert.equal((await attemptsOf(next))[0]?.responseBody, 'ok');
    assert.equal((await attemptsOf(stuck)).length, 1);
    silent.socket.close();
  });

  it('a listener that breaks the protocol or disconnects mid-request fails only its own attempt', async () => {
    const sub = await subscription(await subscriber('relay-hostile'), { retrySchedule: [] });

    // Not JSON: the socket is closed (1008), the attempt is a network error.
    const garbage = await rawListener(sub.id);
    const first = await trigger(sub.id);
    await eventually(async () => garbage.requests.length > 0, 5_000, 'the request');
    garbage.socket.send('this is not json');
    assert.equal(await garbage.closed, 1008);
    await settled(first, 'failed');
    assert.match((await attemptsOf(first))[0]?.error ?? '', /^network_error: relay: the listener broke the protocol/);

    // A message over the size bound: closed (1009, too big), the attempt a network error.
    await eventually(async () => (await relayStatus(sub.id)).body.connected === false, 5_000, 'the relay to be gone');
    const big = await rawListener(sub.id);
    const second = await trigger(sub.id);
    await eventually(async () => big.requests.length > 0, 5_000, 'the request');
    big.socket.send(JSON.stringify({ v: 1, type: 'response', id: big.requests[0]?.id, status: 200, body: 'A'.repeat(2_000_000) }));
    assert.equal(await big.closed, 1009);
    await settled(second, 'failed');
    assert.match((await attemptsOf(second))[0]?.error ?? '', /^network_error: relay: the listener disconnected/);

    // Disconnecting with a request outstanding.
    await eventually(async () => (await relayStatus(sub.id)).body.connected === false, 5_000, 'the relay to be gone');
    const quitter = await rawListener(sub.id);
    const third = await trigger(sub.id);
    await eventually(async () => quitter.requests.length > 0, 5_000, 'the request');
    quitter.socket.close();
    await settled(third, 'failed');
    assert.match((await attemptsOf(third))[0]?.error ?? '', /^network_error: relay: the listener disconnected/);

    // A response body over the cap is cut at it, like an HTTP response's.
    await eventually(async () => (await relayStatus(sub.id)).body.connected === false, 5_000, 'the relay to be gone');
    const wordy = await rawListener(sub.id);
    const fourth = await trigger(sub.id);
    await eventually(async () => wordy.requests.length > 0, 5_000, 'the request');
    const body = Buffer.from('B'.repeat(h.config.responseBodyCapBytes + 500)).toString('base64');
    wordy.socket.send(JSON.stringify({ v: 1, type: 'response', id: wordy.requests[0]?.id, status: 200, headers: { 'x-a': 'b' }, body }));
    await settled(fourth, 'succeeded');
    assert.equal((await attemptsOf(fourth))[0]?.responseBody.length, h.config.responseBodyCapBytes);
    wordy.socket.close();
  });

  it('runs as `herald listen --subscription` in a child process and stops cleanly on SIGINT', async () => {
    const sub = await subscription(await subscriber('relay-cli'));
    const child: ChildProcess = spawn(
      process.execPath,
      ['--import', 'tsx', 'src/cli/main.ts', 'listen', '--subscription', sub.id, '--server', h.url, '--forward', `${local.url}/cli`],
      { env: { ...process.env, HERALD_KEY: ADMIN_KEY }, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let out = '';
    child.stdout?.on('data', (c: Buffer) => {
      out += c.toString();
    });
    child.stderr?.on('data', (c: Buffer) => {
      out += c.toString();
    });
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    try {
      await eventually(async () => out.includes('connected: deliveries of'), 60_000, 'the CLI to connect');
      const id = await trigger(sub.id);
      await settled(id, 'succeeded');
      assert.equal(local.requests.find((r) => r.headers['webhook-id'] === id)?.path, '/cli');
      await eventually(async () => out.includes(id), 5_000, 'the printed line');
      child.kill('SIGINT');
      assert.equal(await exited, 0);
      assert.match(out, /deliveries go to the subscription URL again/);
    } finally {
      child.kill('SIGKILL');
    }
  });

  it('bad arguments are one-line usage errors', () => {
    assert.throws(() => parseRelayArgs(['--subscription', 'nope'], {}), /--subscription needs a subscription id/);
    assert.throws(() => parseRelayArgs(['--subscription', 'sub_x'], {}), /--server \(or HERALD_URL\)/);
    assert.throws(() => parseRelayArgs(['--subscription', 'sub_x', '--server', 'http://h'], {}), /--key \(or HERALD_KEY\)/);
    const base = ['--subscription', 'sub_x', '--server', 'http://h', '--key', 'k'];
    assert.throws(() => parseRelayArgs([...base, '--port', '0'], {}), /--port needs a port number/);
    assert.throws(() => parseRelayArgs([...base, '--port', '1', '--forward', 'http://x'], {}), /not both/);
    assert.throws(() => parseRelayArgs([...base, '--forward', 'ftp://x'], {}), /--forward needs an http\(s\) URL/);
    assert.throws(() => parseRelayArgs([...base, '--bogus'], {}), /Unknown option/);
    assert.deepEqual(parseRelayArgs(['--subscription', 'sub_x'], { HERALD_URL: 'http://h', HERALD_KEY: 'k' }), {
      subscription: 'sub_x',
      server: 'http://h',
      key: 'k',
      forward: null,
      port: null,
      secret: null,
    });
  });
});

const skipPostgres = await requirePostgres();
const TEST_SECRET_KEY = 'bGlzdGVuIHJlbGF5IHRlc3Qga2V5LCAzMiBieXRlcyE='; // base64 of 32 bytes, tests only

describe('herald listen --subscription on PostgreSQL', { skip: skipPostgres ?? false }, () => {
  it('relays in a process of role all, and role api refuses listeners with 409 relay_unavailable', async () => {
    remote = await new TestReceiver().start();
    local = await new TestReceiver().start();
    const db = await createTestDatabase();
    const all = await startTestHerald({ databaseUrl: db.url, secretKey: TEST_SECRET_KEY, role: 'all' });
    const api = await startTestHerald({ databaseUrl: db.url, secretKey: TEST_SECRET_KEY, role: 'api' });
    try {
      const sbr = await all.api('POST', '/v1/subscribers', { name: 'pg-relay' });
      const created = await all.api('POST', `/v1/subscribers/${sbr.body.id}/subscriptions`, {
        url: `${remote.url}/hook`,
        eventTypes: ['*'],
      });
      const subId = created.body.id as string;

      assert.deepEqual((await relayStatus(subId, ADMIN_KEY, api)).body, { subscriptionId: subId, connected: false, available: false });
      const refused = await upgradeRefusal(`${api.url}/v1/subscriptions/${subId}/listen`, ADMIN_KEY);
      assert.equal(refused.status, 409);
      assert.equal(refused.body.code, 'relay_unavailable');
      assert.match(refused.body.message as string, /role api/);
      const errors: string[] = [];
      assert.equal(await runRelay({ subscription: subId, server: api.url, key: ADMIN_KEY, printError: (l) => errors.push(l) }), 1);
      assert.match(errors.join('\n'), /relay_unavailable/);

      const listener = await listen({ subscription: subId, forward: `${local.url}/pg` }, all);
      const id = await trigger(subId, all);
      await settled(id, 'succeeded', all);
      assert.equal(local.requests.find((r) => r.headers['webhook-id'] === id)?.path, '/pg');
      assert.equal((await attemptsOf(id, all))[0]?.statusCode, 204);
      await listener.stop();
    } finally {
      await api.stop();
      await all.stop();
      await db.drop();
      await remote.stop();
      await local.stop();
      removeDir(all.dir);
      removeDir(api.dir);
    }
  });
});
