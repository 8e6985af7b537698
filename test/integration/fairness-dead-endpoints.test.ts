// Head-of-line (issue 16): ten subscriptions whose receivers accept connections and never answer
// (the default 30 s timeout), each with 2,000 queued messages, and one healthy subscription. With
// the default settings the healthy subscriber must get each of 20 new events within 2 s: the dead
// endpoints may hold a few delivery slots each (fairness.ts), never the dispatcher. Before per-
// endpoint caps, the 512 slots went to the oldest due messages, all the dead endpoints', for 30 s.
import assert from 'node:assert/strict';
import { createServer, type Server, type Socket } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { removeDir, startTestHerald, type TestHerald, tempDir } from '../helpers/herald.js';
import { createTestDatabase, requirePostgres, type TestDatabase } from '../helpers/postgres.js';
import { TestReceiver } from '../helpers/receiver.js';

const DEAD = 10;
const QUEUED = 2_000; // messages per dead endpoint
const HEALTHY_EVENTS = 20;
const WAIT_BOUND_MS = 2_000; // the longest a healthy event may wait
const TEST_SECRET_KEY = 'ZmFpcm5lc3MgdGVzdCBrZXksIDMyIGJ5dGVzIGxvbmc='; // base64 of 32 bytes, tests only

const pgSkip = await requirePostgres();

/** A TCP server that accepts connections and reads, and never answers: a hung receiver. */
class DeadReceiver {
  private readonly server: Server;
  private readonly sockets = new Set<Socket>();
  connections = 0;
  url = '';

  constructor() {
    this.server = createServer((socket) => {
      this.connections++;
      this.sockets.add(socket);
      socket.on('data', () => {});
      socket.on('error', () => {});
      socket.on('close', () => this.sockets.delete(socket));
    });
  }

  async start(): Promise<this> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    const address = this.server.address();
    if (address === null || typeof address === 'string') throw new Error('no address');
    this.url = `http://127.0.0.1:${address.port}/hook`;
    return this;
  }

  async stop(): Promise<void> {
    for (const socket of this.sockets) socket.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}

async function headOfLine(herald: TestHerald, healthy: TestReceiver, dead: DeadReceiver[]): Promise<void> {
  const api = async (method: string, path: string, body?: unknown) => {
    const res = await herald.api(method, path, body);
    if (res.status >= 300) throw new Error(`${method} ${path}: ${res.status} ${JSON.stringify(res.body)}`);
    return res.body;
  };
  await api('POST', '/v1/event-types', { name: 'backlog.item', description: 'bound for the dead endpoints' });
  await api('POST', '/v1/event-types', { name: 'healthy.ping', description: 'bound for the healthy endpoint' });
  const subscriber = await api('POST', '/v1/subscribers', { name: 'fleet' });
  for (const receiver of dead) {
    await api('POST', `/v1/subscribers/${subscriber.id}/subscriptions`, { url: receiver.url, eventTypes: ['backlog.item'] });
  }
  await api('POST', `/v1/subscribers/${subscriber.id}/subscriptions`, { url: `${healthy.url}/hook`, eventTypes: ['healthy.ping'] });

  // The backlog: each event fans out to every dead endpoint.
  for (let i = 0; i < QUEUED; i += 500) {
    const events = Array.from({ length: 500 }, (_, j) => ({ type: 'backlog.item', data: { n: i + j } }));
    await api('POST', '/v1/events/batch', { events });
  }
  const started = Date.now();
  while (dead.some((r) => r.connections === 0) && Date.now() - started < 10_000) await new Promise((r) => setTimeout(r, 50));
  assert.ok(
    dead.every((r) => r.connections > 0),
    'every dead endpoint is being tried',
  );

  const waits: number[] = [];
  for (let i = 0; i < HEALTHY_EVENTS; i++) {
    const sent = Date.now();
    const before = healthy.requests.length;
    await api('POST', '/v1/events', { type: 'healthy.ping', data: { i } });
    await healthy.waitFor(before + 1, 10_000).catch(() => {});
    const arrived = healthy.requests[before]?.at;
    waits.push(arrived === undefined ? Number.POSITIVE_INFINITY : arrived - sent);
  }
  const worst = Math.max(...waits);
  assert.ok(worst <= WAIT_BOUND_MS, `healthy events waited ${waits.join(', ')} ms (bound ${WAIT_BOUND_MS} ms)`);
  const connections = dead.reduce((n, r) => n + r.connections, 0);
  assert.ok(connections < 512, `the dead endpoints hold ${connections} connections, not every slot`);

  // The metrics show it: ten endpoints at their cap of 16, with their backlog waiting.
  const metrics = await (await fetch(`${herald.url}/metrics`)).text();
  const gauge = (name: string) => Number(new RegExp(`^${name} (\\d+)`, 'm').exec(metrics)?.[1] ?? Number.NaN);
  assert.equal(gauge('herald_endpoints_saturated'), DEAD);
  assert.equal(gauge('herald_endpoints_in_flight\\{in_flight="5-16"\\}'), DEAD);
}

describe('fairness: dead endpoints with deep backlogs do not delay a healthy one', () => {
  describe('SQLite', () => {
    let herald: TestHerald;
    let healthy: TestReceiver;
    const dead: DeadReceiver[] = [];
    const dir = tempDir();
    before(async () => {
      healthy = await new TestReceiver().start();
      for (let i = 0; i < DEAD; i++) dead.push(await new DeadReceiver().start());
      herald = await startTestHerald({ shutdownGraceMs: 100 }, dir);
    });
    after(async () => {
      // The hung receivers go first: their connections reset, so the attempts in flight end now.
      await Promise.all(dead.map((r) => r.stop()));
      await herald?.stop();
      await healthy?.stop();
      removeDir(dir);
    });
    it(`${HEALTHY_EVENTS} healthy events each arrive within ${WAIT_BOUND_MS} ms`, () => headOfLine(herald, healthy, dead));
  });

  describe('PostgreSQL', { skip: pgSkip ?? false }, () => {
    let herald: TestHerald;
    let healthy: TestReceiver;
    const dead: DeadReceiver[] = [];
    let db: TestDatabase;
    const dir = tempDir();
    before(async () => {
      db = await createTestDatabase();
      healthy = await new TestReceiver().start();
      for (let i = 0; i < DEAD; i++) dead.push(await new DeadReceiver().start());
      herald = await startTestHerald({ databaseUrl: db.url, secretKey: TEST_SECRET_KEY, shutdownGraceMs: 100 }, dir);
    });
    after(async () => {
      // The hung receivers go first: their connections reset, so the attempts in flight end now.
      await Promise.all(dead.map((r) => r.stop()));
      await herald?.stop();
      await healthy?.stop();
      await db?.drop();
      removeDir(dir);
    });
    it(`${HEALTHY_EVENTS} healthy events each arrive within ${WAIT_BOUND_MS} ms`, () => headOfLine(herald, healthy, dead));
  });
});
