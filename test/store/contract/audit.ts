// Store contract: the audit log (AuditStore).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { AuditEntry } from '../../../src/domain/glossary.js';
import { newId } from '../../../src/domain/ids.js';
import type { AuditFilter } from '../../../src/store/store.js';
import { allPages, type ContractContext, ids } from './context.js';

export function auditContract(ctx: ContractContext): void {
  const { tick } = ctx;

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
      assert.deepEqual(await ctx.store.listAudit({ limit: 10 }), { data: [], nextCursor: null });
      const a = entry();
      const b = entry({ actor: 'cli', action: 'api-key.create', resourceType: 'api-key', changes: null, ip: null });
      const c = entry({ action: 'subscriber.delete' });
      for (const e of [a, b, c]) assert.deepEqual(await ctx.store.appendAudit(e), e);
      const pages = await allPages((cursor) => ctx.store.listAudit({ limit: 2, cursor }));
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
      for (const e of [a, b, c]) await ctx.store.appendAudit(e);
      const q = async (f: Omit<AuditFilter, 'limit'>) => ids((await ctx.store.listAudit({ limit: 100, ...f })).data);
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
}
