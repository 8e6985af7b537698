// Store contract: attempts, i.e. recording them (recordAttempts) and listing them (AttemptStore).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { HeraldEvent, Subscription } from '../../../src/domain/glossary.js';
import { newId } from '../../../src/domain/ids.js';
import type { AttemptOutcome, Store } from '../../../src/store/store.js';
import { allPages, type ContractContext, desc, ids, T0 } from './context.js';

export function attemptContract(ctx: ContractContext): void {
  const { tick, outcome, addTypes, addSubscriber, addSubscription, send, world, claimAll, claimOne, settle } = ctx;

  describe('recordAttempts', () => {
    it('records a success: the attempt is stored exactly and the message succeeded', async () => {
      await world();
      const id = (await send('order.created')).messageIds[0];
      assert.ok(id);
      const job = await claimOne(tick(), id);
      const o = outcome(job, { statusCode: 204, durationMs: 31 });
      o.attempt.responseBody = 'x'.repeat(5_000);
      o.attempt.requestHeaders = { 'webhook-id': id, 'webhook-signature': 'v1,abc', 'content-type': 'application/json' };
      await ctx.store.recordAttempts([o]);
      assert.deepEqual(await ctx.store.getAttempt(o.attempt.id), o.attempt);
      const m = await ctx.store.getMessage(id);
      assert.equal(m?.status, 'succeeded');
      assert.equal(m?.attempts, 1);
      assert.equal(m?.nextAttemptAt, null);
      assert.equal(m?.lastStatusCode, 204);
      assert.equal(m?.lastError, null);
      assert.deepEqual(ids((await ctx.store.listAttempts({ limit: 10, messageId: id })).data), [o.attempt.id]);
      assert.equal(await ctx.store.getAttempt(newId('att')), null);
    });

    it('records a network failure and schedules the retry', async () => {
      await world();
      const id = (await send('order.created')).messageIds[0];
      assert.ok(id);
      const job = await claimOne(tick(), id);
      const retryAt = tick(10_000);
      const o = outcome(job, { statusCode: null, error: 'connect ECONNREFUSED', status: 'retrying', retries: 1, nextAttemptAt: retryAt });
      await ctx.store.recordAttempts([o]);
      const m = await ctx.store.getMessage(id);
      assert.deepEqual(
        {
          status: m?.status,
          attempts: m?.attempts,
          retries: m?.retries,
          next: m?.nextAttemptAt,
          code: m?.lastStatusCode,
          error: m?.lastError,
        },
        { status: 'retrying', attempts: 1, retries: 1, next: retryAt, code: null, error: 'connect ECONNREFUSED' },
      );
      assert.deepEqual(await ctx.store.getAttempt(o.attempt.id), o.attempt);
      assert.equal(await ctx.store.nextDueAt(), retryAt);
    });

    it('records a batch, dropping outcomes whose message was deleted', async () => {
      await world();
      const keep = (await send('order.created')).messageIds[0];
      const gone = (await send('order.created')).messageIds[0];
      assert.ok(keep && gone);
      const jobs = await claimAll(tick());
      const keepJob = jobs.get(keep);
      const goneJob = jobs.get(gone);
      assert.ok(keepJob && goneJob);
      assert.equal(await ctx.store.deleteMessage(gone), true);
      const kept = outcome(keepJob, { statusCode: 200 });
      const dropped = outcome(goneJob, { statusCode: 200 });
      await ctx.store.recordAttempts([dropped, kept]);
      assert.equal(await ctx.store.getAttempt(dropped.attempt.id), null);
      assert.equal(await ctx.store.getMessage(gone), null);
      assert.deepEqual(await ctx.store.getAttempt(kept.attempt.id), kept.attempt);
      assert.equal((await ctx.store.getMessage(keep))?.status, 'succeeded');
      await ctx.store.recordAttempts([]);
    });

    it('disables the subscription on a 410 outcome', async () => {
      const { subscription } = await world();
      const id = (await send('order.created')).messageIds[0];
      assert.ok(id);
      const job = await claimOne(tick(), id);
      await ctx.store.recordAttempts([outcome(job, { statusCode: 410, status: 'failed', nextAttemptAt: null, health: 'gone' })]);
      const disabled = await ctx.store.getSubscription(subscription.id);
      assert.equal(disabled?.enabled, false);
      assert.equal(disabled?.health.status, 'disabled');
      assert.equal(disabled?.health.reason, 'endpoint_gone');
      assert.equal((await ctx.store.getMessage(id))?.status, 'failed');
      assert.equal((await send('order.created')).messageIds.length, 0, 'a disabled subscription gets no new messages');
    });

    it('keeps the last success and the last failure: when the attempt was made, 2xx or not; a held-back job changes neither', async () => {
      const { subscription } = await world();
      const first = (await send('order.created')).messageIds[0];
      const second = (await send('order.created')).messageIds[0];
      assert.ok(first && second);
      const health = async () => (await ctx.store.getSubscription(subscription.id))?.health;
      assert.deepEqual([(await health())?.lastSuccessAt, (await health())?.lastFailureAt], [null, null]);

      const failed = await settle(first, 'retrying', { statusCode: 503, durationMs: 250 });
      assert.deepEqual([(await health())?.lastSuccessAt, (await health())?.lastFailureAt], [null, failed.attempt.createdAt]);
      const timedOut = await settle(first, 'retrying', { statusCode: null, error: 'timeout' });
      assert.deepEqual([(await health())?.lastSuccessAt, (await health())?.lastFailureAt], [null, timedOut.attempt.createdAt]);
      const rejected = await settle(second, 'retrying', { statusCode: 404 });
      assert.equal((await health())?.lastFailureAt, rejected.attempt.createdAt, 'a 4xx answer is a failure too');
      const ok = await settle(first, 'succeeded', { statusCode: 201, durationMs: 900 });
      assert.deepEqual(
        [(await health())?.lastSuccessAt, (await health())?.lastFailureAt],
        [ok.attempt.createdAt, rejected.attempt.createdAt],
      );

      const before = await health();
      const job = await claimOne(tick(120_000), second);
      await ctx.store.recordAttempts([
        { deferred: true, messageId: job.messageId, subscriptionId: subscription.id, nextAttemptAt: tick(10_000) },
      ]);
      assert.deepEqual(await health(), before, 'an attempt not sent records nothing');

      const gone = await settle(second, 'failed', { statusCode: 410, health: 'gone' });
      const after = await health();
      assert.equal(after?.status, 'disabled');
      assert.deepEqual([after?.lastSuccessAt, after?.lastFailureAt], [ok.attempt.createdAt, gone.attempt.createdAt]);
    });

    it('leaves the subscription enabled after a failure that is not a 410', async () => {
      const { subscription } = await world();
      const id = (await send('order.created')).messageIds[0];
      assert.ok(id);
      await settle(id, 'failed', { statusCode: 500 });
      assert.equal((await ctx.store.getSubscription(subscription.id))?.enabled, true);
    });
  });

  describe('listAttempts', () => {
    it('filters by message, subscriber, subscription, event type, status code, message status, since and until', async () => {
      await addTypes('order.created', 'invoice.paid');
      const a = await addSubscriber();
      const b = await addSubscriber();
      const subA = await addSubscription(a.id);
      const subB = await addSubscription(b.id, { eventTypes: ['invoice.*'] });
      const e1 = await send('order.created'); // → A
      const e2 = await send('invoice.paid'); // → A, B
      const m = async (e: { event: HeraldEvent }, sub: Subscription) => {
        const x = (await ctx.store.listMessages({ limit: 10, eventId: e.event.id, subscriptionId: sub.id })).data[0];
        assert.ok(x);
        return x.id;
      };
      const mA1 = await m(e1, subA);
      const mA2 = await m(e2, subA);
      const mB2 = await m(e2, subB);
      ctx.clock = Math.max(ctx.clock, T0 + 1_000_000);
      const x1 = await settle(mA1, 'retrying', { statusCode: 500 }); // T ~ 1_000_000
      ctx.clock = T0 + 2_000_000;
      const x2 = await settle(mA1, 'succeeded', { statusCode: 200 });
      const x3 = await settle(mA2, 'failed', { statusCode: 404 });
      ctx.clock = T0 + 3_000_000;
      const x4 = await settle(mB2, 'retrying', { statusCode: null, error: 'ECONNRESET' });
      const q = async (f: Omit<Parameters<Store['listAttempts']>[0], 'limit'>) =>
        ids((await ctx.store.listAttempts({ limit: 100, ...f })).data);
      const att = (o: AttemptOutcome) => o.attempt.id;

      assert.deepEqual(await q({}), desc([att(x1), att(x2), att(x3), att(x4)]), 'newest first');
      assert.deepEqual(await q({ messageId: mA1 }), desc([att(x1), att(x2)]));
      assert.deepEqual(await q({ subscriberId: b.id }), [att(x4)]);
      assert.deepEqual(await q({ subscriptionId: subA.id }), desc([att(x1), att(x2), att(x3)]));
      assert.deepEqual(await q({ eventType: 'invoice.paid' }), desc([att(x3), att(x4)]));
      assert.deepEqual(await q({ statusCode: 404 }), [att(x3)]);
      assert.deepEqual(await q({ statusCode: 500 }), [att(x1)]);
      assert.deepEqual(await q({ status: 'succeeded' }), desc([att(x1), att(x2)]), "the message's status");
      assert.deepEqual(await q({ status: 'retrying' }), [att(x4)]);
      assert.deepEqual(await q({ status: 'failed', subscriberId: a.id }), [att(x3)]);
      assert.deepEqual(await q({ since: T0 + 2_000_000 }), desc([att(x2), att(x3), att(x4)]));
      assert.deepEqual(await q({ until: T0 + 2_000_000 }), [att(x1)]);
      assert.deepEqual(await q({ since: T0 + 2_000_000, until: T0 + 3_000_000 }), desc([att(x2), att(x3)]));

      const pages = await allPages((cursor) => ctx.store.listAttempts({ limit: 3, cursor }));
      assert.deepEqual(
        pages.map((p) => p.length),
        [3, 1],
      );
      assert.deepEqual(ids(pages.flat()), desc([att(x1), att(x2), att(x3), att(x4)]));
    });
  });
}
