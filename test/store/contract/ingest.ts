// Store contract: events in (IngestStore), i.e. fan-out, idempotency, the event log and "trigger now"
// (ingestForSubscription). The leases an ingest hands off are in queue.ts.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { initialHealth } from '../../../src/domain/health.js';
import { newId } from '../../../src/domain/ids.js';
import { allPages, type ContractContext, desc, ids, T0 } from './context.js';

export function ingestContract(ctx: ContractContext): void {
  const { tick, eventData, addTypes, addSubscriber, addSubscription, ingestOne, send, world, claimOne } = ctx;

  describe('ingest fan-out', () => {
    it('creates one pending message per matching subscription, due at the event time', async () => {
      const { subscriber, subscription } = await world({ url: 'https://one.example/' });
      const event = eventData('order.created', { dataJson: '{"id": 7,  "lines":[1,2] }' });
      const result = await ingestOne(event);
      assert.deepEqual(result, { status: 'created', event, messages: 1 });
      assert.deepEqual(await ctx.store.getEvent(event.id), event, 'event read back exactly, data text untouched');
      const page = await ctx.store.listMessages({ limit: 10, eventId: event.id });
      assert.equal(page.data.length, 1);
      const m = page.data[0];
      assert.ok(m);
      assert.match(m.id, /^msg_/);
      assert.deepEqual(await ctx.store.getMessage(m.id), m);
      assert.deepEqual(
        {
          eventId: m.eventId,
          eventType: m.eventType,
          subscriberId: m.subscriberId,
          subscriptionId: m.subscriptionId,
          url: m.url,
          status: m.status,
          attempts: m.attempts,
          retries: m.retries,
          nextAttemptAt: m.nextAttemptAt,
          lastStatusCode: m.lastStatusCode,
          lastError: m.lastError,
          createdAt: m.createdAt,
        },
        {
          eventId: event.id,
          eventType: 'order.created',
          subscriberId: subscriber.id,
          subscriptionId: subscription.id,
          url: 'https://one.example/',
          status: 'pending',
          attempts: 0,
          retries: 0,
          nextAttemptAt: event.createdAt,
          lastStatusCode: null,
          lastError: null,
          createdAt: event.createdAt,
        },
      );
    });

    it("writes a message its subscription's open breaker holds back due when it lets messages out, and it moves with them", async () => {
      const until = T0 + 60_000;
      const { subscription } = await world({
        health: {
          ...initialHealth(true, T0),
          status: 'failing',
          reason: 'breaker_open',
          breaker: 'open',
          breakerUntil: until,
          breakerOpenedAt: T0,
        },
      });
      const [result] = await ctx.store.ingest([{ event: eventData('order.created'), requestHash: null }], {
        limit: 10,
        leaseMarginMs: 1_000,
      });
      assert.ok(result?.status === 'created');
      assert.equal(result.messages, 1);
      assert.equal(result.leased, undefined, 'not leased to be held back at once');
      const [m] = (await ctx.store.listMessages({ limit: 10, subscriptionId: subscription.id })).data;
      assert.equal(m?.nextAttemptAt, until);
      assert.equal(await ctx.store.nextDueAt(), until);
      // The breaker closes (enabled again, here): the message is due now.
      const now = tick();
      await ctx.store.updateSubscription(subscription.id, { health: initialHealth(true, now) }, now);
      assert.equal((await ctx.store.getMessage(m?.id ?? ''))?.nextAttemptAt, now);
    });

    it('matches exact names, prefix wildcards at any depth, and *; once per subscription', async () => {
      await addTypes('order.created', 'order.updated', 'order.line.added', 'orders.created', 'order', 'invoice.paid');
      const s = await addSubscriber();
      const exact = await addSubscription(s.id, { eventTypes: ['order.created'] });
      const prefix = await addSubscription(s.id, { eventTypes: ['order.*'] });
      const deep = await addSubscription(s.id, { eventTypes: ['order.line.*'] });
      const all = await addSubscription(s.id, { eventTypes: ['*'] });
      const overlapping = await addSubscription(s.id, { eventTypes: ['order.*', 'order.created', '*'] });
      const invoices = await addSubscription(s.id, { eventTypes: ['invoice.paid', 'invoice.*'] });

      const expected: Record<string, string[]> = {
        'order.created': [exact.id, prefix.id, all.id, overlapping.id],
        'order.updated': [prefix.id, all.id, overlapping.id],
        'order.line.added': [prefix.id, deep.id, all.id, overlapping.id],
        'orders.created': [all.id, overlapping.id],
        order: [all.id, overlapping.id],
        'invoice.paid': [all.id, overlapping.id, invoices.id],
      };
      for (const [type, subs] of Object.entries(expected)) {
        const event = eventData(type);
        const result = await ingestOne(event);
        assert.equal(result.status, 'created');
        assert.equal((result as { messages: number }).messages, subs.length, type);
        const messages = (await ctx.store.listMessages({ limit: 100, eventId: event.id })).data;
        assert.deepEqual(messages.map((m) => m.subscriptionId).sort(), [...subs].sort(), type);
      }
    });

    it('gives nothing to a disabled subscription or a disabled subscriber', async () => {
      await addTypes('order.created');
      const on = await addSubscriber();
      const off = await addSubscriber({ enabled: false });
      const live = await addSubscription(on.id);
      const disabledSub = await addSubscription(on.id, { enabled: false });
      await addSubscription(off.id);
      const first = await send('order.created');
      assert.deepEqual(
        (await ctx.store.listMessages({ limit: 10, eventId: first.event.id })).data.map((m) => m.subscriptionId),
        [live.id],
      );
      // Enabling them again makes later events reach them.
      await ctx.store.updateSubscription(disabledSub.id, { enabled: true }, tick());
      await ctx.store.updateSubscriber(off.id, { enabled: true }, tick());
      const second = await send('order.created');
      assert.equal(second.messageIds.length, 3);
      // Disabling the subscriber stops all of its subscriptions.
      await ctx.store.updateSubscriber(on.id, { enabled: false }, tick());
      const third = await send('order.created');
      assert.equal(third.messageIds.length, 1);
    });

    it('sends a subscriberId-scoped event only to that subscriber, a broadcast to all', async () => {
      await addTypes('order.created');
      const a = await addSubscriber();
      const b = await addSubscriber();
      const subA = await addSubscription(a.id);
      const subA2 = await addSubscription(a.id, { eventTypes: ['order.*'] });
      const subB = await addSubscription(b.id);
      const scoped = await send('order.created', { subscriberId: a.id });
      assert.deepEqual(
        (await ctx.store.listMessages({ limit: 10, eventId: scoped.event.id })).data.map((m) => m.subscriptionId).sort(),
        [subA.id, subA2.id].sort(),
      );
      const broadcast = await send('order.created');
      assert.deepEqual(
        (await ctx.store.listMessages({ limit: 10, eventId: broadcast.event.id })).data.map((m) => m.subscriptionId).sort(),
        [subA.id, subA2.id, subB.id].sort(),
      );
      assert.equal((await ctx.store.getEvent(scoped.event.id))?.subscriberId, a.id);
    });

    it('delivers to a subscription with channels only events on one of them', async () => {
      await addTypes('order.created');
      const s = await addSubscriber();
      const eu = await addSubscription(s.id, { channels: ['eu', 'vip'] });
      const any = await addSubscription(s.id);
      const cases: [string[] | null, string[]][] = [
        [['eu'], [eu.id, any.id]],
        [
          ['us', 'vip'],
          [eu.id, any.id],
        ],
        [['us'], [any.id]],
        [null, [any.id]],
      ];
      for (const [channels, subs] of cases) {
        const { event } = await send('order.created', { channels });
        const got = (await ctx.store.listMessages({ limit: 10, eventId: event.id })).data.map((m) => m.subscriptionId);
        assert.deepEqual(got.sort(), [...subs].sort(), `channels ${JSON.stringify(channels)}`);
        assert.deepEqual((await ctx.store.getEvent(event.id))?.channels, channels);
      }
    });

    it('treats channels [] as none: on a subscription it takes every event, on an event it reaches only subscriptions without channels', async () => {
      await addTypes('order.created');
      const s = await addSubscriber();
      const eu = await addSubscription(s.id, { channels: ['eu'] });
      const empty = await addSubscription(s.id, { channels: [] });
      const cases: [string[] | null, string[]][] = [
        [['eu'], [eu.id, empty.id]],
        [[], [empty.id]],
        [null, [empty.id]],
      ];
      for (const [channels, subs] of cases) {
        const { event } = await send('order.created', { channels });
        const got = (await ctx.store.listMessages({ limit: 10, eventId: event.id })).data.map((m) => m.subscriptionId);
        assert.deepEqual(got.sort(), [...subs].sort(), `channels ${JSON.stringify(channels)}`);
      }
    });

    it('creates an event with zero messages when nothing matches', async () => {
      await world({ eventTypes: ['invoice.paid'] });
      const event = eventData('order.created');
      assert.deepEqual(await ingestOne(event), { status: 'created', event, messages: 0 });
      assert.deepEqual(await ctx.store.getEvent(event.id), event);
    });

    it('answers unknown_event_type and writes nothing', async () => {
      await world();
      const event = eventData('not.in.catalogue');
      assert.deepEqual(await ingestOne(event), { status: 'unknown_event_type' });
      assert.equal(await ctx.store.getEvent(event.id), null);
      assert.equal((await ctx.store.listMessages({ limit: 10 })).data.length, 0);
      assert.equal(await ctx.store.nextDueAt(), null);
    });

    it('answers unknown_subscriber for a scoped event to a missing subscriber and writes nothing', async () => {
      await world();
      const event = eventData('order.created', { subscriberId: newId('sbr') });
      assert.deepEqual(await ingestOne(event), { status: 'unknown_subscriber' });
      assert.equal(await ctx.store.getEvent(event.id), null);
      assert.equal((await ctx.store.listMessages({ limit: 10 })).data.length, 0);
    });

    it('commits a batch with results in request order, writing only the created ones', async () => {
      await world();
      const good1 = eventData('order.created');
      const bad = eventData('no.such.type');
      const good2 = eventData('invoice.paid');
      const orphan = eventData('order.created', { subscriberId: newId('sbr') });
      const results = await ctx.store.ingest([
        { event: good1, requestHash: null },
        { event: bad, requestHash: null },
        { event: good2, requestHash: null },
        { event: orphan, requestHash: null },
      ]);
      assert.deepEqual(
        results.map((r) => r.status),
        ['created', 'unknown_event_type', 'created', 'unknown_subscriber'],
      );
      assert.deepEqual(results[0], { status: 'created', event: good1, messages: 1 });
      assert.deepEqual(results[2], { status: 'created', event: good2, messages: 1 });
      assert.deepEqual(ids((await ctx.store.listEvents({ limit: 10 })).data), desc([good1.id, good2.id]));
      assert.equal((await ctx.store.listMessages({ limit: 10 })).data.length, 2);
      assert.deepEqual(await ctx.store.ingest([]), []);
    });
  });

  describe('ingest idempotency', () => {
    it('replays the original event for the same key and hash, writing nothing new', async () => {
      await world();
      const first = eventData('order.created', { idempotencyKey: 'k-1' });
      assert.deepEqual(await ingestOne(first, 'hash-a'), { status: 'created', event: first, messages: 1 });
      const again = eventData('order.created', { idempotencyKey: 'k-1' });
      assert.deepEqual(await ingestOne(again, 'hash-a'), { status: 'replayed', event: first, messages: 1 });
      assert.equal(await ctx.store.getEvent(again.id), null);
      assert.equal((await ctx.store.listEvents({ limit: 10 })).data.length, 1);
      assert.equal((await ctx.store.listMessages({ limit: 10 })).data.length, 1);
    });

    it('replays the original message count, not what is left after a message is deleted', async () => {
      const { subscriber } = await world();
      await addSubscription(subscriber.id, { eventTypes: ['order.created'] });
      const first = eventData('order.created', { idempotencyKey: 'k-count' });
      assert.deepEqual(await ingestOne(first, 'hash-a'), { status: 'created', event: first, messages: 2 });
      const [message] = (await ctx.store.listMessages({ limit: 10, eventId: first.id })).data;
      assert.ok(message && (await ctx.store.deleteMessage(message.id)));
      const again = eventData('order.created', { idempotencyKey: 'k-count' });
      assert.deepEqual(await ingestOne(again, 'hash-a'), { status: 'replayed', event: first, messages: 2 });
    });

    it('answers idempotency_conflict for the same key with another hash, writing nothing', async () => {
      await world();
      const first = eventData('order.created', { idempotencyKey: 'k-1' });
      await ingestOne(first, 'hash-a');
      const other = eventData('order.created', { idempotencyKey: 'k-1', dataJson: '{"n":2}' });
      assert.deepEqual(await ingestOne(other, 'hash-b'), { status: 'idempotency_conflict' });
      assert.equal(await ctx.store.getEvent(other.id), null);
      assert.equal((await ctx.store.listMessages({ limit: 10 })).data.length, 1);
    });

    it('scopes keys by subscriberId', async () => {
      const { subscriber } = await world();
      const broadcast = eventData('order.created', { idempotencyKey: 'k-1' });
      const scoped = eventData('order.created', { idempotencyKey: 'k-1', subscriberId: subscriber.id });
      assert.equal((await ingestOne(broadcast, 'h1')).status, 'created');
      assert.equal((await ingestOne(scoped, 'h2')).status, 'created');
      const replay = await ingestOne(eventData('order.created', { idempotencyKey: 'k-1', subscriberId: subscriber.id }), 'h2');
      assert.deepEqual(replay, { status: 'replayed', event: scoped, messages: 1 });
    });

    it('applies within one batch: the first creates, the repeat replays or conflicts', async () => {
      await world();
      const a = eventData('order.created', { idempotencyKey: 'same' });
      const b = eventData('order.created', { idempotencyKey: 'same' });
      const c = eventData('order.created', { idempotencyKey: 'same' });
      const results = await ctx.store.ingest([
        { event: a, requestHash: 'h' },
        { event: b, requestHash: 'h' },
        { event: c, requestHash: 'other' },
      ]);
      assert.deepEqual(results, [
        { status: 'created', event: a, messages: 1 },
        { status: 'replayed', event: a, messages: 1 },
        { status: 'idempotency_conflict' },
      ]);
      assert.equal((await ctx.store.listEvents({ limit: 10 })).data.length, 1);
      assert.equal((await ctx.store.listMessages({ limit: 10 })).data.length, 1);
    });

    it('does not apply to events without a key', async () => {
      await world();
      assert.equal((await ingestOne(eventData('order.created'), 'h')).status, 'created');
      assert.equal((await ingestOne(eventData('order.created'), 'h')).status, 'created');
      assert.equal((await ctx.store.listEvents({ limit: 10 })).data.length, 2);
    });
  });

  describe('events', () => {
    it('lists newest first with type, subscriberId, since and until filters, paginated', async () => {
      const { subscriber } = await world();
      const e1 = (await send('order.created', { createdAt: T0 + 1_000_000 })).event;
      const e2 = (await send('invoice.paid', { createdAt: T0 + 2_000_000 })).event;
      const e3 = (await send('order.created', { createdAt: T0 + 3_000_000, subscriberId: subscriber.id })).event;
      const e4 = (await send('order.updated', { createdAt: T0 + 4_000_000 })).event;
      assert.equal(await ctx.store.getEvent(newId('evt')), null);
      const all = await allPages((cursor) => ctx.store.listEvents({ limit: 3, cursor }));
      assert.deepEqual(ids(all.flat()), [e4.id, e3.id, e2.id, e1.id]);
      assert.deepEqual(
        all.map((p) => p.length),
        [3, 1],
      );
      assert.deepEqual(ids((await ctx.store.listEvents({ limit: 10, type: 'order.created' })).data), [e3.id, e1.id]);
      assert.deepEqual(ids((await ctx.store.listEvents({ limit: 10, subscriberId: subscriber.id })).data), [e3.id]);
      assert.deepEqual(ids((await ctx.store.listEvents({ limit: 10, since: e2.createdAt })).data), [e4.id, e3.id, e2.id]);
      assert.deepEqual(ids((await ctx.store.listEvents({ limit: 10, until: e2.createdAt })).data), [e1.id]);
      assert.deepEqual(ids((await ctx.store.listEvents({ limit: 10, since: e2.createdAt, until: e4.createdAt })).data), [e3.id, e2.id]);
    });
  });

  describe('ingestForSubscription', () => {
    it('commits the event with one pending message for that subscription only, whatever its patterns', async () => {
      const { subscriber, subscription } = await world({ eventTypes: ['invoice.paid'], channels: ['c1'] });
      await addSubscription(subscriber.id, { eventTypes: ['*'] }); // a sibling that must get nothing
      const event = eventData('herald.test', { subscriberId: subscriber.id, dataJson: '{"test":true}' });
      const message = await ctx.store.ingestForSubscription(event, subscription.id);
      assert.ok(message);
      assert.equal(message.eventId, event.id);
      assert.equal(message.eventType, 'herald.test');
      assert.equal(message.subscriptionId, subscription.id);
      assert.equal(message.subscriberId, subscriber.id);
      assert.equal(message.url, subscription.url);
      assert.equal(message.status, 'pending');
      assert.equal(message.nextAttemptAt, event.createdAt);
      assert.deepEqual(await ctx.store.getEvent(event.id), event, 'the event is recorded, though herald.test is not in the catalogue');
      assert.deepEqual(
        (await ctx.store.listMessages({ limit: 10, eventId: event.id })).data.map((m) => m.id),
        [message.id],
      );
      const job = await claimOne(event.createdAt, message.id);
      assert.equal(job.dataJson, '{"test":true}');
      assert.equal(job.subscription.id, subscription.id);
      assert.equal(job.manual, true, 'a person asked for it: recorded as manual, let through an open breaker as its probe');
    });

    it('answers null for an unknown subscription and writes nothing', async () => {
      const { subscriber } = await world();
      const event = eventData('herald.test', { subscriberId: subscriber.id });
      assert.equal(await ctx.store.ingestForSubscription(event, newId('sub')), null);
      assert.equal(await ctx.store.getEvent(event.id), null);
      assert.equal((await ctx.store.listMessages({ limit: 10 })).data.length, 0);
    });
  });
}
