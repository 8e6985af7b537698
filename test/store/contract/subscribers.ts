// Store contract: subscribers (SubscriberStore), and what deleting one deletes.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { newId } from '../../../src/domain/ids.js';
import { allPages, type ContractContext, desc, isCode } from './context.js';

export function subscriberContract(ctx: ContractContext): void {
  const { tick, subscriberData, addSubscriber, addSubscription, send, world, settle } = ctx;

  describe('subscribers', () => {
    it('creates and reads back exactly; null for an unknown id', async () => {
      const s = subscriberData({ name: 'Globex', metadata: { region: 'eu', tier: 'gold' } });
      assert.deepEqual(await ctx.store.createSubscriber(s), s);
      assert.deepEqual(await ctx.store.getSubscriber(s.id), s);
      assert.equal(await ctx.store.getSubscriber(newId('sbr')), null);
    });

    it('rejects a duplicate id with conflict, changing nothing', async () => {
      const s = await addSubscriber({ name: 'first' });
      await assert.rejects(ctx.store.createSubscriber({ ...s, name: 'second' }), isCode('conflict'));
      assert.equal((await ctx.store.getSubscriber(s.id))?.name, 'first');
    });

    it('lists newest first and paginates with the last id as cursor', async () => {
      const created: string[] = [];
      for (let i = 0; i < 5; i++) created.push((await addSubscriber({ name: `s${i}` })).id);
      const pages = await allPages((cursor) => ctx.store.listSubscribers({ limit: 2, cursor }));
      assert.deepEqual(
        pages.map((p) => p.length),
        [2, 2, 1],
      );
      assert.deepEqual(
        pages.flat().map((s) => s.id),
        desc(created),
      );
      const first = await ctx.store.listSubscribers({ limit: 2 });
      assert.equal(first.nextCursor, first.data[1]?.id);
    });

    it('updates name, enabled and metadata; null for an unknown id', async () => {
      const s = await addSubscriber();
      const now = tick();
      const u = await ctx.store.updateSubscriber(s.id, { name: 'Renamed', enabled: false, metadata: { k: 'v' } }, now);
      assert.deepEqual(u, { ...s, name: 'Renamed', enabled: false, metadata: { k: 'v' }, updatedAt: now });
      assert.deepEqual(await ctx.store.getSubscriber(s.id), u);
      const partial = await ctx.store.updateSubscriber(s.id, { enabled: true }, tick());
      assert.equal(partial?.name, 'Renamed');
      assert.equal(partial?.enabled, true);
      assert.equal(await ctx.store.updateSubscriber(newId('sbr'), { name: 'x' }, tick()), null);
    });

    it('deleting one deletes its subscriptions, their messages and attempts', async () => {
      const { subscriber, subscription } = await world();
      const other = await addSubscriber();
      const otherSub = await addSubscription(other.id);
      const { event, messageIds } = await send('order.created');
      assert.equal(messageIds.length, 2);
      const mine = (await ctx.store.listMessages({ limit: 10, subscriptionId: subscription.id })).data[0];
      const theirs = (await ctx.store.listMessages({ limit: 10, subscriptionId: otherSub.id })).data[0];
      assert.ok(mine && theirs);
      const o = await settle(mine.id, 'succeeded');

      assert.equal(await ctx.store.deleteSubscriber(subscriber.id), true);
      assert.equal(await ctx.store.getSubscriber(subscriber.id), null);
      assert.equal(await ctx.store.getSubscription(subscription.id), null);
      assert.equal(await ctx.store.getMessage(mine.id), null);
      assert.equal(await ctx.store.getAttempt(o.attempt.id), null);
      assert.equal((await ctx.store.listAttempts({ limit: 10, subscriptionId: subscription.id })).data.length, 0);
      // Someone else's data and the event itself stay.
      assert.ok(await ctx.store.getMessage(theirs.id));
      assert.ok(await ctx.store.getSubscription(otherSub.id));
      assert.ok(await ctx.store.getEvent(event.id));
      assert.equal(await ctx.store.deleteSubscriber(subscriber.id), false);
    });
  });
}
