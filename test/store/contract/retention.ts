// Store contract: retention (RetentionStore).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { type ContractContext, T0 } from './context.js';

export function retentionContract(ctx: ContractContext): void {
  const { tick, addSubscriber, addSubscription, send, world, settle } = ctx;

  describe('purgeSettledEvents', () => {
    it('deletes settled events created before the bound with their messages and attempts, and keeps the rest', async () => {
      const { subscriber } = await world();
      await addSubscription(subscriber.id); // two messages per event
      const lonely = await addSubscriber(); // no subscriptions
      const DAY = 86_400_000;
      const old = (at: number) => send('order.created', { createdAt: T0 + at });
      const done = await old(1_000); // every message settled: goes
      for (const id of done.messageIds) await settle(id, 'succeeded');
      const failed = await old(2_000); // failed and succeeded: goes
      await settle(failed.messageIds[0] as string, 'failed');
      await settle(failed.messageIds[1] as string, 'succeeded');
      const unmatched = await send('order.created', { createdAt: T0 + 3_000, subscriberId: lonely.id }); // no messages: goes
      assert.deepEqual(unmatched.messageIds, []);
      const retrying = await old(4_000); // one message still retrying: kept whole
      await settle(retrying.messageIds[0] as string, 'succeeded');
      await settle(retrying.messageIds[1] as string, 'retrying');
      const pending = await old(5_000); // never attempted: kept
      ctx.clock = Math.max(ctx.clock, T0 + 10 * DAY);
      const recent = await send('order.created', { createdAt: T0 + 10 * DAY }); // after the bound: kept
      for (const id of recent.messageIds) await settle(id, 'succeeded');
      const attemptsBefore = (await ctx.store.listAttempts({ limit: 1000 })).data;

      const before = T0 + 9 * DAY;
      assert.deepEqual(await ctx.store.purgeSettledEvents(before, 100), { events: 3, messages: 4 });
      for (const gone of [done, failed, unmatched]) {
        assert.equal(await ctx.store.getEvent(gone.event.id), null);
        for (const id of gone.messageIds) {
          assert.equal(await ctx.store.getMessage(id), null);
          assert.deepEqual((await ctx.store.listAttempts({ limit: 10, messageId: id })).data, [], 'attempts go with their message');
        }
      }
      for (const kept of [retrying, pending, recent]) {
        assert.ok(await ctx.store.getEvent(kept.event.id));
        for (const id of kept.messageIds) assert.ok(await ctx.store.getMessage(id));
      }
      const attemptsAfter = (await ctx.store.listAttempts({ limit: 1000 })).data;
      assert.equal(attemptsBefore.length - attemptsAfter.length, 4);
      assert.deepEqual(await ctx.store.purgeSettledEvents(before, 100), { events: 0, messages: 0 }, 'nothing more to delete');

      // Once the retrying message settles, its event goes too.
      await settle(retrying.messageIds[1] as string, 'failed');
      assert.deepEqual(await ctx.store.purgeSettledEvents(before, 100), { events: 1, messages: 2 });
      assert.equal(await ctx.store.getEvent(retrying.event.id), null);
      assert.ok(await ctx.store.getEvent(pending.event.id));
    });

    it('deletes oldest first, at most `limit` events per call', async () => {
      await world();
      const sent = [];
      for (let i = 0; i < 5; i++) sent.push(await send('order.created'));
      for (const e of sent) for (const id of e.messageIds) await settle(id, 'succeeded');
      const before = tick();
      assert.deepEqual(await ctx.store.purgeSettledEvents(before, 2), { events: 2, messages: 2 });
      assert.equal(await ctx.store.getEvent(sent[0]!.event.id), null);
      assert.equal(await ctx.store.getEvent(sent[1]!.event.id), null);
      assert.ok(await ctx.store.getEvent(sent[2]!.event.id));
      assert.deepEqual(await ctx.store.purgeSettledEvents(before, 2), { events: 2, messages: 2 });
      assert.deepEqual(await ctx.store.purgeSettledEvents(before, 2), { events: 1, messages: 1 });
      assert.deepEqual(await ctx.store.purgeSettledEvents(before, 2), { events: 0, messages: 0 });
    });

    it('keeps an event whose message was resent after it settled', async () => {
      await world();
      const e = await send('order.created');
      const [id] = e.messageIds;
      assert.ok(id);
      await settle(id, 'failed');
      assert.ok(await ctx.store.resendMessage(id, tick()));
      assert.deepEqual(await ctx.store.purgeSettledEvents(tick(), 10), { events: 0, messages: 0 });
      assert.equal((await ctx.store.getMessage(id))?.status, 'pending');
    });
  });
}
