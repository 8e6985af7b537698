// Store contract: operator sessions (SessionStore).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { newId } from '../../../src/domain/ids.js';
import type { StoredSession } from '../../../src/store/store.js';
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
