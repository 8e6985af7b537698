// A subscription's auth towards its receiver, customData and signing as the API takes and shows them
// (DESIGN.md §5, seeds 002 and 004). The body's `auth` is one flat object whose `type` says which
// fields it takes; what a JSON Schema cannot say (which fields a type takes, lengths, a username
// without ':', a usable header name, where a token URL may point) is checked here, each failure a
// 422 `invalid_auth` naming the field. On update, an auth of the type already stored may leave its
// credential out to keep the stored one, so a username or a scope changes without resending it.
//
// Credentials (the glossary's AUTH_CREDENTIAL_FIELDS) are shown only by the create answer and the
// JWT secret endpoints; every other answer masks them (renderAuth).
import { randomBytes } from 'node:crypto';
import type { NetworkPolicy } from '../delivery/ssrf.js';
import { HeraldError } from '../domain/errors.js';
import { AUTH_CREDENTIAL_FIELDS, type AuthType, type SubscriptionAuth } from '../domain/glossary.js';
import { checkTargetUrl, isConfigurableHeader, isHeaderValue } from './checks.js';

export const MASKED_CREDENTIAL = '********'; // what answers show instead of a credential
export const JWT_SECRET_BYTES = 32; // a generated JWT secret: 32 random bytes, base64url (43 characters)
export const JWT_SECRET_MIN_LENGTH = 16; // characters of a given JWT secret
export const JWT_SECRET_MAX_LENGTH = 512;
export const MAX_CUSTOM_DATA_BYTES = 65_536; // customData, serialized as JSON
const MAX_FIELD_LENGTH = 1_024; // characters of a username, client id, scope, audience
const MAX_CREDENTIAL_LENGTH = 4_096; // characters of a password, client secret or API key value
/** Headers Herald sets on every request, beyond those no custom header may take either. */
const HERALD_HEADERS = new Set(['content-type', 'user-agent']);

/** The auth of a create or update body, before it is checked. */
export interface AuthInput {
  type: AuthType;
  secret?: string;
  username?: string;
  password?: string;
  tokenUrl?: string;
  clientId?: string;
  clientSecret?: string;
  scope?: string | null;
  audience?: string | null;
  header?: string;
  value?: string;
}

/** The fields each auth type takes in a body (besides `type`). */
export const AUTH_INPUT_FIELDS: { [T in AuthType]: readonly (keyof AuthInput)[] } = {
  jwt: ['secret'],
  basic: ['username', 'password'],
  oauth2: ['tokenUrl', 'clientId', 'clientSecret', 'scope', 'audience'],
  apiKey: ['header', 'value'],
};

export function newJwtSecret(): string {
  return randomBytes(JWT_SECRET_BYTES).toString('base64url');
}

function invalid(field: string, message: string): HeraldError {
  return new HeraldError('invalid_auth', message, { field: `auth.${field}` });
}

/** A required string field: present, 1..max characters, printable (no controls). */
function text(input: AuthInput, field: keyof AuthInput, max: number): string {
  const value = input[field];
  if (typeof value !== 'string' || value.length === 0) throw invalid(field, `${input.type} auth needs ${field}`);
  return checkText(field, value, max);
}

function checkText(field: string, value: string, max: number): string {
  if (value.length > max) throw invalid(field, `auth.${field} must be at most ${max} characters`);
  if (!isHeaderValue(value)) throw invalid(field, `auth.${field} contains a line break or another control character`);
  return value;
}

function optionalText(input: AuthInput, field: 'scope' | 'audience'): string | null {
  const value = input[field];
  return value === undefined || value === null || value === '' ? null : checkText(field, value, MAX_FIELD_LENGTH);
}

/** The credential `field` as given, or as stored when the stored auth has the same type. */
function credential(input: AuthInput, current: SubscriptionAuth | null, field: 'password' | 'clientSecret' | 'value'): string {
  const given = input[field];
  if (given !== undefined) {
    if (given.length === 0) throw invalid(field, `auth.${field} must not be empty`);
    return checkText(field, given, MAX_CREDENTIAL_LENGTH);
  }
  const stored = current?.type === input.type ? (current as unknown as Record<string, unknown>)[field] : undefined;
  if (typeof stored === 'string') return stored;
  throw invalid(field, `${input.type} auth needs ${field}`);
}

/** A given JWT secret: 16 to 512 characters, no controls. */
export function checkJwtSecret(secret: string): string {
  if (secret.length < JWT_SECRET_MIN_LENGTH || secret.length > JWT_SECRET_MAX_LENGTH) {
    throw invalid('secret', `A JWT secret must be ${JWT_SECRET_MIN_LENGTH} to ${JWT_SECRET_MAX_LENGTH} characters`);
  }
  return checkText('secret', secret, JWT_SECRET_MAX_LENGTH);
}

/**
 * The auth to store for `input` (null: none), given what is stored now (`current`; null on create).
 * A JWT auth without a secret keeps the stored JWT secret (and its rotation), or gets a new one; a
 * given secret replaces it, and the previous one with it (rotate with .../jwt-secret/rotate to keep
 * the old one valid for a while).
 */
export async function checkAuth(
  input: AuthInput | null,
  current: SubscriptionAuth | null,
  policy: NetworkPolicy,
): Promise<SubscriptionAuth | null> {
  if (input === null) return null;
  const allowed = AUTH_INPUT_FIELDS[input.type];
  for (const field of Object.keys(input) as (keyof AuthInput)[]) {
    if (field !== 'type' && !allowed.includes(field)) {
      throw invalid(field, `${field} is not a field of ${input.type} auth, which takes ${allowed.join(', ')}`);
    }
  }
  switch (input.type) {
    case 'jwt': {
      if (input.secret !== undefined) {
        const secret = checkJwtSecret(input.secret);
        if (current?.type === 'jwt' && current.secret === secret) return current;
        return { type: 'jwt', secret, previousSecret: null, previousSecretExpiresAt: null };
      }
      if (current?.type === 'jwt') return current;
      return { type: 'jwt', secret: newJwtSecret(), previousSecret: null, previousSecretExpiresAt: null };
    }
    case 'basic': {
      const username = text(input, 'username', MAX_FIELD_LENGTH);
      if (username.includes(':')) throw invalid('username', 'A Basic auth username must not contain ":" (RFC 7617)');
      return { type: 'basic', username, password: credential(input, current, 'password') };
    }
    case 'oauth2': {
      const tokenUrl = text(input, 'tokenUrl', Number.MAX_SAFE_INTEGER);
      try {
        await checkTargetUrl(tokenUrl, policy);
      } catch (err) {
        if (err instanceof HeraldError) throw new HeraldError(err.code, `auth.tokenUrl: ${err.message}`, { field: 'auth.tokenUrl' });
        throw err;
      }
      return {
        type: 'oauth2',
        tokenUrl,
        clientId: text(input, 'clientId', MAX_FIELD_LENGTH),
        clientSecret: credential(input, current, 'clientSecret'),
        scope: optionalText(input, 'scope'),
        audience: optionalText(input, 'audience'),
      };
    }
    case 'apiKey': {
      const header = text(input, 'header', Number.MAX_SAFE_INTEGER);
      if (!isConfigurableHeader(header) || HERALD_HEADERS.has(header.toLowerCase())) {
        throw invalid(
          'header',
          `"${header.slice(0, 100)}" cannot carry an API key: it must be a valid header name that Herald does not set itself (not content-type, user-agent, host, content-length, or any webhook-*)`,
        );
      }
      return { type: 'apiKey', header, value: credential(input, current, 'value') };
    }
  }
}

/** An auth and the subscription's custom headers must not both set a header: the receiver would get two. */
export function checkAuthHeaders(auth: SubscriptionAuth | null, headers: Record<string, string>): void {
  if (auth === null) return;
  const taken = auth.type === 'apiKey' ? auth.header.toLowerCase() : 'authorization';
  const clash = Object.keys(headers).find((name) => name.toLowerCase() === taken);
  if (clash !== undefined) {
    throw invalid(
      auth.type === 'apiKey' ? 'header' : 'type',
      `${auth.type} auth sets the ${clash} header, which is also a custom header of this subscription; remove one of them`,
    );
  }
}

/** customData: a JSON object of at most MAX_CUSTOM_DATA_BYTES serialized, or null. */
export function checkCustomData(data: Record<string, unknown> | null): Record<string, unknown> | null {
  if (data === null) return null;
  const bytes = Buffer.byteLength(JSON.stringify(data));
  if (bytes > MAX_CUSTOM_DATA_BYTES) {
    throw new HeraldError(
      'custom_data_too_large',
      `customData is ${bytes} bytes as JSON; the limit is ${MAX_CUSTOM_DATA_BYTES} bytes (64 KB)`,
      { bytes, limitBytes: MAX_CUSTOM_DATA_BYTES },
    );
  }
  return data;
}

/** An auth as answers show it: credentials masked unless `reveal` (the create answer only). */
export function renderAuth(auth: SubscriptionAuth | null, reveal: boolean, iso: (ms: number) => string): Record<string, unknown> | null {
  if (auth === null) return null;
  const out: Record<string, unknown> = { ...auth };
  if (!reveal) {
    for (const field of AUTH_CREDENTIAL_FIELDS[auth.type] as readonly string[]) {
      if (typeof out[field] === 'string') out[field] = MASKED_CREDENTIAL;
    }
  }
  if (auth.type === 'jwt') out.previousSecretExpiresAt = auth.previousSecretExpiresAt === null ? null : iso(auth.previousSecretExpiresAt);
  return out;
}
