// Retention through what operators use: a Herald process deletes events past
// HERALD_RETENTION_DAYS at start (and hourly), keeping any event with a message still to deliver,
// and `herald purge` does the same once. Real SQLite file, real receiver, real HTTP; the CLI as a
// child process. Retention is given in fractions of a day so that "old" is a few milliseconds.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { removeDir, startTestHerald, type TestHerald, tempDir } from '../helpers/herald.js';
import { eventually, TestReceiver } from '../helpers/receiver.js';

const ROOT = new URL('../../', import.meta.url).pathname;
const DAY_MS = 86_400_000;
const AGE_MS = 300; // what counts as old in these tests
const RETENTION_DAYS = AGE_MS / DAY_MS;

type Json = Record<string, unknown>;

describe('retention', () => {
  let dir: string;
  let ok: TestReceiver;
  let failing: TestReceiver;
  let herald: TestHerald | null = null;

  before(async () => {
    dir = tempDir();
    ok = await new TestReceiver().start();
    failing = await new TestReceiver().start();
    failing.always({ status: 500, body: 'down' });
  });
  after(async () => {
    await herald?.stop();
    await ok.stop();
    await failing.stop();
    removeDir(dir);
  });

  const messagesOf = async (h: TestHerald, eventId: string) =>
    (await h.api<{ data: Json[] }>('GET', `/v1/messages?eventId=${eventId}&limit=10`)).body.data;

  async function send(h: TestHerald, type: string): Promise<string> {
    const res = await h.api<Json>('POST', '/v1/events', { type, data: { n: 1 } });
    assert.equal(res.status, 202, JSON.stringify(res.body));
    return res.body.id as string;
  }

  async function purgedCount(h: TestHerald, kind: string): Promise<number> {
    const text = await (await fetch(`${h.url}/metrics`)).text();
    return Number(new RegExp(`^herald_retention_purged_total\\{kind="${kind}"\\} (\\d+)`, 'm').exec(text)?.[1] ?? 0);
  }

  it('a delivering process deletes settled events past retention at start and keeps the rest', async () => {
    herald = await startTestHerald({}, dir); // 90 days: nothing is old yet
    const h = herald;
    for (const name of ['order.created', 'order.flaky']) {
      assert.equal((await h.api('POST', '/v1/event-types', { name, description: name })).status, 201);
    }
    const sbr = await h.api<Json>('POST', '/v1/subscribers', { name: 'acme' });
    const subscribe = async (url: string, type: string, retrySchedule: number[]) =>
      assert.equal(
        (await h.api('POST', `/v1/subscribers/${sbr.body.id}/subscriptions`, { url: `${url}/hook`, eventTypes: [type], retrySchedule }))
          .status,
        201,
      );
    await subscribe(ok.url, 'order.created', [1]);
    await subscribe(failing.url, 'order.flaky', [3600]); // fails once, then waits an hour: stays `retrying`
    const delivered = await send(h, 'order.created');
    const retrying = await send(h, 'order.flaky');
    await eventually(async () => (await messagesOf(h, delivered))[0]?.status === 'succeeded', 10_000, 'the delivery');
    await eventually(async () => (await messagesOf(h, retrying))[0]?.status === 'retrying', 10_000, 'the failed attempt');
    const deliveredMessage = (await messagesOf(h, delivered))[0]?.id as string;
    const eventsBefore = await purgedCount(h, 'events');
    await h.stop();
    herald = null;

    await new Promise((r) => setTimeout(r, AGE_MS + 50));
    herald = await startTestHerald({ retentionDays: RETENTION_DAYS }, dir);
    const h2 = herald;
    await eventually(async () => (await h2.api('GET', `/v1/events/${delivered}`)).status === 404, 10_000, 'the delivered event to go');
    assert.equal((await h2.api('GET', `/v1/messages/${deliveredMessage}`)).status, 404, 'its message goes with it');
    const kept = await h2.api<Json>('GET', `/v1/events/${retrying}`);
    assert.equal(kept.status, 200, 'an event with a message still retrying is kept');
    assert.equal((await messagesOf(h2, retrying))[0]?.status, 'retrying');
    assert.equal((await purgedCount(h2, 'events')) - eventsBefore, 1);
  });

  it('`herald purge` deletes what is past retention once, and refuses a --days that is not 0 or more', async () => {
    assert.ok(herald);
    const h = herald;
    const fresh = await send(h, 'order.created');
    await eventually(async () => (await messagesOf(h, fresh))[0]?.status === 'succeeded', 10_000, 'the delivery');
    await h.stop();
    herald = null;
    await new Promise((r) => setTimeout(r, AGE_MS + 50));

    const cli = (...args: string[]) =>
      spawnSync(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', 'purge', '--db', `sqlite:${join(dir, 'herald.db')}`, ...args], {
        cwd: ROOT,
        encoding: 'utf8',
        env: { ...process.env, HERALD_LOG_LEVEL: 'silent' },
        timeout: 60_000,
      });
    const keepAll = cli('--days', '0');
    assert.equal(keepAll.status, 0, keepAll.stderr);
    assert.match(keepAll.stdout, /retention is off/);
    for (const bad of [cli('--days=-1'), cli('--days', 'soon')]) {
      assert.equal(bad.status, 2, bad.stderr);
      assert.match(bad.stderr, /--days must be a number of days/);
    }
    const run = cli('--days', String(RETENTION_DAYS));
    assert.equal(run.status, 0, run.stderr);
    assert.match(run.stdout, /deleted 1 events and 1 messages older than/);

    herald = await startTestHerald({}, dir);
    assert.equal((await herald.api('GET', `/v1/events/${fresh}`)).status, 404);
    assert.equal(
      (await herald.api<{ data: Json[] }>('GET', '/v1/events?limit=10')).body.data.length,
      1,
      'the retrying event is all that is left',
    );
  });
});
