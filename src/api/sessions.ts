// Operator sessions: what a person logged in with a user name and password holds instead of an API
// key. Opened by the Jiwa routes' `/auth` (seed 001, "Step 2 - Authenticate", as ServiceStack gives
// them) and meant to be shared by the dashboard. A session's token works as
// `Authorization: Bearer <token>`, as the `ss-id` cookie (ServiceStack's name, kept as the session
// cookie), or as an `X-ss-id` header, and it expires after SessionExpiryInMinutes without use.
//
// Credentials: UserName must be HERALD_JIWA_USERNAME (default `admin`, compared ignoring case); the
// Password is HERALD_JIWA_PASSWORD when set, or any admin API key (HERALD_ADMIN_KEY or an active
// stored key of scope admin), so no password has to exist for an operator to log in.
//
// Guessing: an address with LOGIN_FAILURES_ALLOWED failed logins in a minute is refused (429,
// Retry-After) until the minute ends, whatever it sends; counted per process (LoginThrottle).
//
// Sessions are kept in the database by the hash of their token (store.openSession), so every API
// process of a PostgreSQL deployment knows them, without sticky sessions, and they survive a
// restart. At most MAX_SESSIONS are kept; opening one beyond that drops the least recently used,
// and opening one drops the expired.
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { HeraldConfig } from '../config/config.js';
import { hashApiKey, isActive } from '../domain/api-keys.js';
import { HeraldError } from '../domain/errors.js';
import { newId } from '../domain/ids.js';
import type { Store } from '../store/store.js';
import type { Authenticator, Principal } from './auth.js';
import { FixedWindows } from './rate-limit.js';

/** The session cookie: ServiceStack's `ss-id`, which seed 001's clients send. */
export const SESSION_COOKIE = 'ss-id';
export const LOGIN_FAILURES_ALLOWED = 10; // failed logins per address and window, per process
export const LOGIN_WINDOW_MS = 60_000;
const MAX_SESSIONS = 10_000; // open at once
const TOKEN_BYTES = 32; // of randomness in a session token
const SESSION_WRITE_INTERVAL_MS = 1_000; // shortest interval between last-seen writes of a session

export interface Session {
  /** Who the audit log names: `ses_...`; never the token. */
  id: string;
  userName: string;
  lastSeenAt: number;
}

export interface SessionSettings {
  /** Idle time after which a session expires. */
  idleMs: number;
  userName: string;
  password: string | null;
  adminKey: string | null;
}

function sameText(a: string, b: string): boolean {
  const x = createHash('sha256').update(a).digest();
  const y = createHash('sha256').update(b).digest();
  return timingSafeEqual(x, y);
}

/** The session token a request carries, if any: bearer token, then X-ss-id, then the ss-id cookie. */
/** A cookie value as sent (percent-decoded when it can be: a malformed one is simply no session). */
function decodeCookie(value: string): string {
  try {
    return decodeURIComponent(value);
  } catch {
    return value;
  }
}

export function sessionToken(request: FastifyRequest): string | null {
  const bearer = /^Bearer[ \t]+(\S+)[ \t]*$/i.exec(request.headers.authorization ?? '')?.[1];
  if (bearer) return bearer;
  const header = request.headers['x-ss-id'];
  if (typeof header === 'string' && header !== '') return header;
  for (const part of (request.headers.cookie ?? '').split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === SESSION_COOKIE) return decodeCookie(part.slice(eq + 1).trim());
  }
  return null;
}

/** The Set-Cookie value that hands a new session's token to the browser. */
export function sessionCookie(token: string): string {
  return `${SESSION_COOKIE}=${token}; Path=/; HttpOnly; SameSite=Lax`;
}

/** The Set-Cookie value that removes the session cookie. */
export function clearedSessionCookie(): string {
  return `${SESSION_COOKIE}=; Path=/; HttpOnly; SameSite=Lax; Max-Age=0`;
}

/** Who a request with a live session acts as: an operator, named in the audit log by the session id. */
export function sessionPrincipal(session: Session): Principal {
  return { keyId: null, scope: 'admin', subscriberId: null, rateLimit: null, actor: session.id };
}

export class Sessions {
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

  /** Checks the credentials; a new session's token, or null when they are wrong. */
  async open(userName: string, password: string, now: number): Promise<{ token: string; session: Session } | null> {
    if (!sameText(userName.toLowerCase(), this.settings.userName.toLowerCase())) return null;
    if (!(await this.passwordMatches(password, now))) return null;
    const token = randomBytes(TOKEN_BYTES).toString('base64url');
    const session: Session = { id: newId('ses', now), userName: this.settings.userName, lastSeenAt: now };
    await this.store.openSession({ tokenHash: hashApiKey(token), createdAt: now, ...session }, now - this.settings.idleMs, MAX_SESSIONS);
    return { token, session };
  }

  private async passwordMatches(password: string, now: number): Promise<boolean> {
    if (this.settings.password !== null && sameText(password, this.settings.password)) return true;
    if (this.settings.adminKey !== null && sameText(password, this.settings.adminKey)) return true;
    const key = await this.store.findApiKeyByHash(hashApiKey(password));
    return key !== null && key.scope === 'admin' && isActive(key, now);
  }

  /** The live session of this token, its idle clock restarted; null when unknown or expired (an
   *  expired one is deleted). */
  async touch(token: string, now: number): Promise<Session | null> {
    const found = await this.find(token, now);
    return found === 'expired' ? null : found;
  }

  /** As touch, but says `expired` for a session that just expired (unknown from then on), so a
   *  401 can say so. Last-seen is written at most once a second (a quarter of the idle expiry
   *  when shorter), not on every request. */
  async find(token: string, now: number): Promise<Session | 'expired' | null> {
    const hash = hashApiKey(token);
    const session = await this.store.getSession(hash);
    if (session === null) return null;
    if (now - session.lastSeenAt > this.settings.idleMs) {
      await this.store.closeSession(hash);
      return 'expired';
    }
    if (now - session.lastSeenAt >= Math.min(SESSION_WRITE_INTERVAL_MS, this.settings.idleMs / 4)) {
      await this.store.touchSession(hash, now);
      session.lastSeenAt = now;
    }
    return session;
  }

  /** The 401's message for an expired session. */
  expiredMessage(): string {
    return `The session expired after ${this.settings.idleMs / 60_000} minutes without use: log in again with /auth (UserName and Password)`;
  }

  close(token: string): Promise<boolean> {
    return this.store.closeSession(hashApiKey(token));
  }
}

/** A hook that lets in an operator: a live session, else whatever `auth` lets in (an API key
 *  allowed the route's config.action). */
export function operatorOnly(sessions: Sessions, auth: Authenticator): (request: FastifyRequest, reply: FastifyReply) => Promise<void> {
  return async function operator(request, reply) {
    const token = sessionToken(request);
    const session = token === null ? null : await sessions.find(token, Date.now());
    if (session !== null && session !== 'expired') {
      request.principal = sessionPrincipal(session);
      return;
    }
    try {
      await auth.onRequest(request, reply);
    } catch (err) {
      // No API key let it in either: the expired session is what the caller meant to use.
      if (session === 'expired' && err instanceof HeraldError && err.code === 'unauthorized') {
        throw new HeraldError('unauthorized', sessions.expiredMessage());
      }
      throw err;
    }
  };
}

/** Failed logins per client address, in fixed windows: the brute-force brake on logins. */
export class LoginThrottle {
  private readonly failures = new FixedWindows(LOGIN_WINDOW_MS);

  /** Milliseconds until `address` may try again; 0 when it may now. */
  retryAfter(address: string, now: number): number {
    const window = this.failures.current(address, now);
    return window && window.count >= LOGIN_FAILURES_ALLOWED ? window.endsAt - now : 0;
  }

  failed(address: string, now: number): void {
    this.failures.increment(address, now);
  }
}
