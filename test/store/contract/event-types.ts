// Store contract: the event catalogue (EventTypeStore).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { EventType } from '../../../src/domain/glossary.js';
import { allPages, type ContractContext, isCode } from './context.js';

export function eventTypeContract(ctx: ContractContext): void {
  const { tick, eventType } = ctx;

  describe('event types', () => {
    it('creates, reads back exactly, and answers null for an unknown name', async () => {
      const withSchema: EventType = { ...eventType('order.created'), schema: { type: 'object', required: ['id'] } };
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
  });
}
