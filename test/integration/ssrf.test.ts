// The SSRF guard through the API and a real Herald: every spelling of a blocked address refused when
// a subscription is created or changed (422 url_not_allowed, nothing stored); the allow-list letting
// the test receiver on 127.0.0.1 through; and at connect time, a subscription whose URL was allowed
// when it was created (the first Herald allowed 127.0.0.0/8) refused on the address actually dialled
// by a second Herald on the same database that does not allow it — including a host name
// (localhost) that resolves to 127.0.0.1. A redirect towards the metadata service is not followed.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { removeDir, startTestHerald, type TestHerald, tempDir } from '../helpers/herald.js';
import { eventually, TestReceiver } from '../helpers/receiver.js';
import { assertError, seed, startApi, type TestApi } from './api-helpers.js';

// Each spelling and the reason the answer must give.
const SPELLINGS: [string, RegExp][] = [
  ['http://127.0.0.1/hook', /127\.0\.0\.1 is loopback/],
  ['http://127.1/hook', /127\.0\.0\.1 is loopback/],
  ['http://2130706433/hook', /127\.0\.0\.1 is loopback/],
  ['http://0x7f000001/hook', /127\.0\.0\.1 is loopback/],
  ['http://017700000001/hook', /127\.0\.0\.1 is loopback/],
  ['http://0x7f.1/hook', /127\.0\.0\.1 is loopback/],
  ['http://[::ffff:127.0.0.1]/hook', /::ffff:7f00:1 is IPv4-mapped IPv6 .*127\.0\.0\.1/],
  ['http://[::ffff:7f00:1]/hook', /::ffff:7f00:1 is IPv4-mapped IPv6 .*127\.0\.0\.1/],
  ['http://[::1]/hook', /::1 is loopback/],
  ['http://localhost:8080/hook', /localhost resolves to .*loopback/],
  ['http://0.0.0.0/hook', /unspecified/],
  ['http://[::]/hook', /unspecified/],
  ['http://10.0.0.1/hook', /private/],
  ['http://172.16.5.4/hook', /private/],
  ['http://192.168.0.1/hook', /private/],
  ['http://169.254.169.254/latest/meta-data/', /link-local/],
  ['http://[fe80::1]/hook', /link-local/],
  ['http://100.64.0.1/hook', /carrier-grade NAT/],
  ['http://224.0.0.1/hook', /multicast/],
  ['http://255.255.255.255/hook', /broadcast/],
  ['http://192.0.2.1/hook', /documentation/],
  ['http://240.0.0.1/hook', /reserved/],
  ['http://[fd00::1]/hook', /unique-local/],
  ['http://[64:ff9b::a9fe:a9fe]/hook', /NAT64 .*169\.254\.169\.254/],
  ['http://[2002:a9fe:a9fe::1]/hook', /6to4 .*169\.254\.169\.254/],
  ['http://[::127.0.0.1]/hook', /IPv4-compatible/],
];

describe('SSRF guard at create and update time', () => {
  let api: TestApi;
  let subscriberId: string;
  let subscriptionId: string;
  const PUBLIC_URL = 'https://receiver.example.com/hooks';

  before(async () => {
    api = await startApi({ config: { allowedNetworks: '' } }); // Herald's default: nothing internal allowed
    ({ subscriberId, subscriptionId } = await seed(api, { url: PUBLIC_URL }));
  });
  after(async () => {
    await api.close();
  });

  const create = (url: string) =>
    api.call('POST', `/v1/subscribers/${subscriberId}/subscriptions`, { url, eventTypes: ['salesorder.created'] });
  const count = async () => (await api.call('GET', `/v1/subscribers/${subscriberId}/subscriptions`)).body.data.length;

  for (const [url, reason] of SPELLINGS) {
    it(`refuses ${url}`, async () => {
      const before = await count();
      const created = await create(url);
      assertError(created, 422, 'url_not_allowed');
      assert.match(created.body.message, reason);
      assert.match(created.body.details.reason, reason);
      const patched = await api.call('PATCH', `/v1/subscriptions/${subscriptionId}`, { url });
      assertError(patched, 422, 'url_not_allowed');
      assert.match(patched.body.details.reason, reason);
      assert.equal(await count(), before, 'nothing created');
      assert.equal((await api.call('GET', `/v1/subscriptions/${subscriptionId}`)).body.url, PUBLIC_URL, 'nothing changed');
    });
  }

  it('accepts public targets', async () => {
    const created = await create('https://hooks.example.com/in?x=1');
    assert.equal(created.status, 201, created.text);
  });

  it('refuses other schemes and credentials in the URL', async () => {
    for (const url of ['ftp://example.com/x', 'file:///etc/passwd', 'gopher://example.com/', 'javascript:alert(1)', 'ws://example.com/']) {
      assertError(await create(url), 422, 'invalid_url');
    }
    for (const url of ['https://user:pass@example.com/hook', 'https://user@example.com/hook', 'https://:secret@example.com/hook']) {
      const reply = await create(url);
      assertError(reply, 422, 'invalid_url');
      assert.match(reply.body.message, /credentials/);
    }
  });
});

describe('SSRF settings', () => {
  it('HERALD_ALLOWED_NETWORKS lets 127.0.0.1 (and only what it lists) through', async () => {
    const api = await startApi({ config: { allowedNetworks: '127.0.0.0/8' } });
    try {
      const { subscriberId } = await seed(api);
      const create = (url: string) =>
        api.call('POST', `/v1/subscribers/${subscriberId}/subscriptions`, { url, eventTypes: ['salesorder.created'] });
      for (const url of ['http://127.0.0.1:9/hook', 'http://127.1:9/hook', 'http://localhost:9/hook', 'http://[::ffff:127.0.0.1]:9/hook']) {
        assert.equal((await create(url)).status, 201, url);
      }
      assertError(await create('http://[::1]:9/hook'), 422, 'url_not_allowed');
      assertError(await create('http://10.0.0.1/hook'), 422, 'url_not_allowed');
      assertError(await create('http://169.254.169.254/'), 422, 'url_not_allowed');
    } finally {
      await api.close();
    }
  });

  it('HERALD_REQUIRE_HTTPS refuses http URLs', async () => {
    const api = await startApi({ config: { requireHttps: true } });
    try {
      const { subscriberId, subscriptionId } = await seed(api, { url: 'https://receiver.example.com/hooks' });
      const reply = await api.call('POST', `/v1/subscribers/${subscriberId}/subscriptions`, {
        url: 'http://receiver.example.com/hooks',
        eventTypes: ['salesorder.created'],
      });
      assertError(reply, 422, 'url_not_allowed');
      assert.match(reply.body.message, /https is required/);
      assertError(
        await api.call('PATCH', `/v1/subscriptions/${subscriptionId}`, { url: 'http://receiver.example.com/x' }),
        422,
        'url_not_allowed',
      );
    } finally {
      await api.close();
    }
  });

  it('a bad HERALD_ALLOWED_NETWORKS or HERALD_CA_FILE stops the start with a message naming it', async () => {
    const dir = tempDir();
    try {
      await assert.rejects(startTestHerald({ allowedNetworks: '10.0.0.0/33' }, dir), /allowedNetworks \(HERALD_ALLOWED_NETWORKS\)/);
      await assert.rejects(startTestHerald({ caFile: `${dir}/missing.pem` }, dir), /caFile \(HERALD_CA_FILE\)/);
    } finally {
      removeDir(dir);
    }
  });
});

describe('SSRF guard at connect time', () => {
  let receiver: TestReceiver;
  let dir: string;
  let h: TestHerald | null = null;

  before(async () => {
    receiver = await new TestReceiver().start();
    dir = tempDir();
  });
  after(async () => {
    await h?.stop();
    await receiver.stop();
    removeDir(dir);
  });

  type Attempt = { statusCode: number | null; error: string | null };
  async function attemptsOf(herald: TestHerald, subscriptionId: string, count: number): Promise<Attempt[]> {
    return eventually(
      async () => {
        const res = await herald.api<{ data: Attempt[] }>('GET', `/v1/attempts?subscriptionId=${subscriptionId}`);
        return res.body.data.length >= count ? res.body.data : null;
      },
      10_000,
      `${count} attempts of ${subscriptionId}`,
    );
  }

  it('refuses the dialled address although the URL was allowed when the subscription was created', async () => {
    const port = new URL(receiver.url).port;
    // First Herald: 127.0.0.0/8 allowed, so both subscriptions are accepted.
    const first = await startTestHerald({ allowedNetworks: '127.0.0.0/8' }, dir);
    h = first;
    assert.equal((await first.api('POST', '/v1/event-types', { name: 'salesorder.created' })).status, 201);
    const sbr = await first.api('POST', '/v1/subscribers', { name: 'acme' });
    const ids: string[] = [];
    for (const url of [`http://localhost:${port}/hook`, `http://127.0.0.1:${port}/hook`]) {
      const sub = await first.api('POST', `/v1/subscribers/${sbr.body.id}/subscriptions`, {
        url,
        eventTypes: ['salesorder.created'],
        retrySchedule: [0.05],
        enabled: true,
      });
      assert.equal(sub.status, 201, JSON.stringify(sub.body));
      ids.push(sub.body.id as string);
    }
    await first.stop();

    // Second Herald on the same database, with the default policy: both are blocked when dialled.
    const second = await startTestHerald({ allowedNetworks: '' }, dir);
    h = second;
    const sent = await second.api('POST', '/v1/events', { type: 'salesorder.created', data: { orderNo: 'SO-1' } });
    assert.equal(sent.status, 202, JSON.stringify(sent.body));
    const [byName, byAddress] = [await attemptsOf(second, ids[0]!, 2), await attemptsOf(second, ids[1]!, 2)];
    for (const a of byName)
      assert.deepEqual(a, { ...a, statusCode: null, error: 'blocked: localhost resolves to 127.0.0.1, which is loopback' });
    for (const a of byAddress) assert.deepEqual(a, { ...a, statusCode: null, error: 'blocked: 127.0.0.1 is loopback' });
    // Blocked attempts follow the normal retry rules: one retry, then failed.
    const messages = await second.api<{ data: { status: string; lastError: string }[] }>('GET', '/v1/messages');
    await eventually(
      async () => {
        const res = await second.api<{ data: { status: string }[] }>('GET', '/v1/messages');
        return res.body.data.every((m) => m.status === 'failed') ? true : null;
      },
      10_000,
      'both messages failed',
    );
    assert.equal(messages.body.data.length, 2);
    assert.equal(receiver.requests.length, 0, 'the receiver was never called');
  });

  it('does not follow a redirect to the cloud metadata address', async () => {
    await h?.stop();
    const herald = await startTestHerald(); // the test default: 127.0.0.0/8 allowed, 169.254.0.0/16 not
    h = herald;
    receiver.always({ status: 302, headers: { location: 'http://169.254.169.254/latest/meta-data/iam/security-credentials/' } });
    await herald.api('POST', '/v1/event-types', { name: 'salesorder.created' });
    const sbr = await herald.api('POST', '/v1/subscribers', { name: 'acme' });
    const sub = await herald.api('POST', `/v1/subscribers/${sbr.body.id}/subscriptions`, {
      url: `${receiver.url}/hook`,
      eventTypes: ['salesorder.created'],
      retrySchedule: [],
    });
    assert.equal(sub.status, 201, JSON.stringify(sub.body));
    await herald.api('POST', '/v1/events', { type: 'salesorder.created', data: { orderNo: 'SO-2' } });
    const [attempt] = await attemptsOf(herald, sub.body.id as string, 1);
    assert.equal(attempt?.statusCode, 302);
    assert.equal(attempt?.error, 'HTTP 302');
    await new Promise((resolve) => setTimeout(resolve, 200)); // room for a (wrong) follow-up request
    assert.equal(receiver.requests.length, 1, 'one request, to the receiver only');
    assert.equal(receiver.requests[0]?.path, '/hook');
  });
});
