// Endpoint health end to end, on SQLite and on PostgreSQL: a real Herald delivering to real
// receivers on 127.0.0.1. The circuit breaker opens after the threshold of faults, stops attempts
// (the dead endpoint's attempt count stops growing but for one probe per cool-down, and nothing
// held back is recorded as an attempt), probes, and closes when the endpoint answers again, after
// which what it held is delivered. A subscription that keeps failing is disabled as out of order
// (and one answering 410 as gone), keeps its messages, and is enabled and recovered through the API.
// Small settings: 3 faults, a 1 s cool-down, 2 s of failing with 2 messages failed for good.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { HeraldConfig } from '../../src/config/config.js';
import { removeDir, startTestHerald, type TestHerald, tempDir } from '../helpers/herald.js';
import { createTestDatabase, requirePostgres, type TestDatabase } from '../helpers/postgres.js';
import { eventually, TestReceiver } from '../helpers/receiver.js';

const TYPE = 'order.created';
const COOLDOWN_MS = 1_000;
const SETTINGS: Partial<HeraldConfig> = {
  breakerThreshold: 3,
  breakerCooldownSeconds: COOLDOWN_MS / 1000,
  autoDisableAfterSeconds: 2,
  autoDisableMinFailedMessages: 2,
  leaseMarginMs: 1_000,
};
const WAIT_MS = 15_000; // bound on every state the tests wait for
const TEST_SECRET_KEY = 'YnJlYWtlciB0ZXN0cyBzaGFyZSB0aGlzIGtleSEhISE='; // base64 of 32 bytes, tests only

type Json = Record<string, unknown>;
interface Health {
  status: string;
  reason: string | null;
  since: string;
  consecutiveFailures: number;
  failingSince: string | null;
  failedMessages: number;
  breaker: { state: string; openedAt: string | null; until: string | null };
}
interface Msg {
  id: string;
  status: string;
  attempts: number;
}

const pgSkip = await requirePostgres();

function scenarios(start: () => Promise<TestHerald>): void {
  let h: TestHerald;
  let receiver: TestReceiver;
  before(async () => {
    h = await start();
    assert.equal((await h.api('POST', '/v1/event-types', { name: TYPE, description: 'An order was created' })).status, 201);
  });
  after(async () => {
    await h?.stop();
  });

  async function subscription(body: Json): Promise<string> {
    const sbr = await h.api('POST', '/v1/subscribers', { name: 'breaker' });
    assert.equal(sbr.status, 201);
    const sub = await h.api('POST', `/v1/subscribers/${sbr.body.id}/subscriptions`, {
      url: `${receiver.url}/hook`,
      eventTypes: [TYPE],
      timeoutSeconds: 2,
      ...body,
    });
    assert.equal(sub.status, 201, JSON.stringify(sub.body));
    return sub.body.id as string;
  }

  const send = async (subscriberScope: string | null, n: number) => {
    const sent = await h.api('POST', '/v1/events', {
      type: TYPE,
      data: { n },
      ...(subscriberScope ? { subscriberId: subscriberScope } : {}),
    });
    assert.equal(sent.status, 202, JSON.stringify(sent.body));
    return sent.body;
  };
  const health = async (id: string) => (await h.api<{ health: Health; enabled: boolean }>('GET', `/v1/subscriptions/${id}`)).body;
  const messages = async (id: string) => (await h.api<{ data: Msg[] }>('GET', `/v1/messages?subscriptionId=${id}&limit=100`)).body.data;
  const attemptsMade = async (id: string) => (await messages(id)).reduce((n, m) => n + m.attempts, 0);
  const metric = async (name: string, labels = '') => {
    const text = await (await fetch(`${h.url}/metrics?name=${name}`)).text();
    const line = text.split('\n').find((l) => l.startsWith(`${name}${labels} `));
    return line === undefined ? null : Number(line.split(' ')[1]);
  };

  it('the breaker opens, stops attempts, probes, and closes when the endpoint recovers', async () => {
    receiver = await new TestReceiver().start();
    try {
      receiver.always(500);
      // Many quick retries: without the breaker, five messages would make ~50 requests a second.
      const id = await subscription({ retrySchedule: Array.from({ length: 40 }, () => 0.1) });
      const subscriberId = ((await h.api('GET', `/v1/subscriptions/${id}`)).body as Json).subscriberId as string;
      for (let i = 0; i < 5; i++) await send(subscriberId, i);

      const opened = await eventually(
        async () => {
          const s = await health(id);
          return s.health.breaker.state !== 'closed' ? s.health : null;
        },
        WAIT_MS,
        'the breaker to open',
      );
      assert.equal(opened.status, 'failing');
      assert.equal(opened.reason, 'breaker_open');
      assert.ok(opened.consecutiveFailures >= 3);
      assert.ok(opened.breaker.openedAt !== null && opened.breaker.until !== null);
      const failing = (await h.api<{ data: { id: string }[] }>('GET', '/v1/subscriptions?health=failing')).body.data.map((s) => s.id);
      assert.ok(failing.includes(id), 'listed as failing');
      const inList = (await h.api<{ data: { id: string }[] }>('GET', `/v1/subscribers/${subscriberId}/subscriptions?health=healthy`)).body;
      assert.deepEqual(inList.data, [], "not among its subscriber's healthy ones");

      // Attempts in flight when it opened come in; then only probes, one per cool-down at most.
      await new Promise((r) => setTimeout(r, 300));
      const requestsAtOpen = receiver.requests.length;
      const window = 3 * COOLDOWN_MS + 500;
      await new Promise((r) => setTimeout(r, window));
      const probes = receiver.requests.length - requestsAtOpen;
      assert.ok(probes <= Math.ceil(window / COOLDOWN_MS), `${probes} requests in ${window} ms while open: only probes`);
      assert.ok(probes >= 1, 'a probe went out after the cool-down');
      for (let i = 1; i < receiver.requests.length - requestsAtOpen; i++) {
        const gap =
          (receiver.requests[requestsAtOpen + i] as { at: number }).at - (receiver.requests[requestsAtOpen + i - 1] as { at: number }).at;
        assert.ok(gap >= COOLDOWN_MS * 0.9, `probes ${gap} ms apart`);
      }
      // Held-back messages are not attempts: every recorded attempt is a request the receiver saw.
      await eventually(async () => (await attemptsMade(id)) === receiver.requests.length, WAIT_MS, 'attempts recorded');
      assert.ok((await messages(id)).every((m) => m.status === 'retrying' || m.status === 'pending'));
      assert.ok(((await metric('herald_breaker_skipped_total')) ?? 0) > 0, 'held-back messages are counted');
      const openNow =
        ((await metric('herald_subscriptions_by_breaker_state', '{state="open"}')) ?? 0) +
        ((await metric('herald_subscriptions_by_breaker_state', '{state="half_open"}')) ?? 0);
      assert.ok(openNow >= 1, 'the breaker gauge counts it');

      // The endpoint is back: the next probe succeeds, the breaker closes, the rest follows.
      receiver.always(204);
      const before = receiver.requests.length;
      await eventually(
        async () => {
          const list = await messages(id);
          return list.length === 5 && list.every((m) => m.status === 'succeeded');
        },
        WAIT_MS,
        'every held message to be delivered',
      );
      const healed = await health(id);
      assert.equal(healed.health.status, 'healthy');
      assert.equal(healed.health.reason, null);
      assert.equal(healed.health.breaker.state, 'closed');
      assert.equal(healed.health.consecutiveFailures, 0);
      assert.equal(receiver.requests.length - before, 5, 'each message delivered once after the recovery');
      assert.equal(await attemptsMade(id), receiver.requests.length);
    } finally {
      await receiver.stop();
    }
  });

  it('a subscription that keeps failing is disabled (out of order), keeps its messages, and is enabled and recovered', async () => {
    receiver = await new TestReceiver().start();
    try {
      receiver.always(404); // an answer, not a fault: the breaker stays closed, the failures count
      const id = await subscription({ retrySchedule: [] }); // every failed attempt fails its message for good
      const subscriberId = ((await h.api('GET', `/v1/subscriptions/${id}`)).body as Json).subscriberId as string;
      const before = (await metric('herald_subscriptions_auto_disabled_total', '{reason="out_of_order"}')) ?? 0;
      const started = new Date().toISOString(); // before its first message: recover resends what failed since
      await send(subscriberId, 1);
      const first = await eventually(
        async () => {
          const s = await health(id);
          return s.health.failedMessages === 1 ? s.health : null;
        },
        WAIT_MS,
        'the first message to fail',
      );
      assert.equal(first.status, 'degraded');
      assert.equal(first.breaker.state, 'closed');
      const failingSince = first.failingSince as string;
      assert.ok(failingSince);
      // Not yet: two messages, but the window (2 s) has not passed.
      await send(subscriberId, 2);
      await eventually(async () => (await health(id)).health.failedMessages === 2, WAIT_MS, 'the second message to fail');
      assert.equal((await health(id)).enabled, true);
      // After the window, the next failure disables it.
      await new Promise((r) => setTimeout(r, Math.max(0, Date.parse(failingSince) + 2_100 - Date.now())));
      await send(subscriberId, 3);
      const disabled = await eventually(
        async () => {
          const s = await health(id);
          return s.enabled ? null : s;
        },
        WAIT_MS,
        'the subscription to be disabled',
      );
      assert.equal(disabled.health.status, 'disabled');
      assert.equal(disabled.health.reason, 'out_of_order');
      assert.equal(disabled.health.failingSince, failingSince);
      assert.equal(await metric('herald_subscriptions_auto_disabled_total', '{reason="out_of_order"}'), before + 1);
      assert.equal((await send(subscriberId, 4)).messages, 0, 'a disabled subscription takes no new events');
      assert.equal((await messages(id)).length, 3, 'its messages are kept');
      const listed = (await h.api<{ data: { id: string }[] }>('GET', '/v1/subscriptions?health=disabled')).body.data.map((s) => s.id);
      assert.ok(listed.includes(id));

      // Fixed: enable it again (its health is cleared) and recover what failed. A message that failed
      // was created before its failure: recover from a time before the first of them.
      receiver.always(204);
      const enabled = await h.api<{ health: Health; enabled: boolean }>('PATCH', `/v1/subscriptions/${id}`, { enabled: true });
      assert.equal(enabled.status, 200);
      assert.equal(enabled.body.enabled, true);
      assert.equal(enabled.body.health.status, 'healthy');
      assert.equal(enabled.body.health.reason, null);
      assert.equal(enabled.body.health.failedMessages, 0);
      const recovered = await h.api('POST', `/v1/subscriptions/${id}/recover`, { since: started });
      assert.equal(recovered.status, 202);
      assert.equal(recovered.body.messages, 3);
      await eventually(
        async () => (await messages(id)).every((m) => m.status === 'succeeded'),
        WAIT_MS,
        'the recovered messages to be delivered',
      );
    } finally {
      await receiver.stop();
    }
  });

  it('410 Gone disables at once with its reason; disabling and enabling by hand say so too', async () => {
    receiver = await new TestReceiver().start();
    try {
      receiver.always(410);
      const id = await subscription({});
      const subscriberId = ((await h.api('GET', `/v1/subscriptions/${id}`)).body as Json).subscriberId as string;
      await send(subscriberId, 1);
      const gone = await eventually(
        async () => {
          const s = await health(id);
          return s.enabled ? null : s.health;
        },
        WAIT_MS,
        'the subscription to be disabled',
      );
      assert.equal(gone.status, 'disabled');
      assert.equal(gone.reason, 'endpoint_gone');
      assert.equal(receiver.requests.length, 1);
      const on = await h.api<{ health: Health }>('PATCH', `/v1/subscriptions/${id}`, { enabled: true });
      assert.equal(on.body.health.status, 'healthy');
      const off = await h.api<{ health: Health }>('PATCH', `/v1/subscriptions/${id}`, { enabled: false });
      assert.equal(off.body.health.status, 'disabled');
      assert.equal(off.body.health.reason, 'disabled_manually');
      const created = await h.api<{ health: Health }>('POST', `/v1/subscribers/${subscriberId}/subscriptions`, {
        url: `${receiver.url}/hook`,
        eventTypes: [TYPE],
        enabled: false,
      });
      assert.equal(created.body.health.status, 'disabled');
      assert.equal(created.body.health.reason, 'disabled_manually');
      assert.equal((await h.api('GET', '/v1/subscriptions?health=sick')).status, 400, 'an unknown status is refused');
    } finally {
      await receiver.stop();
    }
  });
}

describe('endpoint health', () => {
  // scenarios() registers its own hooks first: Herald stops before its database goes.
  describe('SQLite', () => {
    const dir = tempDir();
    scenarios(() => startTestHerald(SETTINGS, dir));
    after(() => removeDir(dir));
  });

  describe('PostgreSQL', { skip: pgSkip ?? false }, () => {
    let db: TestDatabase;
    const dir = tempDir();
    scenarios(async () => {
      db = await createTestDatabase();
      return startTestHerald({ ...SETTINGS, databaseUrl: db.url, secretKey: TEST_SECRET_KEY }, dir);
    });
    after(async () => {
      await db?.drop();
      removeDir(dir);
    });
  });
});
