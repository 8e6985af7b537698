// Store contract: statistics (StatsStore), seed 002's panel: counters since a date, the state of the
// subscription whatever the date, and the per-bucket series.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { HeraldEvent } from '../../../src/domain/glossary.js';
import { newId } from '../../../src/domain/ids.js';
import { type SeriesWindow, seriesWindow } from '../../../src/domain/stats.js';
import type { SubscriptionStats } from '../../../src/store/store.js';
import { type ContractContext, T0 } from './context.js';

const MINUTE = 60_000;

export function statsContract(ctx: ContractContext): void {
  const { addSubscriber, addSubscription, send, world, settle, claimOne, tick } = ctx;

  /** The panel as the API asks for it: counters since `since`, at `now`, a series of 24 h of minutes. */
  const stats = (subscriptionId: string, since: number, now = ctx.clock, series: SeriesWindow = seriesWindow(now)) =>
    ctx.store.subscriptionStats(subscriptionId, { since, now, series });

  /** The messages of `subscriptionId` for these events, in the events' order. */
  const messagesOf = async (subscriptionId: string, events: { event: HeraldEvent }[]) => {
    const out: string[] = [];
    for (const e of events) {
      const m = (await ctx.store.listMessages({ limit: 10, eventId: e.event.id, subscriptionId })).data[0];
      assert.ok(m);
      out.push(m.id);
    }
    return out;
  };

  const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);

  describe('subscriptionStats', () => {
    it('is all zeros and nulls for a subscription without messages, or an unknown one', async () => {
      const { subscription } = await world();
      for (const id of [subscription.id, newId('sub')]) {
        const s = await stats(id, T0);
        const zeros = new Array<number>(1_440).fill(0);
        assert.deepEqual(s, {
          messages: { pending: 0, succeeded: 0, retrying: 0, failed: 0 },
          events: 0,
          attempts: 0,
          attemptsSucceeded: 0,
          attemptsFailed: 0,
          lastSuccessAt: null,
          lastFailureAt: null,
          averageDurationMs: null,
          failuresSinceLastSuccess: 0,
          lastEventAt: null,
          nextAttemptAt: null,
          lastSuccess: null,
          lastFailure: null,
          series: { start: seriesWindow(ctx.clock).start, intervalMs: MINUTE, succeeded: zeros, failed: zeros },
        } satisfies SubscriptionStats);
      }
    });

    it('counts messages (events) by status and attempts by outcome since a date', async () => {
      const { subscription } = await world();
      const other = await addSubscription((await addSubscriber()).id);
      const sent: { event: HeraldEvent; messageIds: string[] }[] = [];
      for (let i = 0; i < 5; i++) sent.push(await send('order.created', { createdAt: T0 + 1_000_000 + i }));
      const [m0, m1, m2, m3] = await messagesOf(subscription.id, sent);
      ctx.clock = Math.max(ctx.clock, T0 + 2_000_000);
      const s1 = await settle(m0 as string, 'succeeded', { statusCode: 200, durationMs: 10 });
      const f1 = await settle(m1 as string, 'retrying', { statusCode: 500, durationMs: 20 });
      const s2 = await settle(m1 as string, 'succeeded', { statusCode: 201, durationMs: 30 });
      const f2 = await settle(m2 as string, 'failed', { statusCode: null, error: 'timeout', durationMs: 40 });
      const f3 = await settle(m3 as string, 'retrying', { statusCode: 503, durationMs: 50 });
      // The other subscription's attempts do not count.
      const theirs = (await ctx.store.listMessages({ limit: 10, subscriptionId: other.id })).data[0];
      assert.ok(theirs);
      await settle(theirs.id, 'succeeded', { durationMs: 999 });

      const s = await stats(subscription.id, T0);
      assert.deepEqual(s.messages, { pending: 1, succeeded: 2, retrying: 1, failed: 1 });
      assert.equal(s.events, 5);
      assert.equal(s.attempts, 5);
      assert.equal(s.attemptsSucceeded, 2);
      assert.equal(s.attemptsFailed, 3);
      assert.equal(s.lastSuccessAt, s2.attempt.createdAt);
      assert.equal(s.lastFailureAt, f3.attempt.createdAt);
      assert.ok(f2.attempt.createdAt < f3.attempt.createdAt);
      assert.equal(s.averageDurationMs, 30);
      assert.ok(s1.attempt.createdAt < f1.attempt.createdAt);

      // Since a date between the messages and between the attempts: only what was created from then.
      const mid = await stats(subscription.id, T0 + 1_000_003);
      assert.deepEqual(mid.messages, { pending: 1, succeeded: 0, retrying: 1, failed: 0 });
      assert.equal(mid.events, 2);
      assert.equal(mid.attempts, 5, 'attempts are counted by when they were made, not by their message');
      const fromS2 = await stats(subscription.id, s2.attempt.createdAt);
      assert.deepEqual([fromS2.attempts, fromS2.attemptsSucceeded, fromS2.attemptsFailed], [3, 1, 2]);

      const later = await stats(subscription.id, T0 + 10_000_000);
      assert.deepEqual(later.messages, { pending: 0, succeeded: 0, retrying: 0, failed: 0 });
      assert.equal(later.events, 0);
      assert.equal(later.attempts, 0);
      assert.equal(later.lastSuccessAt, null, 'lastSuccessAt is within the window');
      assert.equal(later.lastFailureAt, null);
    });

    it('tells the state whatever the date: last success and failure with their attempts, failures since, last event, next attempt', async () => {
      const { subscription } = await world();
      const other = await addSubscription((await addSubscriber()).id);
      const sent: { event: HeraldEvent; messageIds: string[] }[] = [];
      for (let i = 0; i < 4; i++) sent.push(await send('order.created', { createdAt: T0 + 1_000_000 + i * 1_000 }));
      const [m0, m1, m2, m3] = (await messagesOf(subscription.id, sent)) as [string, string, string, string];
      ctx.clock = Math.max(ctx.clock, T0 + 2_000_000);

      // Nothing attempted yet: every message is pending, due at its event's time.
      let s = await stats(subscription.id, T0);
      assert.equal(s.failuresSinceLastSuccess, 0);
      assert.equal(s.lastSuccess, null);
      assert.equal(s.lastFailure, null);
      assert.equal(s.lastEventAt, T0 + 1_003_000);
      assert.equal(s.nextAttemptAt, T0 + 1_000_000, 'the earliest due message');

      // Failures before any success all count.
      const f0 = await settle(m0, 'retrying', { statusCode: 500, nextAttemptAt: T0 + 5_000_000 });
      const f1 = await settle(m1, 'retrying', { statusCode: null, error: 'ECONNREFUSED', nextAttemptAt: T0 + 4_000_000 });
      s = await stats(subscription.id, T0);
      assert.equal(s.failuresSinceLastSuccess, 2);
      assert.equal(s.lastSuccess, null);
      assert.deepEqual(s.lastFailure, { at: f1.attempt.createdAt, attemptId: f1.attempt.id });
      assert.equal(s.nextAttemptAt, T0 + 1_002_000, 'm2, still pending, is due first');

      const ok = await settle(m0, 'succeeded', { statusCode: 204 });
      // Two failures after the success, the first in the same millisecond as the success.
      const f2 = await settle(m2, 'retrying', { statusCode: 302, at: ok.attempt.createdAt, nextAttemptAt: T0 + 3_000_000 });
      const f3 = await settle(m2, 'retrying', { statusCode: 410, nextAttemptAt: T0 + 3_500_000 });
      // Another subscription's attempts change nothing here.
      const theirs = (await ctx.store.listMessages({ limit: 10, subscriptionId: other.id })).data[0];
      assert.ok(theirs);
      await settle(theirs.id, 'succeeded');
      await settle(theirs.id, 'retrying', { statusCode: 500, nextAttemptAt: T0 + 2_500_000 });

      s = await stats(subscription.id, T0);
      assert.deepEqual(s.lastSuccess, { at: ok.attempt.createdAt, attemptId: ok.attempt.id });
      assert.deepEqual(s.lastFailure, { at: f3.attempt.createdAt, attemptId: f3.attempt.id });
      assert.equal(f2.attempt.createdAt, ok.attempt.createdAt);
      assert.equal(s.failuresSinceLastSuccess, 2, 'failures after the last success, in attempt order');
      assert.equal(s.nextAttemptAt, T0 + 1_003_000, 'm3 is pending and due');
      assert.ok(f0.attempt.createdAt < ok.attempt.createdAt);

      // A message in flight is not a next attempt: its nextAttemptAt is its lease's expiry.
      await claimOne(ctx.clock, m3);
      const leaseEnds = (await ctx.store.getMessage(m3))?.nextAttemptAt as number;
      s = await stats(subscription.id, T0);
      assert.equal(s.nextAttemptAt, T0 + 3_500_000, "m2's retry");
      // Once the lease has expired, the message is due again (at the lease's end).
      await settle(m2, 'retrying', { statusCode: 500, nextAttemptAt: leaseEnds + 5_000 });
      s = await stats(subscription.id, T0, leaseEnds + 1);
      assert.equal(s.nextAttemptAt, leaseEnds);
      s = await stats(subscription.id, T0, leaseEnds - 1);
      assert.equal(s.nextAttemptAt, leaseEnds + 5_000);
      // Settled messages have no next attempt.
      for (const m of [m1, m2, m3]) await settle(m, 'failed', { statusCode: 500 });
      s = await stats(subscription.id, T0);
      assert.equal(s.nextAttemptAt, null);
      assert.equal(s.failuresSinceLastSuccess, 6);

      // The state does not depend on the counters' window.
      const later = await stats(subscription.id, ctx.clock + 1);
      assert.equal(later.attempts, 0);
      assert.equal(later.events, 0);
      assert.deepEqual(later.lastSuccess, s.lastSuccess);
      assert.deepEqual(later.lastFailure, s.lastFailure);
      assert.equal(later.failuresSinceLastSuccess, 6);
      assert.equal(later.lastEventAt, T0 + 1_003_000);

      // A success ends the run of failures.
      await settle(theirs.id, 'succeeded'); // another subscription's: no effect
      assert.equal((await stats(subscription.id, T0)).failuresSinceLastSuccess, 6);
      await ctx.store.resendMessage(m1, tick());
      const back = await settle(m1, 'succeeded', { statusCode: 200 });
      s = await stats(subscription.id, T0);
      assert.equal(s.failuresSinceLastSuccess, 0);
      assert.deepEqual(s.lastSuccess, { at: back.attempt.createdAt, attemptId: back.attempt.id });
    });

    it('counts attempts per bucket of the series, oldest first, by when they were made', async () => {
      const { subscription } = await world();
      const other = await addSubscription((await addSubscriber()).id);
      const { event } = await send('order.created', { createdAt: T0 + 1_000 });
      const [m] = (await messagesOf(subscription.id, [{ event }])) as [string];
      const theirs = (await ctx.store.listMessages({ limit: 10, subscriptionId: other.id })).data[0];
      assert.ok(theirs);
      const start = Math.ceil((T0 + 10 * MINUTE) / MINUTE) * MINUTE; // on a minute, as seriesWindow's buckets are
      const series: SeriesWindow = { start, intervalMs: MINUTE, buckets: 5 };
      const end = series.start + 5 * MINUTE;
      const attempt = (at: number, statusCode: number | null, id = m) => {
        const ok = statusCode !== null && statusCode < 300;
        return settle(id, ok ? 'succeeded' : 'retrying', { at, statusCode, nextAttemptAt: ok ? null : at + 1 });
      };
      await attempt(series.start - 1, 200); // before the window
      await attempt(series.start, 200); // bucket 0
      await attempt(series.start + MINUTE - 1, 500); // bucket 0
      await attempt(series.start + MINUTE, null); // bucket 1
      await attempt(series.start + 3 * MINUTE + 7, 204); // bucket 3
      await attempt(series.start + 3 * MINUTE + 8, 204); // bucket 3
      await attempt(series.start + 3 * MINUTE + 9, 503); // bucket 3
      await attempt(end - 1, 299); // bucket 4
      await attempt(end, 200); // after the window
      await attempt(series.start + 2 * MINUTE, 200, theirs.id); // another subscription's
      ctx.clock = end + MINUTE;

      const s = await stats(subscription.id, T0, ctx.clock, series);
      assert.deepEqual(s.series, { start: series.start, intervalMs: MINUTE, succeeded: [1, 0, 0, 2, 1], failed: [1, 1, 0, 1, 0] });
      assert.equal(s.attempts, 9, 'the counters are over `since`, not the series');
      assert.equal(sum(s.series.succeeded) + sum(s.series.failed), 7);

      // The API's window: 1,440 minutes ending with the current one.
      const now = series.start + 3 * MINUTE + 30_000;
      const day = await stats(subscription.id, T0, now);
      assert.equal(day.series.start, series.start + 3 * MINUTE - 1_439 * MINUTE);
      assert.equal(day.series.succeeded.length, 1_440);
      assert.equal(day.series.failed.length, 1_440);
      assert.deepEqual(day.series.succeeded.slice(-4), [1, 0, 0, 2]);
      assert.deepEqual(day.series.failed.slice(-4), [1, 1, 0, 1]);
      assert.equal(sum(day.series.succeeded), 4, 'with the one just before the small window');
      assert.equal(sum(day.series.failed), 3);
    });
  });
}
