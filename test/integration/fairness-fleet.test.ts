// A fleet of slow endpoints (issue 16): 1,000 subscriptions on 1,000 distinct origins (127.0.x.y,
// one port), each receiver answering after 1 s. With the default settings Herald must keep about
// 1,000 deliveries in flight at once (seed 004: "1,000+ simultaneous deliveries"): at least 900
// deliveries/s, every message once. SQLite only: the dispatcher's concurrency is what is tested,
// and the stores' fan-out is the same decision (src/fanout/).
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import { after, before, describe, it } from 'node:test';
import { removeDir, startTestHerald, type TestHerald, tempDir } from '../helpers/herald.js';

const ENDPOINTS = 1_000;
const EVENTS = 5; // each fans out to every endpoint
const ANSWER_MS = 1_000;
const MIN_RATE = 900; // deliveries per second

/** The address of endpoint i: 127.0.x.y, skipping 127.0.0.0 and 127.0.0.1. */
const hostOf = (i: number): string => `127.0.${Math.floor((i + 2) / 256)}.${(i + 2) % 256}`;

describe('fairness: a fleet of 1,000 slow endpoints', () => {
  let herald: TestHerald;
  const servers: Server[] = [];
  let port = 0;
  const received = new Map<string, number>(); // webhook-id → requests
  const dir = tempDir();

  before(async () => {
    // One port on 1,000 loopback addresses: 1,000 origins, each its own connection pool.
    const listen = (server: Server, host: string, p: number) =>
      new Promise<number>((resolve, reject) => {
        server.once('error', reject);
        server.listen(p, host, () => resolve((server.address() as { port: number }).port));
      });
    for (let i = 0; i < ENDPOINTS; i++) {
      const server = createServer((req, res) => {
        const id = String(req.headers['webhook-id']);
        received.set(id, (received.get(id) ?? 0) + 1);
        req.resume();
        setTimeout(() => res.writeHead(204).end(), ANSWER_MS);
      });
      server.keepAliveTimeout = 30_000;
      port = await listen(server, hostOf(i), port);
      servers.push(server);
    }
    herald = await startTestHerald({}, dir);
  });

  after(async () => {
    await herald?.stop();
    for (const server of servers) server.closeAllConnections();
    await Promise.all(servers.map((s) => new Promise<void>((resolve) => s.close(() => resolve()))));
    removeDir(dir);
  });

  it(`delivers to ${ENDPOINTS} endpoints answering after ${ANSWER_MS} ms at ${MIN_RATE}/s or more`, async (t) => {
    const api = async <T = Record<string, unknown>>(method: string, path: string, body?: unknown) => {
      const res = await herald.api<T>(method, path, body);
      if (res.status >= 300) throw new Error(`${method} ${path}: ${res.status} ${JSON.stringify(res.body)}`);
      return res.body;
    };
    await api('POST', '/v1/event-types', { name: 'price.changed', description: 'A price changed' });
    const subscriber = await api<{ id: string }>('POST', '/v1/subscribers', { name: 'fleet' });
    for (let i = 0; i < ENDPOINTS; i += 50) {
      await Promise.all(
        Array.from({ length: Math.min(50, ENDPOINTS - i) }, (_, j) =>
          api('POST', `/v1/subscribers/${subscriber.id}/subscriptions`, {
            url: `http://${hostOf(i + j)}:${port}/hook`,
            eventTypes: ['price.changed'],
          }),
        ),
      );
    }
    const total = ENDPOINTS * EVENTS;
    const started = Date.now();
    await api('POST', '/v1/events/batch', { events: Array.from({ length: EVENTS }, (_, n) => ({ type: 'price.changed', data: { n } })) });
    const deadline = started + 60_000;
    while (received.size < total && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    const seconds = (Date.now() - started) / 1000;
    const rate = received.size / seconds;
    const rssMb = Math.round(process.memoryUsage().rss / 1_048_576);
    t.diagnostic(
      `${received.size} deliveries in ${seconds.toFixed(2)} s: ${Math.round(rate)}/s; RSS ${rssMb} MB (test process and Herald)`,
    );
    assert.equal(received.size, total, 'every message delivered');
    assert.ok(rate >= MIN_RATE, `${Math.round(rate)} deliveries/s, not ${MIN_RATE}`);
    assert.ok(
      [...received.values()].every((n) => n === 1),
      'none delivered twice',
    );
  });
});
