// Store contract: API keys (ApiKeyStore).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ApiKey } from '../../../src/domain/glossary.js';
import { newId } from '../../../src/domain/ids.js';
import { allPages, type ContractContext, ids, isCode, T0 } from './context.js';

export function apiKeyContract(ctx: ContractContext): void {
  const { tick, addSubscriber } = ctx;

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
      await ctx.store.createApiKey(k);
      await assert.rejects(ctx.store.createApiKey({ ...k, hash: 'e'.repeat(64) }), isCode('conflict'));
      await assert.rejects(ctx.store.createApiKey({ ...keyData(), hash: k.hash }), isCode('conflict'));
      assert.equal(await ctx.store.countApiKeys(), 1);
    });

    it('creates, finds by hash, lists newest first, counts', async () => {
      assert.equal(await ctx.store.countApiKeys(), 0);
      const s = await addSubscriber();
      const k1 = keyData();
      const k2 = keyData({ scope: 'subscriber', subscriberId: s.id, expiresAt: T0 + 9_999_999 });
      const k3 = keyData({ scope: 'ingest', name: 'producer' });
      for (const k of [k1, k2, k3]) assert.deepEqual(await ctx.store.createApiKey(k), k);
      assert.deepEqual(await ctx.store.findApiKeyByHash(k2.hash), k2);
      assert.equal(await ctx.store.findApiKeyByHash('f'.repeat(64)), null);
      const pages = await allPages((cursor) => ctx.store.listApiKeys({ limit: 2, cursor }));
      assert.deepEqual(ids(pages.flat()), [k3.id, k2.id, k1.id]);
      assert.deepEqual(
        pages.map((p) => p.length),
        [2, 1],
      );
      assert.equal(await ctx.store.countApiKeys(), 3);
    });

    it("a subscriber's keys are deleted with the subscriber; other keys stay", async () => {
      const s = await addSubscriber();
      const other = await addSubscriber();
      const scoped = keyData({ scope: 'subscriber', subscriberId: s.id });
      const kept = keyData({ scope: 'subscriber', subscriberId: other.id });
      const admin = keyData();
      for (const k of [scoped, kept, admin]) await ctx.store.createApiKey(k);
      assert.equal(await ctx.store.deleteSubscriber(s.id), true);
      assert.equal(await ctx.store.getApiKey(scoped.id), null);
      assert.equal(await ctx.store.findApiKeyByHash(scoped.hash), null);
      assert.deepEqual(await ctx.store.getApiKey(kept.id), kept);
      assert.deepEqual(await ctx.store.getApiKey(admin.id), admin);
      assert.equal(await ctx.store.countApiKeys(), 2);
    });

    it('revokes (null for an unknown id) and still finds revoked keys by hash', async () => {
      const k = keyData();
      await ctx.store.createApiKey(k);
      const now = tick();
      const revoked = await ctx.store.revokeApiKey(k.id, now);
      assert.deepEqual(revoked, { ...k, revokedAt: now });
      assert.deepEqual(await ctx.store.findApiKeyByHash(k.hash), { ...k, revokedAt: now });
      assert.equal(await ctx.store.revokeApiKey(newId('key'), tick()), null);
      // Revoking twice keeps the first time.
      assert.deepEqual(await ctx.store.revokeApiKey(k.id, tick()), { ...k, revokedAt: now });
    });

    it('gets by id, and keeps allowed IPs and rate limits', async () => {
      const k = keyData({ allowedIps: ['10.0.0.0/8', '2001:db8::/32'], rateLimit: 25 });
      const plain = keyData();
      await ctx.store.createApiKey(k);
      await ctx.store.createApiKey(plain);
      assert.deepEqual(await ctx.store.getApiKey(k.id), k);
      assert.deepEqual(await ctx.store.findApiKeyByHash(k.hash), k);
      assert.deepEqual(await ctx.store.getApiKey(plain.id), plain);
      assert.equal(await ctx.store.getApiKey(newId('key')), null);
      const unlimited = keyData({ rateLimit: 0 });
      await ctx.store.createApiKey(unlimited);
      assert.equal((await ctx.store.getApiKey(unlimited.id))?.rateLimit, 0);
    });
  });
}
