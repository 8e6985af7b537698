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
// Sessions (./sessions.ts) authenticate here too, one path for /v1 and the Jiwa routes: a bearer
// token that is no API key is tried as a session token; the `herald_session` cookie is the
// dashboard's; the Jiwa routes also take seed 001's `ss-id` cookie and `X-ss-id` header. A session
// carries its scope and confinement; one opened with an API key ends when the key is revoked or
// expires (checked on every request), and acts as that key (audit actor, rate limit, IP allow-list).
// A state-changing request authenticated by the `herald_session` cookie must carry the session's
// X-CSRF-Token (403 csrf_failed otherwise); bearer tokens and headers cannot be sent by another
// site's page, so they need none. The Jiwa `ss-id` cookie is not CSRF-checked: seed 001's
// ServiceStack clients send it without any such header, and it is SameSite=Lax, which browsers do
// not send on another site's POST.
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
import { CSRF_HEADER, cookieValue, csrfMatches, DASHBOARD_COOKIE, SESSION_COOKIE, type Session, type Sessions } from './sessions.js';

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
  'subscribers.portal',
  'session',
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

/** What every authenticated caller may do, whatever its scope: ask who it is and sign out
 *  (GET and DELETE /v1/session). Kept out of SCOPE_ACTIONS, whose read and ingest sets are exactly
 *  their reads and ingest. */
const EVERY_CALLER: ReadonlySet<Action> = new Set<Action>(['session']);

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
  /** How the request was authenticated; absent for principals made up by a route (Jiwa's subscriber-facing routes). */
  via?: 'api-key' | 'session-bearer' | 'session-cookie' | 'session-header';
  /** The session that authenticated the request, with its token (to close it, to derive its CSRF token). */
  session?: { token: string; session: Session };
}

declare module 'fastify' {
  interface FastifyContextConfig {
    /** What the route does, checked against the caller's scope. Routes under /v1 must set it. */
    action?: Action;
    /** Needs no authentication (POST /v1/sessions: how one gets some). */
    anonymous?: boolean;
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
  /** The hook of the Jiwa operator routes: as onRequest, and seed 001's ss-id cookie and X-ss-id header too. */
  onJiwaRequest(request: FastifyRequest, reply: FastifyReply): Promise<void>;
  /** The principal an API key (not a session token) grants, or null; throws ip_not_allowed. */
  principalOfKey(token: string, request: FastifyRequest): Promise<Principal | null>;
  /** What a session opened with this key's principal keeps as its key: the stored key's id, or for
   *  the configured admin key a mark of it (`admin:` and 16 hex digits of its SHA-256), so that
   *  changing HERALD_ADMIN_KEY ends the sessions opened with the old one. */
  sessionKeyId(principal: Principal): string | null;
  /** Drops a key from this process's cache, so a revocation takes effect on the next request. */
  forget(hash: string): void;
}

/** Equal hex SHA-256 digests, compared in constant time. */
function sameHash(a: string, b: string): boolean {
  const x = Buffer.from(a, 'hex');
  const y = Buffer.from(b, 'hex');
  return x.length === 32 && y.length === 32 && timingSafeEqual(x, y);
}

const READ_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);
const CONFIGURED_KEY_MARK = 'admin:'; // a session's keyId when opened with HERALD_ADMIN_KEY

export function createAuthenticator(store: Store, adminKey: string | null, sessions: Sessions): Authenticator {
  const adminHash = adminKey === null ? null : hashApiKey(adminKey);
  const adminMark = adminHash === null ? null : `${CONFIGURED_KEY_MARK}${adminHash.slice(0, 16)}`;
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

  function configuredAdmin(): Principal {
    return { keyId: null, scope: 'admin', subscriberId: null, rateLimit: null, actor: CONFIGURED_ADMIN_ACTOR, via: 'api-key' };
  }

  /** The principal of an active key; null for a revoked, expired or orphaned one. */
  function keyPrincipal(key: ApiKey, allowList: IpAllowList | null, request: FastifyRequest, now: number): Principal | null {
    if (!isActive(key, now)) return null;
    if (key.scope === 'subscriber' && key.subscriberId === null) return null; // a subscriber key without its subscriber grants nothing
    if (allowList && !allowList.allows(request.ip)) throw new HeraldError('ip_not_allowed');
    return {
      keyId: key.id,
      scope: key.scope,
      subscriberId: key.scope === 'subscriber' ? key.subscriberId : null,
      rateLimit: key.rateLimit,
      actor: key.id,
      via: 'api-key',
    };
  }

  async function principalOfKey(token: string, request: FastifyRequest): Promise<Principal | null> {
    const hash = hashApiKey(token);
    if (adminHash && sameHash(adminHash, hash)) return configuredAdmin();
    const now = Date.now();
    const { key, allowList } = await lookup(hash, now);
    // The store found the row by its hash; comparing again in constant time costs nothing and
    // does not lean on how the database compares strings.
    if (!key || !sameHash(key.hash, hash)) return null;
    return keyPrincipal(key, allowList, request, now);
  }

  /** The principal of a live session: its own grant, or, for a session opened with an API key, the
   *  key's as it is now (a revoked or expired key ends the session). */
  async function principalOfSession(token: string, request: FastifyRequest, via: NonNullable<Principal['via']>): Promise<Principal | null> {
    const now = Date.now();
    const session = await sessions.touch(token, now);
    if (session === null) return null;
    const found = { token, session };
    if (session.kind === 'api-key') {
      let principal: Principal | null;
      if (session.keyId === null || session.keyId.startsWith(CONFIGURED_KEY_MARK)) {
        principal = adminMark !== null && session.keyId === adminMark ? configuredAdmin() : null;
      } else {
        const key = await store.getApiKey(session.keyId);
        principal = key === null ? null : keyPrincipal(key, key.allowedIps ? new IpAllowList(key.allowedIps) : null, request, now);
      }
      if (principal === null) {
        await sessions.close(token);
        return null;
      }
      return { ...principal, via, session: found };
    }
    return {
      keyId: null,
      scope: session.scope,
      subscriberId: session.subscriberId,
      rateLimit: null,
      actor: session.id,
      via,
      session: found,
    };
  }

  /** Who the request is, from its credentials in order: bearer (API key, else session token), the
   *  dashboard cookie, and for the Jiwa routes X-ss-id and the ss-id cookie. */
  async function authenticate(request: FastifyRequest, jiwa: boolean): Promise<Principal | null> {
    const header = request.headers.authorization;
    const bearer = header ? BEARER.exec(header)?.[1] : undefined;
    if (bearer) return (await principalOfKey(bearer, request)) ?? (await principalOfSession(bearer, request, 'session-bearer'));
    if (jiwa) {
      const legacy = request.headers['x-ss-id'];
      if (typeof legacy === 'string' && legacy !== '') return principalOfSession(legacy, request, 'session-header');
      const ssId = cookieValue(request, SESSION_COOKIE);
      if (ssId !== null) return principalOfSession(ssId, request, 'session-header');
    }
    const cookie = cookieValue(request, DASHBOARD_COOKIE);
    if (cookie === null) return null;
    const principal = await principalOfSession(cookie, request, 'session-cookie');
    if (principal !== null && !READ_METHODS.has(request.method)) {
      const sent = request.headers[CSRF_HEADER];
      if (typeof sent !== 'string' || !csrfMatches(cookie, sent)) throw new HeraldError('csrf_failed');
    }
    return principal;
  }

  async function check(request: FastifyRequest, reply: FastifyReply, jiwa: boolean): Promise<void> {
    if (request.routeOptions.config.anonymous) return;
    const principal = await authenticate(request, jiwa);
    if (!principal) {
      reply.header('www-authenticate', 'Bearer');
      throw new HeraldError('unauthorized');
    }
    request.principal = principal;
    const action = request.routeOptions.config.action;
    // An unknown route has no action; let it fall through to the 404 once authenticated.
    if (action === undefined) return;
    if (!SCOPE_ACTIONS[principal.scope].has(action) && !EVERY_CALLER.has(action)) throw new HeraldError('forbidden');
  }

  return {
    forget(hash) {
      cache.delete(hash);
    },
    principalOfKey,
    sessionKeyId: (principal) => principal.keyId ?? adminMark,
    onRequest: (request, reply) => check(request, reply, false),
    onJiwaRequest: (request, reply) => check(request, reply, true),
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
