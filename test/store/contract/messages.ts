// Store contract: messages (MessageStore), i.e. listing, deleting, resend and recover, and the
// offset-paged queries (queryMessages, with queryAttempts and countSubscribers).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { HeraldEvent, Subscription } from '../../../src/domain/glossary.js';
import { newId } from '../../../src/domain/ids.js';
import type { RecoverableStatus } from '../../../src/domain/recovery.js';
import type { Store } from '../../../src/store/store.js';
import { allPages, type ContractContext, desc, ids, MARGIN, T0 } from './context.js';

export function messageContract(ctx: ContractContext): void {
  const { tick, outcome, addTypes, addSubscriber, addSubscription, send, world, claimOne, settle } = ctx;
  /** recoverMessages as the API calls it by default: failed messages only. */
  const recover = (subscriptionId: string, since: number, now: number, statuses: readonly RecoverableStatus[] = ['failed']) =>
    ctx.store.recoverMessages(subscriptionId, { since, statuses }, now);

  describe('messages', () => {
    it('filters by subscriber, subscription, event, event type, status, since and until', async () => {
      await addTypes('order.created', 'invoice.paid');
      const a = await addSubscriber();
      const b = await addSubscriber();
      const subA = await addSubscription(a.id);
      const subB = await addSubscription(b.id, { eventTypes: ['order.*'] });
      const e1 = await send('order.created', { createdAt: T0 + 1_000_000 }); // → A, B
      const e2 = await send('invoice.paid', { createdAt: T0 + 2_000_000 }); // → A
      const e3 = await send('order.created', { createdAt: T0 + 3_000_000 }); // → A, B
      const all = (await ctx.store.listMessages({ limit: 100 })).data;
      assert.equal(all.length, 5);
      assert.deepEqual(ids(all), desc(ids(all)), 'newest first');
      const msgOf = (event: HeraldEvent, sub: Subscription) => {
        const m = all.find((x) => x.eventId === event.id && x.subscriptionId === sub.id);
        assert.ok(m);
        return m.id;
      };
      const q = async (f: Omit<Parameters<Store['listMessages']>[0], 'limit'>) =>
        ids((await ctx.store.listMessages({ limit: 100, ...f })).data).sort();
      const sorted = (xs: string[]) => [...xs].sort();

      assert.deepEqual(await q({ subscriberId: b.id }), sorted([msgOf(e1.event, subB), msgOf(e3.event, subB)]));
      assert.deepEqual(await q({ subscriptionId: subA.id }), sorted([msgOf(e1.event, subA), msgOf(e2.event, subA), msgOf(e3.event, subA)]));
      assert.deepEqual(await q({ eventId: e3.event.id }), sorted([msgOf(e3.event, subA), msgOf(e3.event, subB)]));
      assert.deepEqual(await q({ eventType: 'invoice.paid' }), [msgOf(e2.event, subA)]);
      assert.deepEqual(
        await q({ since: e2.event.createdAt }),
        sorted([msgOf(e2.event, subA), msgOf(e3.event, subA), msgOf(e3.event, subB)]),
      );
      assert.deepEqual(await q({ until: e2.event.createdAt }), sorted([msgOf(e1.event, subA), msgOf(e1.event, subB)]));
      assert.deepEqual(await q({ since: e2.event.createdAt, until: e3.event.createdAt }), [msgOf(e2.event, subA)]);
      assert.deepEqual(await q({ subscriberId: a.id, eventType: 'order.created' }), sorted([msgOf(e1.event, subA), msgOf(e3.event, subA)]));

      await settle(msgOf(e1.event, subA), 'succeeded');
      await settle(msgOf(e2.event, subA), 'failed');
      await settle(msgOf(e3.event, subB), 'retrying');
      assert.deepEqual(await q({ status: 'succeeded' }), [msgOf(e1.event, subA)]);
      assert.deepEqual(await q({ status: 'failed' }), [msgOf(e2.event, subA)]);
      assert.deepEqual(await q({ status: 'retrying' }), [msgOf(e3.event, subB)]);
      assert.deepEqual(await q({ status: 'pending' }), sorted([msgOf(e1.event, subB), msgOf(e3.event, subA)]));
      assert.deepEqual(await q({ status: 'pending', subscriberId: a.id }), [msgOf(e3.event, subA)]);
    });

    it('paginates newest first', async () => {
      await world();
      for (let i = 0; i < 5; i++) await send('order.created');
      const pages = await allPages((cursor) => ctx.store.listMessages({ limit: 2, cursor }));
      assert.deepEqual(
        pages.map((p) => p.length),
        [2, 2, 1],
      );
      const flat = ids(pages.flat());
      assert.equal(new Set(flat).size, 5);
      assert.deepEqual(flat, desc(flat));
    });

    it('deletes a message with its attempts; false for an unknown id; null from get', async () => {
      await world();
      const { messageIds } = await send('order.created');
      const [id] = messageIds;
      assert.ok(id);
      const o = await settle(id, 'retrying');
      assert.equal(await ctx.store.deleteMessage(id), true);
      assert.equal(await ctx.store.getMessage(id), null);
      assert.equal(await ctx.store.getAttempt(o.attempt.id), null);
      assert.equal(await ctx.store.deleteMessage(id), false);
      assert.equal(await ctx.store.getMessage(newId('msg')), null);
      assert.equal((await ctx.store.claimDue(tick(1e9), 10, MARGIN)).length, 0);
    });
  });

  describe('resend and recover', () => {
    it('resend queues an immediate manual attempt with a fresh retry budget', async () => {
      await world();
      const id = (await send('order.created')).messageIds[0];
      assert.ok(id);
      await settle(id, 'failed', { attempts: 7, retries: 6 });
      const now = tick();
      const m = await ctx.store.resendMessage(id, now);
      assert.ok(m);
      assert.equal(m.id, id);
      assert.equal(m.status, 'pending');
      assert.equal(m.retries, 0);
      assert.equal(m.attempts, 7, 'attempts made so far are kept');
      assert.equal(m.nextAttemptAt, now);
      assert.deepEqual(await ctx.store.getMessage(id), m);
      const job = await claimOne(now, id);
      assert.equal(job.manual, true);
      assert.equal(job.retries, 0);
      assert.equal(await ctx.store.resendMessage(newId('msg'), now), null);
    });

    it('recordAttempts clears the manual flag', async () => {
      await world();
      const id = (await send('order.created')).messageIds[0];
      assert.ok(id);
      await settle(id, 'failed');
      await ctx.store.resendMessage(id, tick());
      const job = await claimOne(ctx.clock, id);
      assert.equal(job.manual, true);
      const retryAt = tick(1_000);
      await ctx.store.recordAttempts([outcome(job, { statusCode: 500, status: 'retrying', retries: 1, nextAttemptAt: retryAt })]);
      const next = await claimOne(retryAt, id);
      assert.equal(next.manual, false, 'the retry after a manual attempt is scheduled again');
    });

    it("recover resends the subscription's failed messages created since a date", async () => {
      await addTypes('order.created');
      const s = await addSubscriber();
      const sub = await addSubscription(s.id);
      const other = await addSubscription(s.id);
      const old = await send('order.created', { createdAt: T0 + 1_000_000 });
      const recent = await send('order.created', { createdAt: T0 + 2_000_000 });
      const recent2 = await send('order.created', { createdAt: T0 + 3_000_000 });
      const of = async (e: { event: HeraldEvent }, subId: string) => {
        const m = (await ctx.store.listMessages({ limit: 10, eventId: e.event.id, subscriptionId: subId })).data[0];
        assert.ok(m);
        return m.id;
      };
      ctx.clock = Math.max(ctx.clock, T0 + 4_000_000);
      await settle(await of(old, sub.id), 'failed');
      await settle(await of(recent, sub.id), 'failed');
      await settle(await of(recent2, sub.id), 'succeeded');
      await settle(await of(recent, other.id), 'failed');
      await settle(await of(recent2, other.id), 'failed');
      await settle(await of(old, other.id), 'succeeded');

      const now = tick();
      assert.deepEqual(await recover(sub.id, T0 + 2_000_000, now), { recovered: 1, inFlight: 0 });
      const recovered = await ctx.store.getMessage(await of(recent, sub.id));
      assert.equal(recovered?.status, 'pending');
      assert.equal(recovered?.nextAttemptAt, now);
      assert.equal(recovered?.retries, 0);
      assert.equal((await ctx.store.getMessage(await of(old, sub.id)))?.status, 'failed');
      assert.equal((await ctx.store.getMessage(await of(recent2, sub.id)))?.status, 'succeeded');
      assert.equal((await ctx.store.getMessage(await of(recent, other.id)))?.status, 'failed');
      const jobs = await ctx.store.claimDue(now, 10, MARGIN);
      assert.deepEqual(
        jobs.map((j) => [j.messageId, j.manual]),
        [[await of(recent, sub.id), true]],
      );
      assert.deepEqual(await recover(sub.id, T0, tick()), { recovered: 1, inFlight: 0 }, 'only the old one is still failed');
      assert.deepEqual(await recover(newId('sub'), T0, tick()), { recovered: 0, inFlight: 0 });
    });

    it('recover takes retrying messages on request, and leaves one whose attempt is in flight to it', async () => {
      const { subscription: sub } = await world();
      const sent: string[] = [];
      for (let i = 0; i < 5; i++) sent.push((await send('order.created')).messageIds[0] as string);
      const [failed, waiting, busy, done, fresh] = sent as [string, string, string, string, string];
      await settle(failed, 'failed');
      await settle(waiting, 'retrying', { retries: 2, nextAttemptAt: T0 + 10_000_000 });
      await settle(busy, 'retrying', { retries: 3, nextAttemptAt: tick() });
      await settle(done, 'succeeded');
      const claimedAt = tick();
      const busyJob = await claimOne(claimedAt, busy); // in flight: leased until claimedAt + timeout + margin (fresh is claimed too)
      const leaseEnds = (await ctx.store.getMessage(busy))?.nextAttemptAt;
      assert.ok(leaseEnds && leaseEnds > claimedAt);

      const now = tick();
      assert.deepEqual(await recover(sub.id, T0, now, ['retrying']), { recovered: 1, inFlight: 1 });
      const recovered = await ctx.store.getMessage(waiting);
      assert.equal(recovered?.status, 'pending');
      assert.equal(recovered?.retries, 0, 'a fresh retry budget, as resend gives');
      assert.equal(recovered?.nextAttemptAt, now, 'due now, not at its backoff');
      const inFlight = await ctx.store.getMessage(busy);
      assert.equal(inFlight?.status, 'retrying', 'the message in flight is left to its attempt');
      assert.equal(inFlight?.nextAttemptAt, leaseEnds, 'its lease holds');
      assert.equal((await ctx.store.getMessage(failed))?.status, 'failed', 'failed ones only when asked for');
      assert.equal((await ctx.store.getMessage(done))?.status, 'succeeded');
      const jobs = await ctx.store.claimDue(now, 10, MARGIN);
      assert.deepEqual(
        jobs.map((j) => [j.messageId, j.manual, j.retries]),
        [[waiting, true, 0]],
        'the recovered message is claimable now, as a manual attempt; the one in flight is not handed out twice',
      );

      // The attempt in flight fails: its message goes back to retrying, and a later recover takes it.
      await ctx.store.recordAttempts([
        outcome(busyJob, { statusCode: 500, status: 'retrying', retries: 4, nextAttemptAt: now + 1_000_000 }),
      ]);
      const later = tick();
      assert.deepEqual(await recover(sub.id, T0, later, ['failed', 'retrying']), { recovered: 2, inFlight: 0 });
      const again = await ctx.store.claimDue(later, 10, MARGIN);
      assert.deepEqual(
        again.map((j) => [j.messageId, j.manual, j.retries]).sort(),
        [
          [busy, true, 0],
          [failed, true, 0],
        ].sort(),
      );
      assert.equal((await ctx.store.getMessage(fresh))?.status, 'pending', 'pending messages are never recovered');
    });

    it('recover takes a retrying message whose lease expired: nothing is in flight any more', async () => {
      const { subscription: sub } = await world();
      const id = (await send('order.created')).messageIds[0] as string;
      await settle(id, 'retrying', { retries: 1, nextAttemptAt: tick() });
      await claimOne(ctx.clock, id);
      const leaseEnds = (await ctx.store.getMessage(id))?.nextAttemptAt as number;
      assert.deepEqual(await recover(sub.id, T0, leaseEnds - 1, ['retrying']), { recovered: 0, inFlight: 1 });
      ctx.clock = leaseEnds + 1;
      assert.deepEqual(await recover(sub.id, T0, ctx.clock, ['retrying']), { recovered: 1, inFlight: 0 });
      const m = await ctx.store.getMessage(id);
      assert.equal(m?.status, 'pending');
      assert.equal(m?.nextAttemptAt, ctx.clock);
      const job = await claimOne(ctx.clock, id);
      assert.equal(job.manual, true);
      assert.equal(job.retries, 0);
      assert.deepEqual(await recover(sub.id, T0, tick(), ['retrying']), { recovered: 0, inFlight: 0 }, 'it is pending now');
    });
  });

  describe('resendMessages (bulk resend of a filtered page)', () => {
    it('resends the page listMessages answers, across subscriptions, and continues by cursor', async () => {
      await addTypes('order.created', 'invoice.paid');
      const a = await addSubscriber();
      const b = await addSubscriber();
      const subA = await addSubscription(a.id);
      const subA2 = await addSubscription(a.id, { eventTypes: ['order.*'] });
      const subB = await addSubscription(b.id);
      for (let i = 0; i < 3; i++) await send('order.created'); // → A, A2, B each
      await send('invoice.paid'); // → A, B
      const all = (await ctx.store.listMessages({ limit: 100 })).data;
      assert.equal(all.length, 11);
      const failedOf = (sub: string) => all.filter((m) => m.subscriptionId === sub && m.eventType === 'order.created');
      for (const m of [...failedOf(subA.id), ...failedOf(subA2.id)]) await settle(m.id, 'failed');
      for (const m of failedOf(subB.id)) await settle(m.id, 'failed');
      const invoiceA = all.find((m) => m.subscriptionId === subA.id && m.eventType === 'invoice.paid');
      assert.ok(invoiceA);
      for (const m of all.filter((x) => x.eventType === 'invoice.paid')) await settle(m.id, 'succeeded');

      // Subscriber a's failed messages, two per call: the same pages listMessages gives.
      const filter = { subscriberId: a.id, status: 'failed' as const };
      const expected = (await ctx.store.listMessages({ limit: 100, ...filter })).data.map((m) => m.id);
      assert.equal(expected.length, 6);
      const firstPage = await ctx.store.listMessages({ limit: 2, ...filter });
      const now = tick();
      const first = await ctx.store.resendMessages({ limit: 2, ...filter }, now);
      assert.deepEqual(first, { resent: 2, inFlight: 0, nextCursor: firstPage.nextCursor });
      for (const m of firstPage.data) {
        const after = await ctx.store.getMessage(m.id);
        assert.equal(after?.status, 'pending');
        assert.equal(after?.retries, 0);
        assert.equal(after?.nextAttemptAt, now);
      }
      let cursor = first.nextCursor;
      let resent = first.resent;
      for (let calls = 0; cursor !== null && calls < 10; calls++) {
        const r = await ctx.store.resendMessages({ limit: 2, cursor, ...filter }, tick());
        resent += r.resent;
        cursor = r.nextCursor;
      }
      assert.equal(resent, 6);
      assert.equal(cursor, null);
      for (const id of expected) assert.equal((await ctx.store.getMessage(id))?.status, 'pending', id);
      for (const m of failedOf(subB.id)) assert.equal((await ctx.store.getMessage(m.id))?.status, 'failed', "b's are not touched");
      assert.equal((await ctx.store.getMessage(invoiceA.id))?.status, 'succeeded', 'not failed: not in the filter');

      // They are claimable at once, as manual attempts, each for its own subscription.
      const jobs = await ctx.store.claimDue(tick(), 100, MARGIN);
      assert.deepEqual(jobs.map((j) => j.messageId).sort(), [...expected].sort());
      assert.ok(jobs.every((j) => j.manual && j.retries === 0));
      assert.deepEqual(new Set(jobs.map((j) => j.subscription.id)), new Set([subA.id, subA2.id]));

      // Nothing matches any more: nothing changes.
      assert.deepEqual(await ctx.store.resendMessages({ limit: 10, ...filter }, tick()), { resent: 0, inFlight: 0, nextCursor: null });
    });

    it('leaves a message whose attempt is in flight to it, and takes it once its lease expired', async () => {
      const { subscription: sub } = await world();
      const sent: string[] = [];
      for (let i = 0; i < 3; i++) sent.push((await send('order.created')).messageIds[0] as string);
      const [failed, busy, done] = sent as [string, string, string];
      await settle(failed, 'failed');
      await settle(busy, 'retrying', { retries: 3, nextAttemptAt: tick() });
      await settle(done, 'succeeded');
      const claimedAt = tick();
      await claimOne(claimedAt, busy);
      const leaseEnds = (await ctx.store.getMessage(busy))?.nextAttemptAt as number;
      assert.ok(leaseEnds > claimedAt);

      const now = tick();
      assert.deepEqual(await ctx.store.resendMessages({ limit: 10, subscriptionId: sub.id }, now), {
        resent: 2,
        inFlight: 1,
        nextCursor: null,
      });
      const left = await ctx.store.getMessage(busy);
      assert.equal(left?.status, 'retrying', 'the message in flight is left to its attempt');
      assert.equal(left?.nextAttemptAt, leaseEnds, 'its lease holds');
      assert.equal((await ctx.store.getMessage(done))?.status, 'pending', 'with no status filter a succeeded message is sent again too');
      const jobs = await ctx.store.claimDue(now, 10, MARGIN);
      assert.deepEqual(jobs.map((j) => j.messageId).sort(), [failed, done].sort(), 'the one in flight is not handed out twice');

      ctx.clock = leaseEnds + 1;
      assert.deepEqual(await ctx.store.resendMessages({ limit: 10, status: 'retrying' }, ctx.clock), {
        resent: 1,
        inFlight: 0,
        nextCursor: null,
      });
      assert.equal((await ctx.store.getMessage(busy))?.status, 'pending');
      assert.deepEqual(await ctx.store.resendMessages({ limit: 10, subscriberId: newId('sbr') }, tick()), {
        resent: 0,
        inFlight: 0,
        nextCursor: null,
      });
    });
  });

  describe('queryMessages, queryAttempts and countSubscribers (offset pages)', () => {
    it('filters, orders (ties by id), pages by offset and counts the total', async () => {
      await addTypes('order.created', 'invoice.paid');
      const a = await addSubscriber();
      const b = await addSubscriber();
      const subA = await addSubscription(a.id, { url: 'https://a.example/hook' });
      const subB = await addSubscription(b.id, { eventTypes: ['invoice.*'] });
      const e1 = await send('order.created'); // → A
      const e2 = await send('invoice.paid'); // → A, B
      const e3 = await send('order.created'); // → A
      const mA = async (e: { event: HeraldEvent }, sub: Subscription) => {
        const x = (await ctx.store.listMessages({ limit: 10, eventId: e.event.id, subscriptionId: sub.id })).data[0];
        assert.ok(x);
        return x.id;
      };
      const m1 = await mA(e1, subA);
      const m2 = await mA(e2, subA);
      const m3 = await mA(e3, subA);
      const mb = await mA(e2, subB);
      await settle(m1, 'retrying', { statusCode: 500, retries: 2 });
      await settle(m1, 'failed', { statusCode: 404, retries: 3, attempts: 2 });
      await settle(m2, 'succeeded', { statusCode: 200 });
      await settle(mb, 'retrying', { statusCode: null, error: 'ECONNRESET', retries: 1 });
      const q = (over: Partial<Parameters<Store['queryMessages']>[0]> = {}) =>
        ctx.store.queryMessages({ orderBy: [], offset: 0, limit: 100, ...over });

      const all = await q();
      assert.equal(all.total, 4);
      assert.deepEqual(ids(all.data), [m1, m2, mb, m3].sort(), 'default order: id ascending');
      const seqs = new Map(all.data.map((m) => [m.id, m.seq]));
      assert.ok([m1, m2, m3].every((id) => Number.isInteger(seqs.get(id)) && (seqs.get(id) as number) > 0));
      assert.ok((seqs.get(m1) as number) < (seqs.get(m3) as number), 'seq grows with insertion');
      assert.equal((await q({ ids: [m3] })).data[0]?.seq, seqs.get(m3), 'seq is stable');

      assert.deepEqual(ids((await q({ subscriberId: a.id })).data), [m1, m2, m3].sort());
      assert.deepEqual(ids((await q({ status: 'failed' })).data), [m1]);
      assert.deepEqual(ids((await q({ retries: 1 })).data), [mb]);
      assert.deepEqual(ids((await q({ lastStatusCode: 404 })).data), [m1]);
      assert.deepEqual(ids((await q({ url: 'https://a.example/hook', eventType: 'order.created' })).data), [m1, m3].sort());
      assert.deepEqual(ids((await q({ ids: [m2, mb, 'msg_unknown'] })).data), [m2, mb].sort());
      assert.equal((await q({ ids: [] })).total, 0);

      const byRetries = await q({ orderBy: [{ field: 'retries', desc: true }] });
      assert.deepEqual(ids(byRetries.data), [m1, mb, ...[m2, m3].sort()], 'retries 3, 1, then the 0s by id');
      const byCode = await q({ orderBy: [{ field: 'lastStatusCode', desc: false }] });
      assert.deepEqual(ids(byCode.data), [...[mb, m3].sort(), m2, m1], 'null first ascending');
      const bySeqDesc = await q({ orderBy: [{ field: 'seq', desc: true }] });
      assert.equal(bySeqDesc.data[0]?.id, m3);

      const page2 = await q({ orderBy: [{ field: 'id', desc: false }], offset: 1, limit: 2 });
      assert.equal(page2.total, 4, 'total ignores offset and limit');
      assert.deepEqual(ids(page2.data), [m1, m2, mb, m3].sort().slice(1, 3));
      assert.deepEqual((await q({ offset: 10 })).data, []);
      assert.equal((await q({ limit: 0 })).total, 4);

      const qa = (over: Partial<Parameters<Store['queryAttempts']>[0]> = {}) =>
        ctx.store.queryAttempts({ orderBy: [], offset: 0, limit: 100, ...over });
      const attempts = await qa({ messageId: m1 });
      assert.equal(attempts.total, 2);
      assert.deepEqual(
        attempts.data.map((x) => [x.statusCode, x.attemptNumber]),
        [
          [500, 1],
          [404, 2],
        ],
      );
      assert.equal((await qa()).total, 4);
      assert.deepEqual(
        (await qa({ statusCode: 404 })).data.map((x) => x.messageId),
        [m1],
      );
      assert.deepEqual(
        (await qa({ messageStatus: 'retrying' })).data.map((x) => x.messageId),
        [mb],
      );
      assert.equal((await qa({ subscriberId: b.id })).total, 1);
      assert.equal((await qa({ messageRetries: 3 })).total, 2);
      const byNumber = await qa({ orderBy: [{ field: 'attemptNumber', desc: true }], limit: 1 });
      assert.equal(byNumber.data[0]?.attemptNumber, 2);
      assert.equal(byNumber.total, 4);
      const first = attempts.data[0];
      assert.ok(first);
      assert.equal((await qa({ id: first.id })).data[0]?.attemptNumber, 1);

      assert.equal(await ctx.store.countSubscribers(), 2);
      const [older, newer] = [a.id, b.id].sort();
      assert.equal(await ctx.store.countSubscribers(older), 1);
      assert.equal(await ctx.store.countSubscribers(newer), 2);
    });
  });
}
