// Sessions: what a person signed in holds instead of an API key. Opened by the Jiwa routes' `/auth`
// (seed 001, "Step 2 - Authenticate", as ServiceStack gives them) and by `POST /v1/sessions` (the
// dashboard), with the operator's user name and password, with an API key, or with a subscriber
// portal link. A session's token works as `Authorization: Bearer <token>` everywhere; in a browser
// it is the HttpOnly `herald_session` cookie (SameSite=Strict; /v1 and the Jiwa routes) or, for
// seed 001's clients, the `ss-id` cookie or `X-ss-id` header (Jiwa routes only). It expires after
// SessionExpiryInMinutes without use. What a session may do is stored with it (kind, scope,
// subscriber, key): src/api/auth.ts turns it into the request's Principal.
//
// Credentials: UserName must be HERALD_JIWA_USERNAME (default `admin`, compared ignoring case); the
// Password is HERALD_JIWA_PASSWORD when set, or any admin API key (HERALD_ADMIN_KEY or an active
// stored key of scope admin), so no password has to exist for an operator to log in.
//
// Guessing: an address with LOGIN_FAILURES_ALLOWED failed logins in a minute is refused (429,
// Retry-After) until the minute ends, whatever it sends; counted per process (LoginThrottle), one
// count for /auth and POST /v1/sessions together.
//
// Sessions are kept in the database by the hash of their token (store.openSession), so every API
// process of a PostgreSQL deployment knows them, without sticky sessions, and they survive a
// restart. At most MAX_SESSIONS are kept; opening one beyond that drops the least recently used,
// and opening one drops the expired.
//
// CSRF: a state-changing request authenticated by the `herald_session` cookie must send
// `X-CSRF-Token`, which is HMAC-SHA256 of a fixed label keyed by the session token (csrfToken()).
// Derived rather than stored: every process checks it without a shared secret or a database read,
// GET /v1/session can hand it to a new tab of the same browser, and only the holder of the session
// token (which JavaScript never sees: HttpOnly) and Herald can compute it.
//
// Portal links: a random token, kept by its hash with its subscriber and expiry, exchanged once
// (store.claimPortalLink) for a `subscriber`-scope session confined to that subscriber.
import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { HeraldConfig } from '../config/config.js';
import { hashApiKey, isActive } from '../domain/api-keys.js';
import { HeraldError } from '../domain/errors.js';
import type { ApiKeyScope } from '../domain/glossary.js';
import { newId } from '../domain/ids.js';
import type { SessionKind, Store, StoredSession } from '../store/store.js';
import { FixedWindows } from './rate-limit.js';

/** The Jiwa routes' session cookie: ServiceStack's `ss-id`, which seed 001's clients send. */
export const SESSION_COOKIE = 'ss-id';
/** The dashboard's session cookie (POST /v1/sessions): HttpOnly, SameSite=Strict, CSRF-checked. */
export const DASHBOARD_COOKIE = 'herald_session';
export const CSRF_HEADER = 'x-csrf-token';
export const LOGIN_FAILURES_ALLOWED = 10; // failed logins per address and window, per process
export const LOGIN_WINDOW_MS = 60_000;
const MAX_SESSIONS = 10_000; // open at once
const TOKEN_BYTES = 32; // of randomness in a session token or a portal link
const SESSION_WRITE_INTERVAL_MS = 1_000; // shortest interval between last-seen writes of a session
const CSRF_LABEL = 'herald csrf v1';
export const PORTAL_DEFAULT_MINUTES = 15;
export const PORTAL_MAX_MINUTES = 24 * 60;
const PORTAL_LINK_KEPT_MS = 24 * 60 * 60_000; // how long a link is kept after it expires (to answer "expired", not "unknown")

/** A live session, as the store keeps it, without the hash of its token. */
export type Session = Omit<StoredSession, 'tokenHash'>;

export interface SessionSettings {
  /** Idle time after which a session expires. */
  idleMs: number;
  userName: string;
  password: string | null;
  adminKey: string | null;
}

/** What a new session may do: the kind, scope, confinement and key it is opened with. */
export interface SessionGrant {
  kind: SessionKind;
  scope: ApiKeyScope;
  subscriberId: string | null;
  keyId: string | null;
  userName: string;
}

function sameText(a: string, b: string): boolean {
  const x = createHash('sha256').update(a).digest();
  const y = createHash('sha256').update(b).digest();
  return timingSafeEqual(x, y);
}

/** A cookie value as sent (percent-decoded when it can be: a malformed one is simply no session). */
function decodeCookie(value: string): string {
  try {
    return decodeURIComponent(value);
  } catch {
    return value;
  }
}

/** The value of cookie `name` in the request, if any. */
export function cookieValue(request: FastifyRequest, name: string): string | null {
  for (const part of (request.headers.cookie ?? '').split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === name) {
      const value = decodeCookie(part.slice(eq + 1).trim());
      if (value !== '') return value;
    }
  }
  return null;
}

/** The /auth session token a request carries, if any: bearer token, then X-ss-id, then the ss-id
 *  cookie. Never the dashboard's cookie: GET /auth answers with the token, which would hand an
 *  HttpOnly cookie's value to the page's JavaScript. */
export function sessionToken(request: FastifyRequest): string | null {
  const bearer = /^Bearer[ \t]+(\S+)[ \t]*$/i.exec(request.headers.authorization ?? '')?.[1];
  if (bearer) return bearer;
  const header = request.headers['x-ss-id'];
  if (typeof header === 'string' && header !== '') return header;
  return cookieValue(request, SESSION_COOKIE);
}

/** The Set-Cookie value that hands a new /auth session's token to the browser. */
export function sessionCookie(token: string): string {
  return `${SESSION_COOKIE}=${token}; Path=/; HttpOnly; SameSite=Lax`;
}

/** The Set-Cookie value that removes the /auth session cookie. */
export function clearedSessionCookie(): string {
  return `${SESSION_COOKIE}=; Path=/; HttpOnly; SameSite=Lax; Max-Age=0`;
}

/** The dashboard's session cookie; Secure when the request came over https (x-forwarded-proto
 *  counts only from a trusted proxy: fastify's request.protocol). */
export function dashboardCookie(token: string, secure: boolean): string {
  return `${DASHBOARD_COOKIE}=${token}; Path=/; HttpOnly; SameSite=Strict${secure ? '; Secure' : ''}`;
}

export function clearedDashboardCookie(secure: boolean): string {
  return `${DASHBOARD_COOKIE}=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0${secure ? '; Secure' : ''}`;
}

/** The CSRF token of a session: derived from its token (see the top of this file for why). */
export function csrfToken(sessionToken: string): string {
  return createHmac('sha256', sessionToken).update(CSRF_LABEL).digest('base64url');
}

/** True when `sent` is the session's CSRF token (constant time). */
export function csrfMatches(sessionToken: string, sent: string): boolean {
  return sameText(csrfToken(sessionToken), sent);
}

export class Sessions {
  /** Failed logins per address, shared by /auth and POST /v1/sessions. */
  readonly throttle = new LoginThrottle();

  constructor(
    private readonly store: Store,
    private readonly settings: SessionSettings,
  ) {}

  /** Sessions with the configured operator credentials and idle expiry. */
  static fromConfig(store: Store, config: HeraldConfig): Sessions {
    return new Sessions(store, {
      idleMs: config.sessionExpiryMinutes * 60_000,
      userName: config.jiwaUserName,
      password: config.jiwaPassword,
      adminKey: config.adminKey,
    });
  }

  get idleMs(): number {
    return this.settings.idleMs;
  }

  /** Checks the operator credentials; a new operator session's token, or null when they are wrong. */
  async open(userName: string, password: string, now: number): Promise<{ token: string; session: Session } | null> {
    if (!sameText(userName.toLowerCase(), this.settings.userName.toLowerCase())) return null;
    if (!(await this.passwordMatches(password, now))) return null;
    return this.openWith({ kind: 'operator', scope: 'admin', subscriberId: null, keyId: null, userName: this.settings.userName }, now);
  }

  /** Opens a session with what it may do already decided by the caller (an API key's, a portal link's). */
  async openWith(grant: SessionGrant, now: number): Promise<{ token: string; session: Session }> {
    const token = randomBytes(TOKEN_BYTES).toString('base64url');
    const session: Session = { id: newId('ses', now), createdAt: now, lastSeenAt: now, ...grant };
    await this.store.openSession({ tokenHash: hashApiKey(token), ...session }, now - this.settings.idleMs, MAX_SESSIONS);
    return { token, session };
  }

  private async passwordMatches(password: string, now: number): Promise<boolean> {
    if (this.settings.password !== null && sameText(password, this.settings.password)) return true;
    if (this.settings.adminKey !== null && sameText(password, this.settings.adminKey)) return true;
    const key = await this.store.findApiKeyByHash(hashApiKey(password));
    return key !== null && key.scope === 'admin' && isActive(key, now);
  }

  /** The live session of this token, its idle clock restarted; null when unknown or expired (an
   *  expired one is deleted). Last-seen is written at most once a second (a quarter of the idle
   *  expiry when shorter), not on every request. */
  async touch(token: string, now: number): Promise<Session | null> {
    const hash = hashApiKey(token);
    const stored = await this.store.getSession(hash);
    if (stored === null) return null;
    if (now - stored.lastSeenAt > this.settings.idleMs) {
      await this.store.closeSession(hash);
      return null;
    }
    const { tokenHash: _, ...session } = stored;
    if (now - session.lastSeenAt >= Math.min(SESSION_WRITE_INTERVAL_MS, this.settings.idleMs / 4)) {
      await this.store.touchSession(hash, now);
      session.lastSeenAt = now;
    }
    return session;
  }

  close(token: string): Promise<boolean> {
    return this.store.closeSession(hashApiKey(token));
  }

  /** A new single-use portal link's token for `subscriberId`, valid for `minutes`. */
  async createPortalLink(subscriberId: string, minutes: number, now: number): Promise<{ token: string; expiresAt: number }> {
    const token = randomBytes(TOKEN_BYTES).toString('base64url');
    const expiresAt = now + Math.round(minutes * 60_000);
    await this.store.createPortalLink(
      { tokenHash: hashApiKey(token), subscriberId, createdAt: now, expiresAt, usedAt: null },
      now - PORTAL_LINK_KEPT_MS,
    );
    return { token, expiresAt };
  }

  /** Exchanges a portal link for a session confined to its subscriber; a 401 with a code that says
   *  why when the link is unknown, expired or used. */
  async openPortal(portalToken: string, subscriberName: (id: string) => Promise<string | null>, now: number) {
    const link = await this.store.claimPortalLink(hashApiKey(portalToken), now);
    if (link === null) throw new HeraldError('unauthorized', 'That portal link is not valid; ask for a new one');
    if (link.expiresAt <= now) throw new HeraldError('portal_link_expired');
    if (link.usedAt !== null) throw new HeraldError('portal_link_used');
    const name = await subscriberName(link.subscriberId);
    if (name === null) throw new HeraldError('unauthorized', 'The subscriber of that portal link no longer exists');
    return this.openWith({ kind: 'portal', scope: 'subscriber', subscriberId: link.subscriberId, keyId: null, userName: name }, now);
  }
}

/** Failed logins per client address, in fixed windows: the brute-force brake on logins. */
export class LoginThrottle {
  private readonly failures = new FixedWindows(LOGIN_WINDOW_MS);

  /** Milliseconds until `address` may try again; 0 when it may now. */
  retryAfter(address: string, now: number): number {
    const window = this.failures.current(address, now);
    return window && window.count >= LOGIN_FAILURES_ALLOWED ? window.endsAt - now : 0;
  }

  /** Refuses (429 rate_limited, Retry-After) an address that failed too often. */
  refuseIfThrottled(request: FastifyRequest, reply: FastifyReply, now: number): void {
    const wait = this.retryAfter(request.ip, now);
    if (wait === 0) return;
    const seconds = Math.ceil(wait / 1000);
    reply.header('retry-after', String(seconds));
    throw new HeraldError('rate_limited', `Too many failed logins from this address; retry in ${seconds} s`);
  }

  failed(address: string, now: number): void {
    this.failures.increment(address, now);
  }
}
