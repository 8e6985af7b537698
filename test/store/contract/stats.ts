// Store contract: statistics (StatsStore).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { HeraldEvent } from '../../../src/domain/glossary.js';
import { type ContractContext, T0 } from './context.js';

export function statsContract(ctx: ContractContext): void {
  const { addSubscriber, addSubscription, send, world, settle } = ctx;

  describe('subscriptionStats', () => {
    it('counts messages by status and attempts by outcome since a date', async () => {
      const { subscription } = await world();
      const other = await addSubscription((await addSubscriber()).id);
      const empty = await ctx.store.subscriptionStats(subscription.id, T0);
      assert.deepEqual(empty, {
        messages: { pending: 0, succeeded: 0, retrying: 0, failed: 0 },
        attempts: 0,
        attemptsSucceeded: 0,
        attemptsFailed: 0,
        lastSuccessAt: null,
        lastFailureAt: null,
        averageDurationMs: null,
      });
      const sent: { event: HeraldEvent; messageIds: string[] }[] = [];
      for (let i = 0; i < 5; i++) sent.push(await send('order.created', { createdAt: T0 + 1_000_000 + i }));
      const mine = async (i: number) => {
        const m = (await ctx.store.listMessages({ limit: 10, eventId: sent[i]?.event.id, subscriptionId: subscription.id })).data[0];
        assert.ok(m);
        return m.id;
      };
      ctx.clock = Math.max(ctx.clock, T0 + 2_000_000);
      const s1 = await settle(await mine(0), 'succeeded', { statusCode: 200, durationMs: 10 });
      const f1 = await settle(await mine(1), 'retrying', { statusCode: 500, durationMs: 20 });
      const s2 = await settle(await mine(1), 'succeeded', { statusCode: 201, durationMs: 30 });
      const f2 = await settle(await mine(2), 'failed', { statusCode: null, error: 'timeout', durationMs: 40 });
      const f3 = await settle(await mine(3), 'retrying', { statusCode: 503, durationMs: 50 });
      // The other subscription's attempts do not count.
      const theirs = (await ctx.store.listMessages({ limit: 10, subscriptionId: other.id })).data[0];
      assert.ok(theirs);
      await settle(theirs.id, 'succeeded', { durationMs: 999 });

      const stats = await ctx.store.subscriptionStats(subscription.id, T0);
      assert.deepEqual(stats.messages, { pending: 1, succeeded: 2, retrying: 1, failed: 1 });
      assert.equal(stats.attempts, 5);
      assert.equal(stats.attemptsSucceeded, 2);
      assert.equal(stats.attemptsFailed, 3);
      assert.equal(stats.lastSuccessAt, s2.attempt.createdAt);
      assert.equal(stats.lastFailureAt, f3.attempt.createdAt);
      assert.ok(f2.attempt.createdAt < f3.attempt.createdAt);
      assert.equal(stats.averageDurationMs, 30);
      assert.ok(s1.attempt.createdAt < f1.attempt.createdAt);

      const later = await ctx.store.subscriptionStats(subscription.id, T0 + 10_000_000);
      assert.deepEqual(later.messages, { pending: 0, succeeded: 0, retrying: 0, failed: 0 });
      assert.equal(later.attempts, 0);
      assert.equal(later.lastSuccessAt, null);
    });
  });
}
