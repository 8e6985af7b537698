// Delivery logs (src/observability/delivery-log.ts): a real Herald on SQLite delivering to real
// receivers, its logger writing into a captured destination. A failed attempt and a message given
// up each leave a warn line with the ids; a success leaves a debug line; no credential appears.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { after, before, describe, it } from 'node:test';
import pino from 'pino';
import { resolveConfig } from '../../src/config/config.js';
import { logDeliveries } from '../../src/observability/delivery-log.js';
import { createLogger } from '../../src/observability/logger.js';
import { type RunningHerald, startHerald } from '../../src/server.js';
import type { AttemptOutcome } from '../../src/store/store.js';
import { ADMIN_KEY, removeDir, TEST_ALLOWED_NETWORKS, tempDir } from '../helpers/herald.js';
import { eventually, TestReceiver } from '../helpers/receiver.js';

type Line = Record<string, unknown> & { level: number; msg: string };
const WARN = 40;
const DEBUG = 20;
const HEADER_CREDENTIAL = 'receiver-api-key-do-not-log-5f1c';
const BASIC_PASSWORD = 'basic-password-do-not-log-9a7e';

/** A pino destination keeping every line it is given, parsed. */
class Captured extends Writable {
  readonly lines: Line[] = [];
  text = '';
  override _write(chunk: Buffer, _encoding: string, done: () => void): void {
    this.text += chunk.toString();
    for (const line of chunk.toString().split('\n')) if (line.trim()) this.lines.push(JSON.parse(line) as Line);
    done();
  }
}

describe('delivery logs', () => {
  const dir = tempDir();
  const logs = new Captured();
  let herald: RunningHerald;
  let flaky: TestReceiver; // 500, then 204
  let down: TestReceiver; // always 500
  const secrets: string[] = [ADMIN_KEY, HEADER_CREDENTIAL, BASIC_PASSWORD];

  async function api(method: string, path: string, body?: unknown): Promise<Record<string, unknown>> {
    const res = await fetch(herald.url + path, {
      method,
      headers: { authorization: `Bearer ${ADMIN_KEY}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const json = (await res.json()) as Record<string, unknown>;
    assert.ok(res.status < 300, `${method} ${path}: ${res.status} ${JSON.stringify(json)}`);
    return json;
  }

  async function subscribe(subscriberId: string, url: string, retrySchedule: number[]): Promise<string> {
    const sub = await api('POST', `/v1/subscribers/${subscriberId}/subscriptions`, {
      url,
      eventTypes: ['stock.changed'],
      retrySchedule,
      headers: { 'x-api-key': HEADER_CREDENTIAL },
      auth: { type: 'basic', username: 'herald', password: BASIC_PASSWORD },
    });
    secrets.push(sub.secret as string);
    return sub.id as string;
  }

  before(async () => {
    flaky = await new TestReceiver().start();
    down = await new TestReceiver().start();
    flaky.script(500).always(204);
    down.always(500);
    const config = resolveConfig({
      databaseUrl: `sqlite:${join(dir, 'herald.db')}`,
      adminKey: ADMIN_KEY,
      port: 0,
      host: '127.0.0.1',
      logLevel: 'debug',
      pollIntervalMs: 50,
      shutdownGraceMs: 2_000,
      allowedNetworks: TEST_ALLOWED_NETWORKS,
    });
    herald = await startHerald(config, createLogger('debug', { destination: logs }));
  });
  after(async () => {
    await herald.stop();
    await flaky.stop();
    await down.stop();
    removeDir(dir);
  });

  it('logs a failed attempt (warn), the retry that succeeds (debug) and a message given up (warn), with ids and no credential', async () => {
    await api('POST', '/v1/event-types', { name: 'stock.changed', description: 'Stock level changed' });
    const subscriber = await api('POST', '/v1/subscribers', { name: 'warehouse' });
    const flakyId = await subscribe(subscriber.id as string, `${flaky.url}/hook`, [0.05]);
    const downId = await subscribe(subscriber.id as string, `${down.url}/hook`, [0.05]);
    const event = await api('POST', '/v1/events', { type: 'stock.changed', data: { item: 'A1', level: 3 } });
    assert.equal(event.messages, 2);

    const delivery = (subscriptionId: string) =>
      logs.lines.filter((l) => l.component === 'delivery' && l.subscriptionId === subscriptionId);
    await eventually(async () => delivery(flakyId).length >= 2 && delivery(downId).length >= 2, 10_000, 'four delivery lines');

    const [failed, delivered] = delivery(flakyId);
    assert.equal(failed?.level, WARN);
    assert.match(failed!.msg, /delivery attempt 1 failed; retrying at /);
    assert.equal(failed!.attempt, 1);
    assert.equal(failed!.statusCode, 500);
    assert.equal(failed!.error, 'HTTP 500');
    assert.equal(failed!.eventType, 'stock.changed');
    assert.equal(failed!.subscriberId, subscriber.id);
    assert.match(String(failed!.messageId), /^msg_/);
    assert.equal(typeof failed!.durationMs, 'number');
    assert.equal(typeof failed!.retryAt, 'string');

    assert.equal(delivered?.level, DEBUG);
    assert.equal(delivered!.msg, 'delivered');
    assert.equal(delivered!.messageId, failed!.messageId);
    assert.equal(delivered!.attempt, 2);
    assert.equal(delivered!.statusCode, 204);

    const [first, last] = delivery(downId);
    assert.equal(first?.level, WARN);
    assert.equal(last?.level, WARN);
    assert.equal(last!.msg, 'delivery failed; message given up after 2 attempts');
    assert.equal(last!.attempt, 2);
    assert.equal(last!.statusCode, 500);

    // The receivers got the credentials; the log never carries them.
    assert.equal(flaky.requests[0]?.headers['x-api-key'], HEADER_CREDENTIAL);
    for (const secret of secrets) assert.ok(!logs.text.includes(secret), `the log must not contain ${secret.slice(0, 6)}...`);
  });
});

describe('delivery logs on the success path', () => {
  /** An outcome whose attempt counts how often its fields are read. */
  function counted(status: AttemptOutcome['status']): { outcome: AttemptOutcome; reads: () => number } {
    let reads = 0;
    const attempt = new Proxy(
      {},
      {
        get() {
          reads++;
          return 'x';
        },
      },
    ) as AttemptOutcome['attempt'];
    const outcome: AttemptOutcome = { attempt, status, attempts: 1, retries: 0, nextAttemptAt: null, health: null };
    return { outcome, reads: () => reads };
  }

  it('with debug off, a success builds nothing and writes nothing; a failure still logs', () => {
    const logs = new Captured();
    const logger = pino({ level: 'info' }, logs);
    const ok = counted('succeeded');
    logDeliveries(
      logger,
      Array.from({ length: 1_000 }, () => ok.outcome),
    );
    assert.equal(ok.reads(), 0, 'no field of a successful attempt is read');
    assert.equal(logs.lines.length, 0);
    const bad = counted('failed');
    logDeliveries(logger, [bad.outcome]);
    assert.ok(bad.reads() > 0);
    assert.equal(logs.lines.length, 1);
    assert.equal(logs.lines[0]!.level, WARN);
  });
});
