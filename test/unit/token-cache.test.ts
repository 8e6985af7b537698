// The OAuth 2.0 token cache (src/delivery/auth/token-cache.ts) on its own: when a token is
// replaced, one fetch in flight per credential, failures not kept, a refused token dropped only
// if it is still the cached one, and the number of credentials kept bounded.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DEFAULT_LIFETIME_SECONDS, refreshAt, type TokenAnswer, TokenCache } from '../../src/delivery/auth/token-cache.js';

describe('token cache', () => {
  it('refreshes 30 s before expiry, or 10 % of a short lifetime; no expires_in: the default', () => {
    assert.equal(refreshAt(0, 3600), 3_570_000);
    assert.equal(refreshAt(0, 60), 54_000);
    assert.equal(refreshAt(1_000, 3), 1_000 + 2_700);
    assert.equal(refreshAt(0, null), (DEFAULT_LIFETIME_SECONDS - 30) * 1000);
    assert.equal(refreshAt(0, 0), (DEFAULT_LIFETIME_SECONDS - 30) * 1000, 'a nonsense lifetime: the default');
  });

  it('one fetch in flight per key; failures are not cached', async () => {
    const cache = new TokenCache();
    let fetches = 0;
    let answer: TokenAnswer = { failed: 'token endpoint answered 500' };
    const fetch = async () => {
      fetches++;
      await new Promise((r) => setTimeout(r, 20));
      return answer;
    };
    const answers = await Promise.all(Array.from({ length: 50 }, () => cache.get('k', Date.now(), fetch)));
    assert.equal(fetches, 1);
    assert.ok(answers.every((a) => 'failed' in a));
    answer = { accessToken: 'a', lifetimeSeconds: 3600 };
    assert.deepEqual(await cache.get('k', Date.now(), fetch), answer);
    assert.equal(fetches, 2, 'the failure was not kept');
    await cache.get('k', Date.now(), fetch);
    assert.equal(fetches, 2, 'the token is');
    await cache.get('k', Date.now() + 3_600_000, fetch);
    assert.equal(fetches, 3, 'until its refresh time');
  });

  it('invalidate drops only the token that was refused', async () => {
    const cache = new TokenCache();
    await cache.get('k', 0, async () => ({ accessToken: 'new', lifetimeSeconds: 3600 }));
    cache.invalidate('k', 'old');
    assert.equal(cache.size, 1);
    cache.invalidate('k', 'new');
    assert.equal(cache.size, 0);
  });

  it('keeps at most its cap of credentials, dropping the oldest', async () => {
    const cache = new TokenCache(3);
    for (const k of ['a', 'b', 'c', 'd']) await cache.get(k, 0, async () => ({ accessToken: k, lifetimeSeconds: 3600 }));
    assert.equal(cache.size, 3);
    let fetched = false;
    await cache.get('a', Date.now(), async () => {
      fetched = true;
      return { accessToken: 'a2', lifetimeSeconds: 3600 };
    });
    assert.ok(fetched, 'the oldest entry was dropped');
  });
});
