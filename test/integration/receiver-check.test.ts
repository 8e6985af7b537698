// The conformance check (src/receiver/check.ts) against real receivers on 127.0.0.1: a correct one
// (built with herald/receiver, deduplicating on webhook-id), one accepting everything, one refusing
// everything, one redirecting; with Standard Webhooks and with JWT. Then `herald check-receiver` as
// a real child process (exit 0 / 1 / 2, table and JSON, the SSRF guard's refusal), and
// POST /v1/subscriptions/{id}/check on SQLite and PostgreSQL (scopes, the scorecard, 422 for a URL
// the guard refuses).
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { HttpClient } from '../../src/delivery/http-client.js';
import { deliveryConnector, networkPolicy } from '../../src/delivery/ssrf.js';
import { newSecret } from '../../src/domain/subscriptions.js';
import { adHocSubscription, checkReceiver, type Scorecard, TargetNotAllowedError } from '../../src/receiver/check.js';
import { nodeHandler } from '../../src/receiver/index.js';
import { ADMIN_KEY, removeDir, startTestHerald, TEST_ALLOWED_NETWORKS, type TestHerald, tempDir } from '../helpers/herald.js';
import { createTestDatabase, requirePostgres } from '../helpers/postgres.js';
import { startApi } from './api-helpers.js';

// biome-ignore lint/suspicious/noExplicitAny: parsed JSON of whatever shape the test checks
type Body = any;

const ROOT = new URL('../../', import.meta.url).pathname;
const pgSkip = await requirePostgres();
const SIGNATURE_CHECKS = [
  'valid',
  'tampered_body',
  'missing_signature',
  'wrong_signature',
  'timestamp_old',
  'timestamp_future',
  'repeated_id',
  'rotation',
];
const POSITIVE = new Set(['valid', 'repeated_id', 'rotation']);
const JWT_CHECKS = ['jwt_missing', 'jwt_wrong_key', 'jwt_expired'];

interface Receiver {
  url: string;
  server: Server;
  /** Messages a correct receiver processed (once per webhook-id). */
  processed: string[];
}

async function start(server: Server, processed: string[] = []): Promise<Receiver> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/webhooks`, server, processed };
}

/** A receiver done right: verifies with herald/receiver, acknowledges a repeated id without redoing it. */
function correctReceiver(secrets: { secret?: string; jwtSecret?: string }): Promise<Receiver> {
  const processed: string[] = [];
  const seen = new Set<string>();
  const server = createServer(
    nodeHandler(secrets, (webhook, _req, res) => {
      const key = webhook.id ?? `${webhook.claims?.webhook_id}:${webhook.timestamp}`;
      if (!seen.has(key)) {
        seen.add(key);
        processed.push(key);
      }
      res.writeHead(200, { 'content-type': 'application/json' }).end('{"ok":true}');
    }),
  );
  return start(server, processed);
}
const fixed = (status: number, headers: Record<string, string> = {}) =>
  start(
    createServer((req, res) => {
      req.resume();
      req.on('end', () => res.writeHead(status, headers).end(status === 401 ? '{"error":"go away"}' : ''));
    }),
  );
const stop = (r: Receiver | undefined) =>
  r &&
  new Promise<void>((resolve) => {
    r.server.closeAllConnections();
    r.server.close(() => resolve());
  });

const statusOf = (card: Scorecard, name: string) => card.checks.find((c) => c.name === name)?.status;

describe('checkReceiver against real receivers', () => {
  const secret = newSecret();
  const jwtSecret = 'a-jwt-secret-string-for-the-check';
  const client = new HttpClient({
    connectionsPerOrigin: 2,
    responseBodyCapBytes: 4096,
    connect: deliveryConnector({ allowedNetworks: TEST_ALLOWED_NETWORKS, requireHttps: false, caFile: null }),
  });
  const options = {
    client,
    policy: networkPolicy({ allowedNetworks: TEST_ALLOWED_NETWORKS, requireHttps: false }),
    publicUrl: 'http://herald.test',
    timeoutMs: 3_000,
  };
  const receivers: Receiver[] = [];
  after(async () => {
    for (const r of receivers) await stop(r);
    await client.close();
  });
  const track = async (r: Promise<Receiver>) => {
    const made = await r;
    receivers.push(made);
    return made;
  };

  it('a correct receiver passes every check; TLS over http:// is a warning; the repeated id is processed once', async () => {
    const receiver = await track(correctReceiver({ secret }));
    const card = await checkReceiver(adHocSubscription(receiver.url, { secret }, 3_000), options);
    assert.deepEqual(
      card.checks.map((c) => c.name),
      [...SIGNATURE_CHECKS, 'no_redirects', 'tls'],
    );
    for (const c of card.checks) if (c.name !== 'tls') assert.equal(c.status, 'passed', `${c.name}: ${c.why}`);
    assert.equal(statusOf(card, 'tls'), 'warning');
    assert.equal(card.passed, true);
    assert.deepEqual(card.summary, { passed: 9, failed: 0, warnings: 1 });
    // What was sent and received is in every request check.
    const valid = card.checks[0];
    assert.equal(valid?.sent?.method, 'POST');
    assert.match(valid?.sent?.headers['webhook-signature'] ?? '', /^v1,/);
    assert.match(valid?.sent?.body ?? '', /^\d+ bytes: \{"type":"herald.check"/);
    assert.equal(valid?.received?.status, 200);
    assert.equal(valid?.received?.body, '{"ok":true}');
    assert.equal(card.checks.find((c) => c.name === 'repeated_id')?.sent?.headers['webhook-id'], valid?.sent?.headers['webhook-id']);
    // valid and rotation processed; repeated_id acknowledged, not processed again.
    assert.equal(receiver.processed.length, 2);
  });

  it('a receiver accepting everything fails exactly the negative checks', async () => {
    const receiver = await track(fixed(200));
    const card = await checkReceiver(adHocSubscription(receiver.url, { secret }, 3_000), options);
    for (const name of SIGNATURE_CHECKS) assert.equal(statusOf(card, name), POSITIVE.has(name) ? 'passed' : 'failed', name);
    assert.equal(card.passed, false);
    assert.match(
      card.checks.find((c) => c.name === 'wrong_signature')?.why ?? '',
      /answered 200, expected 4xx: the signature is not verified/,
    );
  });

  it('a receiver refusing everything fails exactly the positive checks', async () => {
    const receiver = await track(fixed(401));
    const card = await checkReceiver(adHocSubscription(receiver.url, { secret }, 3_000), options);
    for (const name of SIGNATURE_CHECKS) assert.equal(statusOf(card, name), POSITIVE.has(name) ? 'failed' : 'passed', name);
    assert.equal(card.checks[0]?.received?.body, '{"error":"go away"}');
    assert.equal(card.passed, false);
  });

  it('JWT: a correct JWT receiver passes; one ignoring the JWT fails its checks', async () => {
    const good = await track(correctReceiver({ secret, jwtSecret }));
    const card = await checkReceiver(adHocSubscription(good.url, { secret, jwtSecret }, 3_000), options);
    for (const name of [...SIGNATURE_CHECKS, ...JWT_CHECKS])
      assert.equal(statusOf(card, name), 'passed', `${name}: ${card.checks.find((c) => c.name === name)?.why}`);
    assert.equal(card.checks[0]?.sent?.headers['authorization'], '********', 'the JWT is masked');
    const signatureOnly = await track(correctReceiver({ secret }));
    const lax = await checkReceiver(adHocSubscription(signatureOnly.url, { secret, jwtSecret }, 3_000), options);
    for (const name of JWT_CHECKS) assert.equal(statusOf(lax, name), 'failed', name);
    // JWT only (no signing): the signature checks are not applicable, said as a warning.
    const jwtOnly = await track(correctReceiver({ jwtSecret }));
    const only = await checkReceiver(adHocSubscription(jwtOnly.url, { jwtSecret }, 3_000), options);
    assert.equal(statusOf(only, 'signature'), 'warning');
    assert.equal(statusOf(only, 'jwt_expired'), 'passed');
    assert.equal(only.passed, true);
  });

  it('a redirect fails, saying Herald does not follow it; a 5xx to a bad request is not a refusal', async () => {
    const redirect = await track(fixed(302, { location: 'http://127.0.0.1:1/elsewhere' }));
    const card = await checkReceiver(adHocSubscription(redirect.url, { secret }, 3_000), options);
    assert.equal(statusOf(card, 'no_redirects'), 'failed');
    assert.match(card.checks[0]?.why ?? '', /302, a redirect to http:\/\/127.0.0.1:1\/elsewhere: Herald never follows redirects/);
    const crashing = await track(fixed(500));
    const crashed = await checkReceiver(adHocSubscription(crashing.url, { secret }, 3_000), options);
    assert.match(crashed.checks.find((c) => c.name === 'wrong_signature')?.why ?? '', /refuse it with a 4xx/);
  });

  it('a receiver too slow fails the valid check on the timeout', async () => {
    const slow = await track(
      start(
        createServer((req, res) => {
          req.resume();
          setTimeout(() => res.writeHead(200).end(), 1_500).unref();
        }),
      ),
    );
    const card = await checkReceiver(adHocSubscription(slow.url, { secret }, 300), { ...options, timeoutMs: 300 });
    assert.equal(statusOf(card, 'valid'), 'failed');
    assert.match(card.checks[0]?.why ?? '', /no complete answer within 300 ms/);
  });

  it('the SSRF guard: a loopback receiver without HERALD_ALLOWED_NETWORKS is refused before anything is sent', async () => {
    const receiver = await track(fixed(200));
    let hits = 0;
    receiver.server.on('request', () => hits++);
    await assert.rejects(
      checkReceiver(adHocSubscription(receiver.url, { secret }, 3_000), {
        ...options,
        policy: networkPolicy({ allowedNetworks: '', requireHttps: false }),
      }),
      (err: Error) => err instanceof TargetNotAllowedError && /127\.0\.0\.1 is loopback.*HERALD_ALLOWED_NETWORKS/.test(err.message),
    );
    assert.equal(hits, 0);
  });
});

/** `herald check-receiver ...` as a child process: its exit code, stdout and stderr. */
function cli(args: string[], env: Record<string, string> = {}): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const proc = spawn(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', 'check-receiver', ...args], {
      cwd: ROOT,
      env: { ...process.env, HERALD_ALLOWED_NETWORKS: '', HERALD_CONFIG: '', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    proc.stdout.on('data', (c: Buffer) => {
      stdout += c.toString();
    });
    proc.stderr.on('data', (c: Buffer) => {
      stderr += c.toString();
    });
    const timer = setTimeout(() => proc.kill('SIGKILL'), 60_000);
    proc.on('error', reject);
    proc.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

describe('herald check-receiver (child process)', () => {
  const secret = newSecret();
  let good: Receiver;
  let lax: Receiver;
  const allowed = { HERALD_ALLOWED_NETWORKS: '127.0.0.0/8' };
  before(async () => {
    good = await correctReceiver({ secret });
    lax = await fixed(204);
  });
  after(async () => {
    await stop(good);
    await stop(lax);
  });

  it('exits 0 with a table when the receiver conforms', async () => {
    const run = await cli([good.url, '--secret', secret, '--timeout', '5000'], allowed);
    assert.equal(run.code, 0, run.stderr + run.stdout);
    assert.match(run.stdout, /^CHECK +RESULT +GOT +WHY$/m);
    assert.match(run.stdout, /^tampered_body +pass +401 /m);
    assert.match(run.stdout, /9 passed, 0 failed, 1 warning: the receiver conforms/);
    assert.ok(!run.stdout.includes(secret), 'the secret is never printed');
  });

  it('exits 1 with the failed checks and what was sent, or the JSON scorecard', async () => {
    const run = await cli([lax.url, '--secret', secret], allowed);
    assert.equal(run.code, 1, run.stderr);
    assert.match(run.stdout, /^missing_signature +FAIL +204 +answered 204, expected 4xx: unsigned requests are accepted$/m);
    assert.match(run.stdout, /^ {2}received {2}204$/m);
    const json = await cli([lax.url, '--secret', secret, '--json'], allowed);
    assert.equal(json.code, 1);
    const card = JSON.parse(json.stdout) as Scorecard;
    assert.equal(card.passed, false);
    assert.equal(card.summary.failed, 5);
  });

  it('exits 2 with one line for bad arguments and for a URL the SSRF guard refuses', async () => {
    const processedBefore = good.processed.length;
    for (const [args, message] of [
      [[], /give the receiver URL/],
      [[good.url, '--secret', 'nope'], /--secret must be a Standard Webhooks secret/],
      [[good.url, '--secret', secret, '--timeout=-5'], /--timeout must be whole milliseconds/],
      [[good.url, '--secret', secret, '--wat'], /Unknown option '--wat'/],
    ] as const) {
      const run = await cli([...args]);
      assert.equal(run.code, 2, `${args.join(' ')}: ${run.stderr}`);
      assert.match(run.stderr, message);
      assert.equal(run.stderr.trim().split('\n').length, 1, `one line: ${run.stderr}`);
    }
    const blocked = await cli([good.url, '--secret', secret]); // HERALD_ALLOWED_NETWORKS empty
    assert.equal(blocked.code, 2);
    assert.match(blocked.stderr, /Herald may not call http:\/\/127\.0\.0\.1:\d+: 127\.0\.0\.1 is loopback/);
    assert.equal(good.processed.length, processedBefore, 'nothing was sent');
  });

  it('--help describes the command', async () => {
    const run = await cli(['--help']);
    assert.equal(run.code, 0);
    assert.match(run.stdout, /^usage: herald check-receiver URL/);
  });
});

function apiSuite(name: string, database: () => Promise<{ url?: string; drop: () => Promise<void> }>, skip: string | false) {
  describe(`POST /v1/subscriptions/{id}/check (${name})`, { skip }, () => {
    let h: TestHerald;
    let drop: () => Promise<void>;
    let good: Receiver;
    let lax: Receiver;
    const dir = tempDir();
    let subscriberId = '';
    before(async () => {
      const db = await database();
      drop = db.drop;
      h = await startTestHerald(db.url ? { databaseUrl: db.url, secretKey: 'c2NhbGUtb3V0IHRlc3RzIHNoYXJlIHRoaXMga2V5ISE=' } : {}, dir);
      subscriberId = (await h.api<Body>('POST', '/v1/subscribers', { name: 'check' })).body.id;
      lax = await fixed(202);
    });
    after(async () => {
      await h?.stop();
      await stop(good);
      await stop(lax);
      await drop?.();
      removeDir(dir);
    });
    const call = async (key: string, path: string, body?: unknown) => {
      const res = await fetch(h.url + path, {
        method: 'POST',
        headers: { authorization: `Bearer ${key}`, ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
        ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
      });
      return { status: res.status, body: (await res.json()) as Body };
    };

    it('scores the subscription with its own secret and JWT: all pass on a correct receiver, 200 with failures on a lax one', async () => {
      const created = await h.api<Body>('POST', `/v1/subscribers/${subscriberId}/subscriptions`, {
        url: 'http://127.0.0.1:1/placeholder',
        eventTypes: ['*'],
        auth: { type: 'jwt' },
      });
      assert.equal(created.status, 201, JSON.stringify(created.body));
      good = await correctReceiver({ secret: created.body.secret, jwtSecret: created.body.auth.secret });
      assert.equal((await h.api('PATCH', `/v1/subscriptions/${created.body.id}`, { url: good.url })).status, 200);
      const checked = await call(ADMIN_KEY, `/v1/subscriptions/${created.body.id}/check`, { timeoutMs: 5_000 });
      assert.equal(checked.status, 200, JSON.stringify(checked.body));
      const card = checked.body as Scorecard;
      assert.equal(card.passed, true, JSON.stringify(card.checks.filter((c) => c.status === 'failed')));
      assert.deepEqual(
        card.checks.map((c) => c.name),
        [...SIGNATURE_CHECKS, ...JWT_CHECKS, 'no_redirects', 'tls'],
      );
      assert.ok(!JSON.stringify(card).includes(created.body.auth.secret), 'no secret in the scorecard');

      const laxSub = await h.api<Body>('POST', `/v1/subscribers/${subscriberId}/subscriptions`, { url: lax.url, eventTypes: ['*'] });
      const laxCard = await call(ADMIN_KEY, `/v1/subscriptions/${laxSub.body.id}/check`);
      assert.equal(laxCard.status, 200);
      assert.equal(laxCard.body.passed, false);
      assert.equal(laxCard.body.summary.failed, 5);
      // Nothing was stored: no message for either subscription.
      assert.deepEqual((await h.api<Body>('GET', `/v1/messages?subscriptionId=${laxSub.body.id}`)).body.data, []);
      const audit = await h.api<Body>('GET', '/v1/audit-log');
      assert.ok(
        audit.body.data.some((e: Body) => e.action === 'subscription.check' && e.resourceId === laxSub.body.id),
        'the check is in the audit log',
      );
    });

    it('a subscriber key checks its own subscriptions only; a read key may not; bad input is a 4xx', async () => {
      const other = (await h.api<Body>('POST', '/v1/subscribers', { name: 'other' })).body.id;
      const mine = await h.api<Body>('POST', `/v1/subscribers/${subscriberId}/subscriptions`, { url: lax.url, eventTypes: ['*'] });
      const theirs = await h.api<Body>('POST', `/v1/subscribers/${other}/subscriptions`, { url: lax.url, eventTypes: ['*'] });
      const subscriberKey = (await h.api<Body>('POST', '/v1/api-keys', { name: 's', scope: 'subscriber', subscriberId })).body.key;
      const readKey = (await h.api<Body>('POST', '/v1/api-keys', { name: 'r', scope: 'read' })).body.key;
      assert.equal((await call(subscriberKey, `/v1/subscriptions/${mine.body.id}/check`)).status, 200);
      assert.equal((await call(subscriberKey, `/v1/subscriptions/${theirs.body.id}/check`)).status, 404);
      assert.equal((await call(readKey, `/v1/subscriptions/${mine.body.id}/check`)).status, 403);
      const badTimeout = await call(ADMIN_KEY, `/v1/subscriptions/${mine.body.id}/check`, { timeoutMs: 999_999 });
      assert.equal(badTimeout.status, 400);
      assert.equal((await call(ADMIN_KEY, '/v1/subscriptions/sub_nope/check')).status, 404);
    });
  });
}

apiSuite('SQLite', async () => ({ drop: async () => {} }), false);
apiSuite(
  'PostgreSQL',
  async () => {
    const db = await createTestDatabase();
    return { url: db.url, drop: db.drop };
  },
  pgSkip ?? false,
);

describe('POST /v1/subscriptions/{id}/check: the SSRF guard', () => {
  it('answers 422 url_not_allowed naming the reason when the URL is no longer allowed', async () => {
    const api = await startApi({ config: { allowedNetworks: '' } });
    try {
      const now = Date.now();
      const subscriber = await api.store.createSubscriber({
        id: 'sbr_01J0000000000000000000000A',
        name: 'x',
        enabled: true,
        metadata: null,
        createdAt: now,
        updatedAt: now,
      });
      const { subscriptionFixture } = await import('../helpers/fixtures.js');
      const sub = await api.store.createSubscription(subscriptionFixture({ subscriberId: subscriber.id, url: 'http://127.0.0.1:9/hook' }));
      const res = await api.call('POST', `/v1/subscriptions/${sub.id}/check`);
      assert.equal(res.status, 422);
      assert.equal(res.body.code, 'url_not_allowed');
      assert.match(res.body.message, /127\.0\.0\.1 is loopback/);
    } finally {
      await api.close();
    }
  });

  it('bad input is a 4xx with a stable code, never a 5xx', async () => {
    const api = await startApi();
    try {
      const now = Date.now();
      const subscriber = await api.store.createSubscriber({
        id: 'sbr_01J0000000000000000000000B',
        name: 'x',
        enabled: true,
        metadata: null,
        createdAt: now,
        updatedAt: now,
      });
      const { subscriptionFixture } = await import('../helpers/fixtures.js');
      const sub = await api.store.createSubscription(
        subscriptionFixture({ subscriberId: subscriber.id, url: 'http://127.0.0.1:9/hook', timeoutSeconds: 1 }),
      );
      const url = `/v1/subscriptions/${sub.id}/check`;
      const auth = { authorization: `Bearer ${ADMIN_KEY}`, 'content-type': 'application/json' };
      for (const payload of [
        '[]',
        '"x"',
        '{"timeoutMs":"abc"}',
        '{"timeoutMs":1.5}',
        '{"timeoutMs":1e308}',
        '{"extra":1}',
        '{',
        '{"timeoutMs":-1}',
      ]) {
        const res = await api.raw({ method: 'POST', url, payload, headers: auth });
        assert.equal(res.status, 400, `${payload}: ${res.text}`);
        assert.match(String(res.body.code), /^[a-z_]+$/);
      }
      for (const id of ['x', 'sub_', `${sub.id}x`, '%00', 'a'.repeat(200)]) {
        const res = await api.raw({
          method: 'POST',
          url: `/v1/subscriptions/${encodeURIComponent(id)}/check`,
          headers: auth,
          payload: '{}',
        });
        assert.ok(res.status >= 400 && res.status < 500, `${id}: ${res.status}`);
      }
      // An unreachable receiver is a scorecard of failures, not an error of the API.
      const res = await api.raw({ method: 'POST', url, headers: auth, payload: '{"timeoutMs":500}' });
      assert.equal(res.status, 200);
      assert.equal(res.body.passed, false);
      assert.match(res.body.checks[0].why, /connection_refused/);
    } finally {
      await api.close();
    }
  });
});
