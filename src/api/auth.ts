// API keys. Every /v1 request carries `Authorization: Bearer <key>`; only the SHA-256 of a key is
// ever stored or compared. The admin key from the configuration is checked first (constant-time);
// any other key is looked up in the store by its hash, the hash compared again in constant time, and
// the answer cached for KEY_CACHE_MS, so ingest does not pay a query per request. Revoking a key
// through this process (the API) drops it from this cache at once; other processes sharing a
// PostgreSQL database, and revocations by the CLI, take effect within KEY_CACHE_MS (5 s). Expiry is
// checked on every request against the cached key, so it is exact.
//
// A key may carry an IP allow-list (CIDRs): the caller's address is `request.ip`, the socket's
// peer, unless HERALD_TRUST_PROXY names the proxy in front (then fastify takes X-Forwarded-For
// from it). A key used from elsewhere is refused with 403 ip_not_allowed.
//
// What a key may do is a table: each route names its action in `config.action`, and SCOPE_ACTIONS
// lists the actions of each scope. A `subscriber` key is further confined to its own subscriber:
// handlers call `confineTo`/`assertVisible`, and another subscriber's records answer 404, exactly
// as if they did not exist.
import { timingSafeEqual } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { hashApiKey, isActive } from '../domain/api-keys.js';
import { CONFIGURED_ADMIN_ACTOR } from '../domain/audit.js';
import { HeraldError } from '../domain/errors.js';
import type { ApiKey, ApiKeyScope } from '../domain/glossary.js';
import { IpAllowList } from '../domain/ip-allow-list.js';
import type { Store } from '../store/store.js';

export { hashApiKey };

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
  'api-keys.read',
  'api-keys.write',
  'audit-log.read',
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
  /** The key's own requests-per-second limit; null: the configured default. */
  rateLimit: number | null;
  /** Who the audit log names: the key's id, or `admin` for the configured admin key. */
  actor: string;
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

const KEY_CACHE_MS = 5_000; // how long a looked-up key (or its absence) is trusted
const KEY_CACHE_MAX = 10_000; // entries; the cache is emptied when full, bounding memory under a key-guessing flood
const BEARER = /^Bearer[ \t]+(\S+)[ \t]*$/i;

interface CachedKey {
  key: ApiKey | null;
  allowList: IpAllowList | null;
  until: number;
}

export interface Authenticator {
  /** The fastify onRequest hook for /v1. */
  onRequest(request: FastifyRequest, reply: FastifyReply): Promise<void>;
  /** Drops a key from this process's cache, so a revocation takes effect on the next request. */
  forget(hash: string): void;
}

/** Equal hex SHA-256 digests, compared in constant time. */
function sameHash(a: string, b: string): boolean {
  const x = Buffer.from(a, 'hex');
  const y = Buffer.from(b, 'hex');
  return x.length === 32 && y.length === 32 && timingSafeEqual(x, y);
}

export function createAuthenticator(store: Store, adminKey: string | null): Authenticator {
  const adminHash = adminKey === null ? null : hashApiKey(adminKey);
  const cache = new Map<string, CachedKey>();

  async function lookup(hash: string, now: number): Promise<CachedKey> {
    const hit = cache.get(hash);
    if (hit && hit.until > now) return hit;
    const key = await store.findApiKeyByHash(hash);
    if (cache.size >= KEY_CACHE_MAX) cache.clear();
    const entry = { key, allowList: key?.allowedIps ? new IpAllowList(key.allowedIps) : null, until: now + KEY_CACHE_MS };
    cache.set(hash, entry);
    return entry;
  }

  /** The caller, or why it is not let in (the 401's message: what was wrong and what to send). */
  async function authenticate(request: FastifyRequest): Promise<Principal | string> {
    const header = request.headers.authorization;
    if (!header) return 'No Authorization header: send Authorization: Bearer <API key>';
    const token = BEARER.exec(header)?.[1];
    // Not echoed: a header without its scheme may be the bare key itself.
    if (!token) return 'The Authorization header is not a Bearer token: send Authorization: Bearer <API key>';
    const hash = hashApiKey(token);
    if (adminHash && sameHash(adminHash, hash)) {
      return { keyId: null, scope: 'admin', subscriberId: null, rateLimit: null, actor: CONFIGURED_ADMIN_ACTOR };
    }
    const now = Date.now();
    const { key, allowList } = await lookup(hash, now);
    // The store found the row by its hash; comparing again in constant time costs nothing and
    // does not lean on how the database compares strings.
    if (!key || !sameHash(key.hash, hash)) return 'Unknown API key: check it was copied whole, or create one (herald api-keys create)';
    if (!isActive(key, now)) {
      return key.revokedAt !== null
        ? `API key ${key.id} was revoked; create a new one`
        : `API key ${key.id} expired at ${new Date(key.expiresAt ?? now).toISOString()}; create a new one`;
    }
    if (key.scope === 'subscriber' && key.subscriberId === null) return `API key ${key.id} belongs to a subscriber that no longer exists`;
    if (allowList && !allowList.allows(request.ip)) throw new HeraldError('ip_not_allowed');
    return {
      keyId: key.id,
      scope: key.scope,
      subscriberId: key.scope === 'subscriber' ? key.subscriberId : null,
      rateLimit: key.rateLimit,
      actor: key.id,
    };
  }

  return {
    forget(hash) {
      cache.delete(hash);
    },
    async onRequest(request, reply) {
      const principal = await authenticate(request);
      if (typeof principal === 'string') {
        reply.header('www-authenticate', 'Bearer');
        throw new HeraldError('unauthorized', principal);
      }
      request.principal = principal;
      const action = request.routeOptions.config.action;
      // An unknown route has no action; let it fall through to the 404 once authenticated.
      if (action === undefined) return;
      if (!SCOPE_ACTIONS[principal.scope].has(action)) throw new HeraldError('forbidden', forbiddenMessage(principal.scope, action));
    },
  };
}

/** A 403's message: what the route needs and which scopes have it. */
export function forbiddenMessage(scope: ApiKeyScope, action: Action): string {
  const allowed = (Object.keys(SCOPE_ACTIONS) as ApiKeyScope[]).filter((s) => SCOPE_ACTIONS[s].has(action));
  return `This API key's scope (${scope}) may not do ${action}; a key of scope ${allowed.join(' or ')} may`;
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
