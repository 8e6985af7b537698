// A subscription's rateLimit (issue: rate limit per subscription): {limit: 20, periodSeconds: 5} with
// 100 messages queued reaches a real receiver at 4/s, within a few percent over 15 s; no attempt is
// recorded for waiting; a second subscription without a limit is not slowed; the API refuses bad
// limits with a 400. On SQLite and PostgreSQL, and on PostgreSQL with two worker processes sharing
// the budget.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { removeDir, startTestHerald, type TestHerald, tempDir } from '../helpers/herald.js';
import { createTestDatabase, requirePostgres, type TestDatabase } from '../helpers/postgres.js';
import { attemptsMade, callApi, type HeraldProcess, serveProcess } from '../helpers/processes.js';
import { eventually, TestReceiver } from '../helpers/receiver.js';

const EVENTS = 100;
const RULE = { limit: 20, periodSeconds: 5 }; // 4/s
const WINDOW_MS = 15_000;
const RATE = (RULE.limit / RULE.periodSeconds) * (WINDOW_MS / 1000); // sends expected in the window: 60
const TOLERANCE = 0.05;
const TEST_SECRET_KEY = 'cmF0ZUxpbWl0IHRlc3Qga2V5LCAzMiBieXRlcyEhISE='; // base64 of 32 bytes, tests only

const pgSkip = await requirePostgres();

type Api = (method: string, path: string, body?: unknown) => Promise<{ status: number; body: Record<string, unknown> }>;

/** Creates an event type, a limited subscription (/limited) and an unlimited one (/free); returns the limited one's id. */
async function setup(api: Api, receiver: TestReceiver): Promise<string> {
  assert.equal((await api('POST', '/v1/event-types', { name: 'order.placed', description: 'An order was placed' })).status, 201);
  const subscriber = await api('POST', '/v1/subscribers', { name: 'shop' });
  const bad = [
    { limit: 0, periodSeconds: 5 },
    { limit: 1.5, periodSeconds: 5 },
    { limit: 5, periodSeconds: 0 },
    { limit: 5 },
    { limit: 5, periodSeconds: 1, burst: 2 },
  ];
  for (const rateLimit of bad) {
    const refused = await api('POST', `/v1/subscribers/${subscriber.body.id}/subscriptions`, {
      url: `${receiver.url}/limited`,
      eventTypes: ['order.placed'],
      rateLimit,
    });
    assert.equal(refused.status, 400, `${JSON.stringify(rateLimit)}: ${JSON.stringify(refused.body)}`);
    assert.equal(refused.body.code, 'validation_failed');
  }
  const limited = await api('POST', `/v1/subscribers/${subscriber.body.id}/subscriptions`, {
    url: `${receiver.url}/limited`,
    eventTypes: ['order.placed'],
    rateLimit: { limit: 1, periodSeconds: 1 },
  });
  assert.equal(limited.status, 201, JSON.stringify(limited.body));
  assert.deepEqual(limited.body.rateLimit, { limit: 1, periodSeconds: 1 });
  const patched = await api('PATCH', `/v1/subscriptions/${limited.body.id}`, { rateLimit: RULE });
  assert.equal(patched.status, 200, JSON.stringify(patched.body));
  assert.deepEqual(patched.body.rateLimit, RULE);
  assert.equal((await api('PATCH', `/v1/subscriptions/${limited.body.id}`, { rateLimit: { limit: 20, periodSeconds: -1 } })).status, 400);
  const free = await api('POST', `/v1/subscribers/${subscriber.body.id}/subscriptions`, {
    url: `${receiver.url}/free`,
    eventTypes: ['order.placed'],
  });
  assert.equal(free.status, 201);
  assert.equal(free.body.rateLimit, null);
  return limited.body.id as string;
}

/** Ingests the events and measures: returns the limited subscription's arrivals in the window after its first. */
async function measure(api: Api, receiver: TestReceiver, note: (message: string) => void): Promise<number> {
  receiver.always((res) => res.writeHead(204).end());
  const events = Array.from({ length: EVENTS }, (_, i) => ({ type: 'order.placed', data: { n: i } }));
  const started = Date.now();
  assert.equal((await api('POST', '/v1/events/batch', { events })).status, 202);
  const count = (path: string) => receiver.requests.filter((r) => r.path === path);
  await eventually(async () => count('/free').length === EVENTS, 10_000, 'the unlimited subscription gets everything at once');
  assert.ok(Date.now() - started < 10_000);
  await eventually(async () => count('/limited').length > 0, 10_000, 'the limited subscription gets its first');
  const first = (count('/limited')[0] as { at: number }).at;
  await new Promise((r) => setTimeout(r, first + WINDOW_MS + 200 - Date.now()));
  const limited = count('/limited');
  const inWindow = limited.filter((r) => r.at > first && r.at <= first + WINDOW_MS).length;
  assert.ok(
    Math.abs(inWindow - RATE) <= RATE * TOLERANCE,
    `${inWindow} sends in ${WINDOW_MS / 1000} s after the first, expected ${RATE} (±${TOLERANCE * 100}%)`,
  );
  note(`${inWindow} sends in the ${WINDOW_MS / 1000} s after the first (expected ${RATE})`);
  assert.equal(new Set(limited.map((r) => r.headers['webhook-id'])).size, limited.length, 'no message twice');
  return limited.length;
}

/** Attempts recorded for the subscription match the requests received: waiting records none. */
async function attemptsMatch(api: Api, receiver: TestReceiver, subscriptionId: string): Promise<void> {
  await eventually(
    async () => {
      const received = receiver.requests.filter((r) => r.path === '/limited').length;
      const stats = await api('GET', `/v1/subscriptions/${subscriptionId}/stats`);
      return stats.body.attempts === received;
    },
    5_000,
    'attempts recorded = requests received',
  );
}

describe('rate limit per subscription', { timeout: 120_000 }, () => {
  for (const backend of ['SQLite', 'PostgreSQL'] as const) {
    describe(backend, { skip: backend === 'PostgreSQL' ? (pgSkip ?? false) : false }, () => {
      let herald: TestHerald;
      let receiver: TestReceiver;
      let db: TestDatabase | undefined;
      const dir = tempDir();
      before(async () => {
        receiver = await new TestReceiver().start();
        if (backend === 'PostgreSQL') db = await createTestDatabase();
        herald = await startTestHerald(db ? { databaseUrl: db.url, secretKey: TEST_SECRET_KEY } : {}, dir);
      });
      after(async () => {
        await herald?.stop();
        await receiver?.stop();
        await db?.drop();
        removeDir(dir);
      });
      it('holds the limited subscription to its rate, records no attempt for waiting, and does not slow the other', async (t) => {
        const api = herald.api as Api;
        const id = await setup(api, receiver);
        await measure(api, receiver, (m) => t.diagnostic(m));
        await attemptsMatch(api, receiver, id);
      });
    });
  }

  describe('PostgreSQL, two worker processes', { skip: pgSkip ?? false }, () => {
    let db: TestDatabase;
    let receiver: TestReceiver;
    let procs: HeraldProcess[] = [];
    before(async () => {
      db = await createTestDatabase();
      receiver = await new TestReceiver().start();
      procs = await Promise.all([serveProcess('api', db.url), serveProcess('worker', db.url), serveProcess('worker', db.url)]);
    });
    after(async () => {
      await Promise.all(procs.map((p) => p.stop()));
      await receiver?.stop();
      await db?.drop();
    });
    it('the workers share the budget: their combined rate honours it', async (t) => {
      const base = (procs[0] as HeraldProcess).url;
      const api: Api = (method, path, body) => callApi(base, method, path, body);
      const id = await setup(api, receiver);
      await measure(api, receiver, (m) => t.diagnostic(m));
      await attemptsMatch(api, receiver, id);
      const [a, b] = await Promise.all([attemptsMade((procs[1] as HeraldProcess).url), attemptsMade((procs[2] as HeraldProcess).url)]);
      assert.ok(a > 0 && b > 0, `both workers delivered (${a} and ${b} attempts)`);
    });
  });
});
