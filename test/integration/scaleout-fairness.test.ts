// Per-endpoint caps across processes on PostgreSQL (issue 16: "On PostgreSQL this holds across
// workers"): one `api` and three `worker` processes share one database. A claim counts the messages
// of a subscription that any process holds leased against the claimer's cap (roomAcrossProcesses),
// so three workers together keep an endpoint within one cap, not three:
// - a subscription with maxInFlight 2 and a receiver that takes 150 ms never has more than 2
//   requests open at the receiver, and every message arrives once;
// - a receiver that never answers (2 s timeout) never has more than the initial adaptive cap (16)
//   requests open, while each worker alone would send 16 (48 in all; checked: without the count
//   this test sees 48).
// Real processes and receivers; a database of its own; under CI=true an unreachable PostgreSQL
// fails the file.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createTestDatabase, requirePostgres, type TestDatabase } from '../helpers/postgres.js';
import { callApi, type HeraldProcess, serveProcess } from '../helpers/processes.js';
import { eventually, TestReceiver } from '../helpers/receiver.js';

const ANSWER_MS = 150;
const FIXED_MESSAGES = 40;
const DEAD_MESSAGES = 300;
const INITIAL_CAP = 16; // ENDPOINT_INITIAL_IN_FLIGHT (src/delivery/dispatcher.ts)
const WATCH_MS = 6_000;

const skipReason = await requirePostgres();

/** A receiver that counts the requests open at once. */
function counting(receiver: TestReceiver, answer: (res: import('node:http').ServerResponse) => void) {
  const state = { open: 0, most: 0 };
  receiver.always((res) => {
    state.open++;
    state.most = Math.max(state.most, state.open);
    res.on('close', () => {
      state.open--;
    });
    answer(res);
  });
  return state;
}

describe('scale-out: per-endpoint caps hold across three workers', { skip: skipReason ?? false }, () => {
  let db: TestDatabase;
  let slow: TestReceiver;
  let dead: TestReceiver;
  const processes: HeraldProcess[] = [];
  const env = { HERALD_PG_POOL_MAX: '4', HERALD_POLL_INTERVAL_MS: '50', HERALD_LEASE_MARGIN_MS: '1000' };
  let base = '';
  let subscriberId = '';

  before(async () => {
    db = await createTestDatabase();
    slow = await new TestReceiver().start();
    dead = await new TestReceiver().start();
    const [api, ...workers] = await Promise.all([
      serveProcess('api', db.url, env),
      serveProcess('worker', db.url, env),
      serveProcess('worker', db.url, env),
      serveProcess('worker', db.url, env),
    ]);
    processes.push(api!, ...workers);
    base = api!.url;
    assert.equal(
      (await callApi(base, 'POST', '/v1/event-types', { name: 'stock.changed', description: 'Stock level changed' })).status,
      201,
    );
    const sbr = await callApi<{ id: string }>(base, 'POST', '/v1/subscribers', { name: 'warehouse' });
    subscriberId = sbr.body.id;
  });
  after(async () => {
    await Promise.all(processes.map((p) => p.stop()));
    await slow?.stop();
    await dead?.stop();
    await db?.drop();
  });

  async function subscribe(url: string, over: Record<string, unknown>): Promise<string> {
    const sub = await callApi<{ id: string }>(base, 'POST', `/v1/subscribers/${subscriberId}/subscriptions`, {
      url,
      eventTypes: ['stock.changed'],
      ...over,
    });
    assert.equal(sub.status, 201, JSON.stringify(sub.body));
    return sub.body.id;
  }

  async function send(count: number, channel: string): Promise<void> {
    const events = Array.from({ length: count }, (_, i) => ({ type: 'stock.changed', data: { item: i }, channels: [channel] }));
    for (let i = 0; i < events.length; i += 500) {
      const res = await callApi(base, 'POST', '/v1/events/batch', { events: events.slice(i, i + 500) });
      assert.equal(res.status, 202, JSON.stringify(res.body));
    }
  }

  it('a fixed maxInFlight of 2 is 2 at the receiver, whichever workers deliver', async () => {
    const seen = counting(slow, (res) => setTimeout(() => res.writeHead(204).end(), ANSWER_MS));
    await subscribe(`${slow.url}/hook`, { maxInFlight: 2, channels: ['slow'] });
    await send(FIXED_MESSAGES, 'slow');
    await slow.waitFor(FIXED_MESSAGES, 60_000);
    assert.ok(seen.most <= 2, `${seen.most} requests open at once; the cap is 2`);
    assert.equal(seen.most, 2, 'two at a time (the workers do deliver concurrently)');
    assert.equal(new Set(slow.requests.map((r) => r.headers['webhook-id'])).size, FIXED_MESSAGES, 'each message once');
  });

  it('an endpoint that never answers holds one cap of requests, not one per worker', async () => {
    const seen = counting(dead, () => {}); // never answers; Herald's 2 s deadline closes each request
    await subscribe(`${dead.url}/hook`, { timeoutSeconds: 2, channels: ['dead'] });
    await send(DEAD_MESSAGES, 'dead');
    await eventually(async () => seen.most >= 1, 15_000, 'a first request');
    const until = Date.now() + WATCH_MS;
    while (Date.now() < until) {
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    assert.ok(seen.most <= INITIAL_CAP, `${seen.most} requests open at once across three workers; one cap is ${INITIAL_CAP}`);
    assert.ok(dead.requests.length >= INITIAL_CAP, `the endpoint was tried (${dead.requests.length} requests)`);
  });
});
