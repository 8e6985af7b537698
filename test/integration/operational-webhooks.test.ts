// Operational webhooks (issue 16), on by default: a customer subscription
// failing, recovering and being disabled, and its messages failing for good, reach the operator's
// own subscription as signed events of the catalogue, on both stores; nothing is reported about the
// operator's subscriptions themselves.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { OPERATOR_SUBSCRIBER_ID } from '../../src/domain/operational.js';
import { removeDir, startTestHerald, type TestHerald, tempDir } from '../helpers/herald.js';
import { createTestDatabase, requirePostgres, type TestDatabase } from '../helpers/postgres.js';
import { eventually, TestReceiver } from '../helpers/receiver.js';

const SETTINGS = { breakerThreshold: 2, breakerCooldownSeconds: 0.5 }; // operational webhooks: on by default
const TEST_SECRET_KEY = 'b3BlcmF0aW9uYWwgd2ViaG9va3MgdGVzdCBrZXkhISE='; // base64 of 32 bytes, tests only

const pgSkip = await requirePostgres();

interface OperationalEvent {
  type: string;
  data: { subscriptionId: string; to?: string; reason?: string | null; messageId?: string };
}

async function reportsToTheOperator(herald: TestHerald, operator: TestReceiver, customer: TestReceiver): Promise<void> {
  const api = async <T = Record<string, unknown>>(method: string, path: string, body?: unknown) => {
    const res = await herald.api<T>(method, path, body);
    if (res.status >= 300) throw new Error(`${method} ${path}: ${res.status} ${JSON.stringify(res.body)}`);
    return res.body;
  };
  const types = (await api<{ data: { name: string }[] }>('GET', '/v1/event-types?limit=100')).data.map((t) => t.name);
  for (const name of ['subscription.failing', 'subscription.disabled', 'subscription.recovered', 'message.failed']) {
    assert.ok(types.includes(name), `${name} is in the catalogue`);
  }
  // The operator subscriber comes with the operator's first subscription to it; Jiwa's catalogue
  // never lists Herald's own operational types.
  assert.equal((await herald.api('GET', `/v1/subscribers/${OPERATOR_SUBSCRIBER_ID}`)).status, 404);
  assert.ok(!(await api<{ data: { id: string }[] }>('GET', '/v1/subscribers?limit=100')).data.some((s) => s.id === OPERATOR_SUBSCRIBER_ID));
  const jiwaEvents = await fetch(`${herald.url}/Webhooks/Events`, { headers: { accept: 'application/json' } });
  const jiwaNames = ((await jiwaEvents.json()) as { Name: string }[]).map((e) => e.Name);
  assert.ok(!jiwaNames.includes('subscription.failing'), `Jiwa lists ${jiwaNames.join(', ')}`);
  const ops = await api<{ id: string }>('POST', `/v1/subscribers/${OPERATOR_SUBSCRIBER_ID}/subscriptions`, {
    url: `${operator.url}/ops`,
    eventTypes: ['subscription.*', 'message.failed'],
  });
  await api('POST', '/v1/event-types', { name: 'order.created', description: 'An order was created' });
  const acme = await api<{ id: string }>('POST', '/v1/subscribers', { name: 'acme' });
  const sub = await api<{ id: string }>('POST', `/v1/subscribers/${acme.id}/subscriptions`, {
    url: `${customer.url}/hook`,
    eventTypes: ['order.created'],
    retrySchedule: [], // no retries: each failed attempt fails its message
  });
  const received = (): OperationalEvent[] => operator.requests.map((r) => JSON.parse(r.body) as OperationalEvent);
  const has = (type: string, to?: string) => received().some((e) => e.type === type && (to === undefined || e.data.to === to));

  // Failing: two 500s in a row open the breaker (threshold 2).
  customer.always(500);
  for (let i = 0; i < 2; i++) await api('POST', '/v1/events', { type: 'order.created', data: { i } });
  await eventually(
    async () => has('subscription.failing') && received().filter((e) => e.type === 'message.failed').length >= 2,
    15_000,
    'failing and message.failed',
  );
  const failed = received().filter((e) => e.type === 'message.failed');
  assert.ok(failed.every((e) => e.data.subscriptionId === sub.id && typeof e.data.messageId === 'string'));

  // Recovered: the receiver is back; the breaker's probe succeeds after its cool-down.
  customer.always(204);
  await api('POST', '/v1/events', { type: 'order.created', data: { back: true } });
  await eventually(async () => has('subscription.recovered'), 15_000, 'subscription.recovered');

  // Disabled: 410 Gone.
  customer.always(410);
  await api('POST', '/v1/events', { type: 'order.created', data: { gone: true } });
  await eventually(async () => has('subscription.disabled', 'disabled'), 15_000, 'subscription.disabled');
  const disabled = received().find((e) => e.type === 'subscription.disabled');
  assert.equal(disabled?.data.reason, 'endpoint_gone');

  // Delivered like any event: signed, with a message of the operator's subscription.
  for (const r of operator.requests) assert.match(String(r.headers['webhook-signature']), /^v1,/);
  assert.ok(
    received().every((e) => e.data.subscriptionId !== ops.id),
    'nothing about the operator subscription itself',
  );
}

describe('operational webhooks', () => {
  describe('SQLite', () => {
    let herald: TestHerald;
    let operator: TestReceiver;
    let customer: TestReceiver;
    const dir = tempDir();
    before(async () => {
      operator = await new TestReceiver().start();
      customer = await new TestReceiver().start();
      herald = await startTestHerald(SETTINGS, dir);
    });
    after(async () => {
      await herald?.stop();
      await operator?.stop();
      await customer?.stop();
      removeDir(dir);
    });
    it('failing, message.failed, recovered and disabled reach the operator subscription', () =>
      reportsToTheOperator(herald, operator, customer));
  });

  describe('PostgreSQL', { skip: pgSkip ?? false }, () => {
    let herald: TestHerald;
    let operator: TestReceiver;
    let customer: TestReceiver;
    let db: TestDatabase;
    const dir = tempDir();
    before(async () => {
      db = await createTestDatabase();
      operator = await new TestReceiver().start();
      customer = await new TestReceiver().start();
      herald = await startTestHerald({ ...SETTINGS, databaseUrl: db.url, secretKey: TEST_SECRET_KEY }, dir);
    });
    after(async () => {
      await herald?.stop();
      await operator?.stop();
      await customer?.stop();
      await db?.drop();
      removeDir(dir);
    });
    it('failing, message.failed, recovered and disabled reach the operator subscription', () =>
      reportsToTheOperator(herald, operator, customer));
  });
});
