// A subscription's maxInFlight (issue 16): 1 gives one-at-a-time delivery; set, changed and cleared
// through the API, refused outside 1..10,000; on both stores.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { removeDir, startTestHerald, type TestHerald, tempDir } from '../helpers/herald.js';
import { createTestDatabase, requirePostgres, type TestDatabase } from '../helpers/postgres.js';
import { TestReceiver } from '../helpers/receiver.js';

const EVENTS = 12;
const ANSWER_MS = 100;
const TEST_SECRET_KEY = 'bWF4SW5GbGlnaHQgdGVzdCBrZXksIDMyIGJ5dGVzISE='; // base64 of 32 bytes, tests only

const pgSkip = await requirePostgres();

async function oneAtATime(herald: TestHerald, receiver: TestReceiver): Promise<void> {
  let inFlight = 0;
  let most = 0;
  receiver.always((res) => {
    inFlight++;
    most = Math.max(most, inFlight);
    setTimeout(() => {
      inFlight--;
      res.writeHead(204).end();
    }, ANSWER_MS);
  });
  const api = herald.api;
  assert.equal((await api('POST', '/v1/event-types', { name: 'ledger.posted', description: 'A ledger entry was posted' })).status, 201);
  const subscriber = await api<{ id: string }>('POST', '/v1/subscribers', { name: 'ledger' });
  const created = await api<{ id: string; maxInFlight: number | null }>('POST', `/v1/subscribers/${subscriber.body.id}/subscriptions`, {
    url: `${receiver.url}/hook`,
    eventTypes: ['ledger.posted'],
    maxInFlight: 1,
  });
  assert.equal(created.status, 201, JSON.stringify(created.body));
  assert.equal(created.body.maxInFlight, 1);

  const events = Array.from({ length: EVENTS }, (_, i) => ({ type: 'ledger.posted', data: { n: i } }));
  assert.equal((await api('POST', '/v1/events/batch', { events })).status, 202);
  await receiver.waitFor(EVENTS, 30_000);
  assert.equal(most, 1, 'never more than one request at a time');
  assert.equal(new Set(receiver.requests.map((r) => r.headers['webhook-id'])).size, EVENTS);

  const refused = await api<{ code: string }>('PATCH', `/v1/subscriptions/${created.body.id}`, { maxInFlight: 0 });
  assert.equal(refused.status, 400);
  const cleared = await api<{ maxInFlight: number | null }>('PATCH', `/v1/subscriptions/${created.body.id}`, { maxInFlight: null });
  assert.equal(cleared.status, 200);
  assert.equal(cleared.body.maxInFlight, null);
  const fetched = await api<{ maxInFlight: number | null }>('GET', `/v1/subscriptions/${created.body.id}`);
  assert.equal(fetched.body.maxInFlight, null);

  // Adaptive again: a burst goes out several at a time.
  most = 0;
  const before = receiver.requests.length;
  assert.equal((await api('POST', '/v1/events/batch', { events })).status, 202);
  await receiver.waitFor(before + EVENTS, 30_000);
  assert.ok(most > 1, `with maxInFlight cleared, ${most} at a time`);
}

describe('maxInFlight per subscription', () => {
  describe('SQLite', () => {
    let herald: TestHerald;
    let receiver: TestReceiver;
    const dir = tempDir();
    before(async () => {
      receiver = await new TestReceiver().start();
      herald = await startTestHerald({}, dir);
    });
    after(async () => {
      await herald?.stop();
      await receiver?.stop();
      removeDir(dir);
    });
    it('1 delivers one at a time; null goes back to the adaptive cap', () => oneAtATime(herald, receiver));
  });

  describe('PostgreSQL', { skip: pgSkip ?? false }, () => {
    let herald: TestHerald;
    let receiver: TestReceiver;
    let db: TestDatabase;
    const dir = tempDir();
    before(async () => {
      db = await createTestDatabase();
      receiver = await new TestReceiver().start();
      herald = await startTestHerald({ databaseUrl: db.url, secretKey: TEST_SECRET_KEY }, dir);
    });
    after(async () => {
      await herald?.stop();
      await receiver?.stop();
      await db?.drop();
      removeDir(dir);
    });
    it('1 delivers one at a time; null goes back to the adaptive cap', () => oneAtATime(herald, receiver));
  });
});
