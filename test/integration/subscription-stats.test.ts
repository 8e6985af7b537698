// The stats panel (GET /v1/subscriptions/{id}/stats, seed 002's Statistics tab) and recovering
// retrying messages (POST .../recover with status), against a real receiver on 127.0.0.1 that
// answers as each test scripts it (200, 500, 500, 200, ...), on SQLite and on PostgreSQL: every
// field is checked against the attempts Herald recorded.
import assert from 'node:assert/strict';
import type { ServerResponse } from 'node:http';
import { after, afterEach, before, beforeEach, describe, it } from 'node:test';
import { removeDir, startTestHerald, type TestHerald, tempDir } from '../helpers/herald.js';
import { createTestDatabase, requirePostgres, type TestDatabase } from '../helpers/postgres.js';
import { eventually, TestReceiver } from '../helpers/receiver.js';

type Json = Record<string, unknown>;
interface Attempt {
  id: string;
  messageId: string;
  statusCode: number | null;
  trigger: string;
  createdAt: string;
}
interface Stats {
  since: string;
  messages: Record<string, number>;
  events: number;
  attempts: number;
  attemptsSucceeded: number;
  attemptsFailed: number;
  lastSuccessAt: string | null;
  lastFailureAt: string | null;
  averageDurationMs: number | null;
  failuresSinceLastSuccess: number;
  lastEventAt: string | null;
  nextAttemptAt: string | null;
  lastSuccess: { at: string; attemptId: string } | null;
  lastFailure: { at: string; attemptId: string } | null;
  series: { start: string; intervalSeconds: number; succeeded: number[]; failed: number[] };
}

const TYPE = 'order.created';
const TEST_SECRET_KEY = 'c3RhdHMgcGFuZWwgdGVzdCBrZXksIDMyIGJ5dGVzISE='; // base64 of 32 bytes, tests only
const HOUR_S = 3_600;

const pgSkip = await requirePostgres();

const ok = (code: number | null) => code !== null && code >= 200 && code < 300;
const ref = (a: Attempt | undefined) => (a ? { at: a.createdAt, attemptId: a.id } : null);
const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);

function statsSuite(start: () => Promise<{ h: TestHerald; stop: () => Promise<void> }>): void {
  let h: TestHerald;
  let stop: () => Promise<void>;
  let receiver: TestReceiver;

  before(async () => {
    ({ h, stop } = await start());
    await h.api('POST', '/v1/event-types', { name: TYPE, description: 'An order was created' });
  });
  after(async () => {
    await stop?.();
  });
  beforeEach(async () => {
    receiver = await new TestReceiver().start();
  });
  afterEach(async () => {
    await receiver.stop();
  });

  async function subscription(retrySchedule: number[]): Promise<string> {
    const sbr = await h.api('POST', '/v1/subscribers', { name: 'Acme' });
    const res = await h.api('POST', `/v1/subscribers/${sbr.body.id}/subscriptions`, {
      url: `${receiver.url}/hook`,
      eventTypes: [TYPE],
      retrySchedule,
    });
    assert.equal(res.status, 201, JSON.stringify(res.body));
    return res.body.id as string;
  }

  /** Sends an event to the subscription's subscriber and returns its message. */
  async function send(subscriptionId: string, n: number): Promise<{ messageId: string; createdAt: string }> {
    const sub = (await h.api('GET', `/v1/subscriptions/${subscriptionId}`)).body;
    const res = await h.api('POST', '/v1/events', { type: TYPE, data: { n }, subscriberId: sub.subscriberId });
    assert.equal(res.status, 202, JSON.stringify(res.body));
    const list = await h.api<{ data: Json[] }>('GET', `/v1/messages?subscriptionId=${subscriptionId}&eventId=${res.body.id}`);
    const m = list.body.data[0];
    assert.ok(m);
    return { messageId: m.id as string, createdAt: m.createdAt as string };
  }

  /** Waits until the message has `attempts` attempts recorded and the status given. */
  const reaches = (messageId: string, status: string, attempts: number) =>
    eventually(
      async () => {
        const m = (await h.api('GET', `/v1/messages/${messageId}`)).body;
        return m.status === status && m.attempts === attempts ? m : null;
      },
      15_000,
      `message ${messageId} to be ${status} after ${attempts} attempts`,
    );

  const stats = async (subscriptionId: string, query = ''): Promise<Stats> => {
    const res = await h.api<Stats>('GET', `/v1/subscriptions/${subscriptionId}/stats${query}`);
    assert.equal(res.status, 200, JSON.stringify(res.body));
    return res.body;
  };

  /** Every attempt of the subscription, oldest first. */
  const attemptsOf = async (subscriptionId: string): Promise<Attempt[]> =>
    (await h.api<{ data: Attempt[] }>('GET', `/v1/attempts?subscriptionId=${subscriptionId}&limit=1000`)).body.data.reverse();

  /** The series as the recorded attempts make it: one count per minute bucket. */
  function expectedSeries(s: Stats, attempts: Attempt[]): { succeeded: number[]; failed: number[] } {
    const start = Date.parse(s.series.start);
    const succeeded = new Array<number>(1_440).fill(0);
    const failed = new Array<number>(1_440).fill(0);
    for (const a of attempts) {
      const b = Math.floor((Date.parse(a.createdAt) - start) / 60_000);
      assert.ok(b >= 0 && b < 1_440, `attempt ${a.id} at ${a.createdAt} is in the series from ${s.series.start}`);
      (ok(a.statusCode) ? succeeded : failed)[b] = ((ok(a.statusCode) ? succeeded : failed)[b] as number) + 1;
    }
    return { succeeded, failed };
  }

  it('reports the panel for answers 200, 500, 500, 200, then 500s; recovering the retrying message delivers it now', async () => {
    const sub = await subscription([0.05, 0.05, HOUR_S]);
    receiver.script(200, 500, 500, 200, 500, 500, 500).always(204);

    const first = await send(sub, 1);
    await reaches(first.messageId, 'succeeded', 1);
    const second = await send(sub, 2);
    await reaches(second.messageId, 'succeeded', 3);
    const third = await send(sub, 3);
    const waiting = await reaches(third.messageId, 'retrying', 3);
    assert.equal(receiver.requests.length, 7);

    const attempts = await attemptsOf(sub);
    assert.deepEqual(
      attempts.map((a) => [a.messageId, a.statusCode]),
      [
        [first.messageId, 200],
        [second.messageId, 500],
        [second.messageId, 500],
        [second.messageId, 200],
        [third.messageId, 500],
        [third.messageId, 500],
        [third.messageId, 500],
      ],
    );
    const lastOk = attempts[3];
    const lastFailed = attempts[6];
    let s = await stats(sub);
    assert.deepEqual(s.messages, { pending: 0, succeeded: 2, retrying: 1, failed: 0 });
    assert.equal(s.events, 3);
    assert.equal(s.attempts, 7);
    assert.equal(s.attemptsSucceeded, 2);
    assert.equal(s.attemptsFailed, 5);
    assert.equal(s.failuresSinceLastSuccess, 3);
    assert.deepEqual(s.lastSuccess, ref(lastOk));
    assert.deepEqual(s.lastFailure, ref(lastFailed));
    assert.equal(s.lastSuccessAt, lastOk?.createdAt);
    assert.equal(s.lastFailureAt, lastFailed?.createdAt);
    assert.equal(s.lastEventAt, third.createdAt);
    assert.equal(s.nextAttemptAt, waiting.nextAttemptAt, 'the retrying message, an hour away');
    const backoff = Date.parse(s.nextAttemptAt as string) - Date.parse(lastFailed?.createdAt as string);
    assert.ok(backoff >= HOUR_S * 900 && backoff <= HOUR_S * 1_100 + 1_000, `next attempt ${backoff} ms after the last: an hour ± jitter`);
    assert.equal(typeof s.averageDurationMs, 'number');
    assert.equal(s.series.intervalSeconds, 60);
    assert.deepEqual({ succeeded: s.series.succeeded, failed: s.series.failed }, expectedSeries(s, attempts));
    assert.equal(sum(s.series.succeeded), 2);
    assert.equal(sum(s.series.failed), 5);

    // ?since= bounds the counters, not the state.
    const future = await stats(sub, `?since=${new Date(Date.now() + 60_000).toISOString()}`);
    assert.deepEqual([future.events, future.attempts, future.lastSuccessAt], [0, 0, null]);
    assert.deepEqual(
      [future.failuresSinceLastSuccess, future.lastSuccess, future.lastFailure, future.lastEventAt, future.nextAttemptAt],
      [3, s.lastSuccess, s.lastFailure, s.lastEventAt, s.nextAttemptAt],
    );
    assert.deepEqual(future.series, s.series);

    // Recover: by default only failed messages, of which there are none; asked for, the retrying one.
    const since = new Date(Date.parse(first.createdAt) - 1_000).toISOString();
    const none = await h.api('POST', `/v1/subscriptions/${sub}/recover`, { since });
    assert.equal(none.status, 202, JSON.stringify(none.body));
    assert.deepEqual(none.body, { messages: 0, inFlight: 0 });
    const recovered = await h.api('POST', `/v1/subscriptions/${sub}/recover`, { since, status: ['retrying'] });
    assert.equal(recovered.status, 202, JSON.stringify(recovered.body));
    assert.deepEqual(recovered.body, { messages: 1, inFlight: 0 });
    await reaches(third.messageId, 'succeeded', 4); // now, not in an hour
    assert.equal(receiver.requests.length, 8);
    assert.equal(receiver.requests[7]?.headers['webhook-id'], third.messageId);

    const after = await attemptsOf(sub);
    const manual = after[7];
    assert.equal(manual?.trigger, 'manual');
    assert.equal(manual?.statusCode, 204);
    s = await stats(sub);
    assert.deepEqual(s.messages, { pending: 0, succeeded: 3, retrying: 0, failed: 0 });
    assert.deepEqual([s.events, s.attempts, s.attemptsSucceeded, s.attemptsFailed], [3, 8, 3, 5]);
    assert.equal(s.failuresSinceLastSuccess, 0);
    assert.deepEqual(s.lastSuccess, ref(manual));
    assert.deepEqual(s.lastFailure, ref(lastFailed));
    assert.equal(s.nextAttemptAt, null);
    assert.deepEqual({ succeeded: s.series.succeeded, failed: s.series.failed }, expectedSeries(s, after));
  });

  it('recover leaves a retrying message whose attempt is in flight to that attempt', async () => {
    const sub = await subscription([0.05, HOUR_S]);
    let held: ServerResponse | undefined;
    const holding = new Promise<void>((resolve) => {
      receiver.script(500, (res) => {
        held = res;
        resolve();
      });
    });
    const { messageId } = await send(sub, 1);
    await holding; // the second attempt is under way, and the receiver keeps it waiting
    const m = (await h.api('GET', `/v1/messages/${messageId}`)).body;
    assert.equal(m.status, 'retrying');
    assert.equal(m.attempts, 1);

    const since = new Date(Date.parse(m.createdAt as string) - 1_000).toISOString();
    const res = await h.api('POST', `/v1/subscriptions/${sub}/recover`, { since, status: ['failed', 'retrying'] });
    assert.equal(res.status, 202, JSON.stringify(res.body));
    assert.deepEqual(res.body, { messages: 0, inFlight: 1 });
    let s = await stats(sub);
    assert.equal(s.nextAttemptAt, null, 'an attempt under way is not a next attempt');
    assert.equal(s.failuresSinceLastSuccess, 1);

    held?.writeHead(200).end();
    await reaches(messageId, 'succeeded', 2);
    await new Promise((r) => setTimeout(r, 300)); // room for a duplicate to show up: none must
    assert.equal(receiver.requests.length, 2, 'the message went out once per attempt, never twice at once');
    const attempts = await attemptsOf(sub);
    assert.deepEqual(
      attempts.map((a) => [a.statusCode, a.trigger]),
      [
        [500, 'scheduled'],
        [200, 'scheduled'],
      ],
    );
    s = await stats(sub);
    assert.equal(s.failuresSinceLastSuccess, 0);
    assert.deepEqual(s.lastSuccess, ref(attempts[1]));
    assert.deepEqual(s.lastFailure, ref(attempts[0]));
    assert.equal(s.nextAttemptAt, null);
  });
}

describe('subscription stats and recover, against a scripted receiver', () => {
  describe('SQLite', () => {
    statsSuite(async () => {
      const dir = tempDir();
      const h = await startTestHerald({}, dir);
      return {
        h,
        stop: async () => {
          await h.stop();
          removeDir(dir);
        },
      };
    });
  });

  describe('PostgreSQL', { skip: pgSkip ?? false }, () => {
    statsSuite(async () => {
      const dir = tempDir();
      const db: TestDatabase = await createTestDatabase();
      const h = await startTestHerald({ databaseUrl: db.url, secretKey: TEST_SECRET_KEY }, dir);
      return {
        h,
        stop: async () => {
          await h.stop();
          await db.drop();
          removeDir(dir);
        },
      };
    });
  });
});
