// Store contract: the event catalogue (EventTypeStore).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { EventType } from '../../../src/domain/glossary.js';
import { allPages, type ContractContext, isCode } from './context.js';

export function eventTypeContract(ctx: ContractContext): void {
  const { tick, eventType, eventData } = ctx;
  const ORDER_SCHEMA = {
    type: 'object',
    required: ['order'],
    properties: { order: { type: 'object', required: ['total'], properties: { total: { type: 'number' } } } },
  };

  describe('event types', () => {
    it('creates, reads back exactly, and answers null for an unknown name', async () => {
      const withSchema: EventType = {
        ...eventType('order.created'),
        schema: { type: 'object', required: ['id'] },
        example: { id: 'o-1', lines: [{ qty: 2 }] },
      };
      assert.deepEqual(await ctx.store.createEventType(withSchema), withSchema);
      assert.deepEqual(await ctx.store.getEventType('order.created'), withSchema);
      const plain = eventType('order.deleted');
      await ctx.store.createEventType(plain);
      assert.deepEqual(await ctx.store.getEventType('order.deleted'), plain);
      assert.equal(await ctx.store.getEventType('nope.nothing'), null);
    });

    it('rejects a duplicate name with conflict', async () => {
      await ctx.store.createEventType(eventType('order.created'));
      await assert.rejects(ctx.store.createEventType(eventType('order.created')), isCode('conflict'));
    });

    it('imports only the missing ones and leaves existing ones untouched', async () => {
      const original = await ctx.store.createEventType(eventType('a.one'));
      const added = await ctx.store.importEventTypes([
        { ...eventType('a.one'), description: 'changed' },
        eventType('a.two'),
        eventType('a.three'),
      ]);
      assert.equal(added, 2);
      assert.deepEqual(await ctx.store.getEventType('a.one'), original);
      assert.ok(await ctx.store.getEventType('a.three'));
      assert.equal(await ctx.store.importEventTypes([]), 0);
    });

    it('lists by name ascending with a name cursor', async () => {
      for (const n of ['c.x', 'a.x', 'e.x', 'b.x', 'd.x']) await ctx.store.createEventType(eventType(n));
      const pages = await allPages((cursor) => ctx.store.listEventTypes({ limit: 2, cursor }));
      assert.deepEqual(
        pages.map((p) => p.map((t) => t.name)),
        [['a.x', 'b.x'], ['c.x', 'd.x'], ['e.x']],
      );
      const exact = await ctx.store.listEventTypes({ limit: 5 });
      assert.equal(exact.data.length, 5);
      assert.equal(exact.nextCursor, null);
    });

    it('updates description and schema, sets updatedAt, and answers null for an unknown name', async () => {
      const t = await ctx.store.createEventType(eventType('order.created'));
      const now = tick();
      const updated = await ctx.store.updateEventType('order.created', { description: 'new words' }, now);
      assert.deepEqual(updated, { ...t, description: 'new words', updatedAt: now });
      const schema = { type: 'object' };
      const withSchema = await ctx.store.updateEventType('order.created', { schema }, tick());
      assert.deepEqual(withSchema?.schema, schema);
      assert.equal(withSchema?.description, 'new words');
      assert.deepEqual(await ctx.store.getEventType('order.created'), withSchema);
      assert.equal(await ctx.store.updateEventType('nope.nothing', { description: 'x' }, tick()), null);
    });

    it('deletes, then answers false', async () => {
      await ctx.store.createEventType(eventType('order.created'));
      assert.equal(await ctx.store.deleteEventType('order.created'), true);
      assert.equal(await ctx.store.getEventType('order.created'), null);
      assert.equal(await ctx.store.deleteEventType('order.created'), false);
    });

    it('updates the example, and null clears it', async () => {
      await ctx.store.createEventType({ ...eventType('order.created'), example: { id: 1 } });
      const changed = await ctx.store.updateEventType('order.created', { example: [1, 'two', { three: 3 }] }, tick());
      assert.deepEqual(changed?.example, [1, 'two', { three: 3 }]);
      assert.deepEqual((await ctx.store.getEventType('order.created'))?.example, [1, 'two', { three: 3 }]);
      const cleared = await ctx.store.updateEventType('order.created', { example: null }, tick());
      assert.equal(cleared?.example, null);
      assert.equal((await ctx.store.getEventType('order.created'))?.example, null);
    });

    it('moves updatedAt on every update, even when the clock has not', async () => {
      const t = await ctx.store.createEventType(eventType('order.created'));
      const first = await ctx.store.updateEventType('order.created', { description: 'one' }, t.updatedAt);
      assert.equal(first?.updatedAt, t.updatedAt + 1);
      const second = await ctx.store.updateEventType('order.created', { description: 'two' }, t.updatedAt);
      assert.equal(second?.updatedAt, t.updatedAt + 2);
      assert.equal((await ctx.store.getEventType('order.created'))?.updatedAt, t.updatedAt + 2);
    });

    it('syncs drafts: creates the missing, updates what differs, leaves the rest, in one call', async () => {
      const kept = await ctx.store.createEventType({
        ...eventType('a.kept'),
        schema: { type: 'object', properties: { a: { type: 'string' } } },
      });
      const changed = await ctx.store.createEventType(eventType('a.changed'));
      const partial = await ctx.store.createEventType({ ...eventType('a.partial'), schema: { type: 'object' }, example: { x: 1 } });
      const now = tick();
      const result = await ctx.store.syncEventTypes(
        [
          { name: 'a.new', description: 'new one', schema: { type: 'object' }, example: { n: 1 } },
          // the same schema with its keys in another order is no change
          { name: 'a.kept', description: kept.description, schema: { properties: { a: { type: 'string' } }, type: 'object' } },
          { name: 'a.changed', description: 'other words' },
          // a field left out keeps its value
          { name: 'a.partial', example: { x: 2 } },
          { name: 'a.bare' },
        ],
        now,
      );
      assert.deepEqual(result, { created: ['a.new', 'a.bare'], updated: ['a.changed', 'a.partial'], unchanged: 1 });
      assert.deepEqual(await ctx.store.getEventType('a.new'), {
        name: 'a.new',
        description: 'new one',
        schema: { type: 'object' },
        example: { n: 1 },
        createdAt: now,
        updatedAt: now,
      });
      assert.deepEqual(await ctx.store.getEventType('a.bare'), {
        name: 'a.bare',
        description: '',
        schema: null,
        example: null,
        createdAt: now,
        updatedAt: now,
      });
      assert.deepEqual(await ctx.store.getEventType('a.kept'), kept);
      assert.deepEqual(await ctx.store.getEventType('a.changed'), { ...changed, description: 'other words', updatedAt: now });
      assert.deepEqual(await ctx.store.getEventType('a.partial'), { ...partial, example: { x: 2 }, updatedAt: now });

      const again = await ctx.store.syncEventTypes(
        [{ name: 'a.new', description: 'new one', schema: { type: 'object' }, example: { n: 1 } }, { name: 'a.bare' }],
        tick(),
      );
      assert.deepEqual(again, { created: [], updated: [], unchanged: 2 });
      assert.deepEqual(await ctx.store.syncEventTypes([], tick()), { created: [], updated: [], unchanged: 0 });
    });

    it("refuses at ingest the data that breaks its type's schema, with where and why, and follows a changed schema", async () => {
      await ctx.store.createEventType({ ...eventType('order.created'), schema: ORDER_SCHEMA });
      await ctx.store.createEventType(eventType('order.noted'));
      const good = eventData('order.created', { dataJson: '{"order":{"total":12.5}}' });
      const bad = eventData('order.created', { dataJson: '{"order":{"total":"12.50"}}' });
      const missing = eventData('order.created', { dataJson: '{"order":{}}' });
      const free = eventData('order.noted', { dataJson: '"anything"' });
      const results = await ctx.store.ingest([
        { event: good, requestHash: null },
        { event: bad, requestHash: null },
        { event: missing, requestHash: null },
        { event: free, requestHash: null },
      ]);
      assert.deepEqual(
        results.map((r) => r.status),
        ['created', 'schema_validation_failed', 'schema_validation_failed', 'created'],
      );
      assert.deepEqual(results[1], {
        status: 'schema_validation_failed',
        type: 'order.created',
        violation: {
          path: '/order/total',
          message: 'must be number',
          keyword: 'type',
          schemaPath: '#/properties/order/properties/total/type',
        },
      });
      const r2 = results[2];
      assert.ok(r2?.status === 'schema_validation_failed');
      assert.equal(r2.violation.path, '/order/total');
      assert.equal(r2.violation.keyword, 'required');
      assert.equal(await ctx.store.getEvent(bad.id), null);
      assert.ok(await ctx.store.getEvent(good.id));

      // A changed schema applies to the next ingest (the compiled one is cached by updatedAt).
      await ctx.store.updateEventType('order.created', { schema: { type: 'object', properties: { order: { type: 'object' } } } }, tick());
      const now = eventData('order.created', { dataJson: '{"order":{"total":"12.50"}}' });
      assert.equal((await ctx.ingestOne(now)).status, 'created');
      await ctx.store.updateEventType('order.created', { schema: null }, tick());
      assert.equal((await ctx.ingestOne(eventData('order.created', { dataJson: '[]' }))).status, 'created');
    });
  });
}
