// End-to-end delivery: a real Herald on a real SQLite file posting to a real receiver on 127.0.0.1.
import assert from 'node:assert/strict';
import { after, afterEach, before, beforeEach, describe, it } from 'node:test';
import { Webhook } from 'standardwebhooks';
import { removeDir, startTestHerald, type TestHerald } from '../helpers/herald.js';
import { eventually, TestReceiver } from '../helpers/receiver.js';

type Json = Record<string, unknown>;
type Msg = { id: string; status: string; attempts: number; lastStatusCode: number | null; lastError: string | null };

let h: TestHerald;
let receiver: TestReceiver;

async function subscriber(name = 'acme'): Promise<string> {
  const res = await h.api('POST', '/v1/subscribers', { name });
  assert.equal(res.status, 201, JSON.stringify(res.body));
  return res.body.id as string;
}

async function subscription(subscriberId: string, body: Json = {}): Promise<{ id: string; secret: string }> {
  const res = await h.api('POST', `/v1/subscribers/${subscriberId}/subscriptions`, {
    url: `${receiver.url}/hook`,
    eventTypes: ['salesorder.created'],
    retrySchedule: [0.05, 0.05],
    ...body,
  });
  assert.equal(res.status, 201, JSON.stringify(res.body));
  return res.body as { id: string; secret: string };
}

async function send(body: Json = {}): Promise<{ status: number; body: Json }> {
  return h.api('POST', '/v1/events', { type: 'salesorder.created', data: { orderNo: 'SO-1', total: 12.5 }, ...body });
}

async function messagesOf(eventId: string): Promise<Msg[]> {
  return ((await h.api<{ data: Msg[] }>('GET', `/v1/messages?limit=100`)).body.data as (Msg & { eventId: string })[]).filter(
    (m) => m.eventId === eventId,
  );
}

async function settled(eventId: string, status = 'succeeded'): Promise<Msg> {
  return eventually(
    async () => {
      const [m] = await messagesOf(eventId);
      return m && m.status === status ? m : null;
    },
    10_000,
    `message of ${eventId} to be ${status}`,
  );
}

async function attemptsOf(messageId: string): Promise<Json[]> {
  return (await h.api<{ data: Json[] }>('GET', `/v1/messages/${messageId}/attempts`)).body.data;
}

describe('delivery', () => {
  before(async () => {
    receiver = await new TestReceiver().start();
  });
  after(async () => {
    await receiver.stop();
  });
  beforeEach(async () => {
    receiver.requests.length = 0;
    receiver.always(204);
    h = await startTestHerald();
    const et = await h.api('POST', '/v1/event-types', { name: 'salesorder.created', description: 'A sales order was created' });
    assert.equal(et.status, 201);
    await h.api('POST', '/v1/event-types', { name: 'salesorder.deleted', description: 'A sales order was deleted' });
    await h.api('POST', '/v1/event-types', { name: 'debtor.created', description: 'A debtor was created' });
  });
  afterEach(async () => {
    await h.stop();
    removeDir(h.dir);
  });

  it('delivers a signed standard payload that the standardwebhooks package verifies', async () => {
    const sub = await subscription(await subscriber());
    const sent = await send();
    assert.equal(sent.status, 202);
    assert.equal(sent.body.messages, 1);
    const msg = await settled(sent.body.id as string);
    assert.equal(receiver.requests.length, 1);
    const req = receiver.requests[0]!;
    assert.equal(req.method, 'POST');
    assert.equal(req.path, '/hook');
    assert.equal(req.headers['webhook-id'], msg.id);
    assert.equal(req.headers['content-type'], 'application/json');
    const verified = new Webhook(sub.secret).verify(req.body, req.headers as Record<string, string>) as Json;
    assert.equal(verified.type, 'salesorder.created');
    assert.deepEqual(verified.data, { orderNo: 'SO-1', total: 12.5 });
    const attempts = await attemptsOf(msg.id);
    assert.equal(attempts.length, 1);
    assert.equal(attempts[0]!.statusCode, 204);
    assert.equal(attempts[0]!.trigger, 'scheduled');
  });

  it('sends the raw data with payloadFormat raw, and no body with GET', async () => {
    const sbr = await subscriber();
    await subscription(sbr, { payloadFormat: 'raw' });
    await subscription(sbr, { method: 'GET' });
    const sent = await send();
    assert.equal(sent.body.messages, 2);
    await receiver.waitFor(2);
    const post = receiver.requests.find((r) => r.method === 'POST')!;
    assert.deepEqual(JSON.parse(post.body), { orderNo: 'SO-1', total: 12.5 });
    const get = receiver.requests.find((r) => r.method === 'GET')!;
    assert.equal(get.body, '');
    assert.ok(get.headers['webhook-signature']);
  });

  it('retries after a 500 with the same webhook-id, then succeeds', async () => {
    await subscription(await subscriber());
    receiver.script({ status: 500, body: 'boom' });
    const sent = await send();
    const msg = await settled(sent.body.id as string);
    assert.equal(msg.attempts, 2);
    assert.equal(receiver.requests.length, 2);
    assert.equal(receiver.requests[0]!.headers['webhook-id'], receiver.requests[1]!.headers['webhook-id']);
    const attempts = await attemptsOf(msg.id);
    assert.deepEqual(attempts.map((a) => a.statusCode).sort(), [204, 500]);
    const failed = attempts.find((a) => a.statusCode === 500)!;
    assert.equal(failed.responseBody, 'boom');
  });

  it('marks the message failed once the retries are exhausted', async () => {
    await subscription(await subscriber());
    receiver.always(500);
    const sent = await send();
    const msg = await settled(sent.body.id as string, 'failed');
    assert.equal(msg.attempts, 3); // the first attempt and two retries
    assert.equal(msg.lastStatusCode, 500);
    assert.equal((await attemptsOf(msg.id)).length, 3);
  });

  it('cuts off a receiver that does not answer within the timeout', async () => {
    await subscription(await subscriber(), { timeoutSeconds: 1, retrySchedule: [] });
    receiver.always((res) => {
      setTimeout(() => res.writeHead(204).end(), 3_000).unref();
    });
    const sent = await send();
    const msg = await settled(sent.body.id as string, 'failed');
    const [attempt] = await attemptsOf(msg.id);
    assert.equal(attempt!.statusCode, null);
    assert.match(attempt!.error as string, /^timeout/);
    assert.ok((attempt!.durationMs as number) >= 900 && (attempt!.durationMs as number) < 2_000, `took ${attempt!.durationMs} ms`);
  });

  it('cuts off a receiver that trickles its body at the deadline', async () => {
    await subscription(await subscriber(), { timeoutSeconds: 1, retrySchedule: [] });
    receiver.always((res) => {
      res.writeHead(200, { 'content-type': 'text/plain' });
      let n = 0;
      const timer = setInterval(() => {
        if (n++ > 50 || res.destroyed) {
          clearInterval(timer);
          res.end();
        } else res.write('.');
      }, 100);
      timer.unref();
    });
    const sent = await send();
    const msg = await settled(sent.body.id as string, 'failed');
    const [attempt] = await attemptsOf(msg.id);
    assert.match(attempt!.error as string, /^timeout/);
    assert.ok((attempt!.durationMs as number) < 2_000, `took ${attempt!.durationMs} ms`);
  });

  it('keeps only the first 20 KB of a large response body', async () => {
    await subscription(await subscriber());
    receiver.script({ status: 200, body: 'x'.repeat(200_000) });
    const sent = await send();
    const msg = await settled(sent.body.id as string);
    const [attempt] = await attemptsOf(msg.id);
    assert.equal((attempt!.responseBody as string).length, 20_480);
  });

  it('never follows a redirect', async () => {
    await subscription(await subscriber(), { retrySchedule: [] });
    receiver.always({ status: 302, headers: { location: '/elsewhere' } });
    const sent = await send();
    const msg = await settled(sent.body.id as string, 'failed');
    assert.equal(msg.lastStatusCode, 302);
    assert.equal(receiver.requests.length, 1);
    assert.ok(receiver.requests.every((r) => r.path === '/hook'));
  });

  it('disables the subscription on 410 Gone', async () => {
    const sub = await subscription(await subscriber());
    receiver.always(410);
    const sent = await send();
    await settled(sent.body.id as string, 'failed');
    assert.equal(receiver.requests.length, 1);
    const got = await h.api('GET', `/v1/subscriptions/${sub.id}`);
    assert.equal(got.body.enabled, false);
    const next = await send({ data: { orderNo: 'SO-2' } });
    assert.equal(next.body.messages, 0);
  });

  it('honours Retry-After on 429', async () => {
    await subscription(await subscriber(), { retrySchedule: [0.01] });
    receiver.script({ status: 429, headers: { 'retry-after': '1' } });
    const sent = await send();
    await settled(sent.body.id as string);
    assert.equal(receiver.requests.length, 2);
    const gap = receiver.requests[1]!.at - receiver.requests[0]!.at;
    assert.ok(gap >= 950, `retried after ${gap} ms`);
  });

  it('fans out by exact name, prefix wildcard and *', async () => {
    const sbr = await subscriber();
    const exact = await subscription(sbr, { eventTypes: ['salesorder.created'] });
    const prefix = await subscription(sbr, { eventTypes: ['salesorder.*'] });
    const all = await subscription(sbr, { eventTypes: ['*'] });
    const other = await subscription(sbr, { eventTypes: ['debtor.created'] });
    const created = await send();
    assert.equal(created.body.messages, 3);
    const deleted = await send({ type: 'salesorder.deleted' });
    assert.equal(deleted.body.messages, 2);
    const debtor = await send({ type: 'debtor.created' });
    assert.equal(debtor.body.messages, 2);
    await receiver.waitFor(7);
    const bySub = async (id: string) => (await h.api<{ data: Msg[] }>('GET', `/v1/messages?subscriptionId=${id}`)).body.data.length;
    assert.deepEqual([await bySub(exact.id), await bySub(prefix.id), await bySub(all.id), await bySub(other.id)], [1, 2, 3, 1]);
  });

  /** Restarts Herald with these settings and one salesorder.created subscription. */
  async function restartWith(overrides: Parameters<typeof startTestHerald>[0], body: Json = {}): Promise<void> {
    await h.stop();
    removeDir(h.dir);
    h = await startTestHerald(overrides);
    await h.api('POST', '/v1/event-types', { name: 'salesorder.created', description: 'A sales order was created' });
    await subscription(await subscriber(), body);
  }

  const handedOff = async () =>
    Number(
      /^herald_messages_handed_off_total (\d+)/m.exec(
        await (await fetch(`${h.url}/metrics?name=herald_messages_handed_off_total`)).text(),
      )?.[1],
    );

  async function everyMessageSucceededOnce(count: number): Promise<void> {
    const ids = receiver.requests.map((r) => r.headers['webhook-id']);
    assert.equal(ids.length, count);
    assert.equal(new Set(ids).size, count, 'each message sent once');
    await eventually(
      async () => {
        const data = (await h.api<{ data: Msg[] }>('GET', '/v1/messages?limit=100')).body.data;
        return data.length === count && data.every((m) => m.status === 'succeeded' && m.attempts === 1) ? data : null;
      },
      10_000,
      'every message succeeded after one attempt',
    );
  }

  it('hands new messages straight to its dispatcher, up to its queue, and claims the rest', async () => {
    // Concurrency 1: the hand-off queue holds 8 jobs, so an ingest leases 8 of its 20 messages to
    // the dispatcher; the other 12 are written due and claimed as usual.
    await restartWith({ concurrency: 1, claimBatch: 1 });
    const before = await handedOff();
    const events = Array.from({ length: 20 }, (_, i) => ({ type: 'salesorder.created', data: { orderNo: `SO-${i}` } }));
    assert.equal((await h.api('POST', '/v1/events/batch', { events })).status, 202);
    await receiver.waitFor(20);
    assert.equal((await handedOff()) - before, 8);
    await everyMessageSucceededOnce(20);
  });

  it('does not start a handed-off message whose lease no longer covers an attempt: it is claimed when the lease expires', async () => {
    // Leases of 1 s timeout + 1 s margin; the receiver takes 700 ms. Of four messages handed off
    // together, the first starts at once; the second would start 700 ms later with 1.3 s of lease
    // left, less than the timeout and half the margin, so it and the rest wait for their leases to
    // expire and are claimed. Started anyway, the third would still be in flight when its lease
    // ran out, and be sent a second time.
    await restartWith({ concurrency: 1, claimBatch: 1, leaseMarginMs: 1_000 }, { timeoutSeconds: 1 });
    receiver.always((res) => {
      setTimeout(() => res.writeHead(204).end(), 700);
    });
    const before = await handedOff();
    const events = Array.from({ length: 4 }, (_, i) => ({ type: 'salesorder.created', data: { orderNo: `SO-${i}` } }));
    assert.equal((await h.api('POST', '/v1/events/batch', { events })).status, 202);
    await receiver.waitFor(4);
    await new Promise((r) => setTimeout(r, 1_500)); // time for a second delivery, were there one
    assert.equal((await handedOff()) - before, 4);
    await everyMessageSucceededOnce(4);
  });

  it('broadcasts without subscriberId and targets one subscriber with it', async () => {
    const a = await subscriber('a');
    const b = await subscriber('b');
    await subscription(a);
    await subscription(b);
    assert.equal((await send()).body.messages, 2);
    const scoped = await send({ subscriberId: a });
    assert.equal(scoped.body.messages, 1);
    const [m] = await messagesOf(scoped.body.id as string);
    assert.equal((m as unknown as { subscriberId: string }).subscriberId, a);
  });

  it('replays the same idempotency key and rejects it with another body', async () => {
    await subscription(await subscriber());
    const first = await send({ idempotencyKey: 'order-1' });
    const again = await send({ idempotencyKey: 'order-1' });
    assert.equal(again.status, 202);
    assert.equal(again.body.id, first.body.id);
    assert.equal(again.body.messages, 1);
    const clash = await send({ idempotencyKey: 'order-1', data: { orderNo: 'SO-9' } });
    assert.equal(clash.status, 409);
    assert.equal(clash.body.code, 'idempotency_conflict');
    await receiver.waitFor(1);
    const events = await h.api<{ data: unknown[] }>('GET', '/v1/events');
    assert.equal(events.body.data.length, 1);
  });

  it('resends a message on demand as a manual attempt', async () => {
    await subscription(await subscriber());
    const sent = await send();
    const msg = await settled(sent.body.id as string);
    const resend = await h.api('POST', `/v1/messages/${msg.id}/resend`);
    assert.equal(resend.status, 202);
    await receiver.waitFor(2);
    const attempts = await eventually(async () => {
      const list = await attemptsOf(msg.id);
      return list.length === 2 ? list : null;
    });
    assert.deepEqual(attempts.map((a) => a.trigger).sort(), ['manual', 'scheduled']);
  });
});
