// `herald listen` (local mode) as a real child process (node --import tsx src/cli/main.ts listen),
// receiving a real Herald's deliveries: it verifies and prints each one and answers 204; a request
// with a bad signature is answered 401 and printed as refused; with --forward, a verified request
// reaches a real local service unchanged (headers, body bytes) and Herald records that service's
// status and body; an unreachable service is a 502; SIGINT stops it with exit code 0.
import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { after, before, describe, it } from 'node:test';
import { sign } from '../../src/delivery/auth/standard-webhooks.js';
import { removeDir, startTestHerald, type TestHerald } from '../helpers/herald.js';
import { eventually, TestReceiver } from '../helpers/receiver.js';

// biome-ignore lint/suspicious/noExplicitAny: parsed JSON of whatever shape the test checks
type Body = any;

const ROOT = new URL('../../', import.meta.url).pathname;
const START_TIMEOUT_MS = 45_000; // tsx start-up on a loaded machine

interface Listener {
  proc: ChildProcess;
  url: string;
  output: () => string;
  exited: Promise<number | null>;
}

const running = new Set<ChildProcess>();
after(() => {
  for (const proc of running) if (proc.exitCode === null && proc.signalCode === null) proc.kill('SIGKILL');
});

function listen(args: string[]): Promise<Listener> {
  const proc = spawn(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', 'listen', '--port', '0', ...args], {
    cwd: ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  running.add(proc);
  let out = '';
  proc.stdout?.on('data', (c: Buffer) => {
    out += c.toString();
  });
  proc.stderr?.on('data', (c: Buffer) => {
    out += c.toString();
  });
  const exited = new Promise<number | null>((resolve) => proc.on('exit', (code) => resolve(code)));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      proc.kill('SIGKILL');
      reject(new Error(`herald listen did not start:\n${out}`));
    }, START_TIMEOUT_MS);
    const onData = () => {
      const match = /(http:\/\/127\.0\.0\.1:\d+)/.exec(out);
      if (!match) return;
      clearTimeout(timer);
      proc.stdout?.off('data', onData);
      resolve({ proc, url: match[1] as string, output: () => out, exited });
    };
    proc.stdout?.on('data', onData);
    proc.on('exit', () => {
      clearTimeout(timer);
      reject(new Error(`herald listen exited:\n${out}`));
    });
  });
}

describe('herald listen (local mode, a real child process)', () => {
  let h: TestHerald;
  let subscriberId = '';
  before(async () => {
    h = await startTestHerald();
    assert.equal((await h.api('POST', '/v1/event-types', { name: 'order.created', description: 'An order was created' })).status, 201);
    subscriberId = (await h.api<Body>('POST', '/v1/subscribers', { name: 'listen' })).body.id;
  });
  after(async () => {
    await h?.stop();
    if (h) removeDir(h.dir);
  });

  /** A subscription whose secret the listener is started with, then pointed at it. */
  const subscription = async () => {
    const created = await h.api<Body>('POST', `/v1/subscribers/${subscriberId}/subscriptions`, {
      url: 'http://127.0.0.1:1/not-yet',
      eventTypes: ['order.created'],
      retrySchedule: [3600],
    });
    assert.equal(created.status, 201);
    return created.body as { id: string; secret: string };
  };
  const pointAt = async (id: string, url: string) => assert.equal((await h.api('PATCH', `/v1/subscriptions/${id}`, { url })).status, 200);
  const deliveredMessage = async (subscriptionId: string, status: string) =>
    eventually(
      async () => {
        const [m] = (await h.api<Body>('GET', `/v1/messages?subscriptionId=${subscriptionId}`)).body.data as Body[];
        return m?.status === status ? m : null;
      },
      15_000,
      `a ${status} message`,
    );

  it('verifies and prints Herald deliveries, answers 204; a bad signature gets 401; SIGINT stops it', async () => {
    const sub = await subscription();
    const listener = await listen(['--secret', sub.secret]);
    await pointAt(sub.id, `${listener.url}/hook`);
    assert.equal((await h.api('POST', '/v1/events', { type: 'order.created', data: { id: 'ord_1', total: 12.5 } })).status, 202);
    const message = await deliveredMessage(sub.id, 'succeeded');
    const [attempt] = (await h.api<Body>('GET', `/v1/attempts?messageId=${message.id}`)).body.data as Body[];
    assert.equal(attempt.statusCode, 204);
    await eventually(async () => listener.output().includes(message.id), 5_000, 'the printed request');
    const line =
      listener
        .output()
        .split('\n')
        .find((l) => l.includes(message.id)) ?? '';
    assert.match(line, /^\d\d:\d\d:\d\d\.\d{3} {2}POST \/hook {2}order\.created {2}msg_\w+ {2}verified$/);
    assert.match(listener.output(), /\n {4}"id": "ord_1",\n {4}"total": 12\.5\n/, 'the body pretty-printed');

    const ts = Math.floor(Date.now() / 1000);
    const body = '{"type":"order.created","data":{"id":"forged"}}';
    const forged = await fetch(`${listener.url}/hook`, {
      method: 'POST',
      headers: {
        'webhook-id': 'msg_forged',
        'webhook-timestamp': String(ts),
        'webhook-signature': sign('whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw', 'msg_forged', ts, body),
      },
      body,
    });
    assert.equal(forged.status, 401);
    assert.equal(((await forged.json()) as Body).reason, 'bad_signature');
    await eventually(async () => /msg_forged {2}REFUSED bad_signature: /.test(listener.output()), 5_000, 'the refusal printed');

    listener.proc.kill('SIGINT');
    assert.equal(await listener.exited, 0);
    assert.match(listener.output(), /stopped \(SIGINT\)/);
  });

  it('--forward: the local service gets the request unchanged and Herald its answer; unreachable: 502', async () => {
    const service = await new TestReceiver().start();
    service.always({ status: 201, headers: { 'content-type': 'application/json' }, body: '{"handled":true}' });
    const sub = await subscription();
    const listener = await listen(['--secret', sub.secret, '--forward', `${service.url}/local/webhooks`, '--json']);
    try {
      await pointAt(sub.id, `${listener.url}/hook`);
      assert.equal((await h.api('POST', '/v1/events', { type: 'order.created', data: { id: 'ord_2', note: 'caf\u00e9' } })).status, 202);
      const message = await deliveredMessage(sub.id, 'succeeded');
      const [attempt] = (await h.api<Body>('GET', `/v1/attempts?messageId=${message.id}`)).body.data as Body[];
      assert.equal(attempt.statusCode, 201, "Herald records the local service's status");
      assert.equal(attempt.responseBody, '{"handled":true}');
      const [got] = service.requests;
      assert.ok(got);
      assert.equal(got.method, 'POST');
      assert.equal(got.path, '/local/webhooks');
      assert.equal(got.headers['webhook-id'], message.id);
      assert.match(String(got.headers['webhook-signature']), /^v1,/);
      assert.equal(got.headers['user-agent'], attempt.requestHeaders['user-agent']);
      // The forwarded bytes still verify: they are the bytes Herald signed.
      assert.equal(got.headers['webhook-signature'], sign(sub.secret, message.id, String(got.headers['webhook-timestamp']), got.body));
      const printed = listener
        .output()
        .split('\n')
        .filter((l) => l.startsWith('{"time"'))
        .map((l) => JSON.parse(l));
      assert.equal(printed.length, 1);
      assert.equal(printed[0].id, message.id);
      assert.equal(printed[0].verified, true);
      assert.equal(printed[0].type, 'order.created');
      assert.deepEqual(printed[0].payload.data, { id: 'ord_2', note: 'caf\u00e9' });
      assert.deepEqual(printed[0].forwarded, { status: 201, error: null });

      // A refused request is not forwarded.
      const unsigned = await fetch(`${listener.url}/hook`, { method: 'POST', body: '{}' });
      assert.equal(unsigned.status, 401);
      assert.equal(service.requests.length, 1);

      await service.stop();
      const resent = await h.api<Body>('POST', `/v1/messages/${message.id}/resend`);
      assert.ok(resent.status < 300, JSON.stringify(resent.body));
      const failed = await eventually(
        async () => {
          const list = (await h.api<Body>('GET', `/v1/attempts?messageId=${message.id}`)).body.data as Body[];
          return list.find((a) => a.statusCode === 502) ?? null;
        },
        15_000,
        'a 502 attempt',
      );
      assert.match(failed.responseBody, /cannot be reached: ECONNREFUSED/);
    } finally {
      listener.proc.kill('SIGINT');
      assert.equal(await listener.exited, 0);
    }
  });

  it('bad arguments: one line, exit 2', async () => {
    const proc = spawn(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', 'listen', '--port', '70000', '--secret', 'whsec_AAAA'], {
      cwd: ROOT,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    running.add(proc);
    let err = '';
    proc.stderr.on('data', (c: Buffer) => {
      err += c.toString();
    });
    const code = await new Promise<number | null>((resolve) => proc.on('exit', resolve));
    assert.equal(code, 2);
    assert.equal(err.trim(), 'herald listen: --port must be a port number from 0 to 65535 (got "70000") (herald listen --help)');
  });
});
