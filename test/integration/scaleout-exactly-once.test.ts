// Scale-out on PostgreSQL: one `api` process and three `worker` processes share one database; a
// backlog of 5,000 messages is delivered exactly once (FOR UPDATE SKIP LOCKED hands each message to
// one worker) and every attempt is recorded. Real processes, a real receiver counting by
// webhook-id, a database of its own; under CI=true an unreachable PostgreSQL fails the file.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { pgAdminQuery } from '../../src/store/postgres/admin.js';
import { createTestDatabase, requirePostgres, type TestDatabase } from '../helpers/postgres.js';
import { attemptsMade, callApi, type HeraldProcess, ingestBatches, serveProcess, setupSubscription } from '../helpers/processes.js';
import { eventually, TestReceiver } from '../helpers/receiver.js';

const MESSAGES = 5_000;
const WORKERS = 3;
const DELIVERY_TIMEOUT_MS = 60_000; // bound on delivering the whole backlog on a loaded machine
const QUIET_MS = 1_000; // after the last delivery, time for a late duplicate to show up

const skipReason = await requirePostgres();

describe('scale-out: three workers, one database', { skip: skipReason ?? false }, () => {
  let db: TestDatabase;
  let receiver: TestReceiver;
  const processes: HeraldProcess[] = [];
  const env = { HERALD_PG_POOL_MAX: '4' };

  before(async () => {
    db = await createTestDatabase();
    receiver = await new TestReceiver().start();
  });
  after(async () => {
    await Promise.all(processes.map((p) => p.stop()));
    await receiver?.stop();
    await db?.drop();
  });

  it('delivers 5,000 messages exactly once and records every attempt', async (t) => {
    // Started together: they migrate the new database at once, under the advisory lock.
    const [api, ...workers] = await Promise.all([
      serveProcess('api', db.url, env),
      ...Array.from({ length: WORKERS }, () => serveProcess('worker', db.url, env)),
    ]);
    processes.push(api!, ...workers);
    await setupSubscription(api!.url, `${receiver.url}/hook`);
    const t0 = Date.now();
    await ingestBatches(api!.url, MESSAGES, 500);
    const ingested = Date.now();
    await receiver.waitFor(MESSAGES, DELIVERY_TIMEOUT_MS);
    t.diagnostic(`ingest ${ingested - t0} ms; all delivered ${Date.now() - t0} ms after the first event`);
    await eventually(
      async () => {
        const [row] = await pgAdminQuery<{ n: string }>(db.url, 'SELECT count(*) AS n FROM messages WHERE status = 1');
        return Number(row?.n) === MESSAGES;
      },
      DELIVERY_TIMEOUT_MS,
      `all ${MESSAGES} messages recorded as succeeded`,
    );
    await new Promise((r) => setTimeout(r, QUIET_MS));

    const byId = new Map<string, number>();
    for (const r of receiver.requests) {
      const id = String(r.headers['webhook-id']);
      byId.set(id, (byId.get(id) ?? 0) + 1);
    }
    const duplicated = [...byId].filter(([, n]) => n > 1);
    assert.equal(byId.size, MESSAGES, 'every message reached the receiver');
    assert.deepEqual(duplicated, [], 'no message was delivered twice');
    assert.equal(receiver.requests.length, MESSAGES);

    // Every attempt is recorded, one per message, and matches what the receiver saw.
    const [counts] = await pgAdminQuery<{ attempts: string; messages: string; ok: string; leased: string }>(
      db.url,
      `SELECT (SELECT count(*) FROM attempts) AS attempts,
              (SELECT count(DISTINCT message_id) FROM attempts) AS messages,
              (SELECT count(*) FROM attempts WHERE status_code = 204) AS ok,
              (SELECT count(*) FROM messages WHERE leased) AS leased`,
    );
    assert.deepEqual(counts, { attempts: String(MESSAGES), messages: String(MESSAGES), ok: String(MESSAGES), leased: '0' });
    const recorded = await pgAdminQuery<{ id: string }>(db.url, 'SELECT id FROM messages');
    assert.ok(
      recorded.every((m) => byId.get(m.id) === 1),
      'the receiver saw each stored message id once',
    );
    // The API agrees (one page of attempts is enough to see it answers from the same store).
    const page = await callApi<{ data: { messageId: string; statusCode: number }[] }>(api!.url, 'GET', '/v1/attempts?limit=100');
    assert.equal(page.body.data.length, 100);
    assert.ok(page.body.data.every((a) => a.statusCode === 204 && byId.get(a.messageId) === 1));

    // The work was shared: the workers' own counters add up to the deliveries.
    const perWorker = await Promise.all(workers.map((w) => attemptsMade(w.url)));
    t.diagnostic(`attempts per worker: ${perWorker.join(', ')}`);
    assert.equal(
      perWorker.reduce((a, b) => a + b, 0),
      MESSAGES,
    );
    assert.ok(perWorker.filter((n) => n > 0).length >= 2, `at least two workers delivered (${perWorker.join(', ')})`);
  });
});
