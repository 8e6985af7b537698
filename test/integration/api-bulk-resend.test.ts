// POST /v1/messages/resend (bulk resend of what a message-log filter selects), end to end on SQLite
// and on PostgreSQL: a real Herald delivering to a real receiver on 127.0.0.1 that answers 500 until
// the test makes it healthy. Failed messages are resent by filter, page by page (the bound and its
// cursor), and delivered; a subscriber key touches only its own; bad bodies are 400s; the audit log
// records each call.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { ADMIN_KEY, removeDir, startTestHerald, type TestHerald, tempDir } from '../helpers/herald.js';
import { createTestDatabase, requirePostgres, type TestDatabase } from '../helpers/postgres.js';
import { eventually, TestReceiver } from '../helpers/receiver.js';

const TYPE = 'order.created';
const WAIT_MS = 15_000; // bound on every state the tests wait for
const TEST_SECRET_KEY = 'YnVsayByZXNlbmQgdGVzdHMgc2hhcmUgdGhpcyBrZXk='; // base64 of 32 bytes, tests only

type Json = Record<string, unknown>;
interface Msg {
  id: string;
  status: string;
  subscriberId: string;
  subscriptionId: string;
}
interface Resent {
  resent: number;
  inFlight: number;
  nextCursor: string | null;
}

const pgSkip = await requirePostgres();

function scenarios(start: () => Promise<TestHerald>): void {
  let h: TestHerald;
  let receiver: TestReceiver;
  let failing = true;
  const subs: Record<'a' | 'b', { subscriber: string; subscription: string; key: string }> = {
    a: { subscriber: '', subscription: '', key: '' },
    b: { subscriber: '', subscription: '', key: '' },
  };
  let readKey = '';

  /** A request with a key of the test's choosing (the admin key unless given). */
  async function call<T = Json>(method: string, path: string, body?: unknown, key = ADMIN_KEY): Promise<{ status: number; body: T }> {
    const res = await fetch(h.url + path, {
      method,
      headers: { authorization: `Bearer ${key}`, ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
      body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
    });
    const text = await res.text();
    assert.ok(res.status < 500, `${method} ${path}: ${res.status} ${text}`);
    return { status: res.status, body: (text ? JSON.parse(text) : null) as T };
  }
  const ok = async <T = Json>(method: string, path: string, body?: unknown, key = ADMIN_KEY) => {
    const res = await call<T>(method, path, body, key);
    assert.ok(res.status < 300, `${method} ${path}: ${res.status} ${JSON.stringify(res.body)}`);
    return res.body;
  };
  const messages = async (query: string) => (await ok<{ data: Msg[] }>('GET', `/v1/messages?limit=1000&${query}`)).data;
  const statuses = async (query: string) => (await messages(query)).map((m) => m.status).sort();
  const resend = (body: unknown, key = ADMIN_KEY) => call<Resent>('POST', '/v1/messages/resend', body, key);

  before(async () => {
    receiver = new TestReceiver();
    receiver.always((res) => res.writeHead(failing ? 500 : 204).end(failing ? 'down for maintenance' : ''));
    await receiver.start();
    h = await start();
    await ok('POST', '/v1/event-types', { name: TYPE, description: 'An order was created' });
    for (const name of ['a', 'b'] as const) {
      const subscriber = (await ok('POST', '/v1/subscribers', { name })).id as string;
      const subscription = (
        await ok('POST', `/v1/subscribers/${subscriber}/subscriptions`, {
          url: `${receiver.url}/hook/${name}`,
          eventTypes: [TYPE],
          retrySchedule: [0.05],
        })
      ).id as string;
      const key = (await ok('POST', '/v1/api-keys', { name: `portal ${name}`, scope: 'subscriber', subscriberId: subscriber }))
        .key as string;
      subs[name] = { subscriber, subscription, key };
    }
    readKey = (await ok('POST', '/v1/api-keys', { name: 'dashboard', scope: 'read' })).key as string;
    for (let n = 0; n < 3; n++) await ok('POST', '/v1/events', { type: TYPE, data: { n } });
    await eventually(
      async () => (await statuses('status=failed')).length === 6,
      WAIT_MS,
      'every message failed (an attempt and its one retry answered 500)',
    );
  });
  after(async () => {
    await h?.stop();
    await receiver?.stop();
  });

  it('refuses bad bodies with 400s, as GET /v1/messages refuses bad filters', async () => {
    const bad: [unknown, string][] = [
      [{ status: 'failed', colour: 'red' }, 'validation_failed'],
      [{ since: 'yesterday' }, 'validation_failed'],
      [{ until: '2026-02-30T10:00:00Z' }, 'validation_failed'],
      [{ status: 'broken' }, 'validation_failed'],
      [{ limit: 0 }, 'validation_failed'],
      [{ limit: 1_001 }, 'validation_failed'],
      [{ cursor: 'not-a-message-id' }, 'invalid_cursor'],
      ['[1, 2]', 'validation_failed'],
    ];
    for (const [body, code] of bad) {
      const res = await call<{ code: string; message: string }>('POST', '/v1/messages/resend', body);
      assert.equal(res.status, 400, JSON.stringify(body));
      assert.equal(res.body.code, code, JSON.stringify(body));
      assert.ok(res.body.message.length > 0);
    }
    const get = await call<{ code: string }>('GET', '/v1/messages?since=yesterday');
    assert.equal(get.status, 400, 'the same date is refused by the list');
    assert.equal((await statuses('status=failed')).length, 6, 'nothing was resent');
  });

  it('a read key may not resend; a subscriber key resends only its own', async () => {
    assert.equal((await resend({ status: 'failed' }, readKey)).status, 403);
    assert.equal((await resend({ subscriberId: subs.b.subscriber }, subs.a.key)).status, 404, "another subscriber's id is not found");
    const other = await resend({ subscriptionId: subs.b.subscription }, subs.a.key);
    assert.equal(other.status, 202);
    assert.deepEqual(other.body, { resent: 0, inFlight: 0, nextCursor: null }, "another's subscription selects nothing");
    assert.deepEqual(await statuses(`subscriberId=${subs.b.subscriber}`), ['failed', 'failed', 'failed']);
  });

  it('resends the failed set page by page (the bound), and the receiver gets them', async () => {
    failing = false;
    const before = receiver.requests.length;
    // Subscriber a's own key, two per call: three messages take two calls.
    const first = await resend({ status: 'failed', limit: 2 }, subs.a.key);
    assert.equal(first.status, 202, JSON.stringify(first.body));
    assert.equal(first.body.resent, 2);
    assert.equal(first.body.inFlight, 0);
    assert.match(first.body.nextCursor ?? '', /^msg_/, 'more match: a cursor to go on');
    const second = await resend({ status: 'failed', limit: 2, cursor: first.body.nextCursor }, subs.a.key);
    assert.deepEqual(second.body, { resent: 1, inFlight: 0, nextCursor: null });
    await eventually(
      async () => (await statuses(`subscriberId=${subs.a.subscriber}`)).join() === 'succeeded,succeeded,succeeded',
      WAIT_MS,
      "a's messages delivered",
    );
    const delivered = receiver.requests.slice(before);
    assert.equal(delivered.filter((r) => r.path === '/hook/a').length, 3);
    assert.equal(delivered.filter((r) => r.path === '/hook/b').length, 0, "b's were not touched");
    assert.deepEqual(await statuses(`subscriberId=${subs.b.subscriber}`), ['failed', 'failed', 'failed']);

    // The admin, by subscription and a time range that holds them all.
    const since = new Date(Date.now() - 3_600_000).toISOString();
    const until = new Date(Date.now() + 60_000).toISOString();
    const all = await resend({ subscriptionId: subs.b.subscription, status: 'failed', since, until });
    assert.deepEqual(all.body, { resent: 3, inFlight: 0, nextCursor: null });
    await eventually(async () => (await statuses('status=succeeded')).length === 6, WAIT_MS, "b's messages delivered");
    assert.deepEqual(await resend({ status: 'failed' }).then((r) => r.body), { resent: 0, inFlight: 0, nextCursor: null });
  });

  it('records each call in the audit log, with its filter and counts', async () => {
    const log = await ok<{ data: { actor: string; changes: Json | null }[] }>('GET', '/v1/audit-log?action=message.bulk-resend&limit=100');
    const admin = log.data.filter((e) => e.actor === 'admin');
    assert.ok(admin.some((e) => e.changes?.subscriptionId === subs.b.subscription && e.changes?.resent === 3));
    assert.ok(log.data.some((e) => e.actor !== 'admin' && e.changes?.limit === 2 && e.changes?.resent === 2));
  });
}

describe('POST /v1/messages/resend', () => {
  describe('SQLite', () => {
    const dir = tempDir();
    scenarios(() => startTestHerald({}, dir));
    after(() => removeDir(dir));
  });

  describe('PostgreSQL', { skip: pgSkip ?? false }, () => {
    let db: TestDatabase;
    const dir = tempDir();
    scenarios(async () => {
      db = await createTestDatabase();
      return startTestHerald({ databaseUrl: db.url, secretKey: TEST_SECRET_KEY }, dir);
    });
    after(async () => {
      await db?.drop();
      removeDir(dir);
    });
  });
});
