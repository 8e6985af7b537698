// The hand-off timeline (issue 14, finding 6): jobs leased to the dispatcher at ingest wait in its
// queue; one whose lease no longer covers an attempt is not started, and its lease must be given
// back at once, so delivery never pauses for the lease to run out while slots are free. Set up so
// that most of the queue outwaits its lease: 32 slots, a receiver taking 200 ms (160 deliveries/s),
// a queue of 8 × 32 jobs (1.6 s of work), a lease margin of 2 s (a job that waited over 1 s is not
// started) and a 10 s attempt timeout (a lease that runs out by itself does so 12 s after ingest).
// Delivery must go on without a gap of a lease's length, each message exactly once, on both stores.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { removeDir, startTestHerald, type TestHerald, tempDir } from '../helpers/herald.js';
import { createTestDatabase, requirePostgres, type TestDatabase } from '../helpers/postgres.js';
import { ingestBatches, setupSubscription } from '../helpers/processes.js';
import { TestReceiver } from '../helpers/receiver.js';

const MESSAGES = 1_000;
const RECEIVER_MS = 200; // each answer's delay
const DELIVERY_BOUND_MS = 60_000; // bound on the whole run on a loaded machine
const MAX_GAP_MS = 3_000; // longest pause between deliveries allowed; a lease left to expire pauses ~6 s or more
const SETTINGS = { concurrency: 32, leaseMarginMs: 2_000, pollIntervalMs: 1_000 };
const TEST_SECRET_KEY = 'aGFuZC1vZmYgc3RhbGwgdGVzdCBrZXkgMzIgYnl0ZSE='; // base64 of 32 bytes, tests only

const pgSkip = await requirePostgres();

async function deliversWithoutStall(herald: TestHerald, receiver: TestReceiver): Promise<void> {
  receiver.always((res) => {
    setTimeout(() => res.writeHead(204).end(), RECEIVER_MS);
  });
  await setupSubscription(herald.url, `${receiver.url}/hook`, { timeoutSeconds: 10 });
  await ingestBatches(herald.url, MESSAGES, 500);
  await receiver.waitFor(MESSAGES, DELIVERY_BOUND_MS);
  const arrivals = receiver.requests.map((r) => r.at).sort((a, b) => a - b);
  let gap = 0;
  for (let i = 1; i < arrivals.length; i++) gap = Math.max(gap, (arrivals[i] as number) - (arrivals[i - 1] as number));
  assert.ok(gap < MAX_GAP_MS, `delivery paused for ${gap} ms with messages left to deliver`);
  const ids = new Set(receiver.requests.map((r) => String(r.headers['webhook-id'])));
  assert.equal(ids.size, MESSAGES, 'every message delivered once');
  assert.equal(receiver.requests.length, MESSAGES, 'and none twice');
}

describe('hand-off: jobs that outwait their lease are given back, not left to expire', () => {
  describe('SQLite', () => {
    let herald: TestHerald;
    let receiver: TestReceiver;
    const dir = tempDir();
    before(async () => {
      receiver = await new TestReceiver().start();
      herald = await startTestHerald(SETTINGS, dir);
    });
    after(async () => {
      await herald?.stop();
      await receiver?.stop();
      removeDir(dir);
    });
    it(`delivers ${MESSAGES} messages to a 200 ms receiver without a pause`, () => deliversWithoutStall(herald, receiver));
  });

  describe('PostgreSQL', { skip: pgSkip ?? false }, () => {
    let herald: TestHerald;
    let receiver: TestReceiver;
    let db: TestDatabase;
    const dir = tempDir();
    before(async () => {
      db = await createTestDatabase();
      receiver = await new TestReceiver().start();
      herald = await startTestHerald({ ...SETTINGS, databaseUrl: db.url, secretKey: TEST_SECRET_KEY }, dir);
    });
    after(async () => {
      await herald?.stop();
      await receiver?.stop();
      await db?.drop();
      removeDir(dir);
    });
    it(`delivers ${MESSAGES} messages to a 200 ms receiver without a pause`, () => deliversWithoutStall(herald, receiver));
  });
});
