import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { Webhook } from 'standardwebhooks';
import { sign } from '../../src/delivery/auth/standard-webhooks.js';
import { newSecret } from '../../src/domain/subscriptions.js';

// The vectors of ../shared/test-vectors, copied into the repository so a clone tests on its own; when
// the shared folder is there (a development checkout), the copy must still equal it.
const FIXTURE = new URL('../fixtures/standard-webhooks.json', import.meta.url);
const SHARED = new URL('../../../shared/test-vectors/standard-webhooks.json', import.meta.url);
const vectors = JSON.parse(readFileSync(FIXTURE, 'utf8')) as {
  hmac: { name: string; secret: string; id: string; timestamp: string; body: string; signature: string }[];
};

describe('Standard Webhooks signing', () => {
  it('uses the shared test vectors unchanged', { skip: existsSync(SHARED) ? false : 'no ../shared checkout here' }, () => {
    assert.deepEqual(JSON.parse(readFileSync(FIXTURE, 'utf8')), JSON.parse(readFileSync(SHARED, 'utf8')));
  });
  for (const v of vectors.hmac) {
    it(`reproduces vector ${v.name}`, () => {
      assert.equal(sign(v.secret, v.id, v.timestamp, v.body), v.signature);
    });
  }

  it('is verified by the standardwebhooks package', () => {
    const secret = newSecret(); // as subscriptions get them
    assert.match(secret, /^whsec_[A-Za-z0-9+/]{32}$/);
    const ts = Math.floor(Date.now() / 1000);
    const body = '{"type":"a.b","data":{"x":1}}';
    const headers = { 'webhook-id': 'msg_1', 'webhook-timestamp': String(ts), 'webhook-signature': sign(secret, 'msg_1', ts, body) };
    assert.deepEqual(new Webhook(secret).verify(body, headers), JSON.parse(body));
    assert.throws(() => new Webhook(secret).verify(body.replace('1', '2'), headers));
  });
});
