// The store contract on PostgreSQL, plus what only PostgreSQL has: migrations racing between
// processes, notifications across stores, and recovery from lost connections. One database per
// file (dropped at the end), one schema per test. Under CI=true an unreachable server fails.
import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import postgres from 'postgres';
import { HeraldError } from '../../src/domain/errors.js';
import type { HeraldEvent } from '../../src/domain/glossary.js';
import { newId } from '../../src/domain/ids.js';
import { pgAdminQuery } from '../../src/store/postgres/admin.js';
import { MIGRATIONS } from '../../src/store/postgres/migrations/index.js';
import { type PostgresStore, postgresStore } from '../../src/store/postgres/postgres-store.js';
import type { Store } from '../../src/store/store.js';
import { subscriptionFixture } from '../helpers/fixtures.js';
import { createTestDatabase, createTestSchema, requirePostgres, type TestDatabase } from '../helpers/postgres.js';
import { TcpProxy } from '../helpers/tcp-proxy.js';
import { storeContract } from './contract/index.js';

const POOL_MAX = 4; // connections per store in tests
const RECOVERY_MS = 10_000; // bound on waiting for a store to come back
const NOTIFY_MS = 3_000; // bound on waiting for a notification

const skipReason = await requirePostgres();

if (skipReason !== null) {
  describe('postgres store', () => {
    it('needs PostgreSQL', { skip: skipReason }, () => {});
  });
} else {
  const db: TestDatabase = await createTestDatabase();
  after(async () => {
    await db.drop();
  });

  /** A fresh schema in the file's database and a store on it (not migrated). */
  async function freshStore(
    urlFor: (url: string) => string = (u) => u,
  ): Promise<{ store: PostgresStore; url: string; cleanup: () => Promise<void> }> {
    const schema = await createTestSchema(db.url);
    const store = postgresStore({ url: urlFor(schema.url), poolMax: POOL_MAX });
    return {
      store,
      url: schema.url,
      // The schema goes with the database at the end of the file; dropping it here costs ~50 ms a test.
      cleanup: () => store.close(),
    };
  }

  storeContract('postgres', freshStore);

  const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

  /** Retries `op` until it resolves, for at most `ms`. */
  async function eventually<T>(op: () => Promise<T>, ms: number): Promise<T> {
    const started = Date.now();
    let last: unknown;
    while (Date.now() - started < ms) {
      try {
        return await op();
      } catch (err) {
        last = err;
        await sleep(100);
      }
    }
    throw last;
  }

  function waitForCalls(counter: () => number, atLeast: number, ms: number): Promise<void> {
    return eventually(async () => {
      if (counter() < atLeast) throw new Error(`expected ${atLeast} notification(s), got ${counter()}`);
    }, ms);
  }

  async function seed(store: Store): Promise<void> {
    const at = Date.now();
    await store.createEventType({ name: 'order.created', description: 'd', schema: null, example: null, createdAt: at, updatedAt: at });
    const subscriber = await store.createSubscriber({
      id: newId('sbr'),
      name: 's',
      enabled: true,
      metadata: null,
      createdAt: at,
      updatedAt: at,
    });
    await store.createSubscription(subscriptionFixture({ subscriberId: subscriber.id, url: 'https://r.example/', createdAt: at }));
  }

  const event = (): HeraldEvent => ({
    id: newId('evt'),
    type: 'order.created',
    dataJson: '{}',
    idempotencyKey: null,
    subscriberId: null,
    channels: null,
    createdAt: Date.now(),
  });

  describe('postgres store specifics', () => {
    it('migrates exactly once when several processes start at once', async () => {
      const first = await freshStore();
      const others = Array.from({ length: 4 }, () => postgresStore({ url: first.url, poolMax: 1 }));
      try {
        await Promise.all([first.store, ...others].map((s) => s.migrate()));
        const schema = new URL(first.url).searchParams.get('search_path');
        const ledger = await pgAdminQuery<{ version: number }>(db.url, `SELECT version FROM ${schema}.herald_migrations ORDER BY version`);
        assert.deepEqual(
          ledger.map((r) => r.version),
          MIGRATIONS.map((m) => m.version),
        );
      } finally {
        await Promise.all(others.map((s) => s.close()));
        await first.cleanup();
      }
    });

    it('wakes listeners of another store (another process) when messages are committed', async () => {
      const a = await freshStore();
      const b = postgresStore({ url: a.url, poolMax: 1 });
      try {
        await a.store.migrate();
        await seed(a.store);
        let calls = 0;
        b.onMessagesCommitted(() => {
          calls++;
        });
        await sleep(200); // LISTEN is issued asynchronously
        const base = calls;
        const [result] = await a.store.ingest([{ event: event(), requestHash: null }]);
        assert.equal(result?.status, 'created');
        await waitForCalls(() => calls, base + 1, NOTIFY_MS);
      } finally {
        await b.close();
        await a.cleanup();
      }
    });

    it('answers store_unavailable while the database is unreachable, and recovers by itself, LISTEN included', async () => {
      const proxy = await TcpProxy.start('127.0.0.1', Number(new URL(db.url).port || 5432));
      const direct = await freshStore();
      const viaProxy = postgresStore({ url: withHost(direct.url, proxy.port), poolMax: 2 });
      try {
        await direct.store.migrate();
        await seed(direct.store);
        await viaProxy.ping();
        let calls = 0;
        viaProxy.onMessagesCommitted(() => {
          calls++;
        });
        await sleep(200);

        await proxy.stop();
        const isUnavailable = (err: unknown) => err instanceof HeraldError && err.code === 'store_unavailable';
        await assert.rejects(viaProxy.ping(), isUnavailable);
        const lost = event();
        await assert.rejects(viaProxy.ingest([{ event: lost, requestHash: null }]), isUnavailable);
        await assert.rejects(viaProxy.claimDue(Date.now(), 10, 1_000), isUnavailable);
        assert.equal(await direct.store.getEvent(lost.id), null, 'a failed ingest committed nothing');
        await sleep(1_500); // long enough for the listener's own reconnect attempt to fail too

        await proxy.resume();
        await eventually(() => viaProxy.ping(), RECOVERY_MS);
        const [result] = await viaProxy.ingest([{ event: event(), requestHash: null }]);
        assert.equal(result?.status, 'created');
        // Notifications from another process reach the recovered store again.
        await eventually(async () => {
          const before = calls;
          await direct.store.ingest([{ event: event(), requestHash: null }]);
          await waitForCalls(() => calls, before + 1, 1_000);
        }, RECOVERY_MS);
      } finally {
        await viaProxy.close();
        await proxy.close();
        await direct.cleanup();
      }
    });

    it('answers store_unavailable when the database does not answer within the operation deadline', { timeout: 15_000 }, async () => {
      const s = await freshStore();
      const impatient = postgresStore({ url: s.url, poolMax: 1, operationDeadlineMs: 300 });
      const locker = postgres(s.url, { max: 1, onnotice: () => {} });
      let release = () => {};
      try {
        await s.store.migrate();
        // Another session holds the events table: reads of it wait for the lock.
        const locked = new Promise<void>((resolve) => {
          void locker.begin(async (tx) => {
            await tx`LOCK TABLE events IN ACCESS EXCLUSIVE MODE`;
            resolve();
            await new Promise<void>((done) => {
              release = done;
            });
          });
        });
        await locked;
        const started = Date.now();
        await assert.rejects(impatient.getEvent(newId('evt')), (err) => err instanceof HeraldError && err.code === 'store_unavailable');
        assert.ok(Date.now() - started < 5_000, 'answered at the deadline, not when the lock went');
        release();
        assert.equal(await impatient.getEvent(newId('evt')), null, 'answers again once the lock is gone');
      } finally {
        release();
        await locker.end();
        await impatient.close();
        await s.cleanup();
      }
    });

    it('starts receiving notifications once the database is back when it began listening during an outage', async () => {
      const proxy = await TcpProxy.start('127.0.0.1', Number(new URL(db.url).port || 5432));
      const direct = await freshStore();
      const viaProxy = postgresStore({ url: withHost(direct.url, proxy.port), poolMax: 1 });
      try {
        await direct.store.migrate();
        await seed(direct.store);
        await proxy.stop();
        let calls = 0;
        viaProxy.onMessagesCommitted(() => {
          calls++;
        });
        await sleep(1_000);
        await proxy.resume();
        await eventually(async () => {
          const before = calls;
          await direct.store.ingest([{ event: event(), requestHash: null }]);
          await waitForCalls(() => calls, before + 1, 1_000);
        }, RECOVERY_MS);
      } finally {
        await viaProxy.close();
        await proxy.close();
        await direct.cleanup();
      }
    });

    it('recovers when its connections are terminated (pg_terminate_backend)', async () => {
      const appName = `herald_fault_${newId('ses').slice(-8).toLowerCase()}`;
      const s = await freshStore((u) => withParam(u, 'application_name', appName));
      const other = postgresStore({ url: s.url, poolMax: 1 });
      try {
        await s.store.migrate();
        await seed(s.store);
        let calls = 0;
        s.store.onMessagesCommitted(() => {
          calls++;
        });
        await sleep(200);
        const killed = await pgAdminQuery<{ ok: boolean }>(
          db.url,
          `SELECT pg_terminate_backend(pid) AS ok FROM pg_stat_activity WHERE application_name = '${appName}'`,
        );
        assert.ok(killed.length >= 2, 'the pool and the LISTEN connection were terminated');
        await eventually(() => s.store.ping(), RECOVERY_MS);
        await eventually(async () => {
          const [r] = await s.store.ingest([{ event: event(), requestHash: null }]);
          assert.equal(r?.status, 'created');
        }, RECOVERY_MS);
        await eventually(async () => {
          const before = calls;
          await other.ingest([{ event: event(), requestHash: null }]);
          await waitForCalls(() => calls, before + 1, 1_000);
        }, RECOVERY_MS);
      } finally {
        await other.close();
        await s.cleanup();
      }
    });

    it('recovers when its only connection is terminated inside a transaction (driver patch, porsager/postgres#1208)', async () => {
      // The transaction waits on a lock held by another session, so the terminate lands mid-transaction
      // and the driver writes ROLLBACK to the dead connection. Unpatched, that either crashes this
      // process (an uncatchable throw) or leaves the connection unable to send small writes again.
      const appName = `herald_txn_${newId('ses').slice(-8).toLowerCase()}`;
      const s = await freshStore((u) => withParam(u, 'application_name', appName));
      const single = postgresStore({ url: withParam(s.url, 'application_name', appName), poolMax: 1 });
      const schema = new URL(s.url).searchParams.get('search_path');
      try {
        await s.store.migrate();
        await seed(s.store);
        await s.store.close();
        await single.ping();
        const locker = pgAdminQuery(
          db.url,
          `BEGIN; LOCK TABLE ${schema}.event_types IN ACCESS EXCLUSIVE MODE; SELECT pg_sleep(1.5); COMMIT`,
        );
        await sleep(300);
        const blocked = single.ingest([{ event: event(), requestHash: null }]).then(
          () => null,
          (err: unknown) => err,
        );
        await sleep(300);
        await pgAdminQuery(db.url, `SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = '${appName}'`);
        const err = await blocked;
        assert.ok(err instanceof HeraldError && err.code === 'store_unavailable', `ingest failed with ${String(err)}`);
        await locker;
        await eventually(() => single.ping(), RECOVERY_MS);
        const [r] = await single.ingest([{ event: event(), requestHash: null }]);
        assert.equal(r?.status, 'created');
      } finally {
        await single.close();
      }
    });

    it('records an attempt batch once when it is written again (a retry after a COMMIT whose answer was lost)', async () => {
      const s = await freshStore();
      try {
        await s.store.migrate();
        await seed(s.store);
        await s.store.ingest([{ event: event(), requestHash: null }]);
        const [job] = await s.store.claimDue(Date.now(), 10, 1_000);
        assert.ok(job);
        const at = Date.now();
        const outcome = {
          attempt: {
            id: newId('att', at),
            messageId: job.messageId,
            subscriptionId: job.subscription.id,
            subscriberId: job.subscription.subscriberId,
            eventType: job.eventType,
            statusCode: 204,
            durationMs: 3,
            error: null,
            requestHeaders: {},
            responseHeaders: {},
            responseBody: '',
            trigger: 'scheduled' as const,
            createdAt: at,
          },
          status: 'succeeded' as const,
          attempts: 1,
          retries: 0,
          nextAttemptAt: null,
          health: null,
        };
        await s.store.recordAttempts([outcome]);
        await s.store.recordAttempts([outcome]);
        const attempts = await s.store.listAttempts({ limit: 10, messageId: job.messageId });
        assert.equal(attempts.data.length, 1);
        assert.equal((await s.store.getMessage(job.messageId))?.status, 'succeeded');
      } finally {
        await s.cleanup();
      }
    });
  });
}

function withHost(url: string, port: number): string {
  const u = new URL(url);
  u.hostname = '127.0.0.1';
  u.port = String(port);
  return u.toString();
}

function withParam(url: string, key: string, value: string): string {
  const u = new URL(url);
  u.searchParams.set(key, value);
  return u.toString();
}
