// Scale-out on PostgreSQL: every connection to the test database is terminated, again and again,
// while a producer keeps sending events to an `api` process and two `worker` processes deliver
// them (pg_terminate_backend, only for this file's own database: the server is shared and is never
// restarted). During the outage the API answers 202 only for committed events and otherwise 503
// `store_unavailable`; afterwards every process has recovered by itself, every accepted event is
// delivered, and no message stays leased.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { pgAdminQuery } from '../../src/store/postgres/admin.js';
import { createTestDatabase, requirePostgres, type TestDatabase } from '../helpers/postgres.js';
import { callApi, type HeraldProcess, serveProcess, setupSubscription } from '../helpers/processes.js';
import { eventually, TestReceiver } from '../helpers/receiver.js';

const BEFORE_MS = 1_000; // normal traffic before the outage
const OUTAGE_MS = 3_000; // connections terminated every KILL_EVERY_MS
const KILL_EVERY_MS = 150;
const AFTER_MS = 1_500; // normal traffic after it
const PRODUCERS = 4; // concurrent single-event requests
const RECOVERY_MS = 45_000; // bound on delivering everything afterwards

const skipReason = await requirePostgres();

describe('scale-out: PostgreSQL connections terminated mid-run', { skip: skipReason ?? false }, () => {
  let db: TestDatabase;
  let receiver: TestReceiver;
  const processes: HeraldProcess[] = [];
  const env = {
    HERALD_PG_POOL_MAX: '3',
    HERALD_LEASE_MARGIN_MS: '1000',
    HERALD_POLL_INTERVAL_MS: '200',
  };

  before(async () => {
    db = await createTestDatabase();
    receiver = await new TestReceiver().start();
  });
  after(async () => {
    await Promise.all(processes.map((p) => p.stop()));
    await receiver?.stop();
    await db?.drop();
  });

  it('answers 202 only for committed events, recovers by itself, and loses nothing accepted', async (t) => {
    const [api, ...workers] = await Promise.all([
      serveProcess('api', db.url, env),
      serveProcess('worker', db.url, env),
      serveProcess('worker', db.url, env),
    ]);
    processes.push(api!, ...workers);
    await setupSubscription(api!.url, `${receiver.url}/hook`, { timeoutSeconds: 2 });

    // Producers: single events with an idempotency key, until told to stop. Each answer is kept.
    const answers = new Map<number, { status: number; code?: string }>();
    const send = (n: number) =>
      callApi(api!.url, 'POST', '/v1/events', { type: 'stock.changed', data: { seq: n }, idempotencyKey: `seq-${n}` });
    let seq = 0;
    let producing = true;
    const producer = async () => {
      while (producing) {
        const n = seq++;
        const res = await send(n).catch((err: Error) => ({
          status: 0,
          body: { code: `no answer: ${err.message} ${String(err.cause)}` } as Record<string, unknown>,
        }));
        answers.set(n, { status: res.status, code: res.body?.code as string });
        if (res.status !== 202) await new Promise((r) => setTimeout(r, 20));
      }
    };
    const producing$ = Promise.all(Array.from({ length: PRODUCERS }, producer));

    await new Promise((r) => setTimeout(r, BEFORE_MS));
    let terminated = 0;
    const outageEnds = Date.now() + OUTAGE_MS;
    while (Date.now() < outageEnds) {
      const [row] = await pgAdminQuery<{ n: string }>(
        db.url, // the admin connection is to another database, so it is not among those terminated
        `SELECT count(pg_terminate_backend(pid)) AS n FROM pg_stat_activity
         WHERE datname = '${db.name}' AND pid <> pg_backend_pid()`,
      );
      terminated += Number(row?.n ?? 0);
      await new Promise((r) => setTimeout(r, KILL_EVERY_MS));
    }
    await new Promise((r) => setTimeout(r, AFTER_MS));
    producing = false;
    await producing$;

    const statuses = new Map<string, number>();
    for (const a of answers.values())
      statuses.set(`${a.status} ${a.code ?? ''}`.trim(), (statuses.get(`${a.status} ${a.code ?? ''}`.trim()) ?? 0) + 1);
    t.diagnostic(`${terminated} backends terminated; API answers: ${JSON.stringify(Object.fromEntries(statuses))}`);
    assert.ok(terminated >= 3, 'connections of every process were terminated');
    for (const p of processes) {
      assert.equal(p.proc.exitCode, null, `the ${p.role} process is still running:\n${p.output().slice(-3_000)}`);
    }
    for (const [n, a] of answers) {
      assert.ok(
        a.status === 202 || (a.status === 503 && a.code === 'store_unavailable'),
        `event ${n}: ${a.status} ${a.code ?? ''} (only 202 or 503 store_unavailable are allowed)`,
      );
    }
    assert.ok(
      [...answers.values()].some((a) => a.status === 503),
      'the outage was felt by the API',
    );

    // Every process recovered by itself: still running, ready, and the system delivers a new event.
    for (const p of processes) {
      assert.equal(p.proc.exitCode, null, `the ${p.role} process is still running:\n${p.output().slice(-2_000)}`);
      await eventually(async () => (await fetch(`${p.url}/readyz`)).status === 200, 20_000, `${p.role} ready again`);
    }
    const fresh = await eventually(
      async () => {
        const res = await callApi(api!.url, 'POST', '/v1/events', { type: 'stock.changed', data: { seq: -1 } });
        return res.status === 202 ? res : null;
      },
      20_000,
      'the API to accept events again',
    );
    assert.ok(fresh);

    // A producer retries what got 503 with the same idempotency key: each is then accepted once,
    // as a new event if the first try did not commit, or as the original one if it did.
    const accepted = [...answers].filter(([, a]) => a.status === 202).map(([n]) => n);
    const retried = [...answers].filter(([, a]) => a.status !== 202).map(([n]) => n);
    for (const n of retried) assert.equal((await send(n)).status, 202, `retry of event ${n}`);

    // Nothing accepted is lost: every 202 event is in the store and delivered; every stored event
    // (some 503s may have committed just before their connection died) is delivered too.
    const delivered = () => new Set(receiver.requests.map((r) => (JSON.parse(r.body) as { data: { seq: number } }).data.seq));
    let left = '';
    await eventually(
      async () => {
        const [row] = await pgAdminQuery<{ open: string; leased: string }>(
          db.url,
          `SELECT count(*) FILTER (WHERE status <> 1) AS open, count(*) FILTER (WHERE leased) AS leased FROM messages`,
        );
        left = JSON.stringify(row);
        return row?.open === '0' && row.leased === '0';
      },
      RECOVERY_MS,
      'every message to succeed, none left leased',
    ).catch(async (err: Error) => {
      const rows = await pgAdminQuery(
        db.url,
        `SELECT m.id, m.status, m.attempts, m.leased, m.next_attempt_at, q.next_attempt_at AS queued_at, m.last_error
         FROM messages m LEFT JOIN message_queue q ON q.message_id = m.id WHERE m.status <> 1 OR m.leased LIMIT 5`,
      );
      throw new Error(`${err.message}: ${left} at ${Date.now()}; ${JSON.stringify(rows)}`);
    });
    const seen = delivered();
    const missing = accepted.filter((n) => !seen.has(n));
    assert.deepEqual(missing, [], 'every accepted event reached the receiver');
    assert.ok(seen.has(-1), 'the event sent after the outage was delivered');
    const stored = await pgAdminQuery<{ seq: number }>(db.url, `SELECT (data::json->>'seq')::int AS seq FROM events`);
    assert.ok(stored.length >= accepted.length + 1);
    assert.deepEqual(
      stored.filter((e) => !seen.has(e.seq)),
      [],
      'every committed event was delivered',
    );
    for (const n of accepted) {
      assert.ok(
        stored.some((e) => e.seq === n),
        `accepted event ${n} is stored`,
      );
    }
    const perSeq = new Map<number, number>();
    for (const e of stored) perSeq.set(e.seq, (perSeq.get(e.seq) ?? 0) + 1);
    const notOnce = Array.from({ length: seq }, (_, n) => n).filter((n) => perSeq.get(n) !== 1);
    assert.deepEqual(notOnce, [], 'after the retries every event is stored exactly once');
  });
});
