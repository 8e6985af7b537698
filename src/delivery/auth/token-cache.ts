// OAuth 2.0 access tokens, cached per credential. How it works: `get` answers a cached token while
// its refresh time has not come; otherwise it starts ONE fetch for that credential and every caller
// that asks meanwhile (hundreds of attempts of a busy subscription) awaits the same promise. A
// fetched token is kept until shortly before it expires: its lifetime (expires_in, or
// DEFAULT_LIFETIME_SECONDS when the endpoint gives none) minus 10 % of it, at most
// REFRESH_MARGIN_SECONDS, counted from when the fetch started, so a token is never used in its
// last moments. A failure is not cached: the next attempt (on its retry schedule) fetches again.
// `invalidate` drops a token a receiver refused (401), unless a newer one already replaced it, so
// a burst of 401s costs one fetch. At most MAX_ENTRIES credentials are kept; past that the oldest
// entry goes.

export const DEFAULT_LIFETIME_SECONDS = 300; // a token whose endpoint gives no expires_in
export const REFRESH_MARGIN_SECONDS = 30; // a token is refreshed this long before it expires, at most
const REFRESH_MARGIN_FRACTION = 0.1; // ... or this share of its lifetime, for short-lived tokens
const MAX_ENTRIES = 10_000; // credentials cached at once

export type TokenAnswer = { accessToken: string; lifetimeSeconds: number | null } | { failed: string };

/** When a token fetched at `fetchedAt` (ms) with `lifetimeSeconds` should be replaced (ms). */
export function refreshAt(fetchedAt: number, lifetimeSeconds: number | null): number {
  const lifetime = lifetimeSeconds !== null && lifetimeSeconds > 0 ? lifetimeSeconds : DEFAULT_LIFETIME_SECONDS;
  return fetchedAt + (lifetime - Math.min(REFRESH_MARGIN_SECONDS, lifetime * REFRESH_MARGIN_FRACTION)) * 1000;
}

export class TokenCache {
  private readonly tokens = new Map<string, { accessToken: string; refreshAt: number }>();
  private readonly fetching = new Map<string, Promise<TokenAnswer>>();

  constructor(private readonly maxEntries = MAX_ENTRIES) {}

  /** A token for `key` usable at `now` (ms): the cached one, or the answer of the fetch in flight
   *  for `key`, started with `fetch` when there is none. */
  get(key: string, now: number, fetch: () => Promise<TokenAnswer>): Promise<TokenAnswer> {
    const cached = this.tokens.get(key);
    if (cached !== undefined && cached.refreshAt > now) return Promise.resolve({ accessToken: cached.accessToken, lifetimeSeconds: null });
    let pending = this.fetching.get(key);
    if (pending === undefined) {
      const started = Date.now();
      pending = fetch()
        .catch((err: unknown): TokenAnswer => ({ failed: `token request failed: ${err instanceof Error ? err.message : String(err)}` }))
        .then((answer) => {
          if ('accessToken' in answer)
            this.keep(key, { accessToken: answer.accessToken, refreshAt: refreshAt(started, answer.lifetimeSeconds) });
          return answer;
        })
        .finally(() => this.fetching.delete(key));
      this.fetching.set(key, pending);
    }
    return pending;
  }

  /** Drops `accessToken` as `key`'s token (a receiver refused it); a newer token stays. */
  invalidate(key: string, accessToken: string): void {
    if (this.tokens.get(key)?.accessToken === accessToken) this.tokens.delete(key);
  }

  get size(): number {
    return this.tokens.size;
  }

  private keep(key: string, token: { accessToken: string; refreshAt: number }): void {
    this.tokens.delete(key); // re-inserted last: the oldest entry is the first in the map
    if (this.tokens.size >= this.maxEntries) {
      const oldest = this.tokens.keys().next();
      if (!oldest.done) this.tokens.delete(oldest.value);
    }
    this.tokens.set(key, token);
  }
}
