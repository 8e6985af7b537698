// The store contract suite: every Store implementation must pass it unchanged. A runner per backend
// calls `storeContract(name, makeStore)`; makeStore gives each test a fresh, empty store (the suite
// calls migrate() itself, so an already-migrated store is fine) and a cleanup that closes it and
// removes its data. Times are explicit (a fixed clock), never Date.now(), so the tests are exact.
import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { HeraldError } from '../../src/domain/errors.js';
import type { ApiKey, AuditEntry, EventType, HeraldEvent, MessageStatus, Subscriber, Subscription } from '../../src/domain/glossary.js';
import { signingSecrets } from '../../src/domain/glossary.js';
import { newId } from '../../src/domain/ids.js';
import type { AttemptOutcome, AuditFilter, DeliveryJob, IngestResult, Store, StoredSession } from '../../src/store/store.js';

export type MakeStore = () => Promise<{ store: Store; cleanup: () => Promise<void> }>;

const T0 = 1_700_000_000_000; // epoch ms; every time in the suite is T0 + something
const MARGIN = 15_000; // ms, the lease margin passed to claimDue
const WAIT_MS = 3_000; // bound on waiting for onMessagesCommitted

const isCode =
  (code: string) =>
  (err: unknown): boolean =>
    err instanceof HeraldError && err.code === code;

export function storeContract(name: string, makeStore: MakeStore): void {
  describe(`store contract: ${name}`, () => {
    let store: Store;
    let cleanup: () => Promise<void>;
    let clock = T0; // strictly increasing, so ids made with it sort in creation order

    const tick = (ms = 1): number => {
      clock += ms;
      return clock;
    };

    beforeEach(async () => {
      clock = T0;
      ({ store, cleanup } = await makeStore());
      await store.migrate();
    });
    afterEach(async () => {
      await cleanup();
    });

    // ---- builders ---------------------------------------------------------------------------------

    const eventType = (name: string, at = tick()): EventType => ({
      name,
      description: `${name} happened`,
      schema: null,
      createdAt: at,
      updatedAt: at,
    });

    const subscriberData = (over: Partial<Subscriber> = {}): Subscriber => {
      const at = tick();
      return { id: newId('sbr', at), name: 'Acme', enabled: true, metadata: null, createdAt: at, updatedAt: at, ...over };
    };

    const subscriptionData = (subscriberId: string, over: Partial<Subscription> = {}): Subscription => {
      const at = tick();
      return {
        id: newId('sub', at),
        subscriberId,
        name: null,
        description: null,
        url: 'https://receiver.example/hook',
        method: 'POST',
        eventTypes: ['*'],
        channels: null,
        headers: {},
        payloadFormat: 'standard',
        retrySchedule: null,
        timeoutSeconds: 30,
        enabled: true,
        secret: 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw',
        previousSecret: null,
        previousSecretExpiresAt: null,
        createdAt: at,
        updatedAt: at,
        ...over,
      };
    };

    const eventData = (type: string, over: Partial<HeraldEvent> = {}): HeraldEvent => {
      const at = over.createdAt ?? tick();
      return {
        id: newId('evt', at),
        type,
        dataJson: '{"n":1}',
        idempotencyKey: null,
        subscriberId: null,
        channels: null,
        createdAt: at,
        ...over,
      };
    };

    const addTypes = (...names: string[]) => Promise.all(names.map((n) => store.createEventType(eventType(n))));
    const addSubscriber = (over: Partial<Subscriber> = {}) => store.createSubscriber(subscriberData(over));
    const addSubscription = (subscriberId: string, over: Partial<Subscription> = {}) =>
      store.createSubscription(subscriptionData(subscriberId, over));

    async function ingestOne(event: HeraldEvent, requestHash: string | null = null): Promise<IngestResult> {
      const [result] = await store.ingest([{ event, requestHash }]);
      assert.ok(result);
      return result;
    }

    /** Ingests an event that must be created, and returns it with its messages' ids. */
    async function send(type: string, over: Partial<HeraldEvent> = {}): Promise<{ event: HeraldEvent; messageIds: string[] }> {
      const event = eventData(type, over);
      const result = await ingestOne(event);
      assert.equal(result.status, 'created');
      const page = await store.listMessages({ limit: 1000, eventId: event.id });
      return { event, messageIds: page.data.map((m) => m.id) };
    }

    /** One subscriber with one `*` subscription. */
    async function world(over: Partial<Subscription> = {}) {
      await addTypes('order.created', 'order.updated', 'invoice.paid');
      const subscriber = await addSubscriber();
      const subscription = await addSubscription(subscriber.id, over);
      return { subscriber, subscription };
    }

    function outcome(
      job: { messageId: string; eventType: string; subscription: Pick<Subscription, 'id' | 'subscriberId'> },
      over: Partial<Omit<AttemptOutcome, 'attempt'>> & {
        statusCode?: number | null;
        at?: number;
        error?: string | null;
        durationMs?: number;
      } = {},
    ): AttemptOutcome {
      const at = over.at ?? tick();
      const statusCode = over.statusCode === undefined ? 200 : over.statusCode;
      const ok = statusCode !== null && statusCode >= 200 && statusCode < 300;
      return {
        attempt: {
          id: newId('att', at),
          messageId: job.messageId,
          subscriptionId: job.subscription.id,
          subscriberId: job.subscription.subscriberId,
          eventType: job.eventType,
          statusCode,
          durationMs: over.durationMs ?? 12,
          error: over.error !== undefined ? over.error : ok ? null : 'receiver answered with an error',
          requestHeaders: { 'webhook-id': job.messageId },
          responseHeaders: { 'content-type': 'text/plain' },
          responseBody: ok ? 'ok' : 'nope',
          trigger: 'scheduled',
          createdAt: at,
        },
        status: over.status ?? (ok ? 'succeeded' : 'retrying'),
        attempts: over.attempts ?? 1,
        retries: over.retries ?? (ok ? 0 : 1),
        nextAttemptAt: over.nextAttemptAt !== undefined ? over.nextAttemptAt : ok ? null : at + 1_000,
        disableSubscription: over.disableSubscription ?? false,
      };
    }

    /** Claims everything due at `now` and returns the jobs by message id. */
    async function claimAll(now: number): Promise<Map<string, DeliveryJob>> {
      const jobs = await store.claimDue(now, 1000, MARGIN);
      return new Map(jobs.map((j) => [j.messageId, j]));
    }

    async function claimOne(now: number, messageId: string): Promise<DeliveryJob> {
      const job = (await claimAll(now)).get(messageId);
      assert.ok(job, `message ${messageId} should be claimable at ${now}`);
      return job;
    }

    /** Drives one message to `status` by recording an attempt (without claiming, so other messages keep their state). */
    async function settle(messageId: string, status: MessageStatus, over: Parameters<typeof outcome>[1] = {}): Promise<AttemptOutcome> {
      const message = await store.getMessage(messageId);
      assert.ok(message);
      const o = outcome(
        { messageId, eventType: message.eventType, subscription: { id: message.subscriptionId, subscriberId: message.subscriberId } },
        {
          status,
          statusCode: status === 'succeeded' ? 200 : 500,
          nextAttemptAt: status === 'retrying' ? tick(60_000) : null,
          ...over,
        },
      );
      await store.recordAttempts([o]);
      return o;
    }

    /** Every page of a listing, following nextCursor (bounded). */
    async function allPages<T>(fetch: (cursor: string | null) => Promise<{ data: T[]; nextCursor: string | null }>): Promise<T[][]> {
      const pages: T[][] = [];
      let cursor: string | null = null;
      for (let i = 0; i < 100; i++) {
        const p = await fetch(cursor);
        pages.push(p.data);
        if (p.nextCursor === null) return pages;
        cursor = p.nextCursor;
      }
      throw new Error('pagination did not end');
    }

    const ids = (xs: { id: string }[]) => xs.map((x) => x.id);
    const desc = (xs: string[]) => [...xs].sort().reverse();

    // ---- lifecycle --------------------------------------------------------------------------------

    describe('lifecycle', () => {
      it('migrate is idempotent and ping answers', async () => {
        await store.migrate();
        await store.migrate();
        await store.ping();
        assert.equal(typeof store.capabilities.multiProcess, 'boolean');
        assert.equal(typeof store.capabilities.crossProcessNotify, 'boolean');
        assert.ok(store.kind === 'sqlite' || store.kind === 'postgres');
      });
    });

    // ---- event types ------------------------------------------------------------------------------

    describe('event types', () => {
      it('creates, reads back exactly, and answers null for an unknown name', async () => {
        const withSchema: EventType = { ...eventType('order.created'), schema: { type: 'object', required: ['id'] } };
        assert.deepEqual(await store.createEventType(withSchema), withSchema);
        assert.deepEqual(await store.getEventType('order.created'), withSchema);
        const plain = eventType('order.deleted');
        await store.createEventType(plain);
        assert.deepEqual(await store.getEventType('order.deleted'), plain);
        assert.equal(await store.getEventType('nope.nothing'), null);
      });

      it('rejects a duplicate name with conflict', async () => {
        await store.createEventType(eventType('order.created'));
        await assert.rejects(store.createEventType(eventType('order.created')), isCode('conflict'));
      });

      it('imports only the missing ones and leaves existing ones untouched', async () => {
        const original = await store.createEventType(eventType('a.one'));
        const added = await store.importEventTypes([
          { ...eventType('a.one'), description: 'changed' },
          eventType('a.two'),
          eventType('a.three'),
        ]);
        assert.equal(added, 2);
        assert.deepEqual(await store.getEventType('a.one'), original);
        assert.ok(await store.getEventType('a.three'));
        assert.equal(await store.importEventTypes([]), 0);
      });

      it('lists by name ascending with a name cursor', async () => {
        for (const n of ['c.x', 'a.x', 'e.x', 'b.x', 'd.x']) await store.createEventType(eventType(n));
        const pages = await allPages((cursor) => store.listEventTypes({ limit: 2, cursor }));
        assert.deepEqual(
          pages.map((p) => p.map((t) => t.name)),
          [['a.x', 'b.x'], ['c.x', 'd.x'], ['e.x']],
        );
        const exact = await store.listEventTypes({ limit: 5 });
        assert.equal(exact.data.length, 5);
        assert.equal(exact.nextCursor, null);
      });

      it('updates description and schema, sets updatedAt, and answers null for an unknown name', async () => {
        const t = await store.createEventType(eventType('order.created'));
        const now = tick();
        const updated = await store.updateEventType('order.created', { description: 'new words' }, now);
        assert.deepEqual(updated, { ...t, description: 'new words', updatedAt: now });
        const schema = { type: 'object' };
        const withSchema = await store.updateEventType('order.created', { schema }, tick());
        assert.deepEqual(withSchema?.schema, schema);
        assert.equal(withSchema?.description, 'new words');
        assert.deepEqual(await store.getEventType('order.created'), withSchema);
        assert.equal(await store.updateEventType('nope.nothing', { description: 'x' }, tick()), null);
      });

      it('deletes, then answers false', async () => {
        await store.createEventType(eventType('order.created'));
        assert.equal(await store.deleteEventType('order.created'), true);
        assert.equal(await store.getEventType('order.created'), null);
        assert.equal(await store.deleteEventType('order.created'), false);
      });
    });

    // ---- subscribers ------------------------------------------------------------------------------

    describe('subscribers', () => {
      it('creates and reads back exactly; null for an unknown id', async () => {
        const s = subscriberData({ name: 'Globex', metadata: { region: 'eu', tier: 'gold' } });
        assert.deepEqual(await store.createSubscriber(s), s);
        assert.deepEqual(await store.getSubscriber(s.id), s);
        assert.equal(await store.getSubscriber(newId('sbr')), null);
      });

      it('rejects a duplicate id with conflict, changing nothing', async () => {
        const s = await addSubscriber({ name: 'first' });
        await assert.rejects(store.createSubscriber({ ...s, name: 'second' }), isCode('conflict'));
        assert.equal((await store.getSubscriber(s.id))?.name, 'first');
      });

      it('lists newest first and paginates with the last id as cursor', async () => {
        const created: string[] = [];
        for (let i = 0; i < 5; i++) created.push((await addSubscriber({ name: `s${i}` })).id);
        const pages = await allPages((cursor) => store.listSubscribers({ limit: 2, cursor }));
        assert.deepEqual(
          pages.map((p) => p.length),
          [2, 2, 1],
        );
        assert.deepEqual(
          pages.flat().map((s) => s.id),
          desc(created),
        );
        const first = await store.listSubscribers({ limit: 2 });
        assert.equal(first.nextCursor, first.data[1]?.id);
      });

      it('updates name, enabled and metadata; null for an unknown id', async () => {
        const s = await addSubscriber();
        const now = tick();
        const u = await store.updateSubscriber(s.id, { name: 'Renamed', enabled: false, metadata: { k: 'v' } }, now);
        assert.deepEqual(u, { ...s, name: 'Renamed', enabled: false, metadata: { k: 'v' }, updatedAt: now });
        assert.deepEqual(await store.getSubscriber(s.id), u);
        const partial = await store.updateSubscriber(s.id, { enabled: true }, tick());
        assert.equal(partial?.name, 'Renamed');
        assert.equal(partial?.enabled, true);
        assert.equal(await store.updateSubscriber(newId('sbr'), { name: 'x' }, tick()), null);
      });

      it('deleting one deletes its subscriptions, their messages and attempts', async () => {
        const { subscriber, subscription } = await world();
        const other = await addSubscriber();
        const otherSub = await addSubscription(other.id);
        const { event, messageIds } = await send('order.created');
        assert.equal(messageIds.length, 2);
        const mine = (await store.listMessages({ limit: 10, subscriptionId: subscription.id })).data[0];
        const theirs = (await store.listMessages({ limit: 10, subscriptionId: otherSub.id })).data[0];
        assert.ok(mine && theirs);
        const o = await settle(mine.id, 'succeeded');

        assert.equal(await store.deleteSubscriber(subscriber.id), true);
        assert.equal(await store.getSubscriber(subscriber.id), null);
        assert.equal(await store.getSubscription(subscription.id), null);
        assert.equal(await store.getMessage(mine.id), null);
        assert.equal(await store.getAttempt(o.attempt.id), null);
        assert.equal((await store.listAttempts({ limit: 10, subscriptionId: subscription.id })).data.length, 0);
        // Someone else's data and the event itself stay.
        assert.ok(await store.getMessage(theirs.id));
        assert.ok(await store.getSubscription(otherSub.id));
        assert.ok(await store.getEvent(event.id));
        assert.equal(await store.deleteSubscriber(subscriber.id), false);
      });
    });

    // ---- subscriptions ----------------------------------------------------------------------------

    describe('subscriptions', () => {
      it('rejects a duplicate id with conflict, changing nothing', async () => {
        const s = await addSubscriber();
        const sub = await addSubscription(s.id, { name: 'first' });
        await assert.rejects(store.createSubscription({ ...sub, name: 'second', eventTypes: ['other.*'] }), isCode('conflict'));
        assert.deepEqual(await store.getSubscription(sub.id), sub);
      });

      it('creates and reads back every field exactly; null for an unknown id', async () => {
        const s = await addSubscriber();
        const sub = subscriptionData(s.id, {
          name: 'orders to ERP',
          description: 'all order events',
          url: 'https://erp.example/hooks?x=1',
          method: 'GET',
          eventTypes: ['order.*', 'invoice.paid'],
          channels: ['eu', 'vip'],
          headers: { 'x-api-key': 'abc', 'x-tenant': '7' },
          payloadFormat: 'raw',
          retrySchedule: [1, 5, 30.5],
          timeoutSeconds: 7,
          enabled: false,
        });
        assert.deepEqual(await store.createSubscription(sub), sub);
        assert.deepEqual(await store.getSubscription(sub.id), sub);
        assert.equal(await store.getSubscription(newId('sub')), null);
      });

      it('rejects a subscription of an unknown subscriber with unknown_subscriber', async () => {
        await assert.rejects(store.createSubscription(subscriptionData(newId('sbr'))), isCode('unknown_subscriber'));
        assert.equal((await store.listSubscriptions({ limit: 10 })).data.length, 0);
      });

      it('lists newest first, filtered by subscriber, paginated', async () => {
        const a = await addSubscriber();
        const b = await addSubscriber();
        const ofA: string[] = [];
        for (let i = 0; i < 3; i++) ofA.push((await addSubscription(a.id)).id);
        const ofB = (await addSubscription(b.id)).id;
        const pages = await allPages((cursor) => store.listSubscriptions({ limit: 2, cursor, subscriberId: a.id }));
        assert.deepEqual(
          pages.flat().map((s) => s.id),
          desc(ofA),
        );
        assert.deepEqual(
          pages.map((p) => p.length),
          [2, 1],
        );
        const all = await store.listSubscriptions({ limit: 10 });
        assert.deepEqual(ids(all.data), desc([...ofA, ofB]));
      });

      it('updates fields, and a new eventTypes list changes fan-out; null for an unknown id', async () => {
        await addTypes('a.x', 'b.y');
        const s = await addSubscriber();
        const sub = await addSubscription(s.id, { eventTypes: ['a.x'] });
        const now = tick();
        const patch = {
          eventTypes: ['b.*'],
          url: 'https://new.example/h',
          headers: { h: '1' },
          channels: ['c1'],
          retrySchedule: [2, 4],
          timeoutSeconds: 9.5, // fractional seconds round-trip
          name: 'n',
          description: 'd',
          method: 'GET' as const,
          payloadFormat: 'raw' as const,
          secret: 'whsec_bmV3c2VjcmV0bmV3c2VjcmV0bmV3c2VjcmV0',
        };
        const u = await store.updateSubscription(sub.id, patch, now);
        assert.deepEqual(u, { ...sub, ...patch, updatedAt: now });
        assert.deepEqual(await store.getSubscription(sub.id), u);

        const cleared = await store.updateSubscription(sub.id, { channels: null, retrySchedule: null }, tick());
        assert.equal(cleared?.channels, null);
        assert.equal(cleared?.retrySchedule, null);
        assert.deepEqual(cleared?.eventTypes, ['b.*']);

        assert.equal((await ingestOne(eventData('a.x'))).status, 'created');
        assert.equal(((await ingestOne(eventData('a.x'))) as { messages: number }).messages, 0);
        assert.equal(((await ingestOne(eventData('b.y'))) as { messages: number }).messages, 1);
        const m = (await store.listMessages({ limit: 1, subscriptionId: sub.id })).data[0];
        assert.equal(m?.url, 'https://new.example/h', "a message shows the subscription's current URL");
        assert.equal(await store.updateSubscription(newId('sub'), { name: 'x' }, tick()), null);
      });

      it('deleting one deletes its messages and attempts, not the event', async () => {
        const { subscription } = await world();
        const { event, messageIds } = await send('order.created');
        const [messageId] = messageIds;
        assert.ok(messageId);
        const o = await settle(messageId, 'succeeded');
        assert.equal(await store.deleteSubscription(subscription.id), true);
        assert.equal(await store.getSubscription(subscription.id), null);
        assert.equal(await store.getMessage(messageId), null);
        assert.equal(await store.getAttempt(o.attempt.id), null);
        assert.ok(await store.getEvent(event.id));
        assert.equal(await store.deleteSubscription(subscription.id), false);
        // Nothing left to deliver either.
        assert.equal((await store.claimDue(tick(1e9), 100, MARGIN)).length, 0);
      });

      it('deleting one with messages still to deliver leaves nothing to claim', async () => {
        const { subscription } = await world();
        const retrying = (await send('order.created')).messageIds[0];
        const pending = (await send('order.created')).messageIds[0];
        assert.ok(retrying && pending);
        const o = await settle(retrying, 'retrying');
        assert.equal(await store.deleteSubscription(subscription.id), true);
        assert.equal(await store.getMessage(pending), null);
        assert.equal(await store.getAttempt(o.attempt.id), null);
        assert.equal(await store.nextDueAt(), null);
        assert.equal((await store.claimDue(tick(1e9), 100, MARGIN)).length, 0);
      });
    });

    // ---- ingest -----------------------------------------------------------------------------------

    describe('ingest fan-out', () => {
      it('creates one pending message per matching subscription, due at the event time', async () => {
        const { subscriber, subscription } = await world({ url: 'https://one.example/' });
        const event = eventData('order.created', { dataJson: '{"id": 7,  "lines":[1,2] }' });
        const result = await ingestOne(event);
        assert.deepEqual(result, { status: 'created', event, messages: 1 });
        assert.deepEqual(await store.getEvent(event.id), event, 'event read back exactly, data text untouched');
        const page = await store.listMessages({ limit: 10, eventId: event.id });
        assert.equal(page.data.length, 1);
        const m = page.data[0];
        assert.ok(m);
        assert.match(m.id, /^msg_/);
        assert.deepEqual(await store.getMessage(m.id), m);
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
          const messages = (await store.listMessages({ limit: 100, eventId: event.id })).data;
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
          (await store.listMessages({ limit: 10, eventId: first.event.id })).data.map((m) => m.subscriptionId),
          [live.id],
        );
        // Enabling them again makes later events reach them.
        await store.updateSubscription(disabledSub.id, { enabled: true }, tick());
        await store.updateSubscriber(off.id, { enabled: true }, tick());
        const second = await send('order.created');
        assert.equal(second.messageIds.length, 3);
        // Disabling the subscriber stops all of its subscriptions.
        await store.updateSubscriber(on.id, { enabled: false }, tick());
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
          (await store.listMessages({ limit: 10, eventId: scoped.event.id })).data.map((m) => m.subscriptionId).sort(),
          [subA.id, subA2.id].sort(),
        );
        const broadcast = await send('order.created');
        assert.deepEqual(
          (await store.listMessages({ limit: 10, eventId: broadcast.event.id })).data.map((m) => m.subscriptionId).sort(),
          [subA.id, subA2.id, subB.id].sort(),
        );
        assert.equal((await store.getEvent(scoped.event.id))?.subscriberId, a.id);
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
          const got = (await store.listMessages({ limit: 10, eventId: event.id })).data.map((m) => m.subscriptionId);
          assert.deepEqual(got.sort(), [...subs].sort(), `channels ${JSON.stringify(channels)}`);
          assert.deepEqual((await store.getEvent(event.id))?.channels, channels);
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
          const got = (await store.listMessages({ limit: 10, eventId: event.id })).data.map((m) => m.subscriptionId);
          assert.deepEqual(got.sort(), [...subs].sort(), `channels ${JSON.stringify(channels)}`);
        }
      });

      it('creates an event with zero messages when nothing matches', async () => {
        await world({ eventTypes: ['invoice.paid'] });
        const event = eventData('order.created');
        assert.deepEqual(await ingestOne(event), { status: 'created', event, messages: 0 });
        assert.deepEqual(await store.getEvent(event.id), event);
      });

      it('answers unknown_event_type and writes nothing', async () => {
        await world();
        const event = eventData('not.in.catalogue');
        assert.deepEqual(await ingestOne(event), { status: 'unknown_event_type' });
        assert.equal(await store.getEvent(event.id), null);
        assert.equal((await store.listMessages({ limit: 10 })).data.length, 0);
        assert.equal(await store.nextDueAt(), null);
      });

      it('answers unknown_subscriber for a scoped event to a missing subscriber and writes nothing', async () => {
        await world();
        const event = eventData('order.created', { subscriberId: newId('sbr') });
        assert.deepEqual(await ingestOne(event), { status: 'unknown_subscriber' });
        assert.equal(await store.getEvent(event.id), null);
        assert.equal((await store.listMessages({ limit: 10 })).data.length, 0);
      });

      it('commits a batch with results in request order, writing only the created ones', async () => {
        await world();
        const good1 = eventData('order.created');
        const bad = eventData('no.such.type');
        const good2 = eventData('invoice.paid');
        const orphan = eventData('order.created', { subscriberId: newId('sbr') });
        const results = await store.ingest([
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
        assert.deepEqual(ids((await store.listEvents({ limit: 10 })).data), desc([good1.id, good2.id]));
        assert.equal((await store.listMessages({ limit: 10 })).data.length, 2);
        assert.deepEqual(await store.ingest([]), []);
      });
    });

    describe('ingest idempotency', () => {
      it('replays the original event for the same key and hash, writing nothing new', async () => {
        await world();
        const first = eventData('order.created', { idempotencyKey: 'k-1' });
        assert.deepEqual(await ingestOne(first, 'hash-a'), { status: 'created', event: first, messages: 1 });
        const again = eventData('order.created', { idempotencyKey: 'k-1' });
        assert.deepEqual(await ingestOne(again, 'hash-a'), { status: 'replayed', event: first, messages: 1 });
        assert.equal(await store.getEvent(again.id), null);
        assert.equal((await store.listEvents({ limit: 10 })).data.length, 1);
        assert.equal((await store.listMessages({ limit: 10 })).data.length, 1);
      });

      it('replays the original message count, not what is left after a message is deleted', async () => {
        const { subscriber } = await world();
        await addSubscription(subscriber.id, { eventTypes: ['order.created'] });
        const first = eventData('order.created', { idempotencyKey: 'k-count' });
        assert.deepEqual(await ingestOne(first, 'hash-a'), { status: 'created', event: first, messages: 2 });
        const [message] = (await store.listMessages({ limit: 10, eventId: first.id })).data;
        assert.ok(message && (await store.deleteMessage(message.id)));
        const again = eventData('order.created', { idempotencyKey: 'k-count' });
        assert.deepEqual(await ingestOne(again, 'hash-a'), { status: 'replayed', event: first, messages: 2 });
      });

      it('answers idempotency_conflict for the same key with another hash, writing nothing', async () => {
        await world();
        const first = eventData('order.created', { idempotencyKey: 'k-1' });
        await ingestOne(first, 'hash-a');
        const other = eventData('order.created', { idempotencyKey: 'k-1', dataJson: '{"n":2}' });
        assert.deepEqual(await ingestOne(other, 'hash-b'), { status: 'idempotency_conflict' });
        assert.equal(await store.getEvent(other.id), null);
        assert.equal((await store.listMessages({ limit: 10 })).data.length, 1);
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
        const results = await store.ingest([
          { event: a, requestHash: 'h' },
          { event: b, requestHash: 'h' },
          { event: c, requestHash: 'other' },
        ]);
        assert.deepEqual(results, [
          { status: 'created', event: a, messages: 1 },
          { status: 'replayed', event: a, messages: 1 },
          { status: 'idempotency_conflict' },
        ]);
        assert.equal((await store.listEvents({ limit: 10 })).data.length, 1);
        assert.equal((await store.listMessages({ limit: 10 })).data.length, 1);
      });

      it('does not apply to events without a key', async () => {
        await world();
        assert.equal((await ingestOne(eventData('order.created'), 'h')).status, 'created');
        assert.equal((await ingestOne(eventData('order.created'), 'h')).status, 'created');
        assert.equal((await store.listEvents({ limit: 10 })).data.length, 2);
      });
    });

    // ---- events -----------------------------------------------------------------------------------

    describe('events', () => {
      it('lists newest first with type, subscriberId, since and until filters, paginated', async () => {
        const { subscriber } = await world();
        const e1 = (await send('order.created', { createdAt: T0 + 1_000_000 })).event;
        const e2 = (await send('invoice.paid', { createdAt: T0 + 2_000_000 })).event;
        const e3 = (await send('order.created', { createdAt: T0 + 3_000_000, subscriberId: subscriber.id })).event;
        const e4 = (await send('order.updated', { createdAt: T0 + 4_000_000 })).event;
        assert.equal(await store.getEvent(newId('evt')), null);
        const all = await allPages((cursor) => store.listEvents({ limit: 3, cursor }));
        assert.deepEqual(ids(all.flat()), [e4.id, e3.id, e2.id, e1.id]);
        assert.deepEqual(
          all.map((p) => p.length),
          [3, 1],
        );
        assert.deepEqual(ids((await store.listEvents({ limit: 10, type: 'order.created' })).data), [e3.id, e1.id]);
        assert.deepEqual(ids((await store.listEvents({ limit: 10, subscriberId: subscriber.id })).data), [e3.id]);
        assert.deepEqual(ids((await store.listEvents({ limit: 10, since: e2.createdAt })).data), [e4.id, e3.id, e2.id]);
        assert.deepEqual(ids((await store.listEvents({ limit: 10, until: e2.createdAt })).data), [e1.id]);
        assert.deepEqual(ids((await store.listEvents({ limit: 10, since: e2.createdAt, until: e4.createdAt })).data), [e3.id, e2.id]);
      });
    });

    // ---- messages ---------------------------------------------------------------------------------

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
        const all = (await store.listMessages({ limit: 100 })).data;
        assert.equal(all.length, 5);
        assert.deepEqual(ids(all), desc(ids(all)), 'newest first');
        const msgOf = (event: HeraldEvent, sub: Subscription) => {
          const m = all.find((x) => x.eventId === event.id && x.subscriptionId === sub.id);
          assert.ok(m);
          return m.id;
        };
        const q = async (f: Omit<Parameters<Store['listMessages']>[0], 'limit'>) =>
          ids((await store.listMessages({ limit: 100, ...f })).data).sort();
        const sorted = (xs: string[]) => [...xs].sort();

        assert.deepEqual(await q({ subscriberId: b.id }), sorted([msgOf(e1.event, subB), msgOf(e3.event, subB)]));
        assert.deepEqual(
          await q({ subscriptionId: subA.id }),
          sorted([msgOf(e1.event, subA), msgOf(e2.event, subA), msgOf(e3.event, subA)]),
        );
        assert.deepEqual(await q({ eventId: e3.event.id }), sorted([msgOf(e3.event, subA), msgOf(e3.event, subB)]));
        assert.deepEqual(await q({ eventType: 'invoice.paid' }), [msgOf(e2.event, subA)]);
        assert.deepEqual(
          await q({ since: e2.event.createdAt }),
          sorted([msgOf(e2.event, subA), msgOf(e3.event, subA), msgOf(e3.event, subB)]),
        );
        assert.deepEqual(await q({ until: e2.event.createdAt }), sorted([msgOf(e1.event, subA), msgOf(e1.event, subB)]));
        assert.deepEqual(await q({ since: e2.event.createdAt, until: e3.event.createdAt }), [msgOf(e2.event, subA)]);
        assert.deepEqual(
          await q({ subscriberId: a.id, eventType: 'order.created' }),
          sorted([msgOf(e1.event, subA), msgOf(e3.event, subA)]),
        );

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
        const pages = await allPages((cursor) => store.listMessages({ limit: 2, cursor }));
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
        assert.equal(await store.deleteMessage(id), true);
        assert.equal(await store.getMessage(id), null);
        assert.equal(await store.getAttempt(o.attempt.id), null);
        assert.equal(await store.deleteMessage(id), false);
        assert.equal(await store.getMessage(newId('msg')), null);
        assert.equal((await store.claimDue(tick(1e9), 10, MARGIN)).length, 0);
      });
    });

    // ---- claiming ---------------------------------------------------------------------------------

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
        assert.deepEqual(await store.claimDue(event.createdAt - 1, 10, MARGIN), [], 'not due before its time');
        const jobs = await store.claimDue(event.createdAt, 10, MARGIN);
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

      it('claims oldest due first, up to the limit', async () => {
        await world();
        const e1 = await send('order.created', { createdAt: T0 + 1_000 });
        const e2 = await send('order.created', { createdAt: T0 + 2_000 });
        const e3 = await send('order.created', { createdAt: T0 + 3_000 });
        const now = T0 + 10_000;
        const first = await store.claimDue(now, 2, MARGIN);
        assert.deepEqual(
          first.map((j) => j.eventId),
          [e1.event.id, e2.event.id],
        );
        const rest = await store.claimDue(now, 2, MARGIN);
        assert.deepEqual(
          rest.map((j) => j.eventId),
          [e3.event.id],
        );
        assert.deepEqual(await store.claimDue(now, 2, MARGIN), []);
      });

      it('leases a message until now + timeout + margin, then hands it out again', async () => {
        await world({ timeoutSeconds: 7 });
        const { messageIds, event } = await send('order.created');
        const [id] = messageIds;
        assert.ok(id);
        const now = event.createdAt + 500;
        assert.equal((await store.claimDue(now, 10, MARGIN)).length, 1);
        const expiry = now + 7_000 + MARGIN;
        const leased = await store.getMessage(id);
        assert.equal(leased?.nextAttemptAt, expiry);
        assert.equal(leased?.status, 'pending');
        assert.deepEqual(await store.claimDue(now, 10, MARGIN), [], 'not claimable again while leased');
        assert.deepEqual(await store.claimDue(expiry - 1, 10, MARGIN), [], 'not claimable before the lease expires');
        const again = await store.claimDue(expiry, 10, MARGIN);
        assert.deepEqual(
          again.map((j) => j.messageId),
          [id],
          'claimable once the lease expired',
        );
        assert.equal((await store.getMessage(id))?.nextAttemptAt, expiry + 7_000 + MARGIN);
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
        assert.deepEqual(await store.claimDue(due - 1, 10, MARGIN), []);
        const jobs = await store.claimDue(due, 10, MARGIN);
        assert.equal(jobs.length, 1);
        assert.equal(jobs[0]?.messageId, retry);
        assert.equal(jobs[0]?.attempts, o.attempts);
        assert.equal(jobs[0]?.retries, 1);
        assert.deepEqual(await store.claimDue(due, 10, MARGIN), [], 'leased now');
      });

      it('reports a disabled subscription, and a disabled subscriber, on the job', async () => {
        const { subscriber, subscription } = await world();
        const first = (await send('order.created')).messageIds[0];
        assert.ok(first);
        await store.updateSubscription(subscription.id, { enabled: false }, tick());
        const job1 = await claimOne(tick(), first);
        assert.equal(job1.subscription.enabled, false);
        assert.equal(job1.subscriberEnabled, true);
        await store.updateSubscription(subscription.id, { enabled: true }, tick());
        const second = (await send('order.created')).messageIds[0];
        assert.ok(second);
        await store.updateSubscriber(subscriber.id, { enabled: false }, tick());
        const job2 = await claimOne(tick(), second);
        assert.equal(job2.subscription.enabled, true);
        assert.equal(job2.subscriberEnabled, false);
      });

      it('never gives the same message to two concurrent claimers', async () => {
        await world();
        const total = 40;
        const events = Array.from({ length: total }, () => ({ event: eventData('order.created'), requestHash: null }));
        await store.ingest(events);
        const now = tick();
        for (let round = 0; round < 3; round++) {
          const claims = await Promise.all([
            store.claimDue(now, 15, MARGIN),
            store.claimDue(now, 15, MARGIN),
            store.claimDue(now, 15, MARGIN),
          ]);
          const claimed = claims.flat().map((j) => j.messageId);
          assert.equal(new Set(claimed).size, claimed.length, 'a message was handed to two claimers');
          const rest = (await store.claimDue(now, 1000, MARGIN)).map((j) => j.messageId);
          const everything = [...claimed, ...rest];
          assert.equal(new Set(everything).size, total, 'every due message is claimed exactly once');
          assert.equal(everything.length, total);
          // Make them all due again for the next round.
          assert.equal(await store.releaseLeases(now), total);
        }
        // Two claimers racing for the same single message (the others leased away first).
        assert.equal((await store.claimDue(now, 1000, MARGIN)).length, total);
        const lone = (await send('order.created')).messageIds[0];
        const racing = await Promise.all([store.claimDue(tick(), 1, MARGIN), store.claimDue(clock, 1, MARGIN)]);
        assert.deepEqual(
          racing.flat().map((j) => j.messageId),
          [lone],
        );
      });

      it('returns nothing for limit 0 or an empty store', async () => {
        assert.deepEqual(await store.claimDue(tick(), 10, MARGIN), []);
        await world();
        await send('order.created');
        assert.deepEqual(await store.claimDue(tick(), 0, MARGIN), []);
      });
    });

    // ---- recording attempts -----------------------------------------------------------------------

    describe('ingest with a lease (the hand-off)', () => {
      it('leases up to the limit of the new messages and returns them as the jobs claimDue would give', async () => {
        const subscriber = await addSubscriber();
        await addTypes('order.created');
        const a = await addSubscription(subscriber.id, { timeoutSeconds: 7, headers: { 'x-tenant': 'acme' }, retrySchedule: [1, 2] });
        const b = await addSubscription(subscriber.id);
        const c = await addSubscription(subscriber.id);
        const events = [eventData('order.created'), eventData('order.created')];
        const results = await store.ingest(
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
        const due = await store.claimDue(tick(), 100, MARGIN);
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
          const message = await store.getMessage(job.messageId);
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
        const [result] = await store.ingest([{ event, requestHash: null }], { limit: 10, leaseMarginMs: MARGIN });
        const job = result?.status === 'created' ? result.leased?.[0] : undefined;
        assert.ok(job);
        const leaseEnds = event.createdAt + 30_000 + MARGIN;
        assert.equal(await store.returnLeases([{ messageId: job.messageId, leaseEnds: leaseEnds + 1 }], tick()), 0, 'not that lease');
        assert.deepEqual(await store.claimDue(tick(), 10, MARGIN), [], 'still leased');
        const now = tick();
        assert.equal(await store.returnLeases([{ messageId: job.messageId, leaseEnds }], now), 1);
        assert.equal((await store.getMessage(job.messageId))?.nextAttemptAt, now);
        assert.equal(await store.nextDueAt(), now);
        const [claimed] = await store.claimDue(tick(), 10, MARGIN);
        assert.equal(claimed?.messageId, job.messageId, 'claimable at once');
        // Now leased by that claim: the old lease given back again changes nothing.
        assert.equal(await store.returnLeases([{ messageId: job.messageId, leaseEnds }], tick()), 0);
        assert.deepEqual(await store.claimDue(tick(), 10, MARGIN), []);
        assert.equal(await store.returnLeases([], tick()), 0);
      });

      it('carries the previous secret while it is valid at the event time', async () => {
        const OLD = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw';
        const NEW = 'whsec_bmV3c2VjcmV0bmV3c2VjcmV0bmV3c2VjcmV0';
        await world({ secret: NEW, previousSecret: OLD, previousSecretExpiresAt: T0 + 10_000 });
        const lease = { limit: 10, leaseMarginMs: MARGIN };
        const [valid] = await store.ingest([{ event: eventData('order.created', { createdAt: T0 + 9_999 }), requestHash: null }], lease);
        const [expired] = await store.ingest([{ event: eventData('order.created', { createdAt: T0 + 10_000 }), requestHash: null }], lease);
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
        const unsubscribe = store.onMessagesCommitted(() => {
          calls++;
        });
        try {
          await new Promise((r) => setTimeout(r, 100)); // a listening store subscribes (LISTEN)
          const keyed = eventData('order.created', { idempotencyKey: 'k1' });
          const lease = { limit: 10, leaseMarginMs: MARGIN };
          const [first] = await store.ingest([{ event: keyed, requestHash: 'h' }], lease);
          assert.equal(first?.status === 'created' && first.leased?.length, 1);
          const base = calls;
          const [replay, unknown] = await store.ingest(
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
          assert.deepEqual(await store.claimDue(tick(), 10, MARGIN), []);
          await store.ingest([{ event: eventData('order.created'), requestHash: null }], { limit: 0, leaseMarginMs: MARGIN });
          const started = Date.now();
          while (calls === base && Date.now() - started < WAIT_MS) await new Promise((r) => setTimeout(r, 5));
          assert.ok(calls > base, 'a due message wakes listeners');
          assert.equal((await store.claimDue(tick(), 10, MARGIN)).length, 1);
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
        const rotated = await store.updateSubscription(subscription.id, patch, now);
        assert.deepEqual(rotated, { ...subscription, ...patch, updatedAt: now });
        assert.deepEqual(await store.getSubscription(subscription.id), rotated);
        assert.deepEqual((await store.listSubscriptions({ limit: 10 })).data, [rotated]);
        const later = tick();
        const cleared = await store.updateSubscription(subscription.id, { previousSecret: null, previousSecretExpiresAt: null }, later);
        assert.equal(cleared?.previousSecret, null);
        assert.equal(cleared?.previousSecretExpiresAt, null);
        assert.equal(cleared?.secret, NEW);
        const created = await addSubscription(subscription.subscriberId, { previousSecret: OLD, previousSecretExpiresAt: T0 + 5 });
        assert.deepEqual(await store.getSubscription(created.id), created, 'createSubscription stores them too');
      });

      it('claimDue carries the previous secret while it is valid at claim time, and not after', async () => {
        const { subscription } = await world({ secret: NEW, previousSecret: OLD, previousSecretExpiresAt: T0 + 10_000 });
        const first = await send('order.created', { createdAt: T0 + 1_000 });
        const job = await claimOne(T0 + 9_999, first.messageIds[0] ?? '');
        assert.deepEqual(signingSecrets(job.subscription, T0 + 9_999), [NEW, OLD]);
        const second = await send('order.created', { createdAt: T0 + 2_000 });
        const expired = await claimOne(T0 + 10_000, second.messageIds[0] ?? '');
        assert.deepEqual(signingSecrets(expired.subscription, T0 + 10_000), [NEW], 'expired at exactly its expiry time');
        assert.equal((await store.getSubscription(subscription.id))?.previousSecret, OLD, 'the row itself is unchanged');
      });
    });

    describe('ingestForSubscription', () => {
      it('commits the event with one pending message for that subscription only, whatever its patterns', async () => {
        const { subscriber, subscription } = await world({ eventTypes: ['invoice.paid'], channels: ['c1'] });
        await addSubscription(subscriber.id, { eventTypes: ['*'] }); // a sibling that must get nothing
        const event = eventData('herald.test', { subscriberId: subscriber.id, dataJson: '{"test":true}' });
        const message = await store.ingestForSubscription(event, subscription.id);
        assert.ok(message);
        assert.equal(message.eventId, event.id);
        assert.equal(message.eventType, 'herald.test');
        assert.equal(message.subscriptionId, subscription.id);
        assert.equal(message.subscriberId, subscriber.id);
        assert.equal(message.url, subscription.url);
        assert.equal(message.status, 'pending');
        assert.equal(message.nextAttemptAt, event.createdAt);
        assert.deepEqual(await store.getEvent(event.id), event, 'the event is recorded, though herald.test is not in the catalogue');
        assert.deepEqual(
          (await store.listMessages({ limit: 10, eventId: event.id })).data.map((m) => m.id),
          [message.id],
        );
        const job = await claimOne(event.createdAt, message.id);
        assert.equal(job.dataJson, '{"test":true}');
        assert.equal(job.subscription.id, subscription.id);
      });

      it('answers null for an unknown subscription and writes nothing', async () => {
        const { subscriber } = await world();
        const event = eventData('herald.test', { subscriberId: subscriber.id });
        assert.equal(await store.ingestForSubscription(event, newId('sub')), null);
        assert.equal(await store.getEvent(event.id), null);
        assert.equal((await store.listMessages({ limit: 10 })).data.length, 0);
      });
    });

    describe('recordAttempts', () => {
      it('records a success: the attempt is stored exactly and the message succeeded', async () => {
        await world();
        const id = (await send('order.created')).messageIds[0];
        assert.ok(id);
        const job = await claimOne(tick(), id);
        const o = outcome(job, { statusCode: 204, durationMs: 31 });
        o.attempt.responseBody = 'x'.repeat(5_000);
        o.attempt.requestHeaders = { 'webhook-id': id, 'webhook-signature': 'v1,abc', 'content-type': 'application/json' };
        await store.recordAttempts([o]);
        assert.deepEqual(await store.getAttempt(o.attempt.id), o.attempt);
        const m = await store.getMessage(id);
        assert.equal(m?.status, 'succeeded');
        assert.equal(m?.attempts, 1);
        assert.equal(m?.nextAttemptAt, null);
        assert.equal(m?.lastStatusCode, 204);
        assert.equal(m?.lastError, null);
        assert.deepEqual(ids((await store.listAttempts({ limit: 10, messageId: id })).data), [o.attempt.id]);
        assert.equal(await store.getAttempt(newId('att')), null);
      });

      it('records a network failure and schedules the retry', async () => {
        await world();
        const id = (await send('order.created')).messageIds[0];
        assert.ok(id);
        const job = await claimOne(tick(), id);
        const retryAt = tick(10_000);
        const o = outcome(job, { statusCode: null, error: 'connect ECONNREFUSED', status: 'retrying', retries: 1, nextAttemptAt: retryAt });
        await store.recordAttempts([o]);
        const m = await store.getMessage(id);
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
        assert.deepEqual(await store.getAttempt(o.attempt.id), o.attempt);
        assert.equal(await store.nextDueAt(), retryAt);
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
        assert.equal(await store.deleteMessage(gone), true);
        const kept = outcome(keepJob, { statusCode: 200 });
        const dropped = outcome(goneJob, { statusCode: 200 });
        await store.recordAttempts([dropped, kept]);
        assert.equal(await store.getAttempt(dropped.attempt.id), null);
        assert.equal(await store.getMessage(gone), null);
        assert.deepEqual(await store.getAttempt(kept.attempt.id), kept.attempt);
        assert.equal((await store.getMessage(keep))?.status, 'succeeded');
        await store.recordAttempts([]);
      });

      it('disables the subscription on a 410 outcome', async () => {
        const { subscription } = await world();
        const id = (await send('order.created')).messageIds[0];
        assert.ok(id);
        const job = await claimOne(tick(), id);
        await store.recordAttempts([outcome(job, { statusCode: 410, status: 'failed', nextAttemptAt: null, disableSubscription: true })]);
        assert.equal((await store.getSubscription(subscription.id))?.enabled, false);
        assert.equal((await store.getMessage(id))?.status, 'failed');
        assert.equal((await send('order.created')).messageIds.length, 0, 'a disabled subscription gets no new messages');
      });

      it('leaves the subscription enabled when not asked to disable it', async () => {
        const { subscription } = await world();
        const id = (await send('order.created')).messageIds[0];
        assert.ok(id);
        await settle(id, 'failed', { statusCode: 500 });
        assert.equal((await store.getSubscription(subscription.id))?.enabled, true);
      });
    });

    // ---- manual resend and recover ----------------------------------------------------------------

    describe('resend and recover', () => {
      it('resend queues an immediate manual attempt with a fresh retry budget', async () => {
        await world();
        const id = (await send('order.created')).messageIds[0];
        assert.ok(id);
        await settle(id, 'failed', { attempts: 7, retries: 6 });
        const now = tick();
        const m = await store.resendMessage(id, now);
        assert.ok(m);
        assert.equal(m.id, id);
        assert.equal(m.status, 'pending');
        assert.equal(m.retries, 0);
        assert.equal(m.attempts, 7, 'attempts made so far are kept');
        assert.equal(m.nextAttemptAt, now);
        assert.deepEqual(await store.getMessage(id), m);
        const job = await claimOne(now, id);
        assert.equal(job.manual, true);
        assert.equal(job.retries, 0);
        assert.equal(await store.resendMessage(newId('msg'), now), null);
      });

      it('recordAttempts clears the manual flag', async () => {
        await world();
        const id = (await send('order.created')).messageIds[0];
        assert.ok(id);
        await settle(id, 'failed');
        await store.resendMessage(id, tick());
        const job = await claimOne(clock, id);
        assert.equal(job.manual, true);
        const retryAt = tick(1_000);
        await store.recordAttempts([outcome(job, { statusCode: 500, status: 'retrying', retries: 1, nextAttemptAt: retryAt })]);
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
          const m = (await store.listMessages({ limit: 10, eventId: e.event.id, subscriptionId: subId })).data[0];
          assert.ok(m);
          return m.id;
        };
        clock = Math.max(clock, T0 + 4_000_000);
        await settle(await of(old, sub.id), 'failed');
        await settle(await of(recent, sub.id), 'failed');
        await settle(await of(recent2, sub.id), 'succeeded');
        await settle(await of(recent, other.id), 'failed');
        await settle(await of(recent2, other.id), 'failed');
        await settle(await of(old, other.id), 'succeeded');

        const now = tick();
        assert.equal(await store.recoverMessages(sub.id, T0 + 2_000_000, now), 1);
        const recovered = await store.getMessage(await of(recent, sub.id));
        assert.equal(recovered?.status, 'pending');
        assert.equal(recovered?.nextAttemptAt, now);
        assert.equal(recovered?.retries, 0);
        assert.equal((await store.getMessage(await of(old, sub.id)))?.status, 'failed');
        assert.equal((await store.getMessage(await of(recent2, sub.id)))?.status, 'succeeded');
        assert.equal((await store.getMessage(await of(recent, other.id)))?.status, 'failed');
        const jobs = await store.claimDue(now, 10, MARGIN);
        assert.deepEqual(
          jobs.map((j) => [j.messageId, j.manual]),
          [[await of(recent, sub.id), true]],
        );
        assert.equal(await store.recoverMessages(sub.id, T0, tick()), 1, 'only the old one is still failed');
        assert.equal(await store.recoverMessages(newId('sub'), T0, tick()), 0);
      });
    });

    // ---- leases and due times ---------------------------------------------------------------------

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
        const jobs = await store.claimDue(claimedAt, 2, MARGIN);
        assert.deepEqual(jobs.map((j) => j.messageId).sort(), [a, b].sort());
        const now = tick();
        assert.equal(await store.releaseLeases(now), 2);
        assert.equal((await store.getMessage(a))?.nextAttemptAt, now);
        assert.equal((await store.getMessage(b))?.nextAttemptAt, now);
        assert.equal((await store.getMessage(r))?.nextAttemptAt, retryAt, 'a scheduled retry is not a lease');
        assert.equal((await store.getMessage(idle))?.nextAttemptAt, T0 + 50_000_000, 'a future pending message is not a lease');
        assert.deepEqual((await store.claimDue(now, 10, MARGIN)).map((j) => j.messageId).sort(), [a, b].sort());
        assert.equal(await store.releaseLeases(tick()), 2);
        await settle(a, 'succeeded');
        assert.equal(await store.releaseLeases(tick()), 0, 'b was not claimed again; a is done');
      });

      it('nextDueAt is the earliest due time of pending or retrying messages, null when none', async () => {
        assert.equal(await store.nextDueAt(), null);
        await world({ timeoutSeconds: 3 });
        const first = await send('order.created', { createdAt: T0 + 5_000_000 });
        await send('order.created', { createdAt: T0 + 6_000_000 });
        assert.equal(await store.nextDueAt(), T0 + 5_000_000);
        const [id] = first.messageIds;
        assert.ok(id);
        await store.claimDue(T0 + 5_000_000, 1, MARGIN);
        assert.equal(await store.nextDueAt(), T0 + 5_000_000 + 3_000 + MARGIN, 'a lease expiry counts');
        const all = (await store.listMessages({ limit: 10 })).data;
        clock = Math.max(clock, T0 + 7_000_000);
        for (const m of all) await settle(m.id, 'succeeded');
        assert.equal(await store.nextDueAt(), null);
      });
    });

    // ---- retention --------------------------------------------------------------------------------

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
        clock = Math.max(clock, T0 + 10 * DAY);
        const recent = await send('order.created', { createdAt: T0 + 10 * DAY }); // after the bound: kept
        for (const id of recent.messageIds) await settle(id, 'succeeded');
        const attemptsBefore = (await store.listAttempts({ limit: 1000 })).data;

        const before = T0 + 9 * DAY;
        assert.deepEqual(await store.purgeSettledEvents(before, 100), { events: 3, messages: 4 });
        for (const gone of [done, failed, unmatched]) {
          assert.equal(await store.getEvent(gone.event.id), null);
          for (const id of gone.messageIds) {
            assert.equal(await store.getMessage(id), null);
            assert.deepEqual((await store.listAttempts({ limit: 10, messageId: id })).data, [], 'attempts go with their message');
          }
        }
        for (const kept of [retrying, pending, recent]) {
          assert.ok(await store.getEvent(kept.event.id));
          for (const id of kept.messageIds) assert.ok(await store.getMessage(id));
        }
        const attemptsAfter = (await store.listAttempts({ limit: 1000 })).data;
        assert.equal(attemptsBefore.length - attemptsAfter.length, 4);
        assert.deepEqual(await store.purgeSettledEvents(before, 100), { events: 0, messages: 0 }, 'nothing more to delete');

        // Once the retrying message settles, its event goes too.
        await settle(retrying.messageIds[1] as string, 'failed');
        assert.deepEqual(await store.purgeSettledEvents(before, 100), { events: 1, messages: 2 });
        assert.equal(await store.getEvent(retrying.event.id), null);
        assert.ok(await store.getEvent(pending.event.id));
      });

      it('deletes oldest first, at most `limit` events per call', async () => {
        await world();
        const sent = [];
        for (let i = 0; i < 5; i++) sent.push(await send('order.created'));
        for (const e of sent) for (const id of e.messageIds) await settle(id, 'succeeded');
        const before = tick();
        assert.deepEqual(await store.purgeSettledEvents(before, 2), { events: 2, messages: 2 });
        assert.equal(await store.getEvent(sent[0]!.event.id), null);
        assert.equal(await store.getEvent(sent[1]!.event.id), null);
        assert.ok(await store.getEvent(sent[2]!.event.id));
        assert.deepEqual(await store.purgeSettledEvents(before, 2), { events: 2, messages: 2 });
        assert.deepEqual(await store.purgeSettledEvents(before, 2), { events: 1, messages: 1 });
        assert.deepEqual(await store.purgeSettledEvents(before, 2), { events: 0, messages: 0 });
      });

      it('keeps an event whose message was resent after it settled', async () => {
        await world();
        const e = await send('order.created');
        const [id] = e.messageIds;
        assert.ok(id);
        await settle(id, 'failed');
        assert.ok(await store.resendMessage(id, tick()));
        assert.deepEqual(await store.purgeSettledEvents(tick(), 10), { events: 0, messages: 0 });
        assert.equal((await store.getMessage(id))?.status, 'pending');
      });
    });

    // ---- notifications ----------------------------------------------------------------------------

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
        const unsubscribe = store.onMessagesCommitted(() => {
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
        await store.resendMessage(id, tick());
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
        const unsubscribe = store.onMessagesCommitted(() => {
          calls++;
        });
        await new Promise((r) => setTimeout(r, 100));
        const base = calls;
        assert.equal(await store.recoverMessages(subscription.id, T0, tick()), 1);
        await waitFor(() => calls > base, 'a call after recover');
        unsubscribe();
      });
    });

    // ---- API keys ---------------------------------------------------------------------------------

    describe('API keys', () => {
      const keyData = (over: Partial<ApiKey> = {}): ApiKey => {
        const at = tick();
        return {
          id: newId('key', at),
          name: 'ci',
          scope: 'admin',
          subscriberId: null,
          hash: `${at.toString(16)}${'0'.repeat(52)}`,
          createdAt: at,
          expiresAt: null,
          revokedAt: null,
          allowedIps: null,
          rateLimit: null,
          ...over,
        };
      };

      it('rejects a duplicate id or hash with conflict', async () => {
        const k = keyData();
        await store.createApiKey(k);
        await assert.rejects(store.createApiKey({ ...k, hash: 'e'.repeat(64) }), isCode('conflict'));
        await assert.rejects(store.createApiKey({ ...keyData(), hash: k.hash }), isCode('conflict'));
        assert.equal(await store.countApiKeys(), 1);
      });

      it('creates, finds by hash, lists newest first, counts', async () => {
        assert.equal(await store.countApiKeys(), 0);
        const s = await addSubscriber();
        const k1 = keyData();
        const k2 = keyData({ scope: 'subscriber', subscriberId: s.id, expiresAt: T0 + 9_999_999 });
        const k3 = keyData({ scope: 'ingest', name: 'producer' });
        for (const k of [k1, k2, k3]) assert.deepEqual(await store.createApiKey(k), k);
        assert.deepEqual(await store.findApiKeyByHash(k2.hash), k2);
        assert.equal(await store.findApiKeyByHash('f'.repeat(64)), null);
        const pages = await allPages((cursor) => store.listApiKeys({ limit: 2, cursor }));
        assert.deepEqual(ids(pages.flat()), [k3.id, k2.id, k1.id]);
        assert.deepEqual(
          pages.map((p) => p.length),
          [2, 1],
        );
        assert.equal(await store.countApiKeys(), 3);
      });

      it("a subscriber's keys are deleted with the subscriber; other keys stay", async () => {
        const s = await addSubscriber();
        const other = await addSubscriber();
        const scoped = keyData({ scope: 'subscriber', subscriberId: s.id });
        const kept = keyData({ scope: 'subscriber', subscriberId: other.id });
        const admin = keyData();
        for (const k of [scoped, kept, admin]) await store.createApiKey(k);
        assert.equal(await store.deleteSubscriber(s.id), true);
        assert.equal(await store.getApiKey(scoped.id), null);
        assert.equal(await store.findApiKeyByHash(scoped.hash), null);
        assert.deepEqual(await store.getApiKey(kept.id), kept);
        assert.deepEqual(await store.getApiKey(admin.id), admin);
        assert.equal(await store.countApiKeys(), 2);
      });

      it('revokes (null for an unknown id) and still finds revoked keys by hash', async () => {
        const k = keyData();
        await store.createApiKey(k);
        const now = tick();
        const revoked = await store.revokeApiKey(k.id, now);
        assert.deepEqual(revoked, { ...k, revokedAt: now });
        assert.deepEqual(await store.findApiKeyByHash(k.hash), { ...k, revokedAt: now });
        assert.equal(await store.revokeApiKey(newId('key'), tick()), null);
        // Revoking twice keeps the first time.
        assert.deepEqual(await store.revokeApiKey(k.id, tick()), { ...k, revokedAt: now });
      });

      it('gets by id, and keeps allowed IPs and rate limits', async () => {
        const k = keyData({ allowedIps: ['10.0.0.0/8', '2001:db8::/32'], rateLimit: 25 });
        const plain = keyData();
        await store.createApiKey(k);
        await store.createApiKey(plain);
        assert.deepEqual(await store.getApiKey(k.id), k);
        assert.deepEqual(await store.findApiKeyByHash(k.hash), k);
        assert.deepEqual(await store.getApiKey(plain.id), plain);
        assert.equal(await store.getApiKey(newId('key')), null);
        const unlimited = keyData({ rateLimit: 0 });
        await store.createApiKey(unlimited);
        assert.equal((await store.getApiKey(unlimited.id))?.rateLimit, 0);
      });
    });

    // ---- operator sessions ------------------------------------------------------------------------

    describe('sessions', () => {
      const session = (over: Partial<StoredSession> = {}): StoredSession => {
        const at = tick();
        return {
          tokenHash: `${at.toString(16)}${'a'.repeat(52)}`,
          id: newId('ses', at),
          userName: 'admin',
          createdAt: at,
          lastSeenAt: at,
          ...over,
        };
      };

      it('opens, gets, touches (never backwards), closes', async () => {
        const s = session();
        await store.openSession(s, 0, 100);
        assert.deepEqual(await store.getSession(s.tokenHash), s);
        assert.equal(await store.getSession('f'.repeat(64)), null);
        await store.touchSession(s.tokenHash, s.lastSeenAt + 30_000);
        assert.deepEqual(await store.getSession(s.tokenHash), { ...s, lastSeenAt: s.lastSeenAt + 30_000 });
        await store.touchSession(s.tokenHash, s.lastSeenAt + 10_000);
        assert.equal((await store.getSession(s.tokenHash))?.lastSeenAt, s.lastSeenAt + 30_000, 'an older touch does not win');
        assert.equal(await store.closeSession(s.tokenHash), true);
        assert.equal(await store.closeSession(s.tokenHash), false);
        assert.equal(await store.getSession(s.tokenHash), null);
      });

      it('opening a session drops those last seen before the bound', async () => {
        const a = session();
        const b = session();
        await store.openSession(a, 0, 100);
        await store.openSession(b, 0, 100);
        const c = session();
        await store.openSession(c, b.lastSeenAt, 100);
        assert.equal(await store.getSession(a.tokenHash), null);
        assert.ok(await store.getSession(b.tokenHash), 'seen at the bound: kept');
        assert.ok(await store.getSession(c.tokenHash));
      });

      it('keeps at most `max`, dropping the least recently seen', async () => {
        const sessions = [session(), session(), session()];
        for (const s of sessions) await store.openSession(s, 0, 10);
        await store.touchSession(sessions[0]!.tokenHash, tick(5_000)); // now the most recent
        const d = session();
        await store.openSession(d, 0, 2);
        const alive = async (s: StoredSession) => (await store.getSession(s.tokenHash)) !== null;
        assert.deepEqual(await Promise.all([...sessions, d].map(alive)), [true, false, false, true]);
      });
    });

    // ---- audit log --------------------------------------------------------------------------------

    describe('audit log', () => {
      const entry = (over: Partial<AuditEntry> = {}): AuditEntry => {
        const at = tick();
        return {
          id: newId('aud', at),
          createdAt: at,
          actor: 'admin',
          action: 'subscriber.create',
          resourceType: 'subscriber',
          resourceId: newId('sbr', at),
          changes: { name: 'Acme', metadata: { tier: 'gold' } },
          ip: '127.0.0.1',
          ...over,
        };
      };

      it('appends and lists newest first, paginated', async () => {
        assert.deepEqual(await store.listAudit({ limit: 10 }), { data: [], nextCursor: null });
        const a = entry();
        const b = entry({ actor: 'cli', action: 'api-key.create', resourceType: 'api-key', changes: null, ip: null });
        const c = entry({ action: 'subscriber.delete' });
        for (const e of [a, b, c]) assert.deepEqual(await store.appendAudit(e), e);
        const pages = await allPages((cursor) => store.listAudit({ limit: 2, cursor }));
        assert.deepEqual(
          pages.map((p) => p.length),
          [2, 1],
        );
        assert.deepEqual(pages.flat(), [c, b, a]);
      });

      it('filters by actor, action, resource and time', async () => {
        const a = entry({ actor: 'key_one' });
        const b = entry({ actor: 'key_two', action: 'subscription.update', resourceType: 'subscription', resourceId: 'sub_x' });
        const c = entry({ actor: 'key_two', action: 'subscription.delete', resourceType: 'subscription', resourceId: 'sub_x' });
        for (const e of [a, b, c]) await store.appendAudit(e);
        const q = async (f: Omit<AuditFilter, 'limit'>) => ids((await store.listAudit({ limit: 100, ...f })).data);
        assert.deepEqual(await q({ actor: 'key_two' }), [c.id, b.id]);
        assert.deepEqual(await q({ action: 'subscriber.create' }), [a.id]);
        assert.deepEqual(await q({ resourceType: 'subscription' }), [c.id, b.id]);
        assert.deepEqual(await q({ resourceType: 'subscription', resourceId: 'sub_x', action: 'subscription.update' }), [b.id]);
        assert.deepEqual(await q({ since: b.createdAt }), [c.id, b.id]);
        assert.deepEqual(await q({ until: b.createdAt }), [a.id]);
        assert.deepEqual(await q({ since: a.createdAt, until: c.createdAt }), [b.id, a.id]);
        assert.deepEqual(await q({ actor: 'nobody' }), []);
      });
    });

    // ---- statistics -------------------------------------------------------------------------------

    describe('subscriptionStats', () => {
      it('counts messages by status and attempts by outcome since a date', async () => {
        const { subscription } = await world();
        const other = await addSubscription((await addSubscriber()).id);
        const empty = await store.subscriptionStats(subscription.id, T0);
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
          const m = (await store.listMessages({ limit: 10, eventId: sent[i]?.event.id, subscriptionId: subscription.id })).data[0];
          assert.ok(m);
          return m.id;
        };
        clock = Math.max(clock, T0 + 2_000_000);
        const s1 = await settle(await mine(0), 'succeeded', { statusCode: 200, durationMs: 10 });
        const f1 = await settle(await mine(1), 'retrying', { statusCode: 500, durationMs: 20 });
        const s2 = await settle(await mine(1), 'succeeded', { statusCode: 201, durationMs: 30 });
        const f2 = await settle(await mine(2), 'failed', { statusCode: null, error: 'timeout', durationMs: 40 });
        const f3 = await settle(await mine(3), 'retrying', { statusCode: 503, durationMs: 50 });
        // The other subscription's attempts do not count.
        const theirs = (await store.listMessages({ limit: 10, subscriptionId: other.id })).data[0];
        assert.ok(theirs);
        await settle(theirs.id, 'succeeded', { durationMs: 999 });

        const stats = await store.subscriptionStats(subscription.id, T0);
        assert.deepEqual(stats.messages, { pending: 1, succeeded: 2, retrying: 1, failed: 1 });
        assert.equal(stats.attempts, 5);
        assert.equal(stats.attemptsSucceeded, 2);
        assert.equal(stats.attemptsFailed, 3);
        assert.equal(stats.lastSuccessAt, s2.attempt.createdAt);
        assert.equal(stats.lastFailureAt, f3.attempt.createdAt);
        assert.ok(f2.attempt.createdAt < f3.attempt.createdAt);
        assert.equal(stats.averageDurationMs, 30);
        assert.ok(s1.attempt.createdAt < f1.attempt.createdAt);

        const later = await store.subscriptionStats(subscription.id, T0 + 10_000_000);
        assert.deepEqual(later.messages, { pending: 0, succeeded: 0, retrying: 0, failed: 0 });
        assert.equal(later.attempts, 0);
        assert.equal(later.lastSuccessAt, null);
      });
    });

    // ---- attempts ---------------------------------------------------------------------------------

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
          const x = (await store.listMessages({ limit: 10, eventId: e.event.id, subscriptionId: sub.id })).data[0];
          assert.ok(x);
          return x.id;
        };
        const mA1 = await m(e1, subA);
        const mA2 = await m(e2, subA);
        const mB2 = await m(e2, subB);
        clock = Math.max(clock, T0 + 1_000_000);
        const x1 = await settle(mA1, 'retrying', { statusCode: 500 }); // T ~ 1_000_000
        clock = T0 + 2_000_000;
        const x2 = await settle(mA1, 'succeeded', { statusCode: 200 });
        const x3 = await settle(mA2, 'failed', { statusCode: 404 });
        clock = T0 + 3_000_000;
        const x4 = await settle(mB2, 'retrying', { statusCode: null, error: 'ECONNRESET' });
        const q = async (f: Omit<Parameters<Store['listAttempts']>[0], 'limit'>) =>
          ids((await store.listAttempts({ limit: 100, ...f })).data);
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

        const pages = await allPages((cursor) => store.listAttempts({ limit: 3, cursor }));
        assert.deepEqual(
          pages.map((p) => p.length),
          [3, 1],
        );
        assert.deepEqual(ids(pages.flat()), desc([att(x1), att(x2), att(x3), att(x4)]));
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
          const x = (await store.listMessages({ limit: 10, eventId: e.event.id, subscriptionId: sub.id })).data[0];
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
          store.queryMessages({ orderBy: [], offset: 0, limit: 100, ...over });

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
          store.queryAttempts({ orderBy: [], offset: 0, limit: 100, ...over });
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

        assert.equal(await store.countSubscribers(), 2);
        const [older, newer] = [a.id, b.id].sort();
        assert.equal(await store.countSubscribers(older), 1);
        assert.equal(await store.countSubscribers(newer), 2);
      });
    });
  });
}
