// Store contract: the delivery queue (QueueStore), i.e. claims and leases, the leases an ingest hands
// off (returnLeases), the signing secrets a job carries, releaseLeases and nextDueAt, and commit
// notifications (onMessagesCommitted).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { type SubscriptionHealth, signingSecrets } from '../../../src/domain/glossary.js';
import { disableHealth, enableHealth, type HealthPolicy, initialHealth } from '../../../src/domain/health.js';
import { newId } from '../../../src/domain/ids.js';
import type { DeliveryJob } from '../../../src/store/store.js';
import { type ContractContext, ids, MARGIN, T0, WAIT_MS } from './context.js';

export function queueContract(ctx: ContractContext): void {
  const { tick, eventData, addTypes, addSubscriber, addSubscription, send, world, claimAll, claimOne, settle, outcome } = ctx;

  describe('claimDue', () => {
    it('hands out due pending messages with everything needed to deliver them', async () => {
      const { subscription } = await world({
        url: 'https://r.example/in',
        method: 'POST',
        headers: { 'x-k': 'v' },
        payloadFormat: 'raw',
        retrySchedule: [1, 2],
        timeoutSeconds: 5,
      });
      const { event, messageIds } = await send('order.created', { dataJson: '{"a": [1, 2]}' });
      const [messageId] = messageIds;
      assert.ok(messageId);
      assert.deepEqual(await ctx.store.claimDue(event.createdAt - 1, 10, MARGIN), [], 'not due before its time');
      const jobs = await ctx.store.claimDue(event.createdAt, 10, MARGIN);
      assert.deepEqual(jobs, [
        {
          messageId,
          eventId: event.id,
          eventType: 'order.created',
          eventCreatedAt: event.createdAt,
          dataJson: '{"a": [1, 2]}',
          attempts: 0,
          retries: 0,
          manual: false,
          subscription,
          subscriberEnabled: true,
        },
      ]);
    });

    it('with a share, takes at most perSubscription of each subscription, looking past older messages of a busy one', async () => {
      const { subscriber, subscription: busy } = await world({ eventTypes: ['order.created'] });
      const other = await addSubscription(subscriber.id, { eventTypes: ['order.updated'] });
      const older = [];
      for (let i = 1; i <= 5; i++) older.push((await send('order.created', { createdAt: T0 + i * 1_000 })).event.id);
      const newer = (await send('order.updated', { createdAt: T0 + 9_000 })).event.id;
      const now = T0 + 10_000;
      const jobs = await ctx.store.claimDue(now, 2, MARGIN, { skip: [], perSubscription: 1 });
      assert.deepEqual(
        jobs.map((j) => [j.subscription.id, j.eventId]),
        [
          [busy.id, older[0]],
          [other.id, newer],
        ],
        'oldest first, one of each: the newer message of the other subscription is not hidden behind the busy one',
      );
      const rest = await ctx.store.claimDue(now, 10, MARGIN, { skip: [], perSubscription: 3 });
      assert.deepEqual(
        rest.map((j) => j.eventId),
        older.slice(1, 4),
        'what the share left is still due, oldest first',
      );
    });

    it('with a share, leaves the subscriptions it skips alone', async () => {
      const { subscriber, subscription: skipped } = await world();
      const taken = await addSubscription(subscriber.id);
      await send('order.created', { createdAt: T0 + 1_000 });
      await send('order.created', { createdAt: T0 + 2_000 });
      const now = T0 + 10_000;
      const jobs = await ctx.store.claimDue(now, 10, MARGIN, { skip: [skipped.id, 'sub_unknown'], perSubscription: 10 });
      assert.equal(jobs.length, 2);
      assert.ok(jobs.every((j) => j.subscription.id === taken.id));
      const later = await ctx.store.claimDue(now, 10, MARGIN);
      assert.equal(later.length, 2);
      assert.ok(
        later.every((j) => j.subscription.id === skipped.id),
        'skipped messages stay due',
      );
    });

    it('claims oldest due first, up to the limit', async () => {
      await world();
      const e1 = await send('order.created', { createdAt: T0 + 1_000 });
      const e2 = await send('order.created', { createdAt: T0 + 2_000 });
      const e3 = await send('order.created', { createdAt: T0 + 3_000 });
      const now = T0 + 10_000;
      const first = await ctx.store.claimDue(now, 2, MARGIN);
      assert.deepEqual(
        first.map((j) => j.eventId),
        [e1.event.id, e2.event.id],
      );
      const rest = await ctx.store.claimDue(now, 2, MARGIN);
      assert.deepEqual(
        rest.map((j) => j.eventId),
        [e3.event.id],
      );
      assert.deepEqual(await ctx.store.claimDue(now, 2, MARGIN), []);
    });

    it('leases a message until now + timeout + margin, then hands it out again', async () => {
      await world({ timeoutSeconds: 7 });
      const { messageIds, event } = await send('order.created');
      const [id] = messageIds;
      assert.ok(id);
      const now = event.createdAt + 500;
      assert.equal((await ctx.store.claimDue(now, 10, MARGIN)).length, 1);
      const expiry = now + 7_000 + MARGIN;
      const leased = await ctx.store.getMessage(id);
      assert.equal(leased?.nextAttemptAt, expiry);
      assert.equal(leased?.status, 'pending');
      assert.deepEqual(await ctx.store.claimDue(now, 10, MARGIN), [], 'not claimable again while leased');
      assert.deepEqual(await ctx.store.claimDue(expiry - 1, 10, MARGIN), [], 'not claimable before the lease expires');
      const again = await ctx.store.claimDue(expiry, 10, MARGIN);
      assert.deepEqual(
        again.map((j) => j.messageId),
        [id],
        'claimable once the lease expired',
      );
      assert.equal((await ctx.store.getMessage(id))?.nextAttemptAt, expiry + 7_000 + MARGIN);
    });

    it('never hands out succeeded or failed messages; hands out retrying ones when due', async () => {
      await world();
      const ok = (await send('order.created')).messageIds[0];
      const dead = (await send('order.created')).messageIds[0];
      const retry = (await send('order.created')).messageIds[0];
      assert.ok(ok && dead && retry);
      await settle(ok, 'succeeded');
      await settle(dead, 'failed');
      const due = tick(100_000);
      const o = await settle(retry, 'retrying', { nextAttemptAt: due, attempts: 1, retries: 1 });
      assert.deepEqual(await ctx.store.claimDue(due - 1, 10, MARGIN), []);
      const jobs = await ctx.store.claimDue(due, 10, MARGIN);
      assert.equal(jobs.length, 1);
      assert.equal(jobs[0]?.messageId, retry);
      assert.equal(jobs[0]?.attempts, o.attempts);
      assert.equal(jobs[0]?.retries, 1);
      assert.deepEqual(await ctx.store.claimDue(due, 10, MARGIN), [], 'leased now');
    });

    it('reports a disabled subscription, and a disabled subscriber, on the job', async () => {
      const { subscriber, subscription } = await world();
      const first = (await send('order.created')).messageIds[0];
      assert.ok(first);
      await ctx.store.updateSubscription(subscription.id, { enabled: false }, tick());
      const job1 = await claimOne(tick(), first);
      assert.equal(job1.subscription.enabled, false);
      assert.equal(job1.subscriberEnabled, true);
      await ctx.store.updateSubscription(subscription.id, { enabled: true }, tick());
      const second = (await send('order.created')).messageIds[0];
      assert.ok(second);
      await ctx.store.updateSubscriber(subscriber.id, { enabled: false }, tick());
      const job2 = await claimOne(tick(), second);
      assert.equal(job2.subscription.enabled, true);
      assert.equal(job2.subscriberEnabled, false);
    });

    it('never gives the same message to two concurrent claimers', async () => {
      await world();
      const total = 40;
      const events = Array.from({ length: total }, () => ({ event: eventData('order.created'), requestHash: null }));
      await ctx.store.ingest(events);
      const now = tick();
      for (let round = 0; round < 3; round++) {
        const claims = await Promise.all([
          ctx.store.claimDue(now, 15, MARGIN),
          ctx.store.claimDue(now, 15, MARGIN),
          ctx.store.claimDue(now, 15, MARGIN),
        ]);
        const claimed = claims.flat().map((j) => j.messageId);
        assert.equal(new Set(claimed).size, claimed.length, 'a message was handed to two claimers');
        const rest = (await ctx.store.claimDue(now, 1000, MARGIN)).map((j) => j.messageId);
        const everything = [...claimed, ...rest];
        assert.equal(new Set(everything).size, total, 'every due message is claimed exactly once');
        assert.equal(everything.length, total);
        // Make them all due again for the next round.
        assert.equal(await ctx.store.releaseLeases(now), total);
      }
      // Two claimers racing for the same single message (the others leased away first).
      assert.equal((await ctx.store.claimDue(now, 1000, MARGIN)).length, total);
      const lone = (await send('order.created')).messageIds[0];
      const racing = await Promise.all([ctx.store.claimDue(tick(), 1, MARGIN), ctx.store.claimDue(ctx.clock, 1, MARGIN)]);
      assert.deepEqual(
        racing.flat().map((j) => j.messageId),
        [lone],
      );
    });

    it('returns nothing for limit 0 or an empty store', async () => {
      assert.deepEqual(await ctx.store.claimDue(tick(), 10, MARGIN), []);
      await world();
      await send('order.created');
      assert.deepEqual(await ctx.store.claimDue(tick(), 0, MARGIN), []);
    });
  });

  describe('ingest with a lease (the hand-off)', () => {
    it('leases up to the limit of the new messages and returns them as the jobs claimDue would give', async () => {
      const subscriber = await addSubscriber();
      await addTypes('order.created');
      const a = await addSubscription(subscriber.id, { timeoutSeconds: 7, headers: { 'x-tenant': 'acme' }, retrySchedule: [1, 2] });
      const b = await addSubscription(subscriber.id);
      const c = await addSubscription(subscriber.id);
      const events = [eventData('order.created'), eventData('order.created')];
      const results = await ctx.store.ingest(
        events.map((event) => ({ event, requestHash: null })),
        { limit: 4, leaseMarginMs: MARGIN },
      );
      assert.deepEqual(
        results.map((r) => r.status === 'created' && r.messages),
        [3, 3],
      );
      const leased = results.flatMap((r) => (r.status === 'created' ? (r.leased ?? []) : []));
      assert.equal(leased.length, 4, 'four of the six messages are leased');
      assert.ok(results.every((r) => r.status === 'created' && (r.leased ?? []).every((j) => j.eventId === r.event.id)));
      // The other two are due now, for any claimer; the leased ones are not.
      const due = await ctx.store.claimDue(tick(), 100, MARGIN);
      assert.equal(due.length, 2);
      const leasedIds = new Set(leased.map((j) => j.messageId));
      assert.ok(due.every((j) => !leasedIds.has(j.messageId)));
      // Each leased message is leased as a claim leaves it, and a claim after its lease expired
      // hands out the same job.
      let latest = 0;
      for (const job of leased) {
        const event = events.find((e) => e.id === job.eventId);
        assert.ok(event);
        const timeout = job.subscription.id === a.id ? 7_000 : 30_000;
        const message = await ctx.store.getMessage(job.messageId);
        assert.equal(message?.status, 'pending');
        assert.equal(message?.nextAttemptAt, event.createdAt + timeout + MARGIN);
        latest = Math.max(latest, event.createdAt + timeout + MARGIN);
      }
      const again = await claimAll(latest);
      for (const job of leased) assert.deepEqual(again.get(job.messageId), job);
      const ofA = leased.find((j) => j.subscription.id === a.id);
      assert.ok(ofA, 'subscription order: the first subscription is leased first');
      assert.deepEqual(ofA.subscription.headers, { 'x-tenant': 'acme' });
      assert.deepEqual(ofA.subscription.retrySchedule, [1, 2]);
      assert.ok([a.id, b.id, c.id].includes(due[0]?.subscription.id ?? ''));
    });

    it('gives back a lease its holder will not use: due at once, unless another claim holds it now', async () => {
      await world();
      const event = eventData('order.created');
      const [result] = await ctx.store.ingest([{ event, requestHash: null }], { limit: 10, leaseMarginMs: MARGIN });
      const job = result?.status === 'created' ? result.leased?.[0] : undefined;
      assert.ok(job);
      const leaseEnds = event.createdAt + 30_000 + MARGIN;
      assert.equal(await ctx.store.returnLeases([{ messageId: job.messageId, leaseEnds: leaseEnds + 1 }], tick()), 0, 'not that lease');
      assert.deepEqual(await ctx.store.claimDue(tick(), 10, MARGIN), [], 'still leased');
      const now = tick();
      assert.equal(await ctx.store.returnLeases([{ messageId: job.messageId, leaseEnds }], now), 1);
      assert.equal((await ctx.store.getMessage(job.messageId))?.nextAttemptAt, now);
      assert.equal(await ctx.store.nextDueAt(), now);
      const [claimed] = await ctx.store.claimDue(tick(), 10, MARGIN);
      assert.equal(claimed?.messageId, job.messageId, 'claimable at once');
      // Now leased by that claim: the old lease given back again changes nothing.
      assert.equal(await ctx.store.returnLeases([{ messageId: job.messageId, leaseEnds }], tick()), 0);
      assert.deepEqual(await ctx.store.claimDue(tick(), 10, MARGIN), []);
      assert.equal(await ctx.store.returnLeases([], tick()), 0);
    });

    it('carries the previous secret while it is valid at the event time', async () => {
      const OLD = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw';
      const NEW = 'whsec_bmV3c2VjcmV0bmV3c2VjcmV0bmV3c2VjcmV0';
      await world({ secret: NEW, previousSecret: OLD, previousSecretExpiresAt: T0 + 10_000 });
      const lease = { limit: 10, leaseMarginMs: MARGIN };
      const [valid] = await ctx.store.ingest([{ event: eventData('order.created', { createdAt: T0 + 9_999 }), requestHash: null }], lease);
      const [expired] = await ctx.store.ingest(
        [{ event: eventData('order.created', { createdAt: T0 + 10_000 }), requestHash: null }],
        lease,
      );
      const job = valid?.status === 'created' ? valid.leased?.[0] : undefined;
      assert.ok(job);
      assert.deepEqual(signingSecrets(job.subscription, T0 + 9_999), [NEW, OLD]);
      const late = expired?.status === 'created' ? expired.leased?.[0] : undefined;
      assert.ok(late);
      assert.deepEqual(signingSecrets(late.subscription, T0 + 10_000), [NEW]);
    });

    it('leases nothing for replays or refused events, and tells listeners only of due messages', async () => {
      await world();
      let calls = 0;
      const unsubscribe = ctx.store.onMessagesCommitted(() => {
        calls++;
      });
      try {
        await new Promise((r) => setTimeout(r, 100)); // a listening store subscribes (LISTEN)
        const keyed = eventData('order.created', { idempotencyKey: 'k1' });
        const lease = { limit: 10, leaseMarginMs: MARGIN };
        const [first] = await ctx.store.ingest([{ event: keyed, requestHash: 'h' }], lease);
        assert.equal(first?.status === 'created' && first.leased?.length, 1);
        const base = calls;
        const [replay, unknown] = await ctx.store.ingest(
          [
            { event: { ...keyed, id: newId('evt') }, requestHash: 'h' },
            { event: eventData('no.such.type'), requestHash: null },
          ],
          lease,
        );
        assert.equal(replay?.status, 'replayed');
        assert.equal(unknown?.status, 'unknown_event_type');
        await new Promise((r) => setTimeout(r, 200));
        assert.equal(calls, base, 'nothing due was committed');
        assert.deepEqual(await ctx.store.claimDue(tick(), 10, MARGIN), []);
        await ctx.store.ingest([{ event: eventData('order.created'), requestHash: null }], { limit: 0, leaseMarginMs: MARGIN });
        const started = Date.now();
        while (calls === base && Date.now() - started < WAIT_MS) await new Promise((r) => setTimeout(r, 5));
        assert.ok(calls > base, 'a due message wakes listeners');
        assert.equal((await ctx.store.claimDue(tick(), 10, MARGIN)).length, 1);
      } finally {
        unsubscribe();
      }
    });
  });

  describe('secret rotation', () => {
    const OLD = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw';
    const NEW = 'whsec_bmV3c2VjcmV0bmV3c2VjcmV0bmV3c2VjcmV0';

    it('stores the previous secret and its expiry, round-trips and clears them', async () => {
      const { subscription } = await world({ secret: OLD });
      assert.equal(subscription.previousSecret, null);
      assert.equal(subscription.previousSecretExpiresAt, null);
      const now = tick();
      const patch = { secret: NEW, previousSecret: OLD, previousSecretExpiresAt: now + 60_000 };
      const rotated = await ctx.store.updateSubscription(subscription.id, patch, now);
      assert.deepEqual(rotated, { ...subscription, ...patch, updatedAt: now });
      assert.deepEqual(await ctx.store.getSubscription(subscription.id), rotated);
      assert.deepEqual((await ctx.store.listSubscriptions({ limit: 10 })).data, [rotated]);
      const later = tick();
      const cleared = await ctx.store.updateSubscription(subscription.id, { previousSecret: null, previousSecretExpiresAt: null }, later);
      assert.equal(cleared?.previousSecret, null);
      assert.equal(cleared?.previousSecretExpiresAt, null);
      assert.equal(cleared?.secret, NEW);
      const created = await addSubscription(subscription.subscriberId, { previousSecret: OLD, previousSecretExpiresAt: T0 + 5 });
      assert.deepEqual(await ctx.store.getSubscription(created.id), created, 'createSubscription stores them too');
    });

    it('claimDue carries the previous secret while it is valid at claim time, and not after', async () => {
      const { subscription } = await world({ secret: NEW, previousSecret: OLD, previousSecretExpiresAt: T0 + 10_000 });
      const first = await send('order.created', { createdAt: T0 + 1_000 });
      const job = await claimOne(T0 + 9_999, first.messageIds[0] ?? '');
      assert.deepEqual(signingSecrets(job.subscription, T0 + 9_999), [NEW, OLD]);
      const second = await send('order.created', { createdAt: T0 + 2_000 });
      const expired = await claimOne(T0 + 10_000, second.messageIds[0] ?? '');
      assert.deepEqual(signingSecrets(expired.subscription, T0 + 10_000), [NEW], 'expired at exactly its expiry time');
      assert.equal((await ctx.store.getSubscription(subscription.id))?.previousSecret, OLD, 'the row itself is unchanged');
    });
  });

  describe('releaseLeases and nextDueAt', () => {
    it('releaseLeases makes leased messages due now and leaves scheduled retries alone', async () => {
      await world();
      const a = (await send('order.created')).messageIds[0];
      const b = (await send('order.created')).messageIds[0];
      const r = (await send('order.created')).messageIds[0];
      const idle = (await send('order.created', { createdAt: T0 + 50_000_000 })).messageIds[0];
      assert.ok(a && b && r && idle);
      const retryAt = T0 + 90_000_000;
      await settle(r, 'retrying', { nextAttemptAt: retryAt });
      const claimedAt = tick();
      const jobs = await ctx.store.claimDue(claimedAt, 2, MARGIN);
      assert.deepEqual(jobs.map((j) => j.messageId).sort(), [a, b].sort());
      const now = tick();
      assert.equal(await ctx.store.releaseLeases(now), 2);
      assert.equal((await ctx.store.getMessage(a))?.nextAttemptAt, now);
      assert.equal((await ctx.store.getMessage(b))?.nextAttemptAt, now);
      assert.equal((await ctx.store.getMessage(r))?.nextAttemptAt, retryAt, 'a scheduled retry is not a lease');
      assert.equal((await ctx.store.getMessage(idle))?.nextAttemptAt, T0 + 50_000_000, 'a future pending message is not a lease');
      assert.deepEqual((await ctx.store.claimDue(now, 10, MARGIN)).map((j) => j.messageId).sort(), [a, b].sort());
      assert.equal(await ctx.store.releaseLeases(tick()), 2);
      await settle(a, 'succeeded');
      assert.equal(await ctx.store.releaseLeases(tick()), 0, 'b was not claimed again; a is done');
    });

    it('nextDueAt is the earliest due time of pending or retrying messages, null when none', async () => {
      assert.equal(await ctx.store.nextDueAt(), null);
      await world({ timeoutSeconds: 3 });
      const first = await send('order.created', { createdAt: T0 + 5_000_000 });
      await send('order.created', { createdAt: T0 + 6_000_000 });
      assert.equal(await ctx.store.nextDueAt(), T0 + 5_000_000);
      const [id] = first.messageIds;
      assert.ok(id);
      await ctx.store.claimDue(T0 + 5_000_000, 1, MARGIN);
      assert.equal(await ctx.store.nextDueAt(), T0 + 5_000_000 + 3_000 + MARGIN, 'a lease expiry counts');
      const all = (await ctx.store.listMessages({ limit: 10 })).data;
      ctx.clock = Math.max(ctx.clock, T0 + 7_000_000);
      for (const m of all) await settle(m.id, 'succeeded');
      assert.equal(await ctx.store.nextDueAt(), null);
    });
  });

  describe('health and the circuit breaker (recordAttempts, startProbe)', () => {
    // Two faults in a row open the breaker for 10 s; failing for a minute with two messages failed
    // for good disables. Outcomes are recorded as the dispatcher does, with the policy.
    const POLICY: HealthPolicy = {
      breakerThreshold: 2,
      breakerCooldownMs: 10_000,
      autoDisableAfterMs: 60_000,
      autoDisableMinFailedMessages: 2,
    };
    const DURATION = 12; // ms, outcome()'s default: a result comes in at createdAt + this

    /** A subscription with messages `a`, `b`, `c`, claimed; `a` and `b` fault at `at`, which opens
     *  the breaker; `c` is held back until the probe window. */
    async function openBreaker() {
      const { subscription } = await world();
      const [a, b, c] = [
        (await send('order.created')).messageIds[0],
        (await send('order.created')).messageIds[0],
        (await send('order.created')).messageIds[0],
      ] as string[];
      const jobs = await claimAll(tick());
      const at = tick();
      const transitions = await ctx.store.recordAttempts(
        [
          outcome(jobs.get(a as string) as DeliveryJob, { statusCode: 500, at, durationMs: 12.4 }),
          // A fraction of a millisecond, as real durations have: health keeps whole milliseconds.
          outcome(jobs.get(b as string) as DeliveryJob, { statusCode: null, error: 'timeout: no answer', at: at + 1, durationMs: 11.6 }),
        ],
        POLICY,
      );
      const opened = at + 1 + DURATION;
      const until = opened + POLICY.breakerCooldownMs;
      await ctx.store.recordAttempts(
        [{ deferred: true, messageId: c as string, subscriptionId: subscription.id, nextAttemptAt: until }],
        POLICY,
      );
      return { subscription, a: a as string, b: b as string, c: c as string, jobs, transitions, opened, until };
    }

    it('opens the breaker after the threshold of faults in a row, and says so', async () => {
      const { subscription, transitions, opened, until } = await openBreaker();
      const s = await ctx.store.getSubscription(subscription.id);
      assert.deepEqual(s?.health, {
        status: 'failing',
        reason: 'breaker_open',
        since: opened,
        consecutiveFailures: 2,
        failingSince: opened - 1,
        lastSuccessAt: null,
        lastFailureAt: opened - DURATION, // when b's attempt was made
        failedMessages: 0,
        breaker: 'open',
        breakerFaults: 2,
        breakerUntil: until,
        breakerOpenedAt: opened,
      });
      assert.equal(s?.updatedAt, subscription.updatedAt, 'health is not a change of settings');
      assert.deepEqual(
        transitions.map((t) => [t.subscriptionId, t.kind, t.from, t.to, t.at]),
        [
          [subscription.id, 'status', 'healthy', 'degraded', opened - 1],
          [subscription.id, 'breaker', 'closed', 'open', opened],
          [subscription.id, 'status', 'degraded', 'failing', opened],
        ],
      );
      assert.deepEqual(ids((await ctx.store.listSubscriptions({ limit: 10, health: 'failing' })).data), [subscription.id]);
    });

    it('a 4xx is a failure but not a fault: the breaker stays closed', async () => {
      const { subscription } = await world();
      const [a, b] = [(await send('order.created')).messageIds[0], (await send('order.created')).messageIds[0]] as string[];
      const jobs = await claimAll(tick());
      await ctx.store.recordAttempts(
        [
          outcome(jobs.get(a as string) as DeliveryJob, { statusCode: 404 }),
          outcome(jobs.get(b as string) as DeliveryJob, { statusCode: 404 }),
        ],
        POLICY,
      );
      const health = (await ctx.store.getSubscription(subscription.id))?.health;
      assert.equal(health?.breaker, 'closed');
      assert.equal(health?.status, 'failing');
      assert.equal(health?.reason, 'consecutive_failures');
    });

    it('a deferred outcome records no attempt and leaves the message as it was, due again at its time', async () => {
      await world();
      const id = (await send('order.created')).messageIds[0] as string;
      await settle(id, 'retrying', { attempts: 1, retries: 1, nextAttemptAt: tick() });
      await ctx.store.resendMessage(id, tick());
      const job = await claimOne(tick(), id);
      const until = tick(50_000);
      const transitions = await ctx.store.recordAttempts(
        [{ deferred: true, messageId: id, subscriptionId: job.subscription.id, nextAttemptAt: until }],
        POLICY,
      );
      assert.deepEqual(transitions, []);
      const m = await ctx.store.getMessage(id);
      assert.equal(m?.status, 'pending');
      assert.equal(m?.attempts, 1);
      assert.equal(m?.retries, 0);
      assert.equal(m?.nextAttemptAt, until);
      assert.equal((await ctx.store.listAttempts({ limit: 10, messageId: id })).data.length, 1, 'no attempt recorded');
      assert.equal(await ctx.store.nextDueAt(), until);
      assert.deepEqual(await ctx.store.claimDue(until - 1, 10, MARGIN), [], 'not before its time');
      const again = await claimOne(until, id);
      assert.equal(again.attempts, 1);
      assert.equal(again.manual, true, 'still the resend a person asked for');
      assert.equal(await ctx.store.releaseLeases(tick()), 1, 'claimed with a lease again');
    });

    it('startProbe: before the window everyone waits; then exactly one caller of several is the probe, and the held messages wait for it', async () => {
      const { subscription, c, until } = await openBreaker();
      assert.deepEqual(await ctx.store.startProbe(subscription.id, until - 1, until + 45_000, false), { send: false, until });
      assert.equal((await ctx.store.getSubscription(subscription.id))?.health.breaker, 'open');
      const leaseEnds = until + 45_000;
      const answers = await Promise.all(Array.from({ length: 5 }, () => ctx.store.startProbe(subscription.id, until, leaseEnds, false)));
      assert.equal(answers.filter((v) => v.send && v.probe).length, 1, JSON.stringify(answers));
      assert.deepEqual(
        answers.filter((v) => !v.send),
        Array.from({ length: 4 }, () => ({ send: false, until: leaseEnds })),
      );
      const health = (await ctx.store.getSubscription(subscription.id))?.health;
      assert.equal(health?.breaker, 'half_open');
      assert.equal(health?.breakerUntil, leaseEnds);
      assert.equal((await ctx.store.getMessage(c))?.nextAttemptAt, leaseEnds, 'the held message follows the breaker');
      assert.ok(!(await claimAll(until)).has(c), 'held, not due');
      // The probe's lease ran out (its worker died): another caller may probe.
      const next = await ctx.store.startProbe(subscription.id, leaseEnds, leaseEnds + 45_000, false);
      assert.deepEqual(next, { send: true, probe: true });
      assert.deepEqual(
        await ctx.store.startProbe(newId('sub'), until, leaseEnds, false),
        { send: true, probe: false },
        'unknown: nothing to hold',
      );
    });

    it('a probe that succeeds closes the breaker and makes the held messages due now', async () => {
      const { subscription, a, c, jobs, until, opened } = await openBreaker();
      const leaseEnds = until + 45_000;
      await ctx.store.startProbe(subscription.id, until, leaseEnds, false);
      const at = until + 100;
      const transitions = await ctx.store.recordAttempts([outcome(jobs.get(a) as DeliveryJob, { statusCode: 200, at })], POLICY);
      const health = (await ctx.store.getSubscription(subscription.id))?.health;
      assert.deepEqual(health, { ...initialHealth(true, at + DURATION), lastSuccessAt: at, lastFailureAt: opened - DURATION });
      assert.deepEqual(
        transitions.map((t) => [t.kind, t.from, t.to]),
        [
          ['breaker', 'half_open', 'closed'],
          ['status', 'failing', 'healthy'],
        ],
      );
      assert.equal((await ctx.store.getMessage(c))?.nextAttemptAt, at + DURATION);
      assert.ok((await claimAll(at + DURATION)).has(c), 'claimable at once');
    });

    it('a probe that faults opens the breaker again for another cool-down; the held messages follow', async () => {
      const { subscription, a, b, c, jobs, until, opened } = await openBreaker();
      await ctx.store.startProbe(subscription.id, until, until + 45_000, false);
      const at = until + 100;
      // A late fault of an attempt sent before the breaker opened is not the probe's: no change.
      await ctx.store.recordAttempts([outcome(jobs.get(b) as DeliveryJob, { statusCode: 500, at: at - 50 })], POLICY);
      assert.equal((await ctx.store.getSubscription(subscription.id))?.health.breaker, 'half_open');
      await ctx.store.recordAttempts([outcome(jobs.get(a) as DeliveryJob, { statusCode: 503, at, probe: true })], POLICY);
      const health = (await ctx.store.getSubscription(subscription.id))?.health;
      const next = at + DURATION + POLICY.breakerCooldownMs;
      assert.equal(health?.breaker, 'open');
      assert.equal(health?.breakerUntil, next);
      assert.equal(health?.breakerOpenedAt, opened);
      assert.equal((await ctx.store.getMessage(c))?.nextAttemptAt, next);
    });

    it('disables a subscription that keeps failing (out_of_order), keeping its messages', async () => {
      const { subscription } = await world();
      const [a, b, c] = [
        (await send('order.created')).messageIds[0],
        (await send('order.created')).messageIds[0],
        (await send('order.created')).messageIds[0],
      ] as string[];
      const jobs = await claimAll(tick());
      const first = tick();
      const failed = { status: 'failed', nextAttemptAt: null, statusCode: 404 } as const;
      await ctx.store.recordAttempts([outcome(jobs.get(a as string) as DeliveryJob, { ...failed, at: first })], POLICY);
      const late = first + POLICY.autoDisableAfterMs;
      const transitions = await ctx.store.recordAttempts([outcome(jobs.get(b as string) as DeliveryJob, { ...failed, at: late })], POLICY);
      assert.deepEqual(
        transitions.map((t) => [t.kind, t.to, t.kind === 'status' ? t.reason : null, t.at]),
        [['status', 'disabled', 'out_of_order', late + DURATION]],
      );
      const s = await ctx.store.getSubscription(subscription.id);
      assert.equal(s?.enabled, false);
      assert.equal(s?.health.status, 'disabled');
      assert.equal(s?.health.reason, 'out_of_order');
      assert.equal(s?.health.failedMessages, 2);
      assert.equal(s?.updatedAt, late + DURATION);
      assert.equal((await ctx.store.getMessage(c as string))?.status, 'pending', 'its messages are kept');
      assert.equal((await send('order.created')).messageIds.length, 0, 'a disabled subscription gets no new messages');
      assert.equal((await ctx.store.countSubscriptionHealth()).status.disabled, 1);
    });

    it('a healthy subscription succeeding changes only its last success: no transition, no settings change', async () => {
      const { subscription } = await world();
      const id = (await send('order.created')).messageIds[0] as string;
      const job = await claimOne(tick(), id);
      const o = outcome(job, { statusCode: 204 });
      assert.deepEqual(await ctx.store.recordAttempts([o], POLICY), []);
      assert.deepEqual(await ctx.store.getSubscription(subscription.id), {
        ...subscription,
        health: { ...subscription.health, lastSuccessAt: o.attempt.createdAt },
      });
    });

    it('updateSubscription with a new health moves the messages the breaker held', async () => {
      const { subscription, c, until, opened } = await openBreaker();
      const now = tick();
      const current = (await ctx.store.getSubscription(subscription.id))?.health as SubscriptionHealth;
      const off = disableHealth(current, 'disabled_manually', now).health;
      await ctx.store.updateSubscription(subscription.id, { enabled: false, health: off }, now);
      assert.ok(now < until);
      assert.equal((await ctx.store.getMessage(c))?.nextAttemptAt, now, 'due now: a disabled subscription fails it, to be recovered');
      const on = await ctx.store.updateSubscription(
        subscription.id,
        { enabled: true, health: enableHealth(off, tick()).health },
        ctx.clock,
      );
      assert.deepEqual(
        on?.health,
        { ...initialHealth(true, ctx.clock), lastFailureAt: opened - DURATION },
        'enabling keeps the last failure',
      );
    });
  });

  describe('onMessagesCommitted', () => {
    const waitFor = (predicate: () => boolean, what: string) =>
      new Promise<void>((resolve, reject) => {
        const started = Date.now();
        const check = () => {
          if (predicate()) return resolve();
          if (Date.now() - started > WAIT_MS) return reject(new Error(`timed out waiting for ${what}`));
          setTimeout(check, 5);
        };
        check();
      });

    it('fires after an ingest that created messages, and after a resend; stops after unsubscribe', async () => {
      await world();
      let calls = 0;
      const unsubscribe = ctx.store.onMessagesCommitted(() => {
        calls++;
      });
      // Give a listening store time to subscribe (LISTEN) before committing.
      await new Promise((r) => setTimeout(r, 100));
      const base = calls;
      const { messageIds } = await send('order.created');
      await waitFor(() => calls > base, 'a call after ingest');
      const [id] = messageIds;
      assert.ok(id);
      await settle(id, 'failed');
      const beforeResend = calls;
      await ctx.store.resendMessage(id, tick());
      await waitFor(() => calls > beforeResend, 'a call after resend');
      unsubscribe();
      await new Promise((r) => setTimeout(r, 50));
      const after = calls;
      await send('order.created');
      await new Promise((r) => setTimeout(r, 200));
      assert.equal(calls, after, 'no calls after unsubscribe');
    });

    it('fires after recoverMessages', async () => {
      const { subscription } = await world();
      const id = (await send('order.created')).messageIds[0];
      assert.ok(id);
      await settle(id, 'failed');
      let calls = 0;
      const unsubscribe = ctx.store.onMessagesCommitted(() => {
        calls++;
      });
      await new Promise((r) => setTimeout(r, 100));
      const base = calls;
      assert.deepEqual(await ctx.store.recoverMessages(subscription.id, { since: T0, statuses: ['failed'] }, tick()), {
        recovered: 1,
        inFlight: 0,
      });
      await waitFor(() => calls > base, 'a call after recover');
      unsubscribe();
    });
  });
}
