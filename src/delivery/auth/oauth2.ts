// OAuth 2.0 client credentials (RFC 6749 §4.4, seed 004): `Authorization: Bearer <access token>`,
// the token asked of the subscription's `tokenUrl` with a POST of
// `grant_type=client_credentials` (+ `scope`, `audience` when set), the client authenticated with
// HTTP Basic (client_secret_basic: id and secret form-urlencoded first, RFC 6749 §2.3.1).
// The token request goes through the delivery client, so the SSRF guard and its policy apply to
// the token URL as to any subscription URL; its answer is read up to TOKEN_RESPONSE_CAP_BYTES and
// it has its own deadline, TOKEN_TIMEOUT_MS, besides the attempt's. Tokens are cached per
// credential (token-cache.ts: one fetch in flight per credential, refreshed before expiry).
// A failed fetch fails the attempt without sending it: `auth_failed: token endpoint answered 400
// invalid_client` (the status and the OAuth `error` code, never the description, which is the
// endpoint's free text), retried on the normal schedule. A 401 from the receiver drops the token it
// refused; the pipeline then fetches a new one and resends once.
import { createHash } from 'node:crypto';
import type { OAuth2Auth } from '../../domain/glossary.js';
import type { AttemptContext } from '../attempt-context.js';
import { type Authorizer, setCredential } from './authorizer.js';
import { type TokenAnswer, TokenCache } from './token-cache.js';

export const TOKEN_TIMEOUT_MS = 10_000; // one token request, connect to last byte
export const TOKEN_RESPONSE_CAP_BYTES = 65_536; // token answers are small; a larger one is unreadable
const OAUTH_ERROR_CODE = /^[\x20\x21\x23-\x5B\x5D-\x7E]{1,64}$/; // RFC 6749 §5.2's `error` characters, bounded

const tokens = new TokenCache();

/** The cache key of a credential: every field that changes the token, the secret only hashed. */
function credentialKey({ tokenUrl, clientId, clientSecret, scope, audience }: OAuth2Auth): string {
  const secretHash = createHash('sha256').update(clientSecret).digest('base64url');
  return JSON.stringify([tokenUrl, clientId, secretHash, scope, audience]);
}

const formEncoded = (value: string): string => new URLSearchParams({ v: value }).toString().slice(2);

/** Asks the token endpoint for a token: the token and its lifetime, or why there is none. */
async function fetchToken(auth: OAuth2Auth, context: AttemptContext): Promise<TokenAnswer> {
  const form = new URLSearchParams({ grant_type: 'client_credentials' });
  if (auth.scope !== null) form.set('scope', auth.scope);
  if (auth.audience !== null) form.set('audience', auth.audience);
  const client = Buffer.from(`${formEncoded(auth.clientId)}:${formEncoded(auth.clientSecret)}`, 'utf8').toString('base64');
  const result = await context.client.send({
    url: auth.tokenUrl,
    method: 'POST',
    headers: {
      authorization: `Basic ${client}`,
      'content-type': 'application/x-www-form-urlencoded',
      accept: 'application/json',
      'user-agent': context.userAgent,
    },
    body: form.toString(),
    timeoutMs: TOKEN_TIMEOUT_MS,
    responseBodyCapBytes: TOKEN_RESPONSE_CAP_BYTES,
  });
  if (result.kind === 'error') return { failed: `token endpoint not reached: ${result.code}: ${result.message}` };
  const answer = parseJson(result.body);
  if (result.statusCode < 200 || result.statusCode >= 300) {
    const error = typeof answer?.error === 'string' && OAUTH_ERROR_CODE.test(answer.error) ? ` ${answer.error}` : '';
    return { failed: `token endpoint answered ${result.statusCode}${error}` };
  }
  const accessToken = answer?.access_token;
  if (typeof accessToken !== 'string' || accessToken === '')
    return { failed: `token endpoint answered ${result.statusCode} without an access_token` };
  const tokenType = answer?.token_type;
  if (typeof tokenType === 'string' && tokenType.toLowerCase() !== 'bearer') {
    return { failed: `token endpoint answered token_type ${JSON.stringify(tokenType.slice(0, 32))}, not Bearer` };
  }
  const expiresIn = Number(answer?.expires_in); // a number, or a numeric string as some servers send
  return { accessToken, lifetimeSeconds: answer?.expires_in !== undefined && Number.isFinite(expiresIn) ? expiresIn : null };
}

function parseJson(text: string): Record<string, unknown> | null {
  try {
    const value: unknown = JSON.parse(text);
    return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}

/** `answer`, or a failure when the attempt's deadline comes first (the fetch goes on for others). */
function beforeDeadline(answer: Promise<TokenAnswer>, deadline: number): Promise<TokenAnswer> {
  const ms = Math.max(0, deadline - Date.now());
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<TokenAnswer>((resolve) => {
    timer = setTimeout(() => resolve({ failed: `no token from the token endpoint within the attempt's deadline (${ms} ms left)` }), ms);
  });
  return Promise.race([answer, late]).finally(() => clearTimeout(timer));
}

export const oauth2: Authorizer<OAuth2Auth> = {
  async authorize(_job, auth, request, context) {
    const key = credentialKey(auth);
    const answer = await beforeDeadline(
      tokens.get(key, context.now, () => fetchToken(auth, context)),
      context.deadline,
    );
    if ('failed' in answer) return { reason: answer.failed };
    setCredential(request, 'authorization', `Bearer ${answer.accessToken}`);
    return null;
  },
  unauthorized(auth, request) {
    const sent = request.headers.authorization;
    if (sent?.startsWith('Bearer ')) tokens.invalidate(credentialKey(auth), sent.slice('Bearer '.length));
    return true;
  },
};
