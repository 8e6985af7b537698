// herald/receiver's verify (src/receiver/verify.ts) on its own: the shared test vectors (HMAC v1,
// ed25519 v1a, GitHub's hex form), Herald's own signing (sign, jwt.ts) as the sender, and every way
// a request can be refused: tampered, old, future, missing, malformed, wrong secret; JWT wrong key,
// expired, lacking claims, unexpected claim values; a rotation's several secrets and signatures.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { SignJWT } from 'jose';
import { JWT_HEADER, jwtKey } from '../../src/delivery/auth/jwt.js';
import { sign } from '../../src/delivery/auth/standard-webhooks.js';
import { newSecret } from '../../src/domain/subscriptions.js';
import { type VerifyResult, verify, verifyGithubSignature } from '../../src/receiver/index.js';

const vectors = JSON.parse(readFileSync(new URL('../fixtures/standard-webhooks.json', import.meta.url), 'utf8')) as {
  hmac: { name: string; secret: string; id: string; timestamp: string; body: string; signature: string }[];
  ed25519: { name: string; publicKey: string; id: string; timestamp: string; body: string; signature: string }[];
  github_sha256_hex: { name: string; secret: string; body: string; signature: string }[];
};

const at = (seconds: string | number) => () => Number(seconds) * 1000;
const headersOf = (id: string, timestamp: string | number, signature: string) => ({
  'webhook-id': id,
  'webhook-timestamp': String(timestamp),
  'webhook-signature': signature,
});
function refused(result: VerifyResult, reason: string): void {
  assert.equal(result.ok, false, `expected ${reason}, got ok`);
  if (!result.ok) {
    assert.equal(result.reason, reason, result.message);
    assert.ok(result.message.length > 10);
  }
}

describe('herald/receiver verify: the shared vectors', () => {
  for (const v of vectors.hmac) {
    it(`accepts vector ${v.name}, refuses it tampered`, async () => {
      const ok = await verify(v.body, headersOf(v.id, v.timestamp, v.signature), { secret: v.secret, now: at(v.timestamp) });
      assert.deepEqual(ok, { ok: true, id: v.id, timestamp: Number(v.timestamp), payload: JSON.parse(v.body), claims: null });
      // The body is signed byte for byte: the same JSON re-serialized does not verify.
      const reserialized = JSON.stringify(JSON.parse(v.body));
      if (reserialized !== v.body)
        refused(
          await verify(reserialized, headersOf(v.id, v.timestamp, v.signature), { secret: v.secret, now: at(v.timestamp) }),
          'bad_signature',
        );
      refused(
        await verify(`${v.body} `, headersOf(v.id, v.timestamp, v.signature), { secret: v.secret, now: at(v.timestamp) }),
        'bad_signature',
      );
      refused(
        await verify(v.body, headersOf(`${v.id}x`, v.timestamp, v.signature), { secret: v.secret, now: at(v.timestamp) }),
        'bad_signature',
      );
    });
  }
  for (const v of vectors.ed25519) {
    it(`accepts vector ${v.name} with the public key, refuses it tampered`, async () => {
      const result = await verify(Buffer.from(v.body), headersOf(v.id, v.timestamp, v.signature), {
        publicKey: v.publicKey,
        now: at(v.timestamp),
      });
      assert.equal(result.ok, true, JSON.stringify(result));
      refused(
        await verify(v.body.replace('2', '3'), headersOf(v.id, v.timestamp, v.signature), { publicKey: v.publicKey, now: at(v.timestamp) }),
        'bad_signature',
      );
    });
  }
  for (const v of vectors.github_sha256_hex) {
    it(`accepts vector ${v.name}`, () => {
      assert.equal(verifyGithubSignature(v.body, v.signature, v.secret), true);
      assert.equal(verifyGithubSignature(`${v.body}.`, v.signature, v.secret), false);
      assert.equal(verifyGithubSignature(v.body, v.signature, `${v.secret}.`), false);
      assert.equal(verifyGithubSignature(v.body, undefined, v.secret), false);
    });
  }
});

describe('herald/receiver verify: Standard Webhooks as Herald signs', () => {
  const secret = newSecret();
  const body = '{"type":"order.created","timestamp":"2026-01-01T00:00:00.000Z","data":{"id":"ord_1","total":12.5}}';
  const now = Math.floor(Date.now() / 1000);
  const signed = (ts = now, s = secret) => headersOf('msg_abc', ts, sign(s, 'msg_abc', ts, body));

  it('accepts a fresh request, from a string, a Buffer or a Uint8Array, with fetch Headers too', async () => {
    for (const raw of [body, Buffer.from(body), new TextEncoder().encode(body)]) {
      const result = await verify(raw, signed(), { secret });
      assert.deepEqual(result, { ok: true, id: 'msg_abc', timestamp: now, payload: JSON.parse(body), claims: null });
    }
    assert.equal((await verify(body, new Headers(signed()), { secret })).ok, true);
    assert.equal(
      (
        await verify(
          body,
          { 'Webhook-Id': 'msg_abc', 'WEBHOOK-TIMESTAMP': String(now), 'webhook-signature': sign(secret, 'msg_abc', now, body) },
          { secret },
        )
      ).ok,
      true,
    );
  });

  it('refuses a tampered body, another secret, a missing or malformed header', async () => {
    refused(await verify(body.replace('12.5', '1250'), signed(), { secret }), 'bad_signature');
    refused(await verify(body, signed(now, newSecret()), { secret }), 'bad_signature');
    refused(await verify(body, { 'webhook-id': 'msg_abc', 'webhook-timestamp': String(now) }, { secret }), 'missing_signature');
    refused(await verify(body, { ...signed(), 'webhook-id': undefined }, { secret }), 'missing_signature');
    refused(await verify(body, { ...signed(), 'webhook-timestamp': '' }, { secret }), 'missing_signature');
    refused(await verify(body, { ...signed(), 'webhook-timestamp': '2026-01-01' }, { secret }), 'malformed');
    refused(await verify(body, { ...signed(), 'webhook-signature': 'v2,abc sha256=00' }, { secret }), 'malformed');
    refused(await verify(body, { ...signed(), 'webhook-signature': 'v1,' }, { secret }), 'malformed');
  });

  it('refuses a timestamp outside the tolerance, both ways; the tolerance is settable', async () => {
    refused(await verify(body, signed(now - 301), { secret }), 'timestamp_too_old');
    refused(await verify(body, signed(now + 301), { secret }), 'timestamp_in_future');
    assert.equal((await verify(body, signed(now - 290), { secret })).ok, true);
    assert.equal((await verify(body, signed(now + 290), { secret })).ok, true);
    refused(await verify(body, signed(now - 61), { secret, toleranceSeconds: 60 }), 'timestamp_too_old');
    assert.equal((await verify(body, signed(now - 3600), { secret, toleranceSeconds: 7200 })).ok, true);
  });

  it('rotation: any of several signatures against any of several secrets', async () => {
    const old = newSecret();
    const both = `${sign(newSecret(), 'msg_abc', now, body)} ${sign(secret, 'msg_abc', now, body)}`;
    assert.equal((await verify(body, headersOf('msg_abc', now, both), { secret })).ok, true, 'wrong one first, right one second');
    assert.equal((await verify(body, signed(now, old), { secret: [secret, old] })).ok, true, 'the old secret during the overlap');
    refused(await verify(body, signed(now, old), { secret: [secret] }), 'bad_signature');
  });

  it('payload: JSON parsed, text kept, null when empty', async () => {
    const text = 'not json';
    const r1 = await verify(text, headersOf('m', now, sign(secret, 'm', now, text)), { secret });
    assert.equal(r1.ok && r1.payload, text);
    const r2 = await verify('', headersOf('m', now, sign(secret, 'm', now, '')), { secret });
    assert.equal(r2.ok && r2.payload, null);
  });

  it('a body verifies byte for byte: invalid UTF-8 does not pass for its replacement characters', async () => {
    const bytes = Buffer.from([0x7b, 0xff, 0x7d]); // "{", an invalid byte, "}"
    const asText = bytes.toString('utf8'); // "{\uFFFD}"
    const headers = headersOf('m', now, sign(secret, 'm', now, asText));
    assert.equal((await verify(asText, headers, { secret })).ok, true);
    refused(await verify(bytes, headers, { secret }), 'bad_signature');
  });

  it('needs a secret: a call without one is a programming error, thrown', async () => {
    await assert.rejects(verify(body, signed(), {}), /give a secret/);
  });
});

describe('herald/receiver verify: JWT bearer (seed 002)', () => {
  const jwtSecret = 'cloudblue-shared-jwt-secret-string';
  const nowMs = Date.now();
  const claims = {
    webhook_id: 'sub_1',
    webhook_name: 'Tutorial Webhook',
    object_class: 'fulfillment_requests',
    account_id: 'sbr_1',
    product_id: 'PRD-578-226-824',
    api_url: 'https://herald.example/v1/',
    triggered_at: `${new Date(nowMs).toISOString().slice(0, 19)}+00:00`,
    last_success_at: null,
    last_failure_at: null,
    processing_timeout: 600,
    data: { purpose: 'demo' },
  };
  const token = (over: { secret?: string; exp?: number; claims?: Record<string, unknown>; header?: { typ: string; alg: string } } = {}) =>
    new SignJWT(over.claims ?? claims)
      .setProtectedHeader(over.header ?? { ...JWT_HEADER })
      .setExpirationTime(over.exp ?? Math.floor(nowMs / 1000) + 600)
      .sign(jwtKey(over.secret ?? jwtSecret));
  const bearer = async (over?: Parameters<typeof token>[0]) => ({ authorization: `Bearer ${await token(over)}` });

  it('accepts a token as Herald mints it, with its claims; timestamp from triggered_at', async () => {
    const result = await verify('', await bearer(), { jwtSecret });
    assert.equal(result.ok, true, JSON.stringify(result));
    if (!result.ok) return;
    assert.equal(result.claims?.webhook_id, 'sub_1');
    assert.equal(result.claims?.exp, Math.floor(nowMs / 1000) + 600);
    assert.equal(result.timestamp, Math.floor(nowMs / 1000));
    assert.equal(result.id, null);
    assert.equal(result.payload, null);
  });

  it('refuses a wrong key, an expired token, no token, not a bearer, missing claims, a wrong algorithm', async () => {
    refused(await verify('', await bearer({ secret: 'another-secret-string' }), { jwtSecret }), 'bad_token');
    refused(await verify('', await bearer({ exp: Math.floor(nowMs / 1000) - 60 }), { jwtSecret }), 'token_expired');
    refused(await verify('', {}, { jwtSecret }), 'missing_token');
    refused(await verify('', { authorization: 'Basic abc' }, { jwtSecret }), 'malformed');
    refused(await verify('', await bearer({ claims: { webhook_id: 'x' } }), { jwtSecret }), 'malformed');
    const hs512 = await new SignJWT(claims)
      .setProtectedHeader({ typ: 'JWT', alg: 'HS512' })
      .setExpirationTime('10m')
      .sign(jwtKey(jwtSecret));
    refused(await verify('', { authorization: `Bearer ${hs512}` }, { jwtSecret }), 'bad_token');
  });

  it('rotation: either JWT secret; expected claims checked', async () => {
    assert.equal((await verify('', await bearer(), { jwtSecret: ['new-secret-0123456789', jwtSecret] })).ok, true);
    assert.equal((await verify('', await bearer(), { jwtSecret, expectClaims: { webhook_id: 'sub_1', account_id: 'sbr_1' } })).ok, true);
    refused(await verify('', await bearer(), { jwtSecret, expectClaims: { webhook_id: 'sub_2' } }), 'claim_mismatch');
  });

  it('with both methods configured, both must hold', async () => {
    const secret = newSecret();
    const now = Math.floor(nowMs / 1000);
    const body = '{"a":1}';
    const signedHeaders = headersOf('msg_1', now, sign(secret, 'msg_1', now, body));
    const both = await verify(body, { ...signedHeaders, ...(await bearer()) }, { secret, jwtSecret });
    assert.equal(both.ok, true);
    assert.equal(both.ok && both.id, 'msg_1');
    refused(await verify(body, signedHeaders, { secret, jwtSecret }), 'missing_token');
    refused(await verify(body, { ...signedHeaders, 'webhook-signature': 'v1,AAAA' }, { secret, jwtSecret }), 'bad_signature');
  });
});
