// Hostile receivers (issue 14): what a receiver sends back must never stop delivery for others.
// Real receivers on 127.0.0.1, one subscription each on the same event type, next to a well-behaved
// control subscription: 200 with NUL bytes in the body, invalid UTF-8, binary, odd header bytes,
// 64 KB of headers, a 1 GB body (streamed until Herald hangs up), garbage instead of HTTP, a
// connection reset, and a response trickled a byte per 100 ms. On SQLite and on PostgreSQL (where a
// NUL in text or json fails the whole statement it is in): every control message is delivered
// exactly once, every attempt of every message is recorded and readable, NUL and invalid bytes read
// as U+FFFD, nothing answers 5xx. Then PostgreSQL's own fallback: a batch that still fails on one
// outcome's data records the others, and that one with a placeholder.
import assert from 'node:assert/strict';
import { isUtf8 } from 'node:buffer';
import { createServer as createHttpServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { type AddressInfo, createServer as createNetServer, type Server, type Socket } from 'node:net';
import { after, before, describe, it } from 'node:test';
import type { HeraldEvent } from '../../src/domain/glossary.js';
import { newId } from '../../src/domain/ids.js';
import { pgAdminQuery } from '../../src/store/postgres/admin.js';
import { postgresStore } from '../../src/store/postgres/postgres-store.js';
import type { AttemptOutcome } from '../../src/store/store.js';
import { subscriptionFixture } from '../helpers/fixtures.js';
import { removeDir, startTestHerald, type TestHerald, tempDir } from '../helpers/herald.js';
import { createTestDatabase, createTestSchema, requirePostgres, type TestDatabase } from '../helpers/postgres.js';
import { eventually, TestReceiver } from '../helpers/receiver.js';

const TYPE = 'order.created';
const EVENTS = 20;
const R = '\uFFFD';
const BODY_CAP = 20_480; // the default HERALD_RESPONSE_BODY_CAP_BYTES
const ONE_GB = 2 ** 30;
// Bound on every message reaching a final state. A failing endpoint gets one attempt in flight at a
// time (fairness.ts): the trickling receiver's 20 messages × 2 attempts × its 1 s deadline take up to
// about 40 s one after another.
const SETTLE_MS = 60_000;
const QUIET_MS = 500; // after that, time for a late duplicate to show up
const TEST_SECRET_KEY = 'aG9zdGlsZSByZWNlaXZlcnMgdGVzdCBrZXkgMzIgYnk='; // base64 of 32 bytes, tests only

const pgSkip = await requirePostgres();

// ---- receivers ----------------------------------------------------------------------------------

interface Receiver {
  url: string;
  /** webhook-id of every request received. */
  hits: string[];
  stop(): Promise<void>;
}

/** A node:http receiver answering with `respond`. */
async function httpReceiver(respond: (req: IncomingMessage, res: ServerResponse) => void): Promise<Receiver> {
  const hits: string[] = [];
  const server = createHttpServer((req, res) => {
    req.resume();
    req.on('end', () => {
      hits.push(String(req.headers['webhook-id']));
      respond(req, res);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`,
    hits,
    async stop() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** A raw TCP receiver: reads a request's headers, then hands the socket to `respond`. */
async function rawReceiver(respond: (socket: Socket) => void): Promise<Receiver> {
  const hits: string[] = [];
  const sockets = new Set<Socket>();
  const server: Server = createNetServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => {}); // Herald hanging up mid-write is what some of these are for
    let head = '';
    let answered = false;
    socket.on('data', (chunk: Buffer) => {
      if (answered) return;
      head += chunk.toString('latin1');
      if (!head.includes('\r\n\r\n')) return;
      answered = true;
      hits.push(/\r\nwebhook-id: *([^\r\n]*)/i.exec(head)?.[1] ?? '?');
      respond(socket);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`,
    hits,
    async stop() {
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

const NUL_BODY = Buffer.from('ok\0\0{"n":1}\0', 'latin1');
const INVALID_UTF8_BODY = Buffer.concat([
  Buffer.from('ok'),
  Buffer.from([0xff, 0xfe]), // never valid
  Buffer.from('x'),
  Buffer.from([0xc3, 0x28]), // a two-byte sequence broken by '('
  Buffer.from([0xed, 0xa0, 0x80]), // an encoded surrogate
  Buffer.from(' Grüße'),
]);
const BINARY_BODY = Buffer.from(Array.from({ length: 4096 }, (_, i) => (i * 131 + (i >> 3)) & 0xff));
const ODD_HEADERS = Buffer.from(
  'HTTP/1.1 200 OK\r\nContent-Length: 2\r\nX-Latin1: caf\xe9\r\nX-Utf8: Gr\xc3\xbc\xc3\x9fe\r\nX-Binary: \x80\xff\xfe\r\n' +
    'Connection: close\r\n\r\nok',
  'latin1',
);
const HUGE_HEADERS = Buffer.from(`HTTP/1.1 200 OK\r\nX-Big: ${'a'.repeat(65_536)}\r\nContent-Length: 2\r\nConnection: close\r\n\r\nok`);
const TRICKLED = Buffer.from(`HTTP/1.1 200 OK\r\nX-Slow: ${'z'.repeat(60)}\r\nContent-Length: 2\r\nConnection: close\r\n\r\nok`);
const CHUNK = Buffer.alloc(64 * 1024, 'x');

type Name = 'nul' | 'invalidUtf8' | 'binary' | 'oddHeaders' | 'hugeHeaders' | 'hugeBody' | 'garbage' | 'reset' | 'trickle';

/** What a receiver's attempts must look like. */
interface Expected {
  status: 'succeeded' | 'failed';
  timeoutSeconds: number;
  check: (attempt: AttemptJson) => void;
}

interface AttemptJson {
  statusCode: number | null;
  error: string | null;
  durationMs: number;
  responseHeaders: Record<string, string>;
  responseBody: string;
  requestHeaders: Record<string, string>;
}

const EXPECTED: Record<Name, Expected> = {
  nul: {
    status: 'succeeded',
    timeoutSeconds: 2,
    check: (a) => assert.equal(a.responseBody, `ok${R}${R}{"n":1}${R}`),
  },
  invalidUtf8: {
    status: 'succeeded',
    timeoutSeconds: 2,
    check: (a) => assert.equal(a.responseBody, `ok${R}${R}x${R}(${R}${R}${R} Grüße`),
  },
  binary: {
    status: 'succeeded',
    timeoutSeconds: 2,
    check: (a) => {
      assert.ok(a.responseBody.includes(R));
      assert.ok(a.responseBody.length > 1000 && a.responseBody.length <= BINARY_BODY.length);
    },
  },
  oddHeaders: {
    status: 'succeeded',
    timeoutSeconds: 2,
    check: (a) => {
      assert.equal(a.responseBody, 'ok');
      assert.equal(a.responseHeaders['x-latin1'], `caf${R}`);
      assert.equal(a.responseHeaders['x-utf8'], 'Grüße');
      assert.equal(a.responseHeaders['x-binary'], `${R}${R}${R}`);
    },
  },
  hugeBody: {
    status: 'succeeded',
    timeoutSeconds: 2,
    check: (a) => {
      assert.equal(a.statusCode, 200);
      assert.equal(a.responseBody, 'x'.repeat(BODY_CAP)); // the cap, the rest not read
    },
  },
  hugeHeaders: {
    status: 'failed',
    timeoutSeconds: 2,
    check: (a) => {
      assert.equal(a.statusCode, null);
      assert.match(a.error ?? '', /^network_error: .*response headers are too large/);
    },
  },
  garbage: {
    status: 'failed',
    timeoutSeconds: 2,
    check: (a) => {
      assert.equal(a.statusCode, null);
      assert.match(a.error ?? '', /^network_error: /);
    },
  },
  reset: {
    status: 'failed',
    timeoutSeconds: 2,
    check: (a) => {
      assert.equal(a.statusCode, null);
      assert.match(a.error ?? '', /^connection_reset: /);
    },
  },
  trickle: {
    status: 'failed',
    timeoutSeconds: 1,
    check: (a) => {
      assert.equal(a.statusCode, null);
      assert.match(a.error ?? '', /^timeout: /);
      assert.ok(a.durationMs >= 900 && a.durationMs < 3_000, `cut off at the 1 s deadline, not after ${a.durationMs} ms`);
    },
  },
};

/** Streams up to 1 GB, with backpressure, until Herald hangs up; never buffers. */
function streamHugeBody(res: ServerResponse, streamed: number[]): void {
  res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': String(ONE_GB) });
  let written = 0;
  let closed = false;
  let wake: (() => void) | null = null;
  res.on('close', () => {
    closed = true;
    wake?.();
  });
  res.on('drain', () => wake?.());
  res.on('error', () => {});
  void (async () => {
    while (!closed && written < ONE_GB) {
      written += CHUNK.length;
      if (!res.write(CHUNK) && !closed) {
        await new Promise<void>((resolve) => {
          wake = resolve;
        });
        wake = null;
      }
    }
    streamed.push(written);
    if (!closed) res.end();
  })();
}

async function startReceivers(streamed: number[]): Promise<Record<Name, Receiver>> {
  const r: Record<Name, Receiver> = {
    nul: await httpReceiver((_req, res) => res.writeHead(200, { 'content-type': 'text/plain' }).end(NUL_BODY)),
    invalidUtf8: await httpReceiver((_req, res) =>
      res.writeHead(200, { 'content-type': 'text/plain; charset=utf-8' }).end(INVALID_UTF8_BODY),
    ),
    binary: await httpReceiver((_req, res) => res.writeHead(200, { 'content-type': 'application/octet-stream' }).end(BINARY_BODY)),
    oddHeaders: await rawReceiver((s) => s.end(ODD_HEADERS)),
    hugeHeaders: await rawReceiver((s) => s.end(HUGE_HEADERS)),
    hugeBody: await httpReceiver((_req, res) => streamHugeBody(res, streamed)),
    garbage: await rawReceiver((s) => s.end(Buffer.from('\x00\xff\xfeNOT HTTP AT ALL\r\n\r\n', 'latin1'))),
    reset: await rawReceiver((s) => s.resetAndDestroy()),
    trickle: await rawReceiver((s) => {
      let i = 0;
      const timer = setInterval(() => {
        if (s.destroyed || i >= TRICKLED.length) {
          clearInterval(timer);
          if (!s.destroyed) s.end();
          return;
        }
        s.write(TRICKLED.subarray(i, ++i));
      }, 100);
      s.on('close', () => clearInterval(timer));
    }),
  };
  return r;
}

// ---- the scenario -------------------------------------------------------------------------------

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

function assertStorable(text: string, what: string): void {
  assert.ok(!text.includes('\0'), `${what} holds a NUL`);
  assert.ok(!LONE_SURROGATE.test(text), `${what} holds a lone surrogate`);
  assert.ok(isUtf8(Buffer.from(text, 'utf8')), what);
}

async function hostileReceivers(h: TestHerald, onDatabase?: () => Promise<void>): Promise<void> {
  const streamed: number[] = [];
  const receivers = await startReceivers(streamed);
  const control = await new TestReceiver().start();
  control.always({ status: 200, headers: { 'content-type': 'application/json' }, body: '{"ok":true}' });
  try {
    // Every API answer is checked: nothing a receiver did may make Herald answer 5xx.
    const api = async <T>(method: string, path: string, body?: unknown) => {
      const res = await h.api<T>(method, path, body);
      assert.ok(res.status < 500, `${method} ${path} answered ${res.status}: ${JSON.stringify(res.body)}`);
      return res;
    };
    assert.equal((await api('POST', '/v1/event-types', { name: TYPE, description: 'An order was created' })).status, 201);
    const subscriber = await api<{ id: string }>('POST', '/v1/subscribers', { name: 'hostile' });
    assert.equal(subscriber.status, 201);
    const subscribe = async (url: string, timeoutSeconds: number): Promise<string> => {
      const res = await api<{ id: string }>('POST', `/v1/subscribers/${subscriber.body.id}/subscriptions`, {
        url,
        eventTypes: [TYPE],
        retrySchedule: [0.1], // one quick retry, then failed
        timeoutSeconds,
      });
      assert.equal(res.status, 201, JSON.stringify(res.body));
      return res.body.id;
    };
    const controlSub = await subscribe(`${control.url}/hook`, 2);
    const subs = {} as Record<Name, string>;
    for (const name of Object.keys(EXPECTED) as Name[]) subs[name] = await subscribe(receivers[name].url, EXPECTED[name].timeoutSeconds);

    for (let i = 0; i < EVENTS; i++) {
      const sent = await api<{ messages: number }>('POST', '/v1/events', { type: TYPE, data: { n: i } });
      assert.equal(sent.status, 202);
      assert.equal(sent.body.messages, Object.keys(subs).length + 1);
    }

    type Msg = { id: string; status: string; attempts: number };
    const messagesOf = async (subscriptionId: string) =>
      (await api<{ data: Msg[] }>('GET', `/v1/messages?subscriptionId=${subscriptionId}&limit=100`)).body.data;
    const all = [controlSub, ...Object.values(subs)];
    await eventually(
      async () => {
        for (const sub of all) {
          const messages = await messagesOf(sub);
          if (messages.length !== EVENTS || messages.some((m) => m.status !== 'succeeded' && m.status !== 'failed')) return false;
        }
        return true;
      },
      SETTLE_MS,
      'every message of every subscription to be settled',
    );
    await new Promise((resolve) => setTimeout(resolve, QUIET_MS));

    // The control subscription: every message delivered exactly once, and recorded as such.
    const ids = control.requests.map((r) => String(r.headers['webhook-id']));
    assert.equal(control.requests.length, EVENTS, 'the control receiver got one request per event');
    assert.equal(new Set(ids).size, EVENTS, 'no control message was delivered twice');
    const controlMessages = await messagesOf(controlSub);
    assert.deepEqual(controlMessages.map((m) => m.id).sort(), [...ids].sort());
    for (const m of controlMessages) {
      assert.equal(m.status, 'succeeded');
      assert.equal(m.attempts, 1);
      const attempts = (await api<{ data: AttemptJson[] }>('GET', `/v1/messages/${m.id}/attempts`)).body.data;
      assert.equal(attempts.length, 1);
      assert.equal(attempts[0]?.responseBody, '{"ok":true}');
    }

    // Every hostile message: settled as expected, each attempt recorded, readable, storable.
    for (const name of Object.keys(EXPECTED) as Name[]) {
      const expected = EXPECTED[name];
      const messages = await messagesOf(subs[name]);
      assert.equal(messages.length, EVENTS, name);
      let recorded = 0;
      for (const m of messages) {
        assert.equal(m.status, expected.status, `${name}: message ${m.id}`);
        const res = await api<{ data: AttemptJson[] }>('GET', `/v1/messages/${m.id}/attempts`);
        const attempts = res.body.data;
        assert.equal(attempts.length, expected.status === 'succeeded' ? 1 : 2, `${name}: attempts of ${m.id}`);
        assert.equal(m.attempts, attempts.length);
        recorded += attempts.length;
        for (const a of attempts) {
          try {
            expected.check(a);
          } catch (err) {
            throw new Error(`${name}: ${(err as Error).message}\n${JSON.stringify(a).slice(0, 2_000)}`);
          }
          assertStorable(a.responseBody, `${name} body`);
          for (const [k, v] of Object.entries(a.responseHeaders)) assertStorable(k + v, `${name} header ${k}`);
          if (a.error !== null) assertStorable(a.error, `${name} error`);
        }
      }
      // What each receiver was sent is what was recorded: no attempt lost, none made twice.
      assert.equal(receivers[name].hits.length, recorded, `${name}: requests received vs attempts recorded`);
    }
    // The 1 GB body was cut off near the cap, never read (or buffered) to the end.
    assert.equal(streamed.length, EVENTS);
    for (const n of streamed) assert.ok(n < 64 * 2 ** 20, `the 1 GB receiver wrote ${n} bytes before Herald hung up`);
    await onDatabase?.();
  } finally {
    await control.stop();
    await Promise.all(Object.values(receivers).map((r) => r.stop()));
  }
}

// leaseMarginMs: a message whose outcome was not recorded comes back within the test's time.
// Every failing receiver here gets all its 20 messages tried: the circuit breaker, which would hold
// them back after 10 faults in a row (test/integration/breaker.test.ts), is out of the way.
const HERALD = { leaseMarginMs: 1_000, breakerThreshold: 10_000 };

describe('hostile receivers', () => {
  describe('SQLite', () => {
    let herald: TestHerald;
    const dir = tempDir();
    before(async () => {
      herald = await startTestHerald(HERALD, dir);
    });
    after(async () => {
      await herald?.stop();
      removeDir(dir);
    });
    it('cannot stop delivery for others, and every attempt is recorded readably', () => hostileReceivers(herald));
  });

  describe('PostgreSQL', { skip: pgSkip ?? false }, () => {
    let herald: TestHerald;
    let db: TestDatabase;
    const dir = tempDir();
    before(async () => {
      db = await createTestDatabase();
      herald = await startTestHerald({ ...HERALD, databaseUrl: db.url, secretKey: TEST_SECRET_KEY }, dir);
    });
    after(async () => {
      await herald?.stop();
      await db?.drop();
      removeDir(dir);
    });

    it('cannot stop delivery for others, and every attempt is recorded readably', () =>
      hostileReceivers(herald, async () => {
        const [row] = await pgAdminQuery<{ leased: string; queued: string }>(
          db.url,
          'SELECT (SELECT count(*) FROM messages WHERE leased) AS leased, (SELECT count(*) FROM message_queue) AS queued',
        );
        assert.deepEqual(row, { leased: '0', queued: '0' }, 'no message is left leased or queued');
      }));

    it('a batch failing on one outcome records the others, and that one with a placeholder', async () => {
      const schema = await createTestSchema(db.url);
      const store = postgresStore({ url: schema.url, poolMax: 2 });
      try {
        await store.migrate();
        const now = Date.now();
        await store.createEventType({ name: TYPE, description: 'x', schema: null, example: null, createdAt: now, updatedAt: now });
        const subscriber = await store.createSubscriber({
          id: newId('sbr', now),
          name: 'acme',
          enabled: true,
          metadata: null,
          createdAt: now,
          updatedAt: now,
        });
        const subscription = subscriptionFixture({ subscriberId: subscriber.id, eventTypes: [TYPE], timeoutSeconds: 5, createdAt: now });
        await store.createSubscription(subscription);
        const events: HeraldEvent[] = Array.from({ length: 40 }, (_, i) => ({
          id: newId('evt', now),
          type: TYPE,
          dataJson: `{"n":${i}}`,
          idempotencyKey: null,
          subscriberId: null,
          channels: null,
          createdAt: now,
        }));
        await store.ingest(events.map((event) => ({ event, requestHash: null })));
        const jobs = await store.claimDue(now + 1, 100, 15_000);
        assert.equal(jobs.length, 40);
        // Values PostgreSQL refuses, as if they had got past response-text.ts.
        const bad = new Map<number, (o: AttemptOutcome) => void>([
          [
            5,
            (o) => {
              o.attempt.responseBody = 'ok\0';
            },
          ],
          [
            17,
            (o) => {
              o.attempt.responseBody = 'half a pair: \uD83D';
            },
          ],
          [
            31,
            (o) => {
              o.attempt.error = 'network_error: \0 from a library';
              o.attempt.statusCode = null;
              o.status = 'retrying';
              o.retries = 1;
              o.nextAttemptAt = now + 60_000;
            },
          ],
        ]);
        const outcomes: AttemptOutcome[] = jobs.map((job, i) => {
          const o: AttemptOutcome = {
            attempt: {
              id: newId('att', now + 2),
              messageId: job.messageId,
              subscriptionId: job.subscription.id,
              subscriberId: job.subscription.subscriberId,
              eventType: job.eventType,
              statusCode: 200,
              durationMs: 3,
              error: null,
              requestHeaders: { 'webhook-id': job.messageId },
              responseHeaders: { 'content-type': 'text/plain' },
              responseBody: `ok ${i}`,
              trigger: 'scheduled',
              createdAt: now + 2,
            },
            status: 'succeeded',
            attempts: 1,
            retries: 0,
            nextAttemptAt: null,
            health: null,
          };
          bad.get(i)?.(o);
          return o;
        });
        await store.recordAttempts(outcomes);
        for (const [i, o] of outcomes.entries()) {
          const stored = await store.getAttempt(o.attempt.id);
          assert.ok(stored, `attempt ${i} recorded`);
          const message = await store.getMessage(o.attempt.messageId);
          assert.equal(message?.status, o.status, `message ${i} advanced`);
          assert.equal(message?.attempts, 1);
          if (!bad.has(i)) {
            assert.deepEqual(stored, o.attempt, `attempt ${i} stored exactly`);
            continue;
          }
          assert.match(stored.responseBody, /^\[not storable: 22\w{3} /, `attempt ${i}: ${stored.responseBody}`);
          assert.deepEqual(stored.responseHeaders, {});
          assert.deepEqual(stored.requestHeaders, o.attempt.requestHeaders);
          assert.equal(stored.statusCode, o.attempt.statusCode);
          assert.equal(stored.error, o.attempt.error === null ? null : o.attempt.error.replaceAll('\0', R));
        }
        // The one retrying is due again as scheduled; nothing else is queued.
        assert.equal(await store.nextDueAt(), now + 60_000);
        // Recording the same batch again (a caller's retry) changes nothing.
        await store.recordAttempts(outcomes);
        assert.equal((await store.listAttempts({ limit: 1_000 })).data.length, 40);
      } finally {
        await store.close();
        await schema.drop();
      }
    });
  });
});
