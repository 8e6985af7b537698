// Store contract: subscriptions' rate-limit budgets (RateLimitStore), and the rateLimit field.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ContractContext } from './context.js';

export function rateLimitContract(ctx: ContractContext): void {
  describe('rate limits', () => {
    it('stores rateLimit on create and update, and clears it', async () => {
      const { subscription } = await ctx.world({ rateLimit: { limit: 100, periodSeconds: 60 } });
      assert.deepEqual((await ctx.store.getSubscription(subscription.id))?.rateLimit, { limit: 100, periodSeconds: 60 });
      await ctx.store.updateSubscription(subscription.id, { rateLimit: { limit: 3, periodSeconds: 0.5 } }, ctx.tick());
      assert.deepEqual((await ctx.store.getSubscription(subscription.id))?.rateLimit, { limit: 3, periodSeconds: 0.5 });
      await ctx.store.updateSubscription(subscription.id, { rateLimit: null }, ctx.tick());
      assert.equal((await ctx.store.getSubscription(subscription.id))?.rateLimit, null);
    });

    it('grants a burst, then sends at the pace of the limit, per subscription', async () => {
      const rule = { limit: 100, periodSeconds: 1 }; // 10 ms apart, burst 2
      const now = ctx.tick();
      assert.deepEqual(await ctx.store.takeSends('sub_a', rule, 10, now), { granted: 2, nextAt: now + 10 });
      assert.deepEqual(await ctx.store.takeSends('sub_a', rule, 10, now), { granted: 0, nextAt: now + 10 });
      assert.equal((await ctx.store.takeSends('sub_b', rule, 10, now)).granted, 2, 'another subscription has its own budget');
      assert.equal((await ctx.store.takeSends('sub_a', rule, 10, now + 10)).granted, 1);
      assert.equal((await ctx.store.takeSends('sub_a', rule, 10, now + 50)).granted, 2, 'no more than the burst after a pause');
      assert.equal((await ctx.store.takeSends('sub_a', rule, 0, now + 1_000)).granted, 0, 'asking for none takes none');
    });

    it("a deleted subscription's budget goes with it: a new one of the same id would start full", async () => {
      const rule = { limit: 1, periodSeconds: 60 }; // one a minute
      const { subscription } = await ctx.world({ rateLimit: rule });
      const now = ctx.tick();
      const full = (await ctx.store.takeSends(subscription.id, rule, 5, now)).granted;
      assert.ok(full > 0);
      assert.equal((await ctx.store.takeSends(subscription.id, rule, 5, now)).granted, 0, 'spent');
      assert.equal(await ctx.store.deleteSubscription(subscription.id), true);
      assert.equal((await ctx.store.takeSends(subscription.id, rule, 5, now)).granted, full, 'no budget row left behind');
    });

    it('concurrent takes never grant more than the rule allows between them', async () => {
      const rule = { limit: 10, periodSeconds: 1 }; // 100 ms apart, burst 2
      const now = ctx.tick();
      const takes = await Promise.all(Array.from({ length: 20 }, () => ctx.store.takeSends('sub_c', rule, 5, now)));
      assert.equal(
        takes.reduce((n, t) => n + t.granted, 0),
        2,
      );
      let total = 0;
      for (let t = now; t < now + 1_000; t += 5) {
        const round = await Promise.all([ctx.store.takeSends('sub_d', rule, 3, t), ctx.store.takeSends('sub_d', rule, 3, t)]);
        total += round[0].granted + round[1].granted;
      }
      assert.equal(total, 11, 'the burst of 2, then one per 100 ms: 11 sends within a second');
    });
  });
}
