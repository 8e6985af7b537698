// The circuit breaker across processes on PostgreSQL: one `api` and two `worker` processes share
// one database and a dead endpoint that takes 1.5 s to answer 500. The breaker opens (3 faults),
// and from then on both workers together send one probe at a time: the cool-down (0.3 s) is far
// shorter than a probe takes, and claims are 2 messages, so both workers hold messages of the
// subscription when a window opens: without the store's decision (QueueStore.startProbe, on the
// locked row) they would send probes of their own meanwhile (checked: without the lock this test
// sees six at once). When the endpoint answers again the breaker closes
// and every message is delivered once. Real processes and receiver; a database of its own; under
// CI=true an unreachable PostgreSQL fails the file.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createTestDatabase, requirePostgres, type TestDatabase } from '../helpers/postgres.js';
import { callApi, type HeraldProcess, serveProcess, setupSubscription } from '../helpers/processes.js';
import { eventually, TestReceiver } from '../helpers/receiver.js';

const MESSAGES = 20;
const ANSWER_MS = 1_500; // the dead endpoint's slow 500
const WATCH_MS = 6_000; // how long probes are watched while the endpoint is dead
const WAIT_MS = 30_000; // bound on each state waited for

const skipReason = await requirePostgres();

describe('scale-out: the circuit breaker with two workers', { skip: skipReason ?? false }, () => {
  let db: TestDatabase;
  let receiver: TestReceiver;
  const processes: HeraldProcess[] = [];
  const env = {
    HERALD_PG_POOL_MAX: '4',
    HERALD_BREAKER_THRESHOLD: '3',
    HERALD_BREAKER_COOLDOWN_SECONDS: '0.3',
    HERALD_LEASE_MARGIN_MS: '1000',
    HERALD_POLL_INTERVAL_MS: '50',
    HERALD_CLAIM_BATCH: '2', // both workers hold messages of the subscription when a probe window opens
  };
  /** Requests being answered now, and the most there were at once since `watching`. */
  let inFlight = 0;
  let watching = false;
  let mostAtOnce = 0;
  let dead = true;

  before(async () => {
    db = await createTestDatabase();
    receiver = await new TestReceiver().start();
    receiver.always((res) => {
      inFlight++;
      if (watching) mostAtOnce = Math.max(mostAtOnce, inFlight);
      const status = dead ? 500 : 204;
      setTimeout(
        () => {
          inFlight--;
          res.writeHead(status).end();
        },
        dead ? ANSWER_MS : 0,
      );
    });
  });
  after(async () => {
    await Promise.all(processes.map((p) => p.stop()));
    await receiver?.stop();
    await db?.drop();
  });

  it('sends one probe at a time across workers, and closes when the endpoint answers again', async (t) => {
    const [api, ...workers] = await Promise.all([
      serveProcess('api', db.url, env),
      serveProcess('worker', db.url, env),
      serveProcess('worker', db.url, env),
    ]);
    processes.push(api!, ...workers);
    const base = api!.url;
    // Retries every 0.1 s: without the breaker, 20 messages would keep both workers busy.
    const id = await setupSubscription(base, `${receiver.url}/hook`, {
      timeoutSeconds: 3,
      retrySchedule: Array.from({ length: 50 }, () => 0.1),
    });
    const events = Array.from({ length: MESSAGES }, (_, i) => ({ type: 'stock.changed', data: { item: i } }));
    assert.equal((await callApi(base, 'POST', '/v1/events/batch', { events })).status, 202);

    type Health = { health: { status: string; breaker: { state: string } } };
    await eventually(
      async () => (await callApi<Health>(base, 'GET', `/v1/subscriptions/${id}`)).body.health.breaker.state !== 'closed',
      WAIT_MS,
      'the breaker to open',
    );
    // The attempts in flight when it opened finish; from then on, only probes.
    await new Promise((r) => setTimeout(r, ANSWER_MS + 500));
    const atOpen = receiver.requests.length;
    watching = true;
    mostAtOnce = inFlight;
    await new Promise((r) => setTimeout(r, WATCH_MS));
    watching = false;
    const probes = receiver.requests.slice(atOpen);
    t.diagnostic(`${atOpen} requests before the breaker held; ${probes.length} probes in ${WATCH_MS} ms, at most ${mostAtOnce} at once`);
    assert.ok(probes.length >= 2, `probes went out (${probes.length})`);
    assert.equal(mostAtOnce, 1, 'never two probes at once');
    // One probe takes ANSWER_MS, then a cool-down: no more than that allows.
    assert.ok(probes.length <= Math.ceil(WATCH_MS / ANSWER_MS) + 1, `${probes.length} probes in ${WATCH_MS} ms`);
    const state = (await callApi<Health>(base, 'GET', `/v1/subscriptions/${id}`)).body.health;
    assert.equal(state.status, 'failing');

    // The endpoint is back: the next probe closes the breaker and everything held goes out once.
    dead = false;
    const before = receiver.requests.length;
    await eventually(
      async () => {
        const list = (await callApi<{ data: { status: string }[] }>(base, 'GET', `/v1/messages?subscriptionId=${id}&limit=100`)).body.data;
        return list.length === MESSAGES && list.every((m) => m.status === 'succeeded');
      },
      WAIT_MS,
      'every message to be delivered',
    );
    const healed = (await callApi<Health>(base, 'GET', `/v1/subscriptions/${id}`)).body.health;
    assert.equal(healed.status, 'healthy');
    assert.equal(healed.breaker.state, 'closed');
    const delivered = receiver.requests.slice(before).map((r) => String(r.headers['webhook-id']));
    assert.equal(new Set(delivered).size, delivered.length, 'no message delivered twice after the recovery');
  });
});
