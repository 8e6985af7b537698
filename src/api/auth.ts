// API keys. Every /v1 request carries `Authorization: Bearer <key>`; only the SHA-256 of a key is
// ever stored or compared. The admin key from the configuration is checked first (constant-time);
// any other key is looked up in the store and the answer cached for KEY_CACHE_MS, so ingest does
// not pay a query per request — which also means a revoked key keeps working for up to that long.
//
// What a key may do is a table: each route names its action in `config.action`, and SCOPE_ACTIONS
// lists the actions of each scope. A `subscriber` key is further confined to its own subscriber:
// handlers call `confineTo`/`assertVisible`, and another subscriber's records answer 404, exactly
// as if they did not exist.
import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { HeraldError } from '../domain/errors.js';
import type { ApiKey, ApiKeyScope } from '../domain/glossary.js';
import type { Store } from '../store/store.js';

export const ACTIONS = [
  'event-types.read',
  'event-types.write',
  'subscribers.read',
  'subscribers.create',
  'subscribers.write',
  'subscriptions.read',
  'subscriptions.write',
  'subscriptions.secret',
  'events.ingest',
  'events.read',
  'messages.read',
  'messages.write',
  'attempts.read',
] as const;
export type Action = (typeof ACTIONS)[number];

/**
 * What each scope may do. `read` is every GET except secrets: a read key is for dashboards and
 * monitoring, and reading a signing secret would let it forge deliveries. `subscriber` may manage
 * its own subscriptions and inspect what was sent to it, and read the catalogue to choose from.
 */
export const SCOPE_ACTIONS: Record<ApiKeyScope, ReadonlySet<Action>> = {
  admin: new Set(ACTIONS),
  ingest: new Set<Action>(['events.ingest']),
  read: new Set<Action>(['event-types.read', 'subscribers.read', 'subscriptions.read', 'events.read', 'messages.read', 'attempts.read']),
  subscriber: new Set<Action>([
    'event-types.read',
    'subscribers.read',
    'subscriptions.read',
    'subscriptions.write',
    'subscriptions.secret',
    'messages.read',
    'messages.write',
    'attempts.read',
  ]),
};

/** Who is calling: the key's id (null for the configured admin key), scope and confinement. */
export interface Principal {
  keyId: string | null;
  scope: ApiKeyScope;
  /** Set for `subscriber` keys: the only subscriber this caller can see. */
  subscriberId: string | null;
}

declare module 'fastify' {
  interface FastifyContextConfig {
    /** What the route does, checked against the caller's scope. Routes under /v1 must set it. */
    action?: Action;
  }
  interface FastifyRequest {
    principal: Principal | null;
  }
}

export function hashApiKey(key: string): string {
  return createHash('sha256').update(key, 'utf8').digest('hex');
}

const KEY_CACHE_MS = 5_000; // how long a looked-up key (or its absence) is trusted
const KEY_CACHE_MAX = 10_000; // entries; the cache is emptied when full, bounding memory under a key-guessing flood
const BEARER = /^Bearer[ \t]+(\S+)[ \t]*$/i;

interface CachedKey {
  key: ApiKey | null;
  until: number;
}

export interface Authenticator {
  /** The fastify onRequest hook for /v1. */
  onRequest(request: FastifyRequest, reply: FastifyReply): Promise<void>;
}

export function createAuthenticator(store: Store, adminKey: string | null): Authenticator {
  const adminHash = adminKey === null ? null : Buffer.from(hashApiKey(adminKey), 'hex');
  const cache = new Map<string, CachedKey>();

  async function lookup(hash: string, now: number): Promise<ApiKey | null> {
    const hit = cache.get(hash);
    if (hit && hit.until > now) return hit.key;
    const key = await store.findApiKeyByHash(hash);
    if (cache.size >= KEY_CACHE_MAX) cache.clear();
    cache.set(hash, { key, until: now + KEY_CACHE_MS });
    return key;
  }

  async function authenticate(header: string | undefined): Promise<Principal | null> {
    const token = header ? BEARER.exec(header)?.[1] : undefined;
    if (!token) return null;
    const hash = hashApiKey(token);
    if (adminHash && timingSafeEqual(adminHash, Buffer.from(hash, 'hex'))) return { keyId: null, scope: 'admin', subscriberId: null };
    const now = Date.now();
    const key = await lookup(hash, now);
    if (!key || key.revokedAt !== null || (key.expiresAt !== null && key.expiresAt <= now)) return null;
    if (key.scope === 'subscriber' && key.subscriberId === null) return null; // a subscriber key without its subscriber grants nothing
    return { keyId: key.id, scope: key.scope, subscriberId: key.scope === 'subscriber' ? key.subscriberId : null };
  }

  return {
    async onRequest(request, reply) {
      const principal = await authenticate(request.headers.authorization);
      if (!principal) {
        reply.header('www-authenticate', 'Bearer');
        throw new HeraldError('unauthorized');
      }
      request.principal = principal;
      const action = request.routeOptions.config.action;
      // An unknown route has no action; let it fall through to the 404 once authenticated.
      if (action === undefined) return;
      if (!SCOPE_ACTIONS[principal.scope].has(action)) throw new HeraldError('forbidden');
    },
  };
}

/** The subscriber the caller is confined to, or null when it may see every subscriber. */
export function confinedSubscriber(request: FastifyRequest): string | null {
  return request.principal?.subscriberId ?? null;
}

/**
 * For list filters: the subscriberId to filter on. A confined caller always filters on its own
 * subscriber; asking for another one is asking for something that does not exist.
 */
export function confineTo(request: FastifyRequest, requested: string | undefined): string | undefined {
  const own = confinedSubscriber(request);
  if (own === null) return requested;
  if (requested !== undefined && requested !== own) throw new HeraldError('not_found');
  return own;
}

/** Throws not_found when a confined caller reaches for another subscriber's record. */
export function assertVisible(request: FastifyRequest, subscriberId: string | null): void {
  const own = confinedSubscriber(request);
  if (own !== null && subscriberId !== own) throw new HeraldError('not_found');
}
