// Messages, attempts, resend, recover and stats. Attempts are recorded through the store's own
// delivery interface (claimDue + recordAttempts), as the dispatcher would, without a network.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { MessageStatus } from '../../src/domain/glossary.js';
import { newId } from '../../src/domain/ids.js';
import type { DeliveryJob } from '../../src/store/store.js';
import { assertError, ISO, seed, startApi, type TestApi } from './api-helpers.js';

describe('API messages and attempts', () => {
  let api: TestApi;
  let ids: Awaited<ReturnType<typeof seed>>;
  const msg: Record<'ok' | 'failed' | 'retrying', string> = { ok: '', failed: '', retrying: '' };
  let sinceIngest = '';

  function outcome(job: DeliveryJob, statusCode: number | null, status: MessageStatus, nextAttemptAt: number | null, now: number) {
    return {
      attempt: {
        id: newId('att', now),
        messageId: job.messageId,
        subscriptionId: job.subscription.id,
        subscriberId: job.subscription.subscriberId,
        eventType: job.eventType,
        statusCode,
        durationMs: 12,
        error: statusCode === null ? 'connect ECONNREFUSED' : null,
        requestHeaders: { 'webhook-id': job.messageId },
        responseHeaders: { 'content-type': 'text/plain' },
        responseBody: statusCode === 200 ? 'ok' : 'nope',
        trigger: 'scheduled' as const,
        createdAt: now,
      },
      status,
      attempts: job.attempts + 1,
      retries: status === 'retrying' ? job.retries + 1 : job.retries,
      nextAttemptAt,
      health: null,
    };
  }

  before(async () => {
    api = await startApi();
    ids = await seed(api);
    sinceIngest = new Date(Date.now() - 1).toISOString();
    const events: string[] = [];
    for (const n of [1, 2, 3]) events.push((await api.call('POST', '/v1/events', { type: ids.eventType, data: { n } })).body.id);
    const byEvent = async (eventId: string) => (await api.call('GET', `/v1/messages?eventId=${eventId}`)).body.data[0].id as string;
    msg.ok = await byEvent(events[0] as string);
    msg.failed = await byEvent(events[1] as string);
    msg.retrying = await byEvent(events[2] as string);

    const now = Date.now();
    const jobs = await api.store.claimDue(now + 1_000, 10, 1_000);
    assert.equal(jobs.length, 3);
    const job = (id: string) => jobs.find((j) => j.messageId === id) as DeliveryJob;
    await api.store.recordAttempts([
      outcome(job(msg.ok), 200, 'succeeded', null, now),
      outcome(job(msg.failed), 500, 'failed', null, now + 1),
      outcome(job(msg.retrying), null, 'retrying', now + 3_600_000, now + 2),
    ]);
  });
  after(() => api.close());

  test('get a message', async () => {
    const res = await api.call('GET', `/v1/messages/${msg.failed}`);
    assert.equal(res.status, 200);
    const m = res.body;
    assert.equal(m.id, msg.failed);
    assert.match(m.eventId, /^evt_/);
    assert.equal(m.eventType, ids.eventType);
    assert.equal(m.subscriberId, ids.subscriberId);
    assert.equal(m.subscriptionId, ids.subscriptionId);
    assert.equal(m.url, 'https://receiver.example.com/hooks');
    assert.equal(m.status, 'failed');
    assert.equal(m.attempts, 1);
    assert.equal(m.nextAttemptAt, null);
    assert.equal(m.lastStatusCode, 500);
    assert.equal(m.lastError, null);
    assert.match(m.createdAt, ISO);
    assert.match(m.updatedAt, ISO);
    const retrying = (await api.call('GET', `/v1/messages/${msg.retrying}`)).body;
    assert.equal(retrying.status, 'retrying');
    assert.match(retrying.nextAttemptAt, ISO);
    assert.equal(retrying.lastStatusCode, null);
    assert.equal(retrying.lastError, 'connect ECONNREFUSED');
  });

  test('filter messages', async () => {
    const idsOf = async (query: string) => (await api.call('GET', `/v1/messages?${query}`)).body.data.map((m: { id: string }) => m.id);
    assert.deepEqual(await idsOf('status=succeeded'), [msg.ok]);
    assert.deepEqual(await idsOf('status=failed'), [msg.failed]);
    assert.deepEqual(await idsOf('status=retrying'), [msg.retrying]);
    assert.deepEqual(await idsOf('status=pending'), []);
    assert.deepEqual(await idsOf(`subscriptionId=${ids.subscriptionId}`), [msg.retrying, msg.failed, msg.ok]);
    assert.deepEqual(await idsOf(`subscriberId=${ids.subscriberId}&eventType=${ids.eventType}`), [msg.retrying, msg.failed, msg.ok]);
    assert.deepEqual(await idsOf('eventType=other.type'), []);
    assert.deepEqual(await idsOf(`since=${encodeURIComponent(sinceIngest)}&limit=2`), [msg.retrying, msg.failed]);
    assert.deepEqual(await idsOf('until=2001-01-01T00:00:00.000Z'), []);
    const first = await api.call('GET', '/v1/messages?limit=2');
    const second = await api.call('GET', `/v1/messages?limit=2&cursor=${first.body.nextCursor}`);
    assert.deepEqual(
      [...first.body.data, ...second.body.data].map((m: { id: string }) => m.id),
      [msg.retrying, msg.failed, msg.ok],
    );
    assert.equal(second.body.nextCursor, null);
  });

  test('attempts of a message and the attempt log', async () => {
    const list = await api.call('GET', `/v1/messages/${msg.failed}/attempts`);
    assert.equal(list.status, 200);
    assert.equal(list.body.data.length, 1);
    const a = list.body.data[0];
    assert.match(a.id, /^att_/);
    assert.equal(a.messageId, msg.failed);
    assert.equal(a.subscriptionId, ids.subscriptionId);
    assert.equal(a.statusCode, 500);
    assert.equal(a.durationMs, 12);
    assert.equal(a.error, null);
    assert.deepEqual(a.requestHeaders, { 'webhook-id': msg.failed });
    assert.deepEqual(a.responseHeaders, { 'content-type': 'text/plain' });
    assert.equal(a.responseBody, 'nope');
    assert.equal(a.trigger, 'scheduled');
    assert.match(a.createdAt, ISO);
    assert.deepEqual((await api.call('GET', `/v1/attempts/${a.id}`)).body, a);

    const idsOf = async (query: string) =>
      (await api.call('GET', `/v1/attempts?${query}`)).body.data.map((x: { messageId: string }) => x.messageId);
    assert.deepEqual(await idsOf('statusCode=500'), [msg.failed]);
    assert.deepEqual(await idsOf('statusCode=200'), [msg.ok]);
    assert.deepEqual(await idsOf('status=retrying'), [msg.retrying]);
    assert.deepEqual(await idsOf(`messageId=${msg.ok}`), [msg.ok]);
    assert.deepEqual(await idsOf(`subscriptionId=${ids.subscriptionId}&eventType=${ids.eventType}`), [msg.retrying, msg.failed, msg.ok]);
    assert.deepEqual(await idsOf(`subscriberId=${ids.subscriberId}&limit=1`), [msg.retrying]);
    assert.deepEqual(await idsOf('until=2001-01-01T00:00:00.000Z'), []);
    const page1 = await api.call('GET', '/v1/attempts?limit=2');
    assert.equal(page1.body.data.length, 2);
    const page2 = await api.call('GET', `/v1/attempts?limit=2&cursor=${page1.body.nextCursor}`);
    assert.equal(page2.body.data.length, 1);
    assert.equal(page2.body.nextCursor, null);
  });

  test('stats', async () => {
    const res = await api.call('GET', `/v1/subscriptions/${ids.subscriptionId}/stats`);
    assert.equal(res.status, 200, res.text);
    const s = res.body;
    assert.equal(s.subscriptionId, ids.subscriptionId);
    assert.match(s.since, ISO);
    assert.deepEqual(s.messages, { pending: 0, succeeded: 1, retrying: 1, failed: 1 });
    assert.equal(s.attempts, 3);
    assert.equal(s.attemptsSucceeded, 1);
    assert.equal(s.attemptsFailed, 2);
    assert.match(s.lastSuccessAt, ISO);
    assert.match(s.lastFailureAt, ISO);
    assert.equal(s.averageDurationMs, 12);
    const future = await api.call('GET', `/v1/subscriptions/${ids.subscriptionId}/stats?since=2999-01-01T00:00:00Z`);
    assert.equal(future.body.attempts, 0);
    assert.equal(future.body.since, '2999-01-01T00:00:00.000Z');
  });

  test('recover queues failed messages again; resend one message', async () => {
    const none = await api.call('POST', `/v1/subscriptions/${ids.subscriptionId}/recover`, { since: '2999-01-01T00:00:00Z' });
    assert.equal(none.status, 202);
    assert.deepEqual(none.body, { messages: 0, inFlight: 0 });
    const recovered = await api.call('POST', `/v1/subscriptions/${ids.subscriptionId}/recover`, { since: sinceIngest });
    assert.equal(recovered.status, 202);
    assert.deepEqual(recovered.body, { messages: 1, inFlight: 0 }, 'failed ones only, by default');
    assert.equal((await api.call('GET', `/v1/messages/${msg.failed}`)).body.status, 'pending');
    assert.equal((await api.call('GET', `/v1/messages/${msg.retrying}`)).body.status, 'retrying');
    const retrying = await api.call('POST', `/v1/subscriptions/${ids.subscriptionId}/recover`, {
      since: sinceIngest,
      status: ['retrying'],
    });
    assert.deepEqual(retrying.body, { messages: 1, inFlight: 0 });
    assert.equal((await api.call('GET', `/v1/messages/${msg.retrying}`)).body.status, 'pending');

    const resent = await api.call('POST', `/v1/messages/${msg.ok}/resend`);
    assert.equal(resent.status, 202);
    assert.equal(resent.body.id, msg.ok);
    assert.equal(resent.body.status, 'pending');
    assert.match(resent.body.nextAttemptAt, ISO);
    const jobs = await api.store.claimDue(Date.now() + 1_000, 10, 1_000);
    assert.ok(jobs.some((j) => j.messageId === msg.ok && j.manual));
    // A resend with a JSON content type and no body is fine too.
    const again = await api.raw({
      method: 'POST',
      url: `/v1/messages/${msg.ok}/resend`,
      headers: { authorization: `Bearer ${'test-admin-key-0123456789'}`, 'content-type': 'application/json' },
    });
    assert.equal(again.status, 202);
  });

  test('delete a message and its attempts', async () => {
    assert.equal((await api.call('DELETE', `/v1/messages/${msg.retrying}`)).status, 204);
    assertError(await api.call('GET', `/v1/messages/${msg.retrying}`), 404, 'not_found');
    assertError(await api.call('GET', `/v1/messages/${msg.retrying}/attempts`), 404, 'not_found');
    assert.deepEqual((await api.call('GET', `/v1/attempts?messageId=${msg.retrying}`)).body.data, []);
    assertError(await api.call('DELETE', `/v1/messages/${msg.retrying}`), 404, 'not_found');
  });

  test('bad input', async () => {
    const ghost = 'msg_01ARZ3NDEKTSV4RRFFQ69G5FAV';
    assertError(await api.call('GET', `/v1/messages/${ghost}`), 404, 'not_found');
    assertError(await api.call('GET', '/v1/messages/nope'), 404, 'not_found');
    assertError(await api.call('POST', `/v1/messages/${ghost}/resend`), 404, 'not_found');
    assertError(await api.call('DELETE', `/v1/messages/${ghost}`), 404, 'not_found');
    assertError(await api.call('GET', `/v1/messages/${ghost}/attempts`), 404, 'not_found');
    assertError(await api.call('GET', '/v1/attempts/att_01ARZ3NDEKTSV4RRFFQ69G5FAV'), 404, 'not_found');
    assertError(await api.call('GET', '/v1/attempts/x'), 404, 'not_found');
    assertError(await api.call('GET', '/v1/messages?status=done'), 400, 'validation_failed');
    assertError(await api.call('GET', '/v1/messages?status=1'), 400, 'validation_failed');
    assertError(await api.call('GET', '/v1/messages?since=2024-13-45'), 400, 'validation_failed');
    assertError(await api.call('GET', '/v1/messages?until=soon'), 400, 'validation_failed');
    assertError(await api.call('GET', '/v1/messages?limit=100000'), 400, 'validation_failed');
    assertError(await api.call('GET', '/v1/messages?subscriber_id=x'), 400, 'validation_failed');
    assertError(await api.call('GET', '/v1/attempts?statusCode=abc'), 400, 'validation_failed');
    assertError(await api.call('GET', '/v1/attempts?statusCode=99'), 400, 'validation_failed');
    assertError(await api.call('GET', '/v1/attempts?statusCode=600'), 400, 'validation_failed');
    assertError(await api.call('GET', '/v1/attempts?status=nope'), 400, 'validation_failed');
  });
});
