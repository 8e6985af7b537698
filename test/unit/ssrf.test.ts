// The SSRF guard on its own: the address table, every spelling of a blocked URL, the allow-list,
// create-time resolution, and the connect-time guard inside a real HttpClient talking to a real
// receiver on 127.0.0.1 (and a real TLS server for certificate checks). Host names that do not exist
// are answered by a stub resolver, the only stand-in here: it plays the DNS server, including one
// that rebinds.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { rootCertificates } from 'node:tls';
import { ConfigError, fromEnv, resolveConfig } from '../../src/config/config.js';
import { HttpClient, type HttpResult } from '../../src/delivery/http-client.js';
import {
  checkAddress,
  checkUrlTarget,
  DEFAULT_POLICY,
  guardedConnector,
  loadCaBundle,
  type NetworkPolicy,
  networkPolicy,
  parseNetworks,
  type Resolve,
} from '../../src/delivery/ssrf.js';
import { TestReceiver } from '../helpers/receiver.js';

const FIXTURES = new URL('../fixtures/tls/', import.meta.url);
const CERT = readFileSync(new URL('localhost.pem', FIXTURES), 'utf8');
const KEY = readFileSync(new URL('localhost-key.pem', FIXTURES), 'utf8');

const policy = (allowed = '', requireHttps = false): NetworkPolicy => ({ allowed: parseNetworks(allowed), requireHttps });
/** A DNS server of the test's making: answers each lookup with the next list (the last one repeats). */
function fakeDns(...answers: string[][]): Resolve & { calls: string[] } {
  const calls: string[] = [];
  const resolve = async (hostname: string) => {
    const answer = answers[Math.min(calls.length, answers.length - 1)] ?? [];
    calls.push(hostname);
    return answer.map((address) => ({ address, family: address.includes(':') ? 6 : 4 }));
  };
  return Object.assign(resolve, { calls });
}

// address → the words its refusal must contain
const BLOCKED: [string, string][] = [
  ['127.0.0.1', 'loopback'],
  ['127.255.255.254', 'loopback'],
  ['10.1.2.3', 'private'],
  ['172.16.0.1', 'private'],
  ['172.31.255.255', 'private'],
  ['192.168.1.1', 'private'],
  ['169.254.169.254', 'link-local'],
  ['100.64.0.1', 'carrier-grade NAT'],
  ['100.127.255.255', 'carrier-grade NAT'],
  ['0.0.0.0', 'unspecified'],
  ['0.1.2.3', 'unspecified'],
  ['255.255.255.255', 'broadcast'],
  ['224.0.0.1', 'multicast'],
  ['239.255.255.250', 'multicast'],
  ['240.0.0.1', 'reserved'],
  ['192.0.2.10', 'documentation'],
  ['198.51.100.10', 'documentation'],
  ['203.0.113.10', 'documentation'],
  ['192.0.0.8', 'reserved'],
  ['198.18.0.1', 'reserved'],
  ['::1', 'loopback'],
  ['::', 'unspecified'],
  ['fe80::1', 'link-local'],
  ['febf::1', 'link-local'],
  ['fc00::1', 'unique-local'],
  ['fd12:3456::1', 'unique-local'],
  ['ff02::1', 'multicast'],
  ['2001:db8::1', 'reserved or documentation'],
  ['::ffff:7f00:1', 'IPv4-mapped IPv6 (::ffff:0:0/96), embedding 127.0.0.1'],
  ['::ffff:808:808', 'IPv4-mapped'], // the whole range, public or not
  ['64:ff9b::a9fe:a9fe', 'NAT64 IPv6 (64:ff9b::/96), embedding 169.254.169.254'],
  ['2002:7f00:1::1', '6to4 IPv6 (2002::/16), embedding 127.0.0.1'],
  ['::7f00:1', 'IPv4-compatible IPv6 (::/96), embedding 127.0.0.1'],
  ['2001::1', 'Teredo'],
  ['100::1', 'discard'],
  ['fec0::1', 'site-local'],
  ['1234::1', 'outside global unicast'],
];
const PUBLIC = [
  '8.8.8.8',
  '1.1.1.1',
  '93.184.216.34',
  '100.63.255.255',
  '100.128.0.0',
  '172.32.0.1',
  '2606:4700:4700::1111',
  '2a00:1450::1',
];

describe('checkAddress', () => {
  for (const [address, words] of BLOCKED) {
    it(`blocks ${address} (${words})`, () => {
      const verdict = checkAddress(address, DEFAULT_POLICY);
      assert.ok(verdict, `${address} passed`);
      assert.equal(verdict.address, address);
      assert.ok(verdict.reason.includes(words), `${address}: "${verdict.reason}" lacks "${words}"`);
    });
  }
  it('lets public addresses through', () => {
    for (const address of PUBLIC) assert.equal(checkAddress(address, DEFAULT_POLICY), null, address);
  });
  it('refuses what is not an address', () => {
    assert.equal(checkAddress('not-an-ip', DEFAULT_POLICY)?.reason, 'not a valid IP address');
  });
});

describe('allowed networks', () => {
  it('parses CIDRs and single addresses, and refuses anything else', () => {
    assert.equal(parseNetworks('').length, 0);
    assert.equal(parseNetworks(' 10.0.0.0/8 , fd00::/8,192.168.1.7 ,::1 ').length, 4);
    for (const bad of ['10/8', '1.2.3.4/33', '::1/129', 'foo', '10.0.0.0/8/8', '10.0.0.0/', '10.0.0.0/x', '10.0.0.0/-1', '0x7f000001/32']) {
      assert.throws(() => parseNetworks(bad), /is not a network/, bad);
    }
  });

  it('let exactly the listed ranges through', () => {
    const p = policy('127.0.0.0/8,::1/128,10.1.0.0/16');
    assert.equal(checkAddress('127.0.0.1', p), null);
    assert.equal(checkAddress('::1', p), null);
    assert.equal(checkAddress('::ffff:7f00:1', p), null, 'IPv4-mapped form of an allowed IPv4 address');
    assert.equal(checkAddress('10.1.200.3', p), null);
    assert.match(checkAddress('10.2.0.1', p)?.reason ?? '', /private/);
    assert.match(checkAddress('169.254.169.254', p)?.reason ?? '', /link-local/);
    assert.match(checkAddress('fe80::1', p)?.reason ?? '', /link-local/);
  });
});

describe('SSRF settings', () => {
  it('come from the environment and are validated at start', () => {
    const config = resolveConfig(
      fromEnv({ HERALD_ALLOWED_NETWORKS: '10.0.0.0/8, fd00::/8', HERALD_REQUIRE_HTTPS: 'true', HERALD_CA_FILE: '/etc/herald/ca.pem' }),
    );
    assert.equal(config.allowedNetworks, '10.0.0.0/8, fd00::/8');
    assert.equal(config.requireHttps, true);
    assert.equal(config.caFile, '/etc/herald/ca.pem');
    assert.deepEqual(networkPolicy(config).allowed.length, 2);
    const defaults = resolveConfig();
    assert.deepEqual([defaults.allowedNetworks, defaults.requireHttps, defaults.caFile], ['', false, null], 'safe defaults');
    assert.throws(
      () => resolveConfig(fromEnv({ HERALD_ALLOWED_NETWORKS: '10.0.0.0/8,10.0.0.300/32' })),
      (err: Error) => err instanceof ConfigError && /HERALD_ALLOWED_NETWORKS.*10\.0\.0\.300\/32/.test(err.message),
    );
    assert.throws(() => resolveConfig(fromEnv({ HERALD_REQUIRE_HTTPS: 'maybe' })), ConfigError);
  });
});

describe('checkUrlTarget at create time', () => {
  // Every spelling WHATWG URL parsing must turn into a blocked address, and what it is.
  const SPELLINGS: [string, RegExp][] = [
    ['http://127.0.0.1/', /^127\.0\.0\.1 is loopback$/],
    ['http://127.1/', /^127\.0\.0\.1 is loopback$/],
    ['http://2130706433/', /^127\.0\.0\.1 is loopback$/],
    ['http://0x7f000001/', /^127\.0\.0\.1 is loopback$/],
    ['http://017700000001/', /^127\.0\.0\.1 is loopback$/],
    ['http://0x7f.0.0.1/', /^127\.0\.0\.1 is loopback$/],
    ['http://0177.0.0.1/', /^127\.0\.0\.1 is loopback$/],
    ['http://127.0.0.1./', /^127\.0\.0\.1 is loopback$/],
    ['http://%31%32%37.0.0.1/', /^127\.0\.0\.1 is loopback$/],
    ['http://[::ffff:127.0.0.1]/', /^::ffff:7f00:1 is IPv4-mapped .* 127\.0\.0\.1$/],
    ['http://[::ffff:7f00:1]/', /^::ffff:7f00:1 is IPv4-mapped .* 127\.0\.0\.1$/],
    ['http://[0:0:0:0:0:ffff:7f00:1]/', /IPv4-mapped/],
    ['http://[::1]:8080/', /^::1 is loopback$/],
    ['http://[::]/', /unspecified/],
    ['http://0/', /^0\.0\.0\.0 is unspecified$/],
    ['http://169.254.169.254/latest/meta-data/', /link-local/],
    ['http://0xa9fea9fe/', /^169\.254\.169\.254 is link-local/],
    ['https://10.0.0.1/', /private/],
    ['https://[fd00::1]/', /unique-local/],
    ['http://[64:ff9b::7f00:1]/', /NAT64/],
    ['http://[2002:7f00:1::]/', /6to4/],
    ['http://[::127.0.0.1]/', /IPv4-compatible/],
  ];
  for (const [url, reason] of SPELLINGS) {
    it(`refuses ${url}`, async () => {
      assert.match((await checkUrlTarget(new URL(url), DEFAULT_POLICY, fakeDns([]))) ?? 'allowed', reason);
    });
  }

  it('checks every address a host name resolves to', async () => {
    const dns = fakeDns(['93.184.216.34', '10.0.0.7']);
    assert.equal(
      await checkUrlTarget(new URL('https://mixed.example/hook'), DEFAULT_POLICY, dns),
      'mixed.example resolves to 10.0.0.7, which is private (RFC 1918)',
    );
    assert.deepEqual(dns.calls, ['mixed.example']);
    assert.equal(await checkUrlTarget(new URL('https://public.example/hook'), DEFAULT_POLICY, fakeDns(['93.184.216.34'])), null);
  });

  it('resolves real names: localhost is loopback', async () => {
    assert.match(
      (await checkUrlTarget(new URL('http://localhost:9/'), DEFAULT_POLICY)) ?? 'allowed',
      /^localhost resolves to .* loopback$/,
    );
  });

  it('lets a name that does not resolve (now, or in time) through to the connect-time check', async () => {
    const failing: Resolve = async () => {
      throw Object.assign(new Error('getaddrinfo ENOTFOUND'), { code: 'ENOTFOUND' });
    };
    assert.equal(await checkUrlTarget(new URL('https://nowhere.invalid/'), DEFAULT_POLICY, failing), null);
    const hanging: Resolve = () => new Promise(() => {});
    const started = Date.now();
    assert.equal(await checkUrlTarget(new URL('https://slow.example/'), DEFAULT_POLICY, hanging, 100), null);
    assert.ok(Date.now() - started < 2_000);
  });

  it('requires https when the policy says so', async () => {
    const p = policy('', true);
    assert.match((await checkUrlTarget(new URL('http://public.example/'), p, fakeDns(['93.184.216.34']))) ?? '', /https is required/);
    assert.equal(await checkUrlTarget(new URL('https://public.example/'), p, fakeDns(['93.184.216.34'])), null);
  });

  it('lets allowed networks through', async () => {
    assert.equal(await checkUrlTarget(new URL('http://127.1:8080/'), policy('127.0.0.0/8')), null);
    assert.equal(await checkUrlTarget(new URL('http://localhost:8080/'), policy('127.0.0.0/8,::1/128')), null);
  });
});

describe('the connect-time guard in the HTTP client', () => {
  let receiver: TestReceiver;
  const clients: HttpClient[] = [];
  const client = (p: NetworkPolicy, resolve?: Resolve, ca?: string[]) => {
    const c = new HttpClient({
      connectionsPerOrigin: 4,
      responseBodyCapBytes: 1_024,
      connect: guardedConnector({ policy: p, ...(resolve ? { resolve } : {}), ...(ca ? { ca } : {}) }),
    });
    clients.push(c);
    return c;
  };
  const post = (c: HttpClient, url: string) => c.send({ url, method: 'POST', headers: {}, body: '{}', timeoutMs: 5_000 });
  const port = () => new URL(receiver.url).port;
  const assertBlocked = (result: HttpResult, message: string | RegExp) => {
    assert.equal(result.kind, 'error', JSON.stringify(result));
    if (result.kind !== 'error') return;
    assert.equal(result.code, 'blocked');
    if (typeof message === 'string') assert.equal(result.message, message);
    else assert.match(result.message, message);
  };

  before(async () => {
    receiver = await new TestReceiver().start();
  });
  after(async () => {
    for (const c of clients) await c.close();
    await receiver.stop();
  });

  it('refuses a literal blocked address without dialling it', async () => {
    const c = client(DEFAULT_POLICY);
    assertBlocked(await post(c, `${receiver.url}/hook`), '127.0.0.1 is loopback');
    assertBlocked(await post(c, `http://[::ffff:127.0.0.1]:${port()}/hook`), /^::ffff:7f00:1 is IPv4-mapped/);
    assertBlocked(await post(c, `http://2130706433:${port()}/hook`), '127.0.0.1 is loopback');
    assert.equal(receiver.requests.length, 0);
  });

  it('a client built without a connector uses the default policy', async () => {
    const c = new HttpClient({ connectionsPerOrigin: 1, responseBodyCapBytes: 1_024 });
    clients.push(c);
    assertBlocked(await post(c, `${receiver.url}/hook`), '127.0.0.1 is loopback');
    assert.equal(receiver.requests.length, 0);
  });

  it('refuses a host name that resolves to a blocked address', async () => {
    const c = client(DEFAULT_POLICY, fakeDns(['127.0.0.1']));
    assertBlocked(await post(c, `http://internal.test:${port()}/hook`), 'internal.test resolves to 127.0.0.1, which is loopback');
    assert.equal(receiver.requests.length, 0);
  });

  it('DNS rebinding: a name that was public at create time and is loopback at connect time is refused', async () => {
    const dns = fakeDns(['93.184.216.34'], ['127.0.0.1']);
    const url = `http://rebind.test:${port()}/hook`;
    assert.equal(await checkUrlTarget(new URL(url), DEFAULT_POLICY, dns), null, 'looked public when created');
    assertBlocked(await post(client(DEFAULT_POLICY, dns), url), 'rebind.test resolves to 127.0.0.1, which is loopback');
    assert.deepEqual(dns.calls, ['rebind.test', 'rebind.test']);
    assert.equal(receiver.requests.length, 0);
  });

  it('dials exactly the address it checked, with one lookup per connection', async () => {
    // receiver.test exists only in this stub: the request can arrive only through the checked answer.
    const dns = fakeDns(['127.0.0.1']);
    const c = client(policy('127.0.0.0/8'), dns);
    const result = await post(c, `http://receiver.test:${port()}/hook`);
    assert.equal(result.kind === 'response' && result.statusCode, 204, JSON.stringify(result));
    assert.equal(receiver.requests.length, 1);
    assert.equal(receiver.requests[0]?.headers.host, `receiver.test:${port()}`);
    assert.deepEqual(dns.calls, ['receiver.test']);
    receiver.requests.length = 0;
  });

  it('refuses plain http when https is required', async () => {
    assertBlocked(await post(client(policy('127.0.0.0/8', true)), `${receiver.url}/hook`), 'https is required (HERALD_REQUIRE_HTTPS)');
    assert.equal(receiver.requests.length, 0);
  });

  it('does not follow a redirect to the metadata service', async () => {
    receiver.script({ status: 302, headers: { location: 'http://169.254.169.254/latest/meta-data/' } });
    const result = await post(client(policy('127.0.0.0/8')), `${receiver.url}/hook`);
    assert.equal(result.kind === 'response' && result.statusCode, 302);
    assert.equal(receiver.requests.length, 1);
    receiver.requests.length = 0;
  });
});

describe('TLS', () => {
  let server: Server;
  let url = '';
  let dir = '';
  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'herald-tls-'));
    server = createServer({ cert: CERT, key: KEY }, (_req, res) => res.writeHead(200).end('ok'));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `https://localhost:${(server.address() as AddressInfo).port}/hook`;
  });
  after(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
    rmSync(dir, { recursive: true, force: true });
  });
  const local = policy('127.0.0.0/8,::1/128');
  const send = async (ca?: string[]) => {
    const c = new HttpClient({
      connectionsPerOrigin: 1,
      responseBodyCapBytes: 1_024,
      connect: guardedConnector({ policy: local, ...(ca ? { ca } : {}) }),
    });
    try {
      return await c.send({ url, method: 'POST', headers: {}, body: '{}', timeoutMs: 5_000 });
    } finally {
      await c.close();
    }
  };

  it('verifies certificates, even under NODE_TLS_REJECT_UNAUTHORIZED=0', async () => {
    const result = await send();
    assert.equal(result.kind === 'error' && result.code, 'tls_error', JSON.stringify(result));
    const before = process.env.NODE_TLS_REJECT_UNAUTHORIZED;
    process.env.NODE_TLS_REJECT_UNAUTHORIZED = '0';
    try {
      const lax = await send();
      assert.equal(lax.kind === 'error' && lax.code, 'tls_error', JSON.stringify(lax));
    } finally {
      if (before === undefined) delete process.env.NODE_TLS_REJECT_UNAUTHORIZED;
      else process.env.NODE_TLS_REJECT_UNAUTHORIZED = before;
    }
  });

  it('trusts an extra CA bundle (HERALD_CA_FILE) besides the built-in roots', async () => {
    const file = join(dir, 'extra-ca.pem');
    writeFileSync(file, `# our test CA\n${CERT}`);
    const ca = loadCaBundle(file);
    assert.equal(ca.length, rootCertificates.length + 1);
    const result = await send(ca);
    assert.equal(result.kind === 'response' && result.statusCode, 200, JSON.stringify(result));
  });

  it('refuses a CA file without a usable certificate', () => {
    const empty = join(dir, 'empty.pem');
    writeFileSync(empty, 'not a certificate');
    assert.throws(() => loadCaBundle(empty), /holds no PEM certificate/);
    const damaged = join(dir, 'damaged.pem');
    writeFileSync(damaged, '-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n');
    assert.throws(() => loadCaBundle(damaged));
    assert.throws(() => loadCaBundle(join(dir, 'missing.pem')), /ENOENT/);
  });
});
