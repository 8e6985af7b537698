// Secrets at rest: AES-256-GCM under a key Herald keeps outside the database (HERALD_SECRET_KEY or
// a key file, see key-source.ts). A sealed value is one string, safe in any TEXT column:
//
//   enc:v1:<keyId>:<iv>:<tag>:<ciphertext>      (iv, tag, ciphertext base64url; 12-byte iv, 16-byte tag)
//
// keyId names the key (a hash prefix, never the key): a database sealed under another key is
// recognised at start and refused with a clear message instead of producing garbage. A box holds
// one current key, which seals, and optionally older keys, which only open (key rotation).
// Values without the `enc:` prefix are plaintext from before encryption existed: open() returns
// them as they are and the start-up pass (sealed-store.ts) seals them.
import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';

const PREFIX = 'enc:v1:';
const KEY_BYTES = 32; // AES-256
const IV_BYTES = 12; // the GCM standard nonce size
const TAG_BYTES = 16;
const CACHE_MAX = 10_000; // opened values kept; emptied when full (secrets are few and long-lived)
const AAD = Buffer.from('herald-secret-v1'); // ties the ciphertext to this format

export class SecretKeyError extends Error {
  override name = 'SecretKeyError';
}

export interface SecretKey {
  id: string;
  key: Buffer;
}

/** 32 bytes given as 64 hex digits or as base64 / base64url (padding optional). */
export function parseSecretKey(text: string): Buffer {
  const t = text.trim();
  const bytes = /^[0-9a-fA-F]{64}$/.test(t) ? Buffer.from(t, 'hex') : /^[A-Za-z0-9+/_-]{43}=?$/.test(t) ? Buffer.from(t, 'base64') : null;
  if (!bytes || bytes.length !== KEY_BYTES) {
    throw new SecretKeyError('a secret key must be 32 bytes, written as 64 hex digits or as base64 (44 characters)');
  }
  return bytes;
}

export function generateSecretKey(): Buffer {
  return randomBytes(KEY_BYTES);
}

/** How a key is written to a key file or shown to an operator. */
export function formatSecretKey(key: Buffer): string {
  return key.toString('base64');
}

/** A short public name of a key: the first 8 base64url characters of a SHA-256 over it. */
export function secretKeyId(key: Buffer): string {
  return createHash('sha256').update('herald-secret-key-id:').update(key).digest('base64url').slice(0, 8);
}

export function toSecretKey(key: Buffer): SecretKey {
  return { id: secretKeyId(key), key };
}

export function isSealed(value: string): boolean {
  return value.startsWith(PREFIX);
}

/** The key id a sealed value names, or null for plaintext. */
export function sealedKeyId(value: string): string | null {
  if (!isSealed(value)) return null;
  const end = value.indexOf(':', PREFIX.length);
  return end < 0 ? '' : value.slice(PREFIX.length, end);
}

export class SecretBox {
  readonly current: SecretKey;
  private readonly keys = new Map<string, Buffer>();
  private readonly cache = new Map<string, string>();

  /** `current` seals and opens; `older` keys only open. */
  constructor(current: Buffer, older: Buffer[] = []) {
    this.current = toSecretKey(current);
    for (const k of [current, ...older]) this.keys.set(secretKeyId(k), k);
  }

  hasKey(id: string): boolean {
    return this.keys.has(id);
  }

  seal(plaintext: string): string {
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv('aes-256-gcm', this.current.key, iv);
    cipher.setAAD(AAD);
    const ct = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
    const tag = cipher.getAuthTag();
    return `${PREFIX}${this.current.id}:${iv.toString('base64url')}:${tag.toString('base64url')}:${ct.toString('base64url')}`;
  }

  /** The plaintext of a sealed value (plaintext passes through). Throws SecretKeyError when the
   *  value names a key this box does not hold or does not authenticate. */
  open(value: string): string {
    if (!isSealed(value)) return value;
    const hit = this.cache.get(value);
    if (hit !== undefined) return hit;
    const [keyId, iv, tag, ct, ...extra] = value.slice(PREFIX.length).split(':');
    if (keyId === undefined || iv === undefined || tag === undefined || ct === undefined || extra.length > 0) {
      throw new SecretKeyError('a sealed secret is malformed');
    }
    const key = this.keys.get(keyId);
    if (!key) throw new SecretKeyError(`a secret is sealed under key ${keyId}, but the configured key is ${this.current.id}`);
    let plaintext: string;
    try {
      const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(iv, 'base64url'));
      decipher.setAAD(AAD);
      const tagBytes = Buffer.from(tag, 'base64url');
      if (tagBytes.length !== TAG_BYTES) throw new Error('bad tag length');
      decipher.setAuthTag(tagBytes);
      plaintext = Buffer.concat([decipher.update(Buffer.from(ct, 'base64url')), decipher.final()]).toString('utf8');
    } catch {
      throw new SecretKeyError(`a secret sealed under key ${keyId} does not decrypt: it was altered, or the key is wrong`);
    }
    if (this.cache.size >= CACHE_MAX) this.cache.clear();
    this.cache.set(value, plaintext);
    return plaintext;
  }

  /** Whether `value` must be (re)sealed to be under the current key. */
  needsSealing(value: string): boolean {
    return sealedKeyId(value) !== this.current.id;
  }
}
