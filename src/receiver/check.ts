// The conformance check (DESIGN.md §12; seed 003's "test mechanism for developers to validate their
// webhook implementation prior to deployment"), shared by `herald check-receiver` and
// POST /v1/subscriptions/{id}/check. It sends real requests to the receiver, one after another,
// through the delivery client (SSRF guard, no redirects followed, TLS verified) and scores each:
//   valid             a request exactly as a delivery would be  → 2xx within the timeout
//   tampered_body     the body changed after signing            → 4xx
//   missing_signature no webhook-signature                      → 4xx
//   wrong_signature   signed with another secret                → 4xx
//   timestamp_old     signed 10 minutes ago                     → 4xx
//   timestamp_future  signed 10 minutes ahead                   → 4xx
//   repeated_id       the valid request's webhook-id again      → 2xx (a retry is normal)
//   rotation          one wrong and one right signature         → 2xx
//   jwt_missing / jwt_wrong_key / jwt_expired (JWT auth only)   → 4xx
//   no_redirects      no answer above was a 3xx
//   tls               https:// verified; http:// a warning (local development)
// Every request is built by the pipeline's own `prepare` (format, signature, auth) from the
// subscription, so what is checked is what deliveries send; a variant then changes one thing.
import { randomBytes } from 'node:crypto';
import { prepare, recordedHeaders } from '../delivery/attempt.js';
import type { AttemptContext } from '../delivery/attempt-context.js';
import type { OutgoingRequest } from '../delivery/auth/authorizer.js';
import { jwt } from '../delivery/auth/jwt.js';
import { sign } from '../delivery/auth/standard-webhooks.js';
import type { HttpClient, HttpResult } from '../delivery/http-client.js';
import { DELIVERY_USER_AGENT, MASKED } from '../delivery/preview.js';
import { checkUrlTarget, type NetworkPolicy } from '../delivery/ssrf.js';
import type { Subscription } from '../domain/glossary.js';
import { newId } from '../domain/ids.js';
import { newSecret, newSubscription } from '../domain/subscriptions.js';
import type { DeliveryJob } from '../store/store.js';

export const CHECK_EVENT_TYPE = 'herald.check'; // the event type of every check request
export const SKEW_SECONDS = 10 * 60; // how far off the stale and future timestamps are
export const DEFAULT_CHECK_TIMEOUT_MS = 10_000; // per request
const BODY_SHOWN = 200; // characters of a response body a check keeps
const SENT_BODY_SHOWN = 120; // characters of the request body shown in its summary

export type CheckStatus = 'passed' | 'failed' | 'warning';

export interface CheckSent {
  method: string;
  url: string;
  /** Credentials (Authorization, auth headers) masked; signatures shown. */
  headers: Record<string, string>;
  /** "N bytes: <its start>", or "no body". */
  body: string;
}

export interface CheckReceived {
  /** null when no HTTP answer came (timeout, refused, blocked). */
  status: number | null;
  /** The start of the response body, or the error. */
  body: string;
  error: string | null;
  durationMs: number;
}

export interface CheckResult {
  name: string;
  description: string;
  status: CheckStatus;
  expected: string;
  /** null for checks that summarize others (no_redirects, tls) or could not be made. */
  sent: CheckSent | null;
  received: CheckReceived | null;
  why: string;
}

export interface Scorecard {
  url: string;
  /** Every check passed (warnings allowed). */
  passed: boolean;
  summary: { passed: number; failed: number; warnings: number };
  checks: CheckResult[];
  checkedAt: string;
}

export interface CheckOptions {
  /** The delivery client: SSRF guard and CA bundle as configured. */
  client: HttpClient;
  /** The network policy the client enforces, for the clear refusal before anything is sent. */
  policy: NetworkPolicy;
  /** Herald's public base URL (the JWT's and cloudblue's api_url). */
  publicUrl: string;
  /** Per request; default 10 s. */
  timeoutMs?: number;
}

/** The receiver's URL is one Herald may not call: nothing was sent. */
export class TargetNotAllowedError extends Error {
  readonly code = 'url_not_allowed';
}

/** What `herald check-receiver` checks: a subscription as one with these settings would be. */
export function adHocSubscription(url: string, secrets: { secret?: string; jwtSecret?: string }, timeoutMs: number): Subscription {
  return newSubscription(
    {
      subscriberId: newId('sbr', Date.now()),
      url,
      eventTypes: ['*'],
      name: 'herald check-receiver',
      timeoutSeconds: Math.max(1, Math.ceil(timeoutMs / 1000)),
      auth: secrets.jwtSecret ? { type: 'jwt', secret: secrets.jwtSecret, previousSecret: null, previousSecretExpiresAt: null } : null,
      signing: secrets.secret !== undefined,
      secret: secrets.secret,
    },
    Date.now(),
  );
}

interface Expectation {
  expect: '2xx' | '4xx';
  /** What a wrong answer means for this check, e.g. "the signature is not checked". */
  meaning: string;
}

/** One check: a request variant and what the answer must be. */
interface Probe extends Expectation {
  name: string;
  description: string;
  build: (base: Builder) => Promise<OutgoingRequest>;
}

/** Builds check requests for one subscription: prepared as a delivery, at a chosen time and id. */
class Builder {
  constructor(
    readonly subscription: Subscription,
    private readonly options: CheckOptions & { timeoutMs: number },
    readonly messageId: string,
  ) {}

  context(now: number): AttemptContext {
    return {
      now,
      publicUrl: this.options.publicUrl,
      client: this.options.client,
      deadline: Date.now() + this.options.timeoutMs,
      userAgent: DELIVERY_USER_AGENT,
      describe: () => 'A conformance check request from Herald',
    };
  }

  job(messageId = this.messageId, subscription = this.subscription): DeliveryJob {
    const now = Date.now();
    return {
      messageId,
      eventId: newId('evt', now),
      eventType: CHECK_EVENT_TYPE,
      eventCreatedAt: now,
      dataJson: JSON.stringify({ message: 'A conformance check request from Herald', subscriptionId: this.subscription.id }),
      attempts: 0,
      retries: 0,
      manual: true,
      subscription,
      subscriberEnabled: true,
    };
  }

  /** The request a delivery made at `now` would send (format, signature, auth). */
  async request(now = Date.now(), messageId = this.messageId, subscription = this.subscription): Promise<OutgoingRequest> {
    const prepared = await prepare(this.job(messageId, subscription), this.context(now));
    if ('kind' in prepared) throw new CheckSetupError(`${prepared.code}: ${prepared.message}`);
    return prepared;
  }

  /** A request as `request` builds it, with a webhook-id of its own (not the valid request's). */
  fresh(now = Date.now()): Promise<OutgoingRequest> {
    return this.request(now, newId('msg', Date.now()));
  }

  /** A JWT minted as Herald mints it, with another secret or at another time. */
  async bearer(options: { secret?: string; now?: number }): Promise<string> {
    const auth = this.subscription.auth;
    if (auth?.type !== 'jwt') throw new CheckSetupError('not a JWT subscription');
    const scratch: OutgoingRequest = { headers: {}, body: '', credentials: new Set() };
    await jwt.authorize(this.job(), { ...auth, secret: options.secret ?? auth.secret }, scratch, this.context(options.now ?? Date.now()));
    return scratch.headers['authorization'] as string;
  }
}

/** A request could not be built (an OAuth 2.0 token endpoint failed, a template error). */
class CheckSetupError extends Error {}

const randomJwtSecret = () => randomBytes(24).toString('base64url');

/** The body after signing, changed the way an attacker would: a field added to a JSON object. */
function tamper(body: string): string {
  try {
    const parsed: unknown = JSON.parse(body);
    if (parsed !== null && typeof parsed === 'object' && !Array.isArray(parsed)) return JSON.stringify({ ...parsed, tampered: true });
  } catch {
    // not JSON: changed below
  }
  return `${body} `;
}

function signatureProbes(): Probe[] {
  return [
    {
      name: 'tampered_body',
      description: 'the body changed after signing',
      expect: '4xx',
      meaning: 'the signature is not checked over the exact body bytes',
      build: async (b) => {
        const r = await b.fresh();
        return { ...r, body: tamper(r.body) };
      },
    },
    {
      name: 'missing_signature',
      description: 'no webhook-signature header',
      expect: '4xx',
      meaning: 'unsigned requests are accepted',
      build: async (b) => {
        const r = await b.fresh();
        const { 'webhook-signature': _, ...headers } = r.headers;
        return { ...r, headers };
      },
    },
    {
      name: 'wrong_signature',
      description: 'signed with another secret',
      expect: '4xx',
      meaning: 'the signature is not verified with the secret',
      build: async (b) => {
        const r = await b.fresh();
        const id = r.headers['webhook-id'] as string;
        const ts = r.headers['webhook-timestamp'] as string;
        return { ...r, headers: { ...r.headers, 'webhook-signature': sign(newSecret(), id, ts, r.body) } };
      },
    },
    {
      name: 'timestamp_old',
      description: `webhook-timestamp ${SKEW_SECONDS / 60} minutes old, correctly signed`,
      expect: '4xx',
      meaning: 'old requests are accepted: a captured request can be replayed',
      build: (b) => b.fresh(Date.now() - SKEW_SECONDS * 1000),
    },
    {
      name: 'timestamp_future',
      description: `webhook-timestamp ${SKEW_SECONDS / 60} minutes ahead, correctly signed`,
      expect: '4xx',
      meaning: 'timestamps ahead of now are accepted',
      build: (b) => b.fresh(Date.now() + SKEW_SECONDS * 1000),
    },
    {
      name: 'repeated_id',
      description: 'the valid request again, same webhook-id, signed afresh (as a retry is)',
      expect: '2xx',
      meaning: 'a retry of a message already received must be acknowledged (deduplicate on webhook-id), not refused',
      build: (b) => b.request(),
    },
    {
      name: 'rotation',
      description: 'webhook-signature with one wrong and one right signature (a secret rotation)',
      expect: '2xx',
      meaning: 'only the first signature is checked: during a secret rotation deliveries would be refused',
      build: async (b) => {
        const r = await b.fresh();
        const id = r.headers['webhook-id'] as string;
        const ts = r.headers['webhook-timestamp'] as string;
        const right = sign(b.subscription.secret, id, ts, r.body);
        return { ...r, headers: { ...r.headers, 'webhook-signature': `${sign(newSecret(), id, ts, r.body)} ${right}` } };
      },
    },
  ];
}

function jwtProbes(): Probe[] {
  return [
    {
      name: 'jwt_missing',
      description: 'no Authorization header',
      expect: '4xx',
      meaning: 'requests without a JWT are accepted',
      build: async (b) => {
        const r = await b.fresh();
        const { authorization: _, ...headers } = r.headers;
        return { ...r, headers };
      },
    },
    {
      name: 'jwt_wrong_key',
      description: 'a JWT signed with another secret',
      expect: '4xx',
      meaning: 'the JWT signature is not verified with the JWT secret',
      build: async (b) => {
        const r = await b.fresh();
        return { ...r, headers: { ...r.headers, authorization: await b.bearer({ secret: randomJwtSecret() }) } };
      },
    },
    {
      name: 'jwt_expired',
      description: 'a JWT whose exp has passed (minted earlier than its processing timeout)',
      expect: '4xx',
      meaning: "the JWT's exp is not checked",
      build: async (b) => {
        const r = await b.fresh();
        const minted = Date.now() - (Math.ceil(b.subscription.timeoutSeconds) + SKEW_SECONDS) * 1000;
        return { ...r, headers: { ...r.headers, authorization: await b.bearer({ now: minted }) } };
      },
    },
  ];
}

const VALID: Probe = {
  name: 'valid',
  description: 'a request exactly as a delivery sends it',
  expect: '2xx',
  meaning: 'a genuine delivery is refused',
  build: (b) => b.request(),
};

/** "N bytes: <start>" of a request body. */
function bodySummary(body: string | null): string {
  if (body === null || body === '') return 'no body';
  const bytes = Buffer.byteLength(body);
  return `${bytes} bytes: ${body.length > SENT_BODY_SHOWN ? `${body.slice(0, SENT_BODY_SHOWN)}...` : body}`;
}

function receivedOf(result: HttpResult): CheckReceived {
  const durationMs = Math.round(result.durationMs);
  if (result.kind === 'error') return { status: null, body: '', error: `${result.code}: ${result.message}`, durationMs };
  const body = result.body.length > BODY_SHOWN ? `${result.body.slice(0, BODY_SHOWN)}...` : result.body;
  return { status: result.statusCode, body, error: null, durationMs };
}

/** The verdict on one answer. */
function judge(probe: Expectation, result: HttpResult, timeoutMs: number): { status: CheckStatus; why: string } {
  if (result.kind === 'error') {
    const detail = result.code === 'timeout' ? `no complete answer within ${timeoutMs} ms` : `${result.code}: ${result.message}`;
    return { status: 'failed', why: `no HTTP answer (${detail}); expected ${probe.expect}` };
  }
  const code = result.statusCode;
  if (code >= 300 && code < 400) {
    const to = result.headers['location'] ? ` to ${result.headers['location']}` : '';
    return { status: 'failed', why: `answered ${code}, a redirect${to}: Herald never follows redirects, so every delivery would fail` };
  }
  const ok = probe.expect === '2xx' ? code >= 200 && code < 300 : code >= 400 && code < 500;
  if (ok) return { status: 'passed', why: `answered ${code}, as expected (${probe.expect})` };
  if (probe.expect === '4xx' && code >= 500)
    return {
      status: 'failed',
      why: `answered ${code}: refuse it with a 4xx (400, 401 or 403); a 5xx says the receiver failed, and Herald retries it`,
    };
  return { status: 'failed', why: `answered ${code}, expected ${probe.expect}: ${probe.meaning}` };
}

/**
 * Runs every check against `subscription`'s receiver and returns the scorecard. Throws
 * TargetNotAllowedError, before sending anything, when the SSRF guard refuses the URL.
 */
export async function checkReceiver(subscription: Subscription, options: CheckOptions): Promise<Scorecard> {
  const timeoutMs = options.timeoutMs ?? DEFAULT_CHECK_TIMEOUT_MS;
  const url = new URL(subscription.url);
  const refusal = await checkUrlTarget(url, options.policy);
  if (refusal !== null)
    throw new TargetNotAllowedError(
      `Herald may not call ${url.origin}: ${refusal} (HERALD_ALLOWED_NETWORKS opens address ranges on purpose)`,
    );
  const builder = new Builder(subscription, { ...options, timeoutMs }, newId('msg', Date.now()));
  const usesJwt = subscription.auth?.type === 'jwt';
  const probes: Probe[] = [VALID];
  const checks: CheckResult[] = [];
  const skipped = (name: string, description: string, why: string): CheckResult => ({
    name,
    description,
    status: 'warning',
    expected: 'not applicable',
    sent: null,
    received: null,
    why,
  });
  if (subscription.signing) probes.push(...signatureProbes());
  else
    checks.push(
      skipped(
        'signature',
        'Standard Webhooks signature checks',
        'signing is off for this subscription: requests carry no signature to check',
      ),
    );
  if (subscription.method === 'GET') {
    const index = probes.findIndex((p) => p.name === 'tampered_body');
    if (index >= 0) probes.splice(index, 1);
    checks.push(skipped('tampered_body', 'the body changed after signing', 'the subscription uses GET: requests have no body'));
  }
  if (usesJwt) probes.push(...jwtProbes());
  if (!subscription.signing && !usesJwt)
    checks.push(
      skipped(
        'authentication',
        'refusing unauthenticated requests',
        'the subscription has neither signing nor JWT: nothing lets the receiver tell Herald from anyone else',
      ),
    );

  const redirects: string[] = [];
  let validResult: HttpResult | null = null;
  const results: CheckResult[] = [];
  for (const probe of probes) {
    const expected = probe.expect === '2xx' ? `a 2xx within ${timeoutMs} ms` : 'a 4xx';
    let request: OutgoingRequest;
    try {
      request = await probe.build(builder);
    } catch (err) {
      if (!(err instanceof CheckSetupError)) throw err;
      results.push({
        name: probe.name,
        description: probe.description,
        status: 'failed',
        expected,
        sent: null,
        received: null,
        why: `the request could not be built: ${err.message}`,
      });
      continue;
    }
    const body = subscription.method === 'GET' ? null : request.body;
    const result = await options.client.send({
      url: subscription.url,
      method: subscription.method,
      headers: request.headers,
      body,
      timeoutMs,
    });
    if (probe === VALID) validResult = result;
    if (result.kind === 'response' && result.statusCode >= 300 && result.statusCode < 400)
      redirects.push(`${probe.name} (${result.statusCode})`);
    const verdict = judge(probe, result, timeoutMs);
    results.push({
      name: probe.name,
      description: probe.description,
      expected,
      sent: {
        method: subscription.method,
        url: subscription.url,
        headers: recordedHeaders(request, subscription.headers, { credential: MASKED, custom: MASKED }),
        body: bodySummary(body),
      },
      received: receivedOf(result),
      ...verdict,
    });
  }
  checks.unshift(...results);
  checks.push({
    name: 'no_redirects',
    description: 'no answer is a redirect',
    status: redirects.length === 0 ? 'passed' : 'failed',
    expected: 'no 3xx',
    sent: null,
    received: null,
    why:
      redirects.length === 0
        ? 'no check was answered with a redirect'
        : `redirected: ${redirects.join(', ')}. Herald does not follow redirects: give the final URL`,
  });
  checks.push(tlsCheck(url, validResult));
  const count = (s: CheckStatus) => checks.filter((c) => c.status === s).length;
  const summary = { passed: count('passed'), failed: count('failed'), warnings: count('warning') };
  return { url: subscription.url, passed: summary.failed === 0, summary, checks, checkedAt: new Date().toISOString() };
}

/** TLS: https with a certificate the client verified; http:// is only a warning (local development). */
function tlsCheck(url: URL, valid: HttpResult | null): CheckResult {
  const base = {
    name: 'tls',
    description: 'HTTPS with a valid certificate',
    expected: 'https:// and a verified certificate',
    sent: null,
    received: null,
  };
  if (url.protocol === 'http:')
    return { ...base, status: 'warning', why: 'plain http://: fine on a development machine; production receivers must use https://' };
  if (valid?.kind === 'error' && valid.code === 'tls_error')
    return { ...base, status: 'failed', why: `the certificate was refused: ${valid.message}` };
  if (valid?.kind === 'response') return { ...base, status: 'passed', why: 'the certificate was verified (TLS connection made)' };
  return { ...base, status: 'failed', why: 'no TLS connection could be made (see the valid check)' };
}
