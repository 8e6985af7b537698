// Store contract: subscriptions (SubscriptionStore), and what deleting one deletes.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { HealthStatus, Subscription } from '../../../src/domain/glossary.js';
import { initialHealth } from '../../../src/domain/health.js';
import { newId } from '../../../src/domain/ids.js';
import { allPages, type ContractContext, desc, ids, isCode, MARGIN, T0 } from './context.js';

export function subscriptionContract(ctx: ContractContext): void {
  const { tick, subscriptionData, eventData, addTypes, addSubscriber, addSubscription, ingestOne, send, world, settle } = ctx;

  describe('subscriptions', () => {
    it('rejects a duplicate id with conflict, changing nothing', async () => {
      const s = await addSubscriber();
      const sub = await addSubscription(s.id, { name: 'first' });
      await assert.rejects(ctx.store.createSubscription({ ...sub, name: 'second', eventTypes: ['other.*'] }), isCode('conflict'));
      assert.deepEqual(await ctx.store.getSubscription(sub.id), sub);
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
      assert.deepEqual(await ctx.store.createSubscription(sub), sub);
      assert.deepEqual(await ctx.store.getSubscription(sub.id), sub);
      assert.equal(await ctx.store.getSubscription(newId('sub')), null);
    });

    it('keeps each kind of auth, signing and custom data exactly: created, read, listed, replaced and cleared', async () => {
      const s = await addSubscriber();
      const auths: Subscription['auth'][] = [
        {
          type: 'jwt',
          secret: 'jwt-secret-0123456789',
          previousSecret: 'jwt-old-secret-0123456789',
          previousSecretExpiresAt: T0 + 86_400_000,
        },
        { type: 'basic', username: 'erp', password: 'p@ss:wörd' },
        {
          type: 'oauth2',
          tokenUrl: 'https://idp.example/token',
          clientId: 'herald',
          clientSecret: 'cs-1',
          scope: 'hooks.write',
          audience: null,
        },
        { type: 'apiKey', header: 'X-API-Key', value: 'k-123' },
      ];
      const customData = { purpose: 'demo', audience: ['partners'], nested: { n: 1.5, ok: true, none: null }, ünï: 'ok' };
      const created: Subscription[] = [];
      for (const auth of auths) {
        const sub = subscriptionData(s.id, { auth, signing: auth?.type !== 'jwt', customData });
        assert.deepEqual(await ctx.store.createSubscription(sub), sub);
        assert.deepEqual(await ctx.store.getSubscription(sub.id), sub);
        created.push(sub);
      }
      const listed = (await ctx.store.listSubscriptions({ limit: 10, subscriberId: s.id })).data;
      assert.deepEqual(
        listed.map((x) => [x.auth, x.signing, x.customData]),
        desc(ids(created)).map((id) => {
          const x = created.find((c) => c.id === id) as Subscription;
          return [x.auth, x.signing, x.customData];
        }),
      );
      const plain = await addSubscription(s.id);
      assert.deepEqual([plain.auth, plain.signing, plain.customData], [null, true, null], 'the fixture: no auth, signing, no data');

      const first = created[0] as Subscription;
      const now = tick();
      const patch = {
        auth: { type: 'apiKey' as const, header: 'Authorization', value: 'ApiKey z' },
        signing: true,
        customData: { a: 1 },
      };
      const replaced = await ctx.store.updateSubscription(first.id, patch, now);
      assert.deepEqual(replaced, { ...first, ...patch, updatedAt: now });
      assert.deepEqual(await ctx.store.getSubscription(first.id), replaced);
      const later = tick();
      const cleared = await ctx.store.updateSubscription(first.id, { auth: null, signing: false, customData: null }, later);
      assert.deepEqual(cleared, { ...first, ...patch, auth: null, signing: false, customData: null, updatedAt: later });
      assert.deepEqual(await ctx.store.getSubscription(first.id), cleared);
      const untouched = await ctx.store.updateSubscription(first.id, { name: 'renamed' }, tick());
      assert.deepEqual(
        [untouched?.auth, untouched?.signing, untouched?.customData],
        [null, false, null],
        'a patch without them keeps them',
      );
    });

    it('keeps batch settings exactly: created, read, listed, replaced and cleared', async () => {
      const s = await addSubscriber();
      const batch = { maxEvents: 5, maxWaitMs: 1_500, maxBytes: 65_536 };
      const sub = subscriptionData(s.id, { batch });
      assert.deepEqual(await ctx.store.createSubscription(sub), sub);
      assert.deepEqual(await ctx.store.getSubscription(sub.id), sub);
      const plain = await addSubscription(s.id);
      assert.equal(plain.batch, null, 'the fixture: no batches');
      const listed = (await ctx.store.listSubscriptions({ limit: 10, subscriberId: s.id })).data;
      assert.deepEqual(
        listed.map((x) => [x.id, x.batch]),
        [
          [plain.id, null],
          [sub.id, batch],
        ],
      );
      const now = tick();
      const other = { maxEvents: 1_000, maxWaitMs: 60_000, maxBytes: null };
      const replaced = await ctx.store.updateSubscription(sub.id, { batch: other }, now);
      assert.deepEqual(replaced, { ...sub, batch: other, updatedAt: now });
      assert.deepEqual(await ctx.store.getSubscription(sub.id), replaced);
      const untouched = await ctx.store.updateSubscription(sub.id, { name: 'renamed' }, tick());
      assert.deepEqual(untouched?.batch, other, 'a patch without it keeps it');
      const later = tick();
      const cleared = await ctx.store.updateSubscription(sub.id, { batch: null }, later);
      assert.deepEqual(cleared, { ...sub, name: 'renamed', batch: null, updatedAt: later });
      assert.deepEqual(await ctx.store.getSubscription(sub.id), cleared);
      const batchedAgain = await ctx.store.updateSubscription(plain.id, { batch }, tick());
      assert.deepEqual(batchedAgain?.batch, batch);
    });

    it("leases a batched subscription's messages for the batch's wait too, claimed or handed off at ingest", async () => {
      const batch = { maxEvents: 10, maxWaitMs: 4_000, maxBytes: null };
      const { subscription: sub } = await world({ batch, timeoutSeconds: 7 });
      const [due] = (await send('order.created')).messageIds;
      const now = tick();
      const [job] = await ctx.store.claimDue(now, 10, MARGIN);
      assert.equal(job?.messageId, due);
      assert.deepEqual(job?.subscription.batch, batch, 'the job carries the settings');
      const leaseEnds = now + 7_000 + MARGIN + 4_000;
      assert.equal((await ctx.store.getMessage(due as string))?.nextAttemptAt, leaseEnds, 'deadline, margin and the wait');
      assert.equal(await ctx.store.returnLeases([{ messageId: due as string, leaseEnds }], tick()), 1, 'given back by that lease');

      const event = eventData('order.created');
      await ctx.store.ingest([{ event, requestHash: null }], { limit: 10, leaseMarginMs: MARGIN });
      const [handed] = (await ctx.store.listMessages({ limit: 10, eventId: event.id })).data;
      assert.equal(handed?.subscriptionId, sub.id);
      assert.equal(handed?.nextAttemptAt, event.createdAt + 7_000 + MARGIN + 4_000, 'handed off: the same lease from the event');
    });

    it('keeps a filter, a template and a template preset exactly: created, read, listed, replaced and cleared', async () => {
      const s = await addSubscriber();
      const filter = ['order.total > 100', 'order.status != "draft"', 'event.type.startsWith("sales_order.")'];
      const template = {
        order_id: '{{ order.id }}',
        items: '{{ order.items }}',
        nested: [1, 2.5, null, true, { 'ünï-cödé': 'x {{ event.id }} y' }],
      };
      const withTemplate = subscriptionData(s.id, { payloadFormat: 'template', filter, template });
      const withPreset = subscriptionData(s.id, { payloadFormat: 'template', templatePreset: 'teams', filter: [] });
      for (const sub of [withTemplate, withPreset]) {
        assert.deepEqual(await ctx.store.createSubscription(sub), sub);
        assert.deepEqual(await ctx.store.getSubscription(sub.id), sub);
      }
      const listed = (await ctx.store.listSubscriptions({ limit: 10, subscriberId: s.id })).data;
      const byId = new Map([withTemplate, withPreset].map((x) => [x.id, x]));
      assert.deepEqual(
        listed.map((x) => [x.filter, x.template, x.templatePreset]),
        listed.map((x) => {
          const stored = byId.get(x.id) as Subscription;
          return [stored.filter, stored.template, stored.templatePreset];
        }),
      );
      assert.equal(listed.length, 2);
      const now = tick();
      const patch = { filter: ['data.qty == 3'], template: null, templatePreset: 'slack' as const };
      const replaced = await ctx.store.updateSubscription(withTemplate.id, patch, now);
      assert.deepEqual(replaced, { ...withTemplate, ...patch, updatedAt: now });
      assert.deepEqual(await ctx.store.getSubscription(withTemplate.id), replaced);
      const later = tick();
      const cleared = await ctx.store.updateSubscription(
        withTemplate.id,
        { filter: null, templatePreset: null, payloadFormat: 'standard' },
        later,
      );
      assert.deepEqual(cleared, {
        ...withTemplate,
        ...patch,
        filter: null,
        templatePreset: null,
        payloadFormat: 'standard',
        updatedAt: later,
      });
      assert.deepEqual(await ctx.store.getSubscription(withTemplate.id), cleared);
      const untouched = await ctx.store.updateSubscription(withPreset.id, { name: 'renamed' }, tick());
      assert.deepEqual(
        [untouched?.filter, untouched?.template, untouched?.templatePreset],
        [[], null, 'teams'],
        'a patch without them keeps them',
      );
    });

    it('ingest creates messages only for subscriptions whose filters hold, and reports the expressions that failed', async () => {
      await addTypes('order.created');
      const s = await addSubscriber();
      const plain = await addSubscription(s.id, { eventTypes: ['order.created'] });
      const big = await addSubscription(s.id, { eventTypes: ['order.created'], filter: ['order.total > 100', 'order.status != "draft"'] });
      const coupon = await addSubscription(s.id, { eventTypes: ['order.created'], filter: ['order.coupon == "X"'] });
      const targets = async (data: unknown) => {
        const result = await ingestOne(eventData('order.created', { dataJson: JSON.stringify(data) }));
        assert.equal(result.status, 'created');
        const messages = (await ctx.store.listMessages({ limit: 10, eventId: result.status === 'created' ? result.event.id : '' })).data;
        return {
          to: messages.map((m) => m.subscriptionId).sort(),
          errors: result.status === 'created' ? (result.filterErrors ?? []).map((e) => [e.subscriptionId, e.code]) : [],
        };
      };
      assert.deepEqual(await targets({ order: { total: 150, status: 'open', coupon: 'X' } }), {
        to: [plain.id, big.id, coupon.id].sort(),
        errors: [],
      });
      assert.deepEqual(await targets({ order: { total: 100, status: 'open' } }), {
        to: [plain.id],
        errors: [[coupon.id, 'no_such_key']],
      });
      assert.deepEqual(await targets({ order: { total: 101.5, status: 'draft', coupon: 'Y' } }), { to: [plain.id], errors: [] });
    });

    it('rejects a subscription of an unknown subscriber with unknown_subscriber', async () => {
      await assert.rejects(ctx.store.createSubscription(subscriptionData(newId('sbr'))), isCode('unknown_subscriber'));
      assert.equal((await ctx.store.listSubscriptions({ limit: 10 })).data.length, 0);
    });

    it('lists newest first, filtered by subscriber, paginated', async () => {
      const a = await addSubscriber();
      const b = await addSubscriber();
      const ofA: string[] = [];
      for (let i = 0; i < 3; i++) ofA.push((await addSubscription(a.id)).id);
      const ofB = (await addSubscription(b.id)).id;
      const pages = await allPages((cursor) => ctx.store.listSubscriptions({ limit: 2, cursor, subscriberId: a.id }));
      assert.deepEqual(
        pages.flat().map((s) => s.id),
        desc(ofA),
      );
      assert.deepEqual(
        pages.map((p) => p.length),
        [2, 1],
      );
      const all = await ctx.store.listSubscriptions({ limit: 10 });
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
      const u = await ctx.store.updateSubscription(sub.id, patch, now);
      assert.deepEqual(u, { ...sub, ...patch, updatedAt: now });
      assert.deepEqual(await ctx.store.getSubscription(sub.id), u);

      const cleared = await ctx.store.updateSubscription(sub.id, { channels: null, retrySchedule: null }, tick());
      assert.equal(cleared?.channels, null);
      assert.equal(cleared?.retrySchedule, null);
      assert.deepEqual(cleared?.eventTypes, ['b.*']);

      assert.equal((await ingestOne(eventData('a.x'))).status, 'created');
      assert.equal(((await ingestOne(eventData('a.x'))) as { messages: number }).messages, 0);
      assert.equal(((await ingestOne(eventData('b.y'))) as { messages: number }).messages, 1);
      const m = (await ctx.store.listMessages({ limit: 1, subscriptionId: sub.id })).data[0];
      assert.equal(m?.url, 'https://new.example/h', "a message shows the subscription's current URL");
      assert.equal(await ctx.store.updateSubscription(newId('sub'), { name: 'x' }, tick()), null);
    });

    it('keeps its health: created, read, replaced, listed by status and counted', async () => {
      const s = await addSubscriber();
      const sub = subscriptionData(s.id, {
        health: {
          status: 'failing',
          reason: 'breaker_open',
          since: T0 + 5,
          consecutiveFailures: 12,
          failingSince: T0 + 1,
          lastSuccessAt: T0 - 7,
          lastFailureAt: T0 + 3,
          failedMessages: 3,
          breaker: 'half_open',
          breakerFaults: 11,
          breakerUntil: T0 + 90_000,
          breakerOpenedAt: T0 + 4,
        },
      });
      assert.deepEqual(await ctx.store.createSubscription(sub), sub);
      assert.deepEqual(await ctx.store.getSubscription(sub.id), sub);
      const healthy = await addSubscription(s.id);
      const off = await addSubscription(s.id, { enabled: false, health: initialHealth(false, T0) });
      const now = tick();
      const enabled = await ctx.store.updateSubscription(off.id, { enabled: true, health: initialHealth(true, now) }, now);
      assert.deepEqual(enabled?.health, initialHealth(true, now));
      assert.deepEqual((await ctx.store.getSubscription(off.id))?.health, initialHealth(true, now));
      const byStatus = async (health: HealthStatus) => ids((await ctx.store.listSubscriptions({ limit: 10, health })).data);
      assert.deepEqual(await byStatus('failing'), [sub.id]);
      assert.deepEqual(await byStatus('healthy'), desc([healthy.id, off.id]));
      assert.deepEqual(await byStatus('disabled'), []);
      assert.deepEqual(ids((await ctx.store.listSubscriptions({ limit: 10, health: 'failing', subscriberId: newId('sbr') })).data), []);
      await ctx.store.updateSubscription(healthy.id, { enabled: false, health: initialHealth(false, tick()) }, ctx.clock);
      assert.deepEqual(await ctx.store.countSubscriptionHealth(), {
        status: { healthy: 1, degraded: 0, failing: 1, disabled: 1 },
        breaker: { closed: 2, open: 0, half_open: 1 },
      });
    });

    it('counts nothing when there is no subscription', async () => {
      assert.deepEqual(await ctx.store.countSubscriptionHealth(), {
        status: { healthy: 0, degraded: 0, failing: 0, disabled: 0 },
        breaker: { closed: 0, open: 0, half_open: 0 },
      });
    });

    it('deleting one deletes its messages and attempts, not the event', async () => {
      const { subscription } = await world();
      const { event, messageIds } = await send('order.created');
      const [messageId] = messageIds;
      assert.ok(messageId);
      const o = await settle(messageId, 'succeeded');
      assert.equal(await ctx.store.deleteSubscription(subscription.id), true);
      assert.equal(await ctx.store.getSubscription(subscription.id), null);
      assert.equal(await ctx.store.getMessage(messageId), null);
      assert.equal(await ctx.store.getAttempt(o.attempt.id), null);
      assert.ok(await ctx.store.getEvent(event.id));
      assert.equal(await ctx.store.deleteSubscription(subscription.id), false);
      // Nothing left to deliver either.
      assert.equal((await ctx.store.claimDue(tick(1e9), 100, MARGIN)).length, 0);
    });

    it('deleting one with messages still to deliver leaves nothing to claim', async () => {
      const { subscription } = await world();
      const retrying = (await send('order.created')).messageIds[0];
      const pending = (await send('order.created')).messageIds[0];
      assert.ok(retrying && pending);
      const o = await settle(retrying, 'retrying');
      assert.equal(await ctx.store.deleteSubscription(subscription.id), true);
      assert.equal(await ctx.store.getMessage(pending), null);
      assert.equal(await ctx.store.getAttempt(o.attempt.id), null);
      assert.equal(await ctx.store.nextDueAt(), null);
      assert.equal((await ctx.store.claimDue(tick(1e9), 100, MARGIN)).length, 0);
    });
  });
}
