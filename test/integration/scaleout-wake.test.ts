// Scale-out on PostgreSQL, separate processes: an `api` process delivers nothing; an idle `worker`
// process wakes on LISTEN/NOTIFY and delivers a new event right after the API's 202 (the design
// target is 50 ms; the test bound is looser since tests are not benchmarks, see
// bench/wake-latency.ts); when a notification is lost, polling still finds the message. Also: SQLite
// refuses the api/worker roles. One database for the file; under CI=true an unreachable
// PostgreSQL fails the file instead of skipping it.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { pgAdminQuery } from '../../src/store/postgres/admin.js';
import { removeDir, tempDir } from '../helpers/herald.js';
import { createTestDatabase, requirePostgres, type TestDatabase } from '../helpers/postgres.js';
import { callApi, type HeraldProcess, serveProcess, setupSubscription } from '../helpers/processes.js';
import { eventually, TestReceiver } from '../helpers/receiver.js';

const WAKE_BOUND_MS = 500; // generous: the design target is 50 ms; a loaded CI machine must not flake
const POLL_MS = 2_000; // the worker's poll interval: long, so a fast delivery can only come from NOTIFY
const SAMPLES = 5;
const POOL_MAX = 3; // HERALD_PG_POOL_MAX of these processes

const skipReason = await requirePostgres();

describe('scale-out: idle wake-up and roles', { skip: skipReason ?? false }, () => {
  let db: TestDatabase;
  let receiver: TestReceiver;
  let api: HeraldProcess;
  let worker: HeraldProcess | null = null;
  const env = { HERALD_PG_POOL_MAX: String(POOL_MAX), HERALD_POLL_INTERVAL_MS: String(POLL_MS) };
  const apiName = `herald_api_${process.pid}`; // application_name of the api process's connections

  before(async () => {
    db = await createTestDatabase();
    receiver = await new TestReceiver().start();
    api = await serveProcess('api', `${db.url}?application_name=${apiName}`, env);
  });
  after(async () => {
    await Promise.all([api?.stop(), worker?.stop()]);
    await receiver?.stop();
    await db?.drop();
  });

  it('an api process delivers nothing; a worker serves only operations routes and delivers the backlog', async () => {
    await setupSubscription(api.url, `${receiver.url}/hook`);
    const first = await callApi(api.url, 'POST', '/v1/events', { type: 'stock.changed', data: { item: 0 } });
    assert.equal(first.status, 202, JSON.stringify(first.body));
    await new Promise((r) => setTimeout(r, 500));
    assert.equal(receiver.requests.length, 0, 'the api process must not deliver');

    worker = await serveProcess('worker', db.url, env);
    assert.equal((await fetch(`${worker.url}/healthz`)).status, 200);
    assert.equal((await fetch(`${worker.url}/readyz`)).status, 200);
    assert.equal((await callApi(worker.url, 'GET', '/v1/messages')).status, 404, 'a worker serves no API');
    await receiver.waitFor(1, 15_000);
    assert.equal(receiver.requests[0]?.headers['webhook-id'], (await onlyMessageId(api.url)) ?? 'none');
  });

  it('an idle worker process delivers a new event right after the 202, woken by NOTIFY', async (t) => {
    assert.ok(worker, 'the worker of the previous test runs');
    const latencies: number[] = [];
    for (let i = 1; i <= SAMPLES; i++) {
      const before = receiver.requests.length;
      // Idle: nothing due, the worker sleeps for up to POLL_MS.
      await new Promise((r) => setTimeout(r, 300));
      const res = await callApi(api.url, 'POST', '/v1/events', { type: 'stock.changed', data: { item: i } });
      const acknowledged = Date.now();
      assert.equal(res.status, 202);
      await receiver.waitFor(before + 1, 10_000);
      const arrived = receiver.requests[before]!.at;
      latencies.push(Math.max(0, arrived - acknowledged));
    }
    const sorted = [...latencies].sort((a, b) => a - b);
    t.diagnostic(`202 → delivery latency (ms) over ${SAMPLES} events: ${latencies.join(', ')}; median ${sorted[SAMPLES >> 1]}`);
    for (const ms of latencies) assert.ok(ms < WAKE_BOUND_MS, `delivered ${ms} ms after the 202 (bound ${WAKE_BOUND_MS} ms)`);
  });

  it('polling finds a message whose notification was lost', async () => {
    // Make one delivered message due again straight in the database, as a resend does but without
    // its pg_notify, as if the notification had been lost. Only the worker's poll can find it.
    const [row] = await pgAdminQuery<{ id: string; subscription_id: string; at: string }>(
      db.url,
      `UPDATE messages SET status = 0, next_attempt_at = (extract(epoch from now()) * 1000)::bigint
       WHERE id = (SELECT min(id) FROM messages) RETURNING id, subscription_id, next_attempt_at AS at`,
    );
    assert.ok(row);
    const [queue] = await pgAdminQuery<{ q: string | null }>(db.url, `SELECT to_regclass('message_queue')::text AS q`);
    if (queue?.q) {
      // The PostgreSQL store keeps due messages in a queue table of their own (migration 0005).
      await pgAdminQuery(
        db.url,
        `INSERT INTO message_queue (message_id, next_attempt_at, subscription_id) VALUES ('${row.id}', ${row.at}, '${row.subscription_id}')
         ON CONFLICT (message_id) DO UPDATE SET next_attempt_at = EXCLUDED.next_attempt_at`,
      );
    }
    await eventually(
      async () => receiver.requests.filter((r) => r.headers['webhook-id'] === row.id).length >= 2,
      POLL_MS * 3 + 5_000,
      'the poll to redeliver the message',
    ).catch(async (err: Error) => {
      const [state] = await pgAdminQuery(db.url, `SELECT status, next_attempt_at, leased FROM messages WHERE id = '${row.id}'`);
      throw new Error(`${err.message}; message ${JSON.stringify(state)} at ${Date.now()}; worker:\n${worker?.output().slice(-3_000)}`);
    });
    await eventually(
      async () => (await callApi(api.url, 'GET', `/v1/messages/${row.id}`)).body.status === 'succeeded',
      10_000,
      'the message to be recorded succeeded again',
    );
  });

  it('keeps to HERALD_PG_POOL_MAX connections under concurrent requests', async () => {
    const counts: number[] = [];
    let loading = true;
    const sampler = (async () => {
      while (loading) {
        const [row] = await pgAdminQuery<{ n: string }>(
          db.url,
          `SELECT count(*) AS n FROM pg_stat_activity WHERE application_name = '${apiName}'`,
        );
        counts.push(Number(row?.n));
        await new Promise((r) => setTimeout(r, 5));
      }
    })();
    for (let round = 0; round < 3; round++) {
      const answers = await Promise.all(Array.from({ length: 60 }, () => callApi(api.url, 'GET', '/v1/attempts?limit=100')));
      assert.ok(answers.every((a) => a.status === 200));
    }
    loading = false;
    await sampler;
    const most = Math.max(...counts);
    assert.ok(most >= 1, 'the api process connections are visible');
    assert.ok(most <= POOL_MAX, `at most ${POOL_MAX} connections, saw ${most}`);
  });
});

describe('roles on SQLite', () => {
  it('refuses the api and worker roles with a clear error', async () => {
    const dir = tempDir();
    try {
      await Promise.all(
        (['api', 'worker'] as const).map(async (role) => {
          const started = serveProcess(role, `sqlite:${dir}/${role}.db`);
          await assert.rejects(started, (err: Error) => {
            assert.match(err.message, /exited early \(2\)/);
            assert.match(err.message, new RegExp(`herald: role "${role}" needs PostgreSQL; with SQLite one process runs role "all"`));
            return true;
          });
        }),
      );
    } finally {
      removeDir(dir);
    }
  });
});

async function onlyMessageId(base: string): Promise<string | undefined> {
  const res = await callApi<{ data: { id: string }[] }>(base, 'GET', '/v1/messages');
  return res.body.data.length === 1 ? res.body.data[0]?.id : undefined;
}
