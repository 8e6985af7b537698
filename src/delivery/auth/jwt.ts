// JWT bearer (seed 002, CloudBlue Connect): `Authorization: Bearer <JWT>`, minted per attempt with
// jose: header {"typ":"JWT","alg":"HS256"} exactly as the seed shows (no `kid`: there is one key per
// subscription, and during a rotation the receiver simply tries both), claims the webhook's fields
// (cloudblue-claims.ts, the `cloudblue` body's) and `exp` = triggered_at + processing_timeout, in
// seconds. The key is the secret string's own UTF-8 bytes, as a CloudBlue handler uses the shared
// "JWT secret string".
// Only the current secret signs: there is one Authorization header. While a rotated-out secret is
// still within its overlap (previousSecretExpiresAt), receivers should accept a JWT that verifies
// with either; the new one is what Herald uses from the rotation on.
import { SignJWT } from 'jose';
import type { JwtAuth } from '../../domain/glossary.js';
import { cloudblueClaims } from '../cloudblue-claims.js';
import { type Authorizer, setCredential } from './authorizer.js';

const encoder = new TextEncoder();

/** The JWT's protected header, exactly as seed 002 shows it; receivers (src/receiver/) check it. */
export const JWT_HEADER = { typ: 'JWT', alg: 'HS256' } as const;

/** The key a JWT secret string signs with: its own UTF-8 bytes (seed 002's "JWT secret string"). */
export function jwtKey(secret: string): Uint8Array {
  return encoder.encode(secret);
}

export const jwt: Authorizer<JwtAuth> = {
  async authorize(job, auth, request, context) {
    const claims = cloudblueClaims(job, context);
    const token = await new SignJWT({ ...claims })
      .setProtectedHeader({ ...JWT_HEADER })
      .setExpirationTime(Math.floor(context.now / 1000) + claims.processing_timeout)
      .sign(jwtKey(auth.secret));
    setCredential(request, 'authorization', `Bearer ${token}`);
    return null;
  },
};
