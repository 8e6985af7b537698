// Per-API-key request rate limits, by @fastify/rate-limit: a fixed one-second window per key,
// counted in this process's memory. The limit is the key's own `rateLimit` when it has one, else
// HERALD_RATE_LIMIT; 0 means unlimited, and is the default. Over the limit a request answers 429
// `rate_limited` with `Retry-After` (seconds) and x-ratelimit-* headers.
//
// The hook runs after authentication (it is a route-level onRequest hook, and those follow the
// scope's), so requests are counted per key, never per address, and a request refused for its key
// costs no quota. With several API processes behind a load balancer each counts on its own: the
// effective limit is the per-process limit times the number of processes.
//
// The counters are our own WindowCounters rather than the plugin's LocalStore: LocalStore hands
// every caller the same mutable counter object, and the plugin reads it after an `await`, so
// requests arriving together all see the final count and all but none are refused (seen with 8
// concurrent requests against a limit of 3: 0 passed).
import rateLimit, { type FastifyRateLimitStore } from '@fastify/rate-limit';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { HeraldConfig } from '../config/config.js';
import { HeraldError } from '../domain/errors.js';

const WINDOW_MS = 1_000; // the limit is requests per this window: per second
const TRACKED_KEYS = 10_000; // counters kept; when full, expired ones are dropped, then all

interface Window {
  count: number;
  endsAt: number; // epoch ms
}

/** Fixed-window counters per key, bounded: when `TRACKED_KEYS` are held, expired ones are dropped,
 *  then all. Also the /auth login throttle's (api/sessions.ts). */
export class FixedWindows {
  private readonly windows = new Map<string, Window>();

  constructor(private readonly windowMs: number) {}

  /** Adds one to `key`'s current window (a new one if it ended) and returns it. */
  increment(key: string, now: number): Readonly<Window> {
    let window = this.live(key, now);
    if (!window) {
      if (!this.windows.has(key) && this.windows.size >= TRACKED_KEYS) this.prune(now);
      window = { count: 0, endsAt: now + this.windowMs };
      this.windows.set(key, window);
    }
    window.count += 1;
    return window;
  }

  /** `key`'s window if it has not ended. */
  current(key: string, now: number): Readonly<Window> | undefined {
    return this.live(key, now);
  }

  private live(key: string, now: number): Window | undefined {
    const window = this.windows.get(key);
    return window && window.endsAt > now ? window : undefined;
  }

  private prune(now: number): void {
    for (const [key, window] of this.windows) if (window.endsAt <= now) this.windows.delete(key);
    if (this.windows.size >= TRACKED_KEYS) this.windows.clear();
  }
}

/** The plugin's store over FixedWindows, each answer a snapshot taken at its own increment. */
class WindowCounters implements FastifyRateLimitStore {
  private readonly windows = new FixedWindows(WINDOW_MS);

  incr(key: string, callback: (error: Error | null, result?: { current: number; ttl: number }) => void): void {
    const now = Date.now();
    const window = this.windows.increment(key, now);
    callback(null, { current: window.count, ttl: window.endsAt - now });
  }

  child(): FastifyRateLimitStore {
    return new WindowCounters();
  }
}

/** Installs the limiter on a scope (/v1); call before registering its routes. */
export async function installRateLimit(scope: FastifyInstance, config: Pick<HeraldConfig, 'rateLimit'>): Promise<void> {
  const limitOf = (request: FastifyRequest): number => request.principal?.rateLimit ?? config.rateLimit;
  await scope.register(rateLimit, {
    global: true,
    hook: 'onRequest',
    timeWindow: WINDOW_MS,
    store: WindowCounters,
    max: (request) => limitOf(request),
    allowList: (request) => limitOf(request) === 0,
    // Authentication has run, so there is always a principal; the address is a fallback only.
    keyGenerator: (request) => request.principal?.actor ?? request.ip,
    errorResponseBuilder: (_request, context) =>
      new HeraldError('rate_limited', `This API key may make ${context.max} requests per second; retry in ${context.after}`),
  });
}
