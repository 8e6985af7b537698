// Store contract: the database itself (StoreLifecycle), migrations and ping.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ContractContext } from './context.js';

export function lifecycleContract(ctx: ContractContext): void {
  describe('lifecycle', () => {
    it('migrate is idempotent and ping answers', async () => {
      await ctx.store.migrate();
      await ctx.store.migrate();
      await ctx.store.ping();
      assert.equal(typeof ctx.store.capabilities.multiProcess, 'boolean');
      assert.equal(typeof ctx.store.capabilities.crossProcessNotify, 'boolean');
      assert.ok(ctx.store.kind === 'sqlite' || ctx.store.kind === 'postgres');
    });
  });
}
