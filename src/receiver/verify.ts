// Verifying a webhook request on the receiving side (DESIGN.md §12), in one call from the raw body
// and the headers, for both ways Herald proves a request is its own:
//   - Standard Webhooks: `webhook-id`, `webhook-timestamp`, `webhook-signature` holding one or more
//     space-separated `v1,<base64 HMAC-SHA256>` (several during a secret rotation; `v1a,` ed25519
//     ones are checked against `whpk_` public keys). The HMAC is keyed as Herald keys it
//     (secretKey, src/delivery/auth/standard-webhooks.ts) over the body's raw bytes (not a decoded
//     string, so no two byte sequences verify alike) and compared in constant time; the timestamp must be within `toleranceSeconds` of now, both ways, so a captured request
//     cannot be replayed later.
//   - JWT bearer (seed 002): `Authorization: Bearer <JWT>`, HS256 keyed with the JWT secret string as
//     Herald mints it (src/delivery/auth/jwt.ts), `exp` enforced by jose, the claims Herald sends
//     (src/delivery/cloudblue-claims.ts) present, and optionally some of them equal to expected values.
// With both configured, both must hold. Each failure is a stable `reason` and a message saying what
// was wrong; nothing here throws for a bad request.
import { createHmac, createPublicKey, type KeyObject, timingSafeEqual, verify as verifyEd25519 } from 'node:crypto';
import { errors as joseErrors, jwtVerify } from 'jose';
import { JWT_HEADER, jwtKey } from '../delivery/auth/jwt.js';
import { secretKey } from '../delivery/auth/standard-webhooks.js';
import { CLOUDBLUE_CLAIM_NAMES, type CloudblueClaims } from '../delivery/cloudblue-claims.js';

export const DEFAULT_TOLERANCE_SECONDS = 5 * 60; // how far webhook-timestamp may be from now, either way
export const JWT_CLOCK_TOLERANCE_SECONDS = 5; // clock skew allowed on a JWT's exp
const PUBLIC_KEY_PREFIX = 'whpk_';

/** Why a request was refused: stable codes to match on. */
export type VerifyFailureReason =
  | 'missing_signature' // no webhook-signature (or webhook-id / webhook-timestamp) header
  | 'bad_signature' // no signature in the header matches any secret
  | 'timestamp_too_old' // webhook-timestamp older than the tolerance
  | 'timestamp_in_future' // webhook-timestamp further ahead than the tolerance
  | 'malformed' // a header or token that cannot be read (not a number, not v1,<base64>, not a JWT)
  | 'missing_token' // JWT expected, no `Authorization: Bearer` header
  | 'bad_token' // the JWT's signature or header is wrong
  | 'token_expired' // the JWT's exp has passed
  | 'claim_mismatch'; // a claim differs from the value the receiver expects

/** The JWT's claims as Herald sends them: seed 002's fields and `exp` (seconds). */
export type HeraldJwtClaims = CloudblueClaims & { exp: number };

export interface Verified<T = unknown> {
  ok: true;
  /** `webhook-id` (the message id, the same on every retry: deduplicate on it); null when the
   *  request carries only a JWT and no such header. */
  id: string | null;
  /** When the request was signed, unix seconds: `webhook-timestamp`, or the JWT's `triggered_at`. */
  timestamp: number;
  /** The body parsed as JSON; the text itself when it is not JSON; null for an empty body (a GET). */
  payload: T;
  /** The verified JWT's claims; null without JWT verification. */
  claims: HeraldJwtClaims | null;
}

export interface Refused {
  ok: false;
  reason: VerifyFailureReason;
  message: string;
}

export type VerifyResult<T = unknown> = Verified<T> | Refused;

export interface VerifyOptions {
  /** Standard Webhooks secrets (`whsec_...`); several while a rotation overlaps: any may match. */
  secret?: string | readonly string[];
  /** Standard Webhooks ed25519 public keys (`whpk_...`) for `v1a,` signatures. */
  publicKey?: string | readonly string[];
  /** JWT secret strings (seed 002); several while a rotation overlaps: any may match. */
  jwtSecret?: string | readonly string[];
  /** Seconds webhook-timestamp may differ from now, either way; default 300. */
  toleranceSeconds?: number;
  /** Claims the JWT must carry with exactly these values (the subscription's id, the account...). */
  expectClaims?: Partial<Pick<CloudblueClaims, 'webhook_id' | 'webhook_name' | 'object_class' | 'account_id' | 'product_id' | 'api_url'>>;
  /** The clock, ms since the epoch (tests); default Date.now. */
  now?: () => number;
}

/** Header bags as node:http, express and fastify give them, or a fetch Headers. */
export type HeaderBag = { get(name: string): string | null } | Record<string, string | readonly string[] | undefined>;

/** The first value of header `name` (lower case), or undefined. */
export function headerValue(headers: HeaderBag, name: string): string | undefined {
  if (typeof headers.get === 'function') return (headers as { get(name: string): string | null }).get(name) ?? undefined;
  const bag = headers as Record<string, string | readonly string[] | undefined>;
  let value = bag[name];
  if (value === undefined) {
    const key = Object.keys(bag).find((k) => k.toLowerCase() === name);
    value = key === undefined ? undefined : bag[key];
  }
  return typeof value === 'string' ? value : value?.[0];
}

const refuse = (reason: VerifyFailureReason, message: string): Refused => ({ ok: false, reason, message });
const list = (value: string | readonly string[] | undefined): readonly string[] =>
  value === undefined ? [] : typeof value === 'string' ? [value] : value;
const textOf = (body: string | Uint8Array): string => (typeof body === 'string' ? body : Buffer.from(body).toString('utf8'));
const bytesOf = (body: string | Uint8Array): Buffer =>
  typeof body === 'string' ? Buffer.from(body) : Buffer.from(body.buffer, body.byteOffset, body.byteLength);

/** Constant-time equality of two base64 signatures (decoded: base64 has several spellings). */
function sameSignature(a: string, b: string): boolean {
  const x = Buffer.from(a, 'base64');
  const y = Buffer.from(b, 'base64');
  return x.length === y.length && x.length > 0 && timingSafeEqual(x, y);
}

const publicKeys = new Map<string, KeyObject>();
function ed25519Key(publicKey: string): KeyObject {
  let key = publicKeys.get(publicKey);
  if (!key) {
    const raw = Buffer.from(publicKey.startsWith(PUBLIC_KEY_PREFIX) ? publicKey.slice(PUBLIC_KEY_PREFIX.length) : publicKey, 'base64');
    key = createPublicKey({ key: { kty: 'OKP', crv: 'Ed25519', x: raw.toString('base64url') }, format: 'jwk' });
    if (publicKeys.size > 1_000) publicKeys.clear();
    publicKeys.set(publicKey, key);
  }
  return key;
}

const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;

/**
 * Standard Webhooks verification of `body` (the exact bytes received) with `headers`. Synchronous;
 * JWT verification needs `verify` (async).
 */
export function verifyStandardWebhooks(
  body: string | Uint8Array,
  headers: HeaderBag,
  options: VerifyOptions,
): Refused | { id: string; timestamp: number } {
  const secrets = list(options.secret);
  const keys = list(options.publicKey);
  if (secrets.length === 0 && keys.length === 0)
    throw new TypeError('herald/receiver: give a secret (whsec_...) or a publicKey (whpk_...)');
  const id = headerValue(headers, 'webhook-id');
  const stamp = headerValue(headers, 'webhook-timestamp');
  const header = headerValue(headers, 'webhook-signature');
  if (!header) return refuse('missing_signature', 'no webhook-signature header: the request is not signed');
  if (!id) return refuse('missing_signature', 'no webhook-id header: the signature cannot be checked without it');
  if (!stamp) return refuse('missing_signature', 'no webhook-timestamp header: the signature cannot be checked without it');
  if (!/^\d{1,12}$/.test(stamp)) return refuse('malformed', `webhook-timestamp "${stamp.slice(0, 40)}" is not unix seconds`);
  const timestamp = Number(stamp);
  const now = Math.floor((options.now ?? Date.now)() / 1000);
  const tolerance = options.toleranceSeconds ?? DEFAULT_TOLERANCE_SECONDS;
  if (timestamp < now - tolerance)
    return refuse('timestamp_too_old', `webhook-timestamp is ${now - timestamp} s old, more than the ${tolerance} s allowed`);
  if (timestamp > now + tolerance)
    return refuse('timestamp_in_future', `webhook-timestamp is ${timestamp - now} s ahead, more than the ${tolerance} s allowed`);
  const signatures = header.split(' ').filter((s) => s !== '');
  const readable = signatures.filter((s) => /^v1a?,/.test(s) && BASE64.test(s.slice(s.indexOf(',') + 1)));
  if (readable.length === 0) return refuse('malformed', 'webhook-signature holds no "v1,<base64>" or "v1a,<base64>" signature');
  const content = Buffer.concat([Buffer.from(`${id}.${stamp}.`), bytesOf(body)]);
  // Every signature against every secret, no early exit on a match: the time spent does not say
  // which secret or position matched.
  let matched = false;
  for (const signature of readable) {
    const value = signature.slice(signature.indexOf(',') + 1);
    if (signature.startsWith('v1,')) {
      for (const secret of secrets)
        if (sameSignature(value, createHmac('sha256', secretKey(secret)).update(content).digest('base64'))) matched = true;
    } else {
      for (const key of keys) if (verifyEd25519(null, content, ed25519Key(key), Buffer.from(value, 'base64'))) matched = true;
    }
  }
  if (!matched)
    return refuse(
      'bad_signature',
      `none of the ${readable.length} signature(s) in webhook-signature matches the ${secrets.length + keys.length} secret(s) given: wrong secret, or the body was changed (verify the raw bytes, before any JSON parsing)`,
    );
  return { id, timestamp };
}

/** JWT bearer verification (seed 002); resolves to the claims or why they are refused. */
export async function verifyJwt(headers: HeaderBag, options: VerifyOptions): Promise<Refused | HeraldJwtClaims> {
  const secrets = list(options.jwtSecret);
  if (secrets.length === 0) throw new TypeError('herald/receiver: give a jwtSecret');
  const authorization = headerValue(headers, 'authorization');
  if (!authorization) return refuse('missing_token', 'no Authorization header: expected "Bearer <JWT>"');
  const match = /^Bearer\s+([\w-]+\.[\w-]+\.[\w-]*)$/i.exec(authorization.trim());
  if (!match) return refuse('malformed', 'the Authorization header is not "Bearer <JWT>"');
  const token = match[1] as string;
  const currentDate = new Date((options.now ?? Date.now)());
  let last: Refused = refuse('bad_token', 'the JWT does not verify with the JWT secret(s) given');
  for (const secret of secrets) {
    try {
      const { payload } = await jwtVerify(token, jwtKey(secret), {
        algorithms: [JWT_HEADER.alg],
        typ: JWT_HEADER.typ,
        requiredClaims: ['exp'],
        clockTolerance: JWT_CLOCK_TOLERANCE_SECONDS,
        currentDate,
      });
      const missing = CLOUDBLUE_CLAIM_NAMES.filter((name) => !(name in payload));
      if (missing.length > 0) return refuse('malformed', `the JWT lacks claim(s) Herald sends: ${missing.join(', ')}`);
      const claims = payload as unknown as HeraldJwtClaims;
      for (const [name, expected] of Object.entries(options.expectClaims ?? {})) {
        const actual = claims[name as keyof HeraldJwtClaims];
        if (expected !== undefined && actual !== expected)
          return refuse('claim_mismatch', `claim ${name} is ${JSON.stringify(actual)}, expected ${JSON.stringify(expected)}`);
      }
      return claims;
    } catch (err) {
      if (err instanceof joseErrors.JWTExpired)
        return refuse('token_expired', `the JWT expired (exp ${String(err.payload.exp)}, now ${Math.floor(currentDate.getTime() / 1000)})`);
      if (err instanceof joseErrors.JWSSignatureVerificationFailed) continue; // maybe the other secret of a rotation
      if (err instanceof joseErrors.JOSEError)
        last = refuse(
          err instanceof joseErrors.JWSInvalid || err instanceof joseErrors.JWTInvalid ? 'malformed' : 'bad_token',
          `the JWT is refused: ${err.message}`,
        );
      else throw err;
    }
  }
  return last;
}

/** The body as the payload: JSON parsed, the text when it is not JSON, null when empty. */
function payloadOf(body: string | Uint8Array): unknown {
  const text = textOf(body);
  if (text === '') return null;
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

/**
 * Verifies one request: its exact body bytes (never a re-serialized parsed object) and its headers,
 * with every method `options` configures (a `secret` or `publicKey`: Standard Webhooks; a
 * `jwtSecret`: JWT bearer; both: both must hold).
 */
export async function verify<T = unknown>(body: string | Uint8Array, headers: HeaderBag, options: VerifyOptions): Promise<VerifyResult<T>> {
  const standard = list(options.secret).length > 0 || list(options.publicKey).length > 0;
  const jwt = list(options.jwtSecret).length > 0;
  if (!standard && !jwt) throw new TypeError('herald/receiver: give a secret (whsec_...), a publicKey (whpk_...) or a jwtSecret');
  let id: string | null = headerValue(headers, 'webhook-id') ?? null;
  let timestamp = 0;
  if (standard) {
    const signed = verifyStandardWebhooks(body, headers, options);
    if ('ok' in signed) return signed;
    ({ id, timestamp } = signed);
  }
  let claims: HeraldJwtClaims | null = null;
  if (jwt) {
    const verified = await verifyJwt(headers, options);
    if ('ok' in verified) return verified;
    claims = verified;
    if (!standard) timestamp = Math.floor(Date.parse(claims.triggered_at) / 1000) || claims.exp - claims.processing_timeout;
  }
  return { ok: true, id, timestamp, payload: payloadOf(body) as T, claims };
}

/**
 * GitHub's `X-Hub-Signature-256: sha256=<hex HMAC-SHA256 of the body>` (not what Herald sends; for
 * receivers that also take GitHub's webhooks), compared in constant time.
 */
export function verifyGithubSignature(body: string | Uint8Array, header: string | undefined, secret: string): boolean {
  const match = /^sha256=([0-9a-f]{64})$/i.exec(header?.trim() ?? '');
  if (!match) return false;
  const expected = createHmac('sha256', secret).update(bytesOf(body)).digest();
  return timingSafeEqual(expected, Buffer.from(match[1] as string, 'hex'));
}
