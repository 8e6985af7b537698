// Slow clients (issue 14, finding 8): a real Herald on 127.0.0.1 with small deadlines. Sockets that
// send half their headers and trickle the rest, or their headers and then a trickle of body, or
// nothing at all, are closed by the server within bounds, while a normal client keeps getting
// answers; with a small connection cap, connections beyond it are closed as they arrive and the API
// recovers once the held ones go.
import assert from 'node:assert/strict';
import { request } from 'node:http';
import { connect, type Socket } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { ADMIN_KEY, removeDir, startTestHerald, type TestHerald } from '../helpers/herald.js';
import { eventually } from '../helpers/receiver.js';

const HEADERS_TIMEOUT_MS = 500;
const REQUEST_TIMEOUT_MS = 1_000;
const TRICKLE_MS = 100; // a byte (or a header line) this often: never idle, never done
const SLOW_SOCKETS = 20;
const CLOSE_BOUND_MS = 4_000; // the deadline, the check interval and a loaded machine's slack

interface Slow {
  socket: Socket;
  /** Resolves when the server has closed the socket: ms after it connected and what the server sent. */
  closed: Promise<{ afterMs: number; received: string }>;
}

/** Opens a socket to `url`, writes `first`, then `next()` every TRICKLE_MS until it is closed (at
 *  most `limitMs`, then the test fails: the trickle is bounded). */
function slowClient(url: string, first: string, next: (() => string) | null, limitMs = 15_000): Slow {
  const { hostname, port } = new URL(url);
  const socket = connect({ host: hostname, port: Number(port) });
  let received = '';
  let timer: NodeJS.Timeout | undefined;
  let connectedAt = Date.now();
  socket.on('connect', () => {
    connectedAt = Date.now();
    socket.write(first);
    if (next) timer = setInterval(() => socket.writable && socket.write(next()), TRICKLE_MS);
  });
  socket.on('data', (chunk: Buffer) => {
    received += chunk.toString('latin1');
  });
  socket.on('error', () => {}); // a reset after the server's close is a close too
  const closed = new Promise<{ afterMs: number; received: string }>((resolve, reject) => {
    const limit = setTimeout(() => {
      clearInterval(timer);
      socket.destroy();
      reject(new Error(`the server kept a slow connection open for ${limitMs} ms`));
    }, limitMs);
    socket.on('close', () => {
      clearInterval(timer);
      clearTimeout(limit);
      resolve({ afterMs: Date.now() - connectedAt, received });
    });
  });
  return { socket, closed };
}

/** GET `path` on a connection of its own (no pooled keep-alive connection to count against the cap). */
function get(url: string, path: string, timeoutMs = 5_000): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request(`${url}${path}`, { agent: false, headers: { authorization: `Bearer ${ADMIN_KEY}` }, timeout: timeoutMs }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
    });
    req.on('timeout', () => req.destroy(new Error(`GET ${path} took over ${timeoutMs} ms`)));
    req.on('error', reject);
    req.end();
  });
}

function connections(herald: TestHerald): Promise<number> {
  return new Promise((resolve, reject) => herald.herald.app.server.getConnections((err, n) => (err ? reject(err) : resolve(n))));
}

describe('slow clients', () => {
  let herald: TestHerald;
  before(async () => {
    herald = await startTestHerald({ headersTimeoutMs: HEADERS_TIMEOUT_MS, requestTimeoutMs: REQUEST_TIMEOUT_MS });
  });
  after(async () => {
    await herald.stop();
    removeDir(herald.dir);
  });

  it('closes connections whose headers trickle in, while a normal client gets answers', async () => {
    let line = 0;
    const slow = Array.from({ length: SLOW_SOCKETS }, () =>
      slowClient(herald.url, 'GET /v1/event-types HTTP/1.1\r\nHost: 127.0.0.1\r\n', () => `X-Slow-${line++}: a\r\n`),
    );
    // While they are open (and before the deadline), a normal client is answered at once.
    for (let i = 0; i < 3; i++) assert.equal(await get(herald.url, '/v1/event-types'), 200);
    assert.ok((await connections(herald)) >= SLOW_SOCKETS, 'the slow sockets are open meanwhile');
    for (const { closed } of slow) {
      const { afterMs, received } = await closed;
      assert.ok(afterMs >= HEADERS_TIMEOUT_MS - 100, `closed after the headers deadline, not before (${afterMs} ms)`);
      assert.ok(afterMs <= CLOSE_BOUND_MS, `closed within ${CLOSE_BOUND_MS} ms (${afterMs} ms)`);
      assert.ok(received === '' || received.startsWith('HTTP/1.1 408'), `answered 408 if anything: ${received.slice(0, 40)}`);
    }
    assert.equal(await get(herald.url, '/healthz'), 200);
  });

  it('closes connections whose body trickles in, while a normal client gets answers', async () => {
    const head =
      'POST /v1/events HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n' +
      `Authorization: Bearer ${ADMIN_KEY}\r\nContent-Length: 100000\r\n\r\n{"type":"stock.changed","data":{"pad":"`;
    const slow = Array.from({ length: SLOW_SOCKETS }, () => slowClient(herald.url, head, () => 'x'));
    for (let i = 0; i < 3; i++) assert.equal(await get(herald.url, '/readyz'), 200);
    for (const { closed } of slow) {
      const { afterMs, received } = await closed;
      assert.ok(afterMs >= REQUEST_TIMEOUT_MS - 100, `closed after the request deadline, not before (${afterMs} ms)`);
      assert.ok(afterMs <= REQUEST_TIMEOUT_MS + CLOSE_BOUND_MS, `closed within bounds (${afterMs} ms)`);
      assert.ok(received === '' || received.startsWith('HTTP/1.1 408'), `answered 408 if anything: ${received.slice(0, 40)}`);
    }
    assert.equal(await get(herald.url, '/healthz'), 200);
  });

  it('closes connections that send nothing', async () => {
    const silent = Array.from({ length: 5 }, () => slowClient(herald.url, '', null));
    for (const { closed } of silent) {
      const { afterMs } = await closed;
      assert.ok(afterMs >= HEADERS_TIMEOUT_MS - 100 && afterMs <= CLOSE_BOUND_MS, `closed after the headers deadline (${afterMs} ms)`);
    }
  });
});

describe('the connection cap', () => {
  const CAP = 5;
  let herald: TestHerald;
  before(async () => {
    // Deadlines long enough that the held connections stay for the test.
    herald = await startTestHerald({ maxConnections: CAP, headersTimeoutMs: 30_000, requestTimeoutMs: 60_000 });
  });
  after(async () => {
    await herald.stop();
    removeDir(herald.dir);
  });

  it('closes connections beyond the cap as they arrive, and the API recovers when the held ones go', async () => {
    assert.equal(await get(herald.url, '/healthz'), 200);
    await eventually(async () => (await connections(herald)) === 0, 5_000, 'no connection left over');
    const held = Array.from({ length: CAP }, () => slowClient(herald.url, 'GET /healthz HTTP/1.1\r\n', null, 30_000));
    await eventually(async () => (await connections(herald)) === CAP, 5_000, `${CAP} connections held`);

    // Beyond the cap: closed at once, without an answer.
    for (let i = 0; i < 3; i++) {
      const extra = slowClient(herald.url, 'GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n', null, 5_000);
      const { afterMs, received } = await extra.closed;
      assert.equal(received, '', 'no answer beyond the cap');
      assert.ok(afterMs < 2_000, `closed at once (${afterMs} ms)`);
    }
    await assert.rejects(get(herald.url, '/healthz', 2_000), 'a normal request beyond the cap fails');
    assert.equal(await connections(herald), CAP, 'the held connections are still there');

    for (const { socket } of held) socket.destroy();
    await Promise.all(held.map((h) => h.closed));
    const status = await eventually(() => get(herald.url, '/healthz').catch(() => 0), 5_000, 'the API to answer again');
    assert.equal(status, 200);
    assert.equal(await get(herald.url, '/readyz'), 200);
  });
});
