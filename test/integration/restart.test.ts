// Process-level behaviour of `herald serve`: a killed process loses nothing accepted, and SIGTERM
// lets attempts in flight finish. Real child processes, a real SQLite file, a real receiver.
import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { sqliteStore } from '../../src/store/sqlite/sqlite-store.js';
import { ADMIN_KEY, removeDir, tempDir } from '../helpers/herald.js';
import { eventually, TestReceiver } from '../helpers/receiver.js';

const ROOT = new URL('../../', import.meta.url).pathname;

interface Child {
  proc: ChildProcess;
  url: string;
  exited: Promise<number | null>;
}

/** Starts `herald serve` on port 0 and resolves with its URL once it listens. */
function serve(db: string, env: Record<string, string> = {}): Promise<Child> {
  const proc = spawn(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', 'serve', '--port', '0', '--host', '127.0.0.1', '--db', db], {
    cwd: ROOT,
    env: { ...process.env, HERALD_ADMIN_KEY: ADMIN_KEY, HERALD_POLL_INTERVAL_MS: '50', HERALD_ALLOWED_NETWORKS: '127.0.0.0/8', ...env },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const exited = new Promise<number | null>((resolve) => proc.on('exit', (code) => resolve(code)));
  return new Promise((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error(`herald did not start: ${out}`)), 20_000);
    proc.stdout!.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const match = /"url":"(http:\/\/[^"]+)"/.exec(out);
      if (match) {
        clearTimeout(timer);
        resolve({ proc, url: match[1]!, exited });
      }
    });
    proc.on('exit', () => reject(new Error(`herald exited early: ${out}`)));
  });
}

async function api(base: string, method: string, path: string, body?: unknown) {
  const res = await fetch(base + path, {
    method,
    headers: { authorization: `Bearer ${ADMIN_KEY}`, 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

async function setup(base: string, receiverUrl: string): Promise<void> {
  assert.equal((await api(base, 'POST', '/v1/event-types', { name: 'stock.changed', description: 'Stock level changed' })).status, 201);
  const sbr = await api(base, 'POST', '/v1/subscribers', { name: 'warehouse' });
  const sub = await api(base, 'POST', `/v1/subscribers/${sbr.body.id}/subscriptions`, {
    url: `${receiverUrl}/hook`,
    eventTypes: ['stock.*'],
  });
  assert.equal(sub.status, 201);
}

async function ingest(base: string, count: number): Promise<void> {
  for (let i = 0; i < count; i += 100) {
    const events = Array.from({ length: Math.min(100, count - i) }, (_, j) => ({ type: 'stock.changed', data: { item: i + j } }));
    const res = await api(base, 'POST', '/v1/events/batch', { events });
    assert.equal(res.status, 202, JSON.stringify(res.body));
  }
}

async function countByStatus(dbPath: string): Promise<Record<string, number>> {
  const store = sqliteStore({ path: dbPath });
  try {
    const counts: Record<string, number> = {};
    let cursor: string | null = null;
    do {
      const page = await store.listMessages({ limit: 1000, cursor });
      for (const m of page.data) counts[m.status] = (counts[m.status] ?? 0) + 1;
      cursor = page.nextCursor;
    } while (cursor);
    return counts;
  } finally {
    await store.close();
  }
}

describe('herald serve as a process', () => {
  let receiver: TestReceiver;
  let dir: string;
  before(async () => {
    receiver = await new TestReceiver().start();
    dir = tempDir();
  });
  after(async () => {
    await receiver.stop();
    removeDir(dir);
  });

  it('delivers the whole backlog after kill -9 and a restart', async () => {
    const dbPath = join(dir, 'restart.db');
    receiver.requests.length = 0;
    // A slow receiver and few slots keep a backlog in the database when the process dies.
    receiver.always((res) => {
      setTimeout(() => res.writeHead(204).end(), 20).unref();
    });
    const first = await serve(`sqlite:${dbPath}`, { HERALD_CONCURRENCY: '8', HERALD_CLAIM_BATCH: '8' });
    await setup(first.url, receiver.url);
    await ingest(first.url, 400);
    await receiver.waitFor(40, 20_000);
    first.proc.kill('SIGKILL');
    await first.exited;
    const delivered = new Set(receiver.requests.map((r) => r.headers['webhook-id']));
    assert.ok(delivered.size < 400, 'the kill must land in the middle of the backlog');

    const second = await serve(`sqlite:${dbPath}`, { HERALD_CONCURRENCY: '64' });
    try {
      await eventually(
        async () => {
          const res = await api(second.url, 'GET', '/v1/messages?status=succeeded&limit=1000');
          return (res.body.data as unknown[]).length === 400;
        },
        30_000,
        'all 400 messages to succeed',
      );
    } finally {
      second.proc.kill('SIGTERM');
      await second.exited;
    }
    const ids = new Set(receiver.requests.map((r) => r.headers['webhook-id']));
    assert.equal(ids.size, 400, 'every message reached the receiver');
    assert.deepEqual(await countByStatus(dbPath), { succeeded: 400 });
  });

  it('SIGTERM lets attempts in flight finish and records them', async () => {
    const dbPath = join(dir, 'sigterm.db');
    receiver.requests.length = 0;
    receiver.always((res) => {
      setTimeout(() => res.writeHead(200).end('done'), 700).unref();
    });
    const child = await serve(`sqlite:${dbPath}`);
    await setup(child.url, receiver.url);
    await ingest(child.url, 5);
    await receiver.waitFor(5); // all five are now waiting for their slow answers
    const t0 = Date.now();
    child.proc.kill('SIGTERM');
    assert.equal(await child.exited, 0);
    assert.ok(Date.now() - t0 < 5_000, 'stopped within the grace period');
    assert.deepEqual(await countByStatus(dbPath), { succeeded: 5 });
  });
});
