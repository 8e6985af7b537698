// Batched delivery (issue 18, README "Batches"): a subscription's `batch` settings through the API,
// and what a real receiver on 127.0.0.1 gets from a real Herald: bodies of maxEvents members, a
// byte limit, the wait limit, all-or-nothing retries with one attempt recorded per member, members'
// statuses, one signature over the whole body that the standardwebhooks package verifies. On SQLite
// and PostgreSQL, and on PostgreSQL with three worker processes: no message in two batches.
import assert from 'node:assert/strict';
import { after, afterEach, before, beforeEach, describe, it } from 'node:test';
import { Webhook } from 'standardwebhooks';
import { removeDir, startTestHerald, type TestHerald, tempDir } from '../helpers/herald.js';
import { createTestDatabase, requirePostgres, type TestDatabase } from '../helpers/postgres.js';
import { callApi, type HeraldProcess, serveProcess } from '../helpers/processes.js';
import { eventually, type ReceivedRequest, TestReceiver } from '../helpers/receiver.js';

type Json = Record<string, unknown>;
type Api = (method: string, path: string, body?: unknown) => Promise<{ status: number; body: Json }>;
type Msg = { id: string; eventId: string; status: string; attempts: number };
type Att = { statusCode: number | null; requestHeaders: Record<string, string>; createdAt: string };

const TEST_SECRET_KEY = 'YmF0Y2hlcyB0ZXN0IGtleSwgMzIgYnl0ZXMgbG9uZyE='; // base64 of 32 bytes, tests only
const pgSkip = await requirePostgres();

/** One batch request as the receiver got it. */
interface Received {
  ids: string[];
  members: { type: string; data: { n: number; pad?: string } }[];
  request: ReceivedRequest;
}

function parse(request: ReceivedRequest): Received {
  const header = request.headers['webhook-batch'];
  assert.equal(typeof header, 'string', 'a batch request names its members');
  const members = JSON.parse(request.body) as Received['members'];
  assert.ok(Array.isArray(members), 'the body is a JSON array');
  const ids = (header as string).split(',');
  assert.equal(ids.length, members.length, 'one id per member');
  return { ids, members, request };
}

async function setup(api: Api): Promise<string> {
  assert.equal((await api('POST', '/v1/event-types', { name: 'order.placed', description: 'An order was placed' })).status, 201);
  const subscriber = await api('POST', '/v1/subscribers', { name: 'ledger' });
  assert.equal(subscriber.status, 201);
  return subscriber.body.id as string;
}

async function subscribe(api: Api, subscriberId: string, url: string, body: Json): Promise<{ id: string; secret: string }> {
  const res = await api('POST', `/v1/subscribers/${subscriberId}/subscriptions`, { url, eventTypes: ['order.placed'], ...body });
  assert.equal(res.status, 201, JSON.stringify(res.body));
  return res.body as { id: string; secret: string };
}

async function sendMany(api: Api, count: number, pad = ''): Promise<void> {
  const events = Array.from({ length: count }, (_, n) => ({ type: 'order.placed', data: pad ? { n, pad } : { n } }));
  const res = await api('POST', '/v1/events/batch', { events });
  assert.equal(res.status, 202, JSON.stringify(res.body));
}

async function messages(api: Api, subscriptionId: string): Promise<Msg[]> {
  return (await api('GET', `/v1/messages?subscriptionId=${subscriptionId}&limit=1000`)).body.data as Msg[];
}

async function attempts(api: Api, messageId: string): Promise<Att[]> {
  const data = (await api('GET', `/v1/messages/${messageId}/attempts?limit=100`)).body.data as Att[];
  return [...data].sort((a, b) => (a.createdAt < b.createdAt ? -1 : 1));
}

/** Waits until every message of the subscription has `status`; returns them. */
async function allSettled(api: Api, subscriptionId: string, count: number, status = 'succeeded'): Promise<Msg[]> {
  return eventually(
    async () => {
      const list = await messages(api, subscriptionId);
      return list.length === count && list.every((m) => m.status === status) ? list : null;
    },
    20_000,
    `${count} messages ${status}`,
  );
}

describe('batches', { timeout: 180_000 }, () => {
  for (const backend of ['SQLite', 'PostgreSQL'] as const) {
    describe(backend, { skip: backend === 'PostgreSQL' ? (pgSkip ?? false) : false }, () => {
      let h: TestHerald;
      let receiver: TestReceiver;
      let db: TestDatabase | undefined;
      let dir: string;
      let api: Api;
      let subscriberId: string;
      before(async () => {
        receiver = await new TestReceiver().start();
      });
      after(async () => {
        await receiver.stop();
      });
      beforeEach(async () => {
        receiver.requests.length = 0;
        receiver.always(204);
        dir = tempDir();
        if (backend === 'PostgreSQL') db = await createTestDatabase();
        h = await startTestHerald(db ? { databaseUrl: db.url, secretKey: TEST_SECRET_KEY } : {}, dir);
        api = h.api as Api;
        subscriberId = await setup(api);
      });
      afterEach(async () => {
        await h.stop();
        await db?.drop();
        db = undefined;
        removeDir(dir);
      });

      it('takes batch settings on create and PATCH, shows them, refuses them out of range or on a GET subscription, and null removes them', async () => {
        const url = `${receiver.url}/hook`;
        const created = await subscribe(api, subscriberId, url, { batch: { maxEvents: 5, maxWaitMs: 1_000 } });
        assert.deepEqual((created as unknown as Json).batch, { maxEvents: 5, maxWaitMs: 1_000, maxBytes: null });
        const shown = await api('GET', `/v1/subscriptions/${created.id}`);
        assert.deepEqual(shown.body.batch, { maxEvents: 5, maxWaitMs: 1_000, maxBytes: null });
        const bad = [
          { maxEvents: 1, maxWaitMs: 1_000 },
          { maxEvents: 1_001, maxWaitMs: 1_000 },
          { maxEvents: 2.5, maxWaitMs: 1_000 },
          { maxEvents: 5, maxWaitMs: 99 },
          { maxEvents: 5, maxWaitMs: 60_001 },
          { maxEvents: 5, maxWaitMs: 1_000, maxBytes: 1_023 },
          { maxEvents: 5 },
          { maxEvents: 5, maxWaitMs: 1_000, maxAge: 3 },
        ];
        for (const batch of bad) {
          const refused = await api('POST', `/v1/subscribers/${subscriberId}/subscriptions`, { url, eventTypes: ['order.placed'], batch });
          assert.equal(refused.status, 400, `${JSON.stringify(batch)}: ${JSON.stringify(refused.body)}`);
          assert.equal(refused.body.code, 'validation_failed');
          const patched = await api('PATCH', `/v1/subscriptions/${created.id}`, { batch });
          assert.equal(patched.status, 400, JSON.stringify(batch));
        }
        const get = await api('POST', `/v1/subscribers/${subscriberId}/subscriptions`, {
          url,
          eventTypes: ['order.placed'],
          method: 'GET',
          batch: { maxEvents: 5, maxWaitMs: 1_000 },
        });
        assert.equal(get.status, 422, JSON.stringify(get.body));
        assert.equal(get.body.code, 'batch_not_allowed');
        const toGet = await api('PATCH', `/v1/subscriptions/${created.id}`, { method: 'GET' });
        assert.equal(toGet.status, 422);
        assert.equal(toGet.body.code, 'batch_not_allowed');
        const plainGet = await subscribe(api, subscriberId, url, { method: 'GET' });
        const batchGet = await api('PATCH', `/v1/subscriptions/${plainGet.id}`, { batch: { maxEvents: 5, maxWaitMs: 1_000 } });
        assert.equal(batchGet.body.code, 'batch_not_allowed');
        const both = await api('PATCH', `/v1/subscriptions/${created.id}`, { method: 'GET', batch: null });
        assert.equal(both.status, 200, 'a GET subscription without batches');
        assert.equal(both.body.batch, null);
        const changed = await api('PATCH', `/v1/subscriptions/${created.id}`, {
          method: 'POST',
          batch: { maxEvents: 1_000, maxWaitMs: 60_000, maxBytes: 2_048 },
        });
        assert.equal(changed.status, 200, JSON.stringify(changed.body));
        assert.deepEqual(changed.body.batch, { maxEvents: 1_000, maxWaitMs: 60_000, maxBytes: 2_048 });
        const listed = await api('GET', `/v1/subscribers/${subscriberId}/subscriptions`);
        const row = (listed.body.data as Json[]).find((s) => s.id === created.id);
        assert.deepEqual(row?.batch, { maxEvents: 1_000, maxWaitMs: 60_000, maxBytes: 2_048 });
      });

      it('sends 12 messages as batches of 5, 5 and 2, the last after maxWaitMs, in creation order, signed once over the whole body', async () => {
        const maxWaitMs = 1_500;
        const sub = await subscribe(api, subscriberId, `${receiver.url}/hook`, { batch: { maxEvents: 5, maxWaitMs } });
        const sentAt = Date.now();
        await sendMany(api, 12);
        await receiver.waitFor(3, 15_000);
        const list = await allSettled(api, sub.id, 12);
        await new Promise((r) => setTimeout(r, 300)); // nothing more comes
        assert.equal(receiver.requests.length, 3);
        const got = receiver.requests.map(parse);
        assert.deepEqual(
          got.map((b) => b.members.length),
          [5, 5, 2],
        );
        const last = got[2] as Received;
        assert.ok(last.request.at - sentAt >= maxWaitMs - 20, `the last batch waited ${last.request.at - sentAt} ms`);
        assert.ok((got[1] as Received).request.at - sentAt < maxWaitMs, 'full batches go at once');
        // Creation order: the data's n, and the message ids, both ascending across the batches.
        assert.deepEqual(
          got.flatMap((b) => b.members.map((m) => m.data.n)),
          Array.from({ length: 12 }, (_, n) => n),
        );
        const ids = got.flatMap((b) => b.ids);
        assert.deepEqual(ids, [...ids].sort(), 'message ids in creation order');
        assert.deepEqual([...ids].sort(), list.map((m) => m.id).sort(), 'the header names exactly the messages');
        const wh = new Webhook(sub.secret);
        const batchIds = new Set<string>();
        for (const b of got) {
          const headers = b.request.headers as Record<string, string>;
          assert.match(headers['webhook-id'] as string, /^bat_[0-9A-Z]{26}$/);
          batchIds.add(headers['webhook-id'] as string);
          assert.equal(headers['content-type'], 'application/json');
          assert.deepEqual(wh.verify(b.request.body, headers), b.members, 'one signature over the whole body');
          assert.equal(b.members[0]?.type, 'order.placed');
        }
        assert.equal(batchIds.size, 3, 'a batch id per request');
        // One attempt recorded per member, with the batch's request headers.
        for (const m of list) {
          const [only, ...more] = await attempts(api, m.id);
          assert.equal(more.length, 0);
          assert.equal(only?.statusCode, 204);
          assert.match(only?.requestHeaders['webhook-id'] ?? '', /^bat_/);
          assert.ok(only?.requestHeaders['webhook-batch']?.split(',').includes(m.id));
          assert.equal(m.attempts, 1);
        }
      });

      it('keeps each body within maxBytes: a batch closes when the next member would not fit', async () => {
        const maxBytes = 1_024;
        const sub = await subscribe(api, subscriberId, `${receiver.url}/hook`, { batch: { maxEvents: 100, maxWaitMs: 1_000, maxBytes } });
        const pad = 'x'.repeat(200); // each member is about 270 bytes: three fit, not four
        await sendMany(api, 10, pad);
        await allSettled(api, sub.id, 10);
        const got = receiver.requests.map(parse);
        assert.deepEqual(
          got.flatMap((b) => b.members.map((m) => m.data.n)),
          Array.from({ length: 10 }, (_, n) => n),
        );
        for (const [i, b] of got.entries()) {
          const bytes = Buffer.byteLength(b.request.body);
          assert.ok(bytes <= maxBytes, `batch ${i}: ${bytes} bytes`);
          const next = got[i + 1]?.members[0];
          if (next !== undefined) {
            assert.ok(bytes + 1 + Buffer.byteLength(JSON.stringify(next)) > maxBytes, `batch ${i} had room for the next member`);
          }
        }
        assert.deepEqual(
          got.map((b) => b.members.length),
          [3, 3, 3, 1],
        );
      });

      it('sends what has gathered when the oldest member has waited maxWaitMs', async () => {
        const maxWaitMs = 800;
        const sub = await subscribe(api, subscriberId, `${receiver.url}/hook`, { batch: { maxEvents: 100, maxWaitMs } });
        const sentAt = Date.now();
        await sendMany(api, 3);
        await receiver.waitFor(1, 10_000);
        const [only] = receiver.requests.map(parse);
        assert.equal(only?.members.length, 3);
        const waited = (only as Received).request.at - sentAt;
        assert.ok(waited >= maxWaitMs - 20 && waited < maxWaitMs + 2_000, `waited ${waited} ms`);
        await allSettled(api, sub.id, 3);
      });

      it('is all or nothing: a 500 fails every member and the retry sends them together again; each member records both attempts', async () => {
        receiver.script(500);
        const sub = await subscribe(api, subscriberId, `${receiver.url}/hook`, {
          batch: { maxEvents: 4, maxWaitMs: 500 },
          retrySchedule: [0.3],
        });
        await sendMany(api, 4);
        const list = await allSettled(api, sub.id, 4);
        assert.equal(receiver.requests.length, 2, 'one failed batch, one retried batch');
        const [first, second] = receiver.requests.map(parse) as [Received, Received];
        assert.deepEqual(first.ids, second.ids, 'the members retried together');
        assert.notEqual(first.request.headers['webhook-id'], second.request.headers['webhook-id'], 'a fresh batch id per request');
        for (const m of list) {
          assert.equal(m.attempts, 2);
          const recorded = await attempts(api, m.id);
          assert.deepEqual(
            recorded.map((a) => a.statusCode),
            [500, 204],
          );
          assert.equal(recorded[0]?.requestHeaders['webhook-id'], first.request.headers['webhook-id']);
          assert.equal(recorded[1]?.requestHeaders['webhook-id'], second.request.headers['webhook-id']);
        }
      });

      it('takes one send from a rate limit per batch, not one per member', async () => {
        const periodSeconds = 2;
        const sub = await subscribe(api, subscriberId, `${receiver.url}/hook`, {
          batch: { maxEvents: 5, maxWaitMs: 200 },
          rateLimit: { limit: 1, periodSeconds },
        });
        await sendMany(api, 10);
        const list = await allSettled(api, sub.id, 10);
        const got = receiver.requests.map(parse);
        assert.deepEqual(
          got.map((b) => b.members.length),
          [5, 5],
        );
        const gap = (got[1] as Received).request.at - (got[0] as Received).request.at;
        assert.ok(gap >= periodSeconds * 1000 - 100, `the second batch waited for the next send (${gap} ms)`);
        assert.ok(gap < periodSeconds * 1000 * 2, `one send per batch, not per member (${gap} ms)`);
        for (const m of list) assert.equal(m.attempts, 1, 'waiting records no attempt');
      });

      it('counts a batch as one request in flight for its endpoint: maxInFlight 1 sends one batch at a time', async () => {
        let inFlight = 0;
        let most = 0;
        receiver.always((res) => {
          inFlight++;
          most = Math.max(most, inFlight);
          setTimeout(() => {
            inFlight--;
            res.writeHead(204).end();
          }, 200);
        });
        const sub = await subscribe(api, subscriberId, `${receiver.url}/hook`, { batch: { maxEvents: 5, maxWaitMs: 200 }, maxInFlight: 1 });
        await sendMany(api, 20);
        await allSettled(api, sub.id, 20);
        assert.deepEqual(
          receiver.requests.map((r) => parse(r).members.length),
          [5, 5, 5, 5],
          'all four batches went, one after another (members did not each take a slot)',
        );
        assert.equal(most, 1);
      });

      it('goes through the circuit breaker as one: held back whole while it is open, and its probe is the whole batch', async () => {
        await h.stop();
        const breaker = { breakerThreshold: 2, breakerCooldownSeconds: 1 };
        h = await startTestHerald(db ? { ...breaker, databaseUrl: db.url, secretKey: TEST_SECRET_KEY } : breaker, dir);
        api = h.api as Api;
        receiver.script(500, 500, 500);
        const sub = await subscribe(api, subscriberId, `${receiver.url}/hook`, {
          batch: { maxEvents: 3, maxWaitMs: 200 },
          retrySchedule: [0.1, 0.1, 0.1, 0.1, 0.1, 0.1],
        });
        await sendMany(api, 3);
        const list = await allSettled(api, sub.id, 3);
        const got = receiver.requests.map(parse);
        assert.equal(got.length, 4, 'two faults open the breaker; one failed probe; one success');
        for (const b of got) assert.deepEqual(b.ids, (got[0] as Received).ids, 'always the same three members together');
        const opened = (got[2] as Received).request.at - (got[1] as Received).request.at;
        assert.ok(opened >= 900, `the probe waited for the cool-down (${opened} ms)`);
        for (const m of list) assert.equal(m.attempts, 4, 'one attempt per request: nothing recorded while held back');
      });

      it('gives back the leases of members still waiting for their batch when it stops', async () => {
        const sub = await subscribe(api, subscriberId, `${receiver.url}/hook`, { batch: { maxEvents: 100, maxWaitMs: 60_000 } });
        await sendMany(api, 3);
        await eventually(
          async () => {
            const held = (await messages(api, sub.id)) as (Msg & { nextAttemptAt: string | null })[];
            // Leased for the timeout, the margin and the 60 s wait.
            return held.length === 3 && held.every((m) => m.nextAttemptAt !== null && Date.parse(m.nextAttemptAt) > Date.now() + 60_000);
          },
          5_000,
          'the messages leased for their wait',
        );
        // A shorter wait applies to messages claimed from now on; those held keep theirs.
        const patched = await api('PATCH', `/v1/subscriptions/${sub.id}`, { batch: { maxEvents: 100, maxWaitMs: 200 } });
        assert.equal(patched.status, 200);
        await new Promise((r) => setTimeout(r, 500));
        assert.equal(receiver.requests.length, 0, 'nothing sent: the batch is still gathering');
        await h.stop();
        // Started again: the messages are claimed at once and go after 200 ms, not after a lease
        // of 60 s and more.
        h = await startTestHerald(db ? { databaseUrl: db.url, secretKey: TEST_SECRET_KEY } : {}, dir);
        api = h.api as Api;
        const started = Date.now();
        await allSettled(api, sub.id, 3);
        assert.ok(Date.now() - started < 10_000);
        assert.deepEqual(
          receiver.requests.map((r) => parse(r).members.length),
          [3],
        );
      });

      it("fails every member when the batch's retries are exhausted; the endpoint's health counts the request once", async () => {
        receiver.always(500);
        const sub = await subscribe(api, subscriberId, `${receiver.url}/hook`, {
          batch: { maxEvents: 3, maxWaitMs: 300 },
          retrySchedule: [],
        });
        await sendMany(api, 3);
        const list = await allSettled(api, sub.id, 3, 'failed');
        assert.equal(receiver.requests.length, 1);
        for (const m of list) {
          assert.equal(m.attempts, 1);
          assert.deepEqual(
            (await attempts(api, m.id)).map((a) => a.statusCode),
            [500],
          );
        }
        const shown = await api('GET', `/v1/subscriptions/${sub.id}`);
        assert.equal((shown.body.health as Json).consecutiveFailures, 1, 'one request, one failure');
      });
    });
  }

  describe('PostgreSQL, three worker processes', { skip: pgSkip ?? false }, () => {
    const EVENTS = 300;
    let db: TestDatabase;
    let receiver: TestReceiver;
    let procs: HeraldProcess[] = [];
    before(async () => {
      db = await createTestDatabase();
      receiver = await new TestReceiver().start();
      procs = await Promise.all([
        serveProcess('api', db.url),
        serveProcess('worker', db.url),
        serveProcess('worker', db.url),
        serveProcess('worker', db.url),
      ]);
    });
    after(async () => {
      await Promise.all(procs.map((p) => p.stop()));
      await receiver?.stop();
      await db?.drop();
    });

    it('puts no message in two batches: each message is in exactly one successful batch, and the receiver sees each event once', async () => {
      const base = (procs[0] as HeraldProcess).url;
      const api: Api = (method, path, body) => callApi(base, method, path, body);
      const subscriberId = await setup(api);
      const sub = await subscribe(api, subscriberId, `${receiver.url}/hook`, { batch: { maxEvents: 10, maxWaitMs: 500 } });
      for (let i = 0; i < EVENTS; i += 100) {
        const events = Array.from({ length: 100 }, (_, j) => ({ type: 'order.placed', data: { n: i + j } }));
        assert.equal((await api('POST', '/v1/events/batch', { events })).status, 202);
      }
      const list = await allSettled(api, sub.id, EVENTS);
      const got = receiver.requests.map(parse);
      const ids = got.flatMap((b) => b.ids);
      assert.equal(ids.length, EVENTS, `${ids.length} members received for ${EVENTS} messages`);
      assert.deepEqual([...new Set(ids)].sort(), list.map((m) => m.id).sort(), 'each message in exactly one batch');
      const ns = got.flatMap((b) => b.members.map((m) => m.data.n)).sort((a, b) => a - b);
      assert.deepEqual(
        ns,
        Array.from({ length: EVENTS }, (_, n) => n),
        'each event once',
      );
      assert.ok(
        got.every((b) => b.members.length <= 10),
        'no batch over maxEvents',
      );
      assert.ok(got.length >= EVENTS / 10, `${got.length} batches`);
      for (const m of list) assert.equal(m.attempts, 1);
    });
  });
});
