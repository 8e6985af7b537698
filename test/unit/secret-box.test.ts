// The secret box: AES-256-GCM sealing, key parsing, key ids, and refusals that are clear errors,
// never garbage.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  formatSecretKey,
  generateSecretKey,
  isSealed,
  parseSecretKey,
  SecretBox,
  SecretKeyError,
  sealedKeyId,
  secretKeyId,
} from '../../src/security/secret-box.js';

const SECRET = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw';

describe('secret box', () => {
  it('seals to enc:v1:<keyId>:<iv>:<tag>:<ct> and opens back; a fresh iv every time', () => {
    const box = new SecretBox(generateSecretKey());
    const a = box.seal(SECRET);
    const b = box.seal(SECRET);
    assert.match(a, /^enc:v1:[A-Za-z0-9_-]{8}:[A-Za-z0-9_-]{16}:[A-Za-z0-9_-]{22}:[A-Za-z0-9_-]+$/);
    assert.notEqual(a, b, 'two seals of one value differ');
    assert.ok(!a.includes(SECRET.slice(6)), 'the plaintext is not in the sealed text');
    assert.equal(sealedKeyId(a), box.current.id);
    assert.equal(box.open(a), SECRET);
    assert.equal(box.open(b), SECRET);
    assert.equal(box.open(box.seal('')), '');
    assert.equal(box.open(box.seal('päßwörd ✓')), 'päßwörd ✓');
  });

  it('passes plaintext through open() and reports it as needing sealing', () => {
    const box = new SecretBox(generateSecretKey());
    assert.equal(isSealed(SECRET), false);
    assert.equal(box.open(SECRET), SECRET);
    assert.equal(box.needsSealing(SECRET), true);
    assert.equal(box.needsSealing(box.seal(SECRET)), false);
  });

  it('refuses a value sealed under another key, naming both key ids', () => {
    const one = new SecretBox(generateSecretKey());
    const other = new SecretBox(generateSecretKey());
    const sealed = one.seal(SECRET);
    assert.throws(
      () => other.open(sealed),
      (err: unknown) => err instanceof SecretKeyError && err.message.includes(one.current.id) && err.message.includes(other.current.id),
    );
  });

  it('refuses an altered value (GCM authentication) and a malformed one', () => {
    const box = new SecretBox(generateSecretKey());
    const sealed = box.seal(SECRET);
    const parts = sealed.split(':');
    const ct = Buffer.from(parts[5] ?? '', 'base64url');
    ct[0] = (ct[0] ?? 0) ^ 1;
    parts[5] = ct.toString('base64url');
    assert.throws(() => box.open(parts.join(':')), SecretKeyError);
    assert.throws(() => box.open(`enc:v1:${box.current.id}:abc`), SecretKeyError);
  });

  it('opens under an older key and seals under the current one (rotation)', () => {
    const oldKey = generateSecretKey();
    const newKey = generateSecretKey();
    const sealedOld = new SecretBox(oldKey).seal(SECRET);
    const ring = new SecretBox(newKey, [oldKey]);
    assert.equal(ring.open(sealedOld), SECRET);
    assert.equal(ring.needsSealing(sealedOld), true);
    assert.equal(sealedKeyId(ring.seal(SECRET)), secretKeyId(newKey));
  });

  it('parses 32-byte keys as hex, base64 and base64url; rejects anything else', () => {
    const key = generateSecretKey();
    assert.ok(parseSecretKey(key.toString('hex')).equals(key));
    assert.ok(parseSecretKey(formatSecretKey(key)).equals(key));
    assert.ok(parseSecretKey(`  ${key.toString('base64url')}\n`).equals(key));
    for (const bad of ['', 'short', key.subarray(0, 16).toString('base64'), `${key.toString('hex')}00`, 'z'.repeat(64)]) {
      assert.throws(() => parseSecretKey(bad), SecretKeyError, bad);
    }
  });

  it('names a key by a stable id that does not reveal it', () => {
    const key = generateSecretKey();
    assert.equal(secretKeyId(key), secretKeyId(Buffer.from(key)));
    assert.notEqual(secretKeyId(key), secretKeyId(generateSecretKey()));
    assert.ok(!formatSecretKey(key).startsWith(secretKeyId(key)));
  });
});
