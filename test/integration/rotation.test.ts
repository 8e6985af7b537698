// Signing-secret rotation (DESIGN.md §5): after POST /v1/subscriptions/{id}/secret/rotate every
// delivery carries two signatures, new first, until the previous secret expires; receivers holding
// either secret verify real deliveries with the standardwebhooks package. After expiry only the new
// signature is sent.
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, afterEach, before, beforeEach, describe, it } from 'node:test';
import { Webhook } from 'standardwebhooks';
import { sign } from '../../src/delivery/auth/standard-webhooks.js';
import { removeDir, startTestHerald, type TestHerald } from '../helpers/herald.js';
import { eventually, TestReceiver } from '../helpers/receiver.js';

type Json = Record<string, unknown>;
type Rotated = { secret: string; previousSecretExpiresAt: string | null };

const DAY_MS = 24 * 60 * 60 * 1000;
const GIVEN = 'whsec_Z2l2ZW4gc2VjcmV0IGZvciByb3RhdGlvbiB0ZXN0cyEh'; // 32 bytes

let h: TestHerald;
let receiver: TestReceiver;

async function subscription(): Promise<{ id: string; secret: string }> {
  const sbr = await h.api('POST', '/v1/subscribers', { name: 'acme' });
  const sub = await h.api('POST', `/v1/subscribers/${sbr.body.id}/subscriptions`, {
    url: `${receiver.url}/hook`,
    eventTypes: ['order.paid'],
  });
  assert.equal(sub.status, 201, JSON.stringify(sub.body));
  return { id: sub.body.id as string, secret: sub.body.secret as string };
}

/** Sends an event and returns the request the receiver got. */
async function deliver(): Promise<{ body: string; headers: Record<string, string> }> {
  const before = receiver.requests.length;
  const sent = await h.api('POST', '/v1/events', { type: 'order.paid', data: { order: 42 } });
  assert.equal(sent.status, 202);
  await receiver.waitFor(before + 1);
  const req = receiver.requests[before]!;
  return { body: req.body, headers: req.headers as Record<string, string> };
}

function verifies(secret: string, req: { body: string; headers: Record<string, string> }): boolean {
  try {
    new Webhook(secret).verify(req.body, req.headers);
    return true;
  } catch {
    return false;
  }
}

const rotate = (id: string, body?: Json) => h.api<Rotated>('POST', `/v1/subscriptions/${id}/secret/rotate`, body);
const currentSecret = async (id: string) => (await h.api('GET', `/v1/subscriptions/${id}/secret`)).body.secret as string;

describe('secret rotation', () => {
  before(async () => {
    receiver = await new TestReceiver().start();
  });
  after(async () => {
    await receiver.stop();
  });
  beforeEach(async () => {
    receiver.requests.length = 0;
    h = await startTestHerald();
    await h.api('POST', '/v1/event-types', { name: 'order.paid', description: 'An order was paid' });
  });
  afterEach(async () => {
    await h.stop();
    removeDir(h.dir);
  });

  it('signs with both secrets, new first, during the window: receivers with the old or the new secret both verify', async () => {
    const sub = await subscription();
    const startedAt = Date.now();
    const res = await rotate(sub.id);
    assert.equal(res.status, 200, JSON.stringify(res.body));
    const fresh = res.body.secret;
    assert.match(fresh, /^whsec_[A-Za-z0-9+/]{32}$/);
    assert.notEqual(fresh, sub.secret);
    const expiresAt = Date.parse(res.body.previousSecretExpiresAt ?? '');
    assert.ok(expiresAt >= startedAt + DAY_MS && expiresAt <= Date.now() + DAY_MS, 'the previous secret stays valid 24 h by default');
    assert.equal(await currentSecret(sub.id), fresh, 'GET .../secret shows the new one');
    const shown = await h.api('GET', `/v1/subscriptions/${sub.id}/secret`);
    assert.deepEqual(
      shown.body,
      { secret: fresh, previousSecret: sub.secret, previousSecretExpiresAt: res.body.previousSecretExpiresAt },
      'and the previous one with its expiry while the overlap lasts',
    );

    const req = await deliver();
    const signatures = req.headers['webhook-signature']!.split(' ');
    assert.equal(signatures.length, 2);
    const id = req.headers['webhook-id']!;
    const ts = req.headers['webhook-timestamp']!;
    assert.equal(signatures[0], sign(fresh, id, ts, req.body), 'the new signature comes first');
    assert.equal(signatures[1], sign(sub.secret, id, ts, req.body));
    assert.ok(verifies(sub.secret, req), 'a receiver still holding the old secret verifies');
    assert.ok(verifies(fresh, req), 'a receiver with the new secret verifies');
    assert.equal(verifies(GIVEN, req), false, 'and an unrelated secret does not');
  });

  it('sends only the new signature once the previous secret expired', async () => {
    const sub = await subscription();
    const res = await rotate(sub.id, { secret: GIVEN, expiresInSeconds: 1 });
    assert.equal(res.status, 200);
    assert.equal(res.body.secret, GIVEN, 'a given secret is used as is');
    const during = await deliver();
    assert.equal(during.headers['webhook-signature']!.split(' ').length, 2);
    assert.ok(verifies(sub.secret, during));
    const expiresAt = Date.parse(res.body.previousSecretExpiresAt ?? '');
    await new Promise((r) => setTimeout(r, Math.max(0, expiresAt - Date.now()) + 50));
    const afterwards = await deliver();
    assert.equal(afterwards.headers['webhook-signature']!.split(' ').length, 1);
    assert.ok(verifies(GIVEN, afterwards));
    assert.equal(verifies(sub.secret, afterwards), false, 'the old secret no longer verifies');
    const shown = await h.api('GET', `/v1/subscriptions/${sub.id}/secret`);
    assert.deepEqual(shown.body, { secret: GIVEN, previousSecret: null, previousSecretExpiresAt: null }, 'an expired one is not shown');
  });

  it('with expiresInSeconds 0 ends the old secret at once; rotating again keeps only the one before', async () => {
    const sub = await subscription();
    const now = await rotate(sub.id, { expiresInSeconds: 0 });
    assert.equal(now.body.previousSecretExpiresAt, null);
    const req = await deliver();
    assert.equal(req.headers['webhook-signature']!.split(' ').length, 1);
    assert.ok(verifies(now.body.secret, req));
    assert.equal(verifies(sub.secret, req), false);

    const second = await rotate(sub.id);
    const third = await rotate(sub.id);
    const last = await deliver();
    const sigs = last.headers['webhook-signature']!.split(' ');
    assert.equal(sigs.length, 2);
    assert.ok(verifies(third.body.secret, last));
    assert.ok(verifies(second.body.secret, last));
    assert.equal(verifies(now.body.secret, last), false, 'only one previous secret is kept');
  });

  it('keeps the previous secret sealed in the database, like the current one', async () => {
    const sub = await subscription();
    const res = await rotate(sub.id);
    await deliver();
    const files = ['herald.db', 'herald.db-wal'].map((f) => join(h.dir, f)).filter((f) => existsSync(f));
    const bytes = Buffer.concat(files.map((f) => readFileSync(f)));
    for (const s of [sub.secret, res.body.secret]) assert.equal(bytes.includes(s.slice('whsec_'.length)), false);
  });

  it('rejects bad input with a clear 4xx and changes nothing', async () => {
    const sub = await subscription();
    const cases: [Json | string, number, string][] = [
      [{ secret: 'nope' }, 422, 'invalid_secret'],
      [{ secret: 'whsec_c2hvcnQ=' }, 422, 'invalid_secret'], // 5 bytes
      [{ secret: `whsec_${Buffer.alloc(65, 1).toString('base64')}` }, 422, 'invalid_secret'],
      [{ expiresInSeconds: -1 }, 400, 'validation_failed'],
      [{ expiresInSeconds: 8 * 24 * 3600 }, 400, 'validation_failed'],
      [{ expiresInSeconds: 'soon' }, 400, 'validation_failed'],
      [{ other: 1 }, 400, 'validation_failed'],
      ['{not json', 400, 'invalid_json'],
    ];
    for (const [body, status, code] of cases) {
      const res = await h.api('POST', `/v1/subscriptions/${sub.id}/secret/rotate`, body);
      assert.equal(res.status, status, `${JSON.stringify(body)} → ${JSON.stringify(res.body)}`);
      assert.equal(res.body.code, code);
    }
    assert.equal(await currentSecret(sub.id), sub.secret, 'nothing changed');
    const missing = await rotate('sub_00000000000000000000000000');
    assert.equal(missing.status, 404);
    const req = await deliver();
    assert.equal(req.headers['webhook-signature']!.split(' ').length, 1);
    assert.ok(verifies(sub.secret, req));
    const messages = await eventually(async () => {
      const list = await h.api<{ data: Json[] }>('GET', `/v1/messages?subscriptionId=${sub.id}`);
      return list.body.data.every((m) => m.status === 'succeeded') ? list.body.data : null;
    });
    assert.equal(messages.length, 1);
  });
});
