// API key material. A key is shown once; only its SHA-256 is stored, so a stolen database does not
// yield working keys. Keys are long random strings, so a fast hash is enough (no password KDF).
import { createHash, randomBytes } from 'node:crypto';

export const API_KEY_PREFIX = 'hk_';

export function generateApiKey(): string {
  return API_KEY_PREFIX + randomBytes(32).toString('base64url');
}

export function hashApiKey(key: string): string {
  return createHash('sha256').update(key).digest('hex');
}
