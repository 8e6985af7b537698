// Store contract: operator sessions (SessionStore).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { newId } from '../../../src/domain/ids.js';
import type { PortalLink, StoredSession } from '../../../src/store/store.js';
import type { ContractContext } from './context.js';

export function sessionContract(ctx: ContractContext): void {
  const { tick } = ctx;

  describe('sessions', () => {
    const session = (over: Partial<StoredSession> = {}): StoredSession => {
      const at = tick();
      return {
        tokenHash: `${at.toString(16)}${'a'.repeat(52)}`,
        id: newId('ses', at),
        userName: 'admin',
        createdAt: at,
        lastSeenAt: at,
        kind: 'operator',
        scope: 'admin',
        subscriberId: null,
        keyId: null,
        ...over,
      };
    };

    it('opens, gets, touches (never backwards), closes', async () => {
      const s = session();
      await ctx.store.openSession(s, 0, 100);
      assert.deepEqual(await ctx.store.getSession(s.tokenHash), s);
      assert.equal(await ctx.store.getSession('f'.repeat(64)), null);
      await ctx.store.touchSession(s.tokenHash, s.lastSeenAt + 30_000);
      assert.deepEqual(await ctx.store.getSession(s.tokenHash), { ...s, lastSeenAt: s.lastSeenAt + 30_000 });
      await ctx.store.touchSession(s.tokenHash, s.lastSeenAt + 10_000);
      assert.equal((await ctx.store.getSession(s.tokenHash))?.lastSeenAt, s.lastSeenAt + 30_000, 'an older touch does not win');
      assert.equal(await ctx.store.closeSession(s.tokenHash), true);
      assert.equal(await ctx.store.closeSession(s.tokenHash), false);
      assert.equal(await ctx.store.getSession(s.tokenHash), null);
    });

    it('keeps how a session was opened: kind, scope, subscriber and key', async () => {
      const byKey = session({ kind: 'api-key', scope: 'read', keyId: 'key_0123' });
      const portal = session({ kind: 'portal', scope: 'subscriber', subscriberId: 'sbr_0123', userName: 'acme' });
      await ctx.store.openSession(byKey, 0, 100);
      await ctx.store.openSession(portal, 0, 100);
      assert.deepEqual(await ctx.store.getSession(byKey.tokenHash), byKey);
      assert.deepEqual(await ctx.store.getSession(portal.tokenHash), portal);
    });

    describe('portal links', () => {
      const link = (over: Partial<PortalLink> = {}): PortalLink => {
        const at = tick();
        return {
          tokenHash: `${at.toString(16)}${'b'.repeat(52)}`,
          subscriberId: 'sbr_0123',
          createdAt: at,
          expiresAt: at + 60_000,
          usedAt: null,
          ...over,
        };
      };

      it('a link is claimed once: the first claim sees it unused, later ones see when it was used', async () => {
        const l = link();
        await ctx.store.createPortalLink(l, 0);
        assert.deepEqual(await ctx.store.claimPortalLink(l.tokenHash, l.createdAt + 1_000), l);
        assert.deepEqual(await ctx.store.claimPortalLink(l.tokenHash, l.createdAt + 2_000), { ...l, usedAt: l.createdAt + 1_000 });
        assert.equal(await ctx.store.claimPortalLink('c'.repeat(64), l.createdAt), null);
      });

      it('concurrent claims of one link: exactly one sees it unused', async () => {
        const l = link();
        await ctx.store.createPortalLink(l, 0);
        const claims = await Promise.all(Array.from({ length: 8 }, (_, i) => ctx.store.claimPortalLink(l.tokenHash, l.createdAt + i + 1)));
        assert.equal(claims.filter((c) => c !== null && c.usedAt === null).length, 1);
      });

      it('creating a link drops those expired before the bound', async () => {
        const old = link();
        await ctx.store.createPortalLink(old, 0);
        const fresh = link();
        await ctx.store.createPortalLink(fresh, old.expiresAt + 1);
        assert.equal(await ctx.store.claimPortalLink(old.tokenHash, fresh.createdAt), null);
        assert.ok(await ctx.store.claimPortalLink(fresh.tokenHash, fresh.createdAt));
      });
    });

    it('opening a session drops those last seen before the bound', async () => {
      const a = session();
      const b = session();
      await ctx.store.openSession(a, 0, 100);
      await ctx.store.openSession(b, 0, 100);
      const c = session();
      await ctx.store.openSession(c, b.lastSeenAt, 100);
      assert.equal(await ctx.store.getSession(a.tokenHash), null);
      assert.ok(await ctx.store.getSession(b.tokenHash), 'seen at the bound: kept');
      assert.ok(await ctx.store.getSession(c.tokenHash));
    });

    it('keeps at most `max`, dropping the least recently seen', async () => {
      const sessions = [session(), session(), session()];
      for (const s of sessions) await ctx.store.openSession(s, 0, 10);
      await ctx.store.touchSession(sessions[0]!.tokenHash, tick(5_000)); // now the most recent
      const d = session();
      await ctx.store.openSession(d, 0, 2);
      const alive = async (s: StoredSession) => (await ctx.store.getSession(s.tokenHash)) !== null;
      assert.deepEqual(await Promise.all([...sessions, d].map(alive)), [true, false, false, true]);
    });
  });
}
