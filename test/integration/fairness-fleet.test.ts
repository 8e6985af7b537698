// A fleet of slow endpoints (issue 16): 1,000 subscriptions on 1,000 distinct origins (127.0.x.y,
// one port), each receiver answering after 1 s. With the default settings Herald must have 1,000+
// deliveries in flight at once (seed 004: "1,000+ simultaneous deliveries"), counted at the
// receivers, and deliver every message once. The rate this gives (about 1,000 – 1,400/s) is a
// benchmark's to measure (`npm run bench -- --scenario fleet`), not this test's: it is printed
// here, and bounded only loosely. SQLite only: the dispatcher's concurrency is what is tested.
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import { after, before, describe, it } from 'node:test';
import { removeDir, startTestHerald, type TestHerald, tempDir } from '../helpers/herald.js';

const ENDPOINTS = 1_000;
const EVENTS = 5; // each fans out to every endpoint
const ANSWER_MS = 1_000;
const MIN_SIMULTANEOUS = 1_000; // requests open at the receivers at once, at the peak
const DELIVERY_BOUND_MS = 60_000; // every message delivered within this

/** The address of endpoint i: 127.0.x.y, skipping 127.0.0.0 and 127.0.0.1. */
const hostOf = (i: number): string => `127.0.${Math.floor((i + 2) / 256)}.${(i + 2) % 256}`;

describe('fairness: a fleet of 1,000 slow endpoints', () => {
  let herald: TestHerald;
  const servers: Server[] = [];
  let port = 0;
  const received = new Map<string, number>(); // webhook-id → requests
  let open = 0; // requests the receivers hold now
  let peak = 0;
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
        open++;
        peak = Math.max(peak, open);
        req.resume();
        setTimeout(() => {
          open--;
          res.writeHead(204).end();
        }, ANSWER_MS);
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

  it(`keeps ${MIN_SIMULTANEOUS}+ deliveries in flight to ${ENDPOINTS} endpoints answering after ${ANSWER_MS} ms`, async (t) => {
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
    const deadline = started + DELIVERY_BOUND_MS;
    while (received.size < total && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    const seconds = (Date.now() - started) / 1000;
    const rate = received.size / seconds;
    const rssMb = Math.round(process.memoryUsage().rss / 1_048_576);
    t.diagnostic(
      `${received.size} deliveries in ${seconds.toFixed(2)} s: ${Math.round(rate)}/s; ${peak} at once at the peak; RSS ${rssMb} MB (test process and Herald)`,
    );
    assert.equal(received.size, total, 'every message delivered');
    assert.ok(peak >= MIN_SIMULTANEOUS, `at most ${peak} deliveries were in flight at once, not ${MIN_SIMULTANEOUS}+`);
    assert.ok(
      [...received.values()].every((n) => n === 1),
      'none delivered twice',
    );
  });
});
