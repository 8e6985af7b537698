// SQLite without a usable disk (issue 14, finding 5): a real Herald, its database on a small tmpfs
// mounted for the test, filled up with a filler file until commits fail with SQLITE_FULL. Ingest
// must answer 503 store_unavailable with Retry-After (never 500), /readyz must be not ready, and
// once the filler is gone both recover and every event answered 202 is stored and delivered.
// Then `herald serve` on a database on a read-only mount: one clear line, no stack trace.
//
// Mounting needs root (CAP_SYS_ADMIN), and as root file modes do not stop writes: only a
// read-only mount makes a database read-only for real. Where mounting is refused the tests skip.
import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, rmdirSync, rmSync, statfsSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it, type TestContext } from 'node:test';
import { HeraldError } from '../../src/domain/errors.js';
import { newId } from '../../src/domain/ids.js';
import { sqliteStore } from '../../src/store/sqlite/sqlite-store.js';
import { ADMIN_KEY, startTestHerald, type TestHerald } from '../helpers/herald.js';
import { eventually, TestReceiver } from '../helpers/receiver.js';

const ROOT = new URL('../../', import.meta.url).pathname;
const TYPE = 'stock.changed';
const LEFT_FREE = 320 * 1024; // bytes the filler leaves: a few batches
const BATCH = 20;
const MAX_BATCHES = 400; // bounded: the disk is full long before

/** Mounts a tmpfs on a new directory; returns it, or why mounting is not possible here. */
function mountTmpfs(options: string): { dir: string } | { refused: string } {
  const dir = mkdtempSync(join(tmpdir(), 'herald-mnt-'));
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', options, 'tmpfs', dir], { stdio: 'pipe' });
    return { dir };
  } catch (err) {
    rmdirSync(dir);
    const stderr = (err as { stderr?: Buffer }).stderr?.toString().trim();
    return { refused: (stderr || (err as Error).message).split('\n')[0]! };
  }
}

function unmount(dir: string): void {
  try {
    execFileSync('umount', [dir], { stdio: 'pipe' });
  } catch {
    execFileSync('umount', ['-l', dir], { stdio: 'pipe' }); // lazily, should a file still be open
  }
  rmdirSync(dir);
}

function skipUnmountable(t: TestContext, refused: string): void {
  t.skip(
    `cannot mount a tmpfs on this machine (${refused}): the test needs mount permission (root with CAP_SYS_ADMIN), ` +
      'which is a property of the machine, not of the code, so it is skipped wherever it is missing, under CI too',
  );
}

function freeBytes(dir: string): number {
  const s = statfsSync(dir);
  return s.bavail * s.bsize;
}

interface Answer {
  status: number;
  retryAfter: string | null;
  body: Record<string, unknown>;
}

async function call(base: string, method: string, path: string, body?: unknown): Promise<Answer> {
  const res = await fetch(base + path, {
    method,
    headers: { authorization: `Bearer ${ADMIN_KEY}`, ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
    body: body === undefined ? undefined : JSON.stringify(body),
    signal: AbortSignal.timeout(30_000),
  });
  const text = await res.text();
  return {
    status: res.status,
    retryAfter: res.headers.get('retry-after'),
    body: text ? (JSON.parse(text) as Record<string, unknown>) : {},
  };
}

/** Every item of a list endpoint, following nextCursor. */
async function listAll(herald: TestHerald, path: string): Promise<Record<string, unknown>[]> {
  const items: Record<string, unknown>[] = [];
  let cursor: string | null = null;
  for (let pages = 0; pages < 100; pages++) {
    const res = await call(herald.url, 'GET', `${path}${path.includes('?') ? '&' : '?'}limit=1000${cursor ? `&cursor=${cursor}` : ''}`);
    assert.equal(res.status, 200, JSON.stringify(res.body));
    items.push(...(res.body.data as Record<string, unknown>[]));
    cursor = res.body.nextCursor as string | null;
    if (!cursor) return items;
  }
  throw new Error(`${path}: more than 100 pages`);
}

function assertUnavailable(res: Answer, what: string): void {
  assert.equal(res.status, 503, `${what}: ${res.status} ${JSON.stringify(res.body)}`);
  assert.equal(res.body.code, 'store_unavailable', what);
  assert.equal(res.retryAfter, '5', `${what} carries Retry-After`);
}

describe('SQLite on a full disk', () => {
  it('answers 503 store_unavailable with Retry-After, is not ready, recovers, and loses nothing accepted', async (t) => {
    const mounted = mountTmpfs('size=8m');
    if ('refused' in mounted) return skipUnmountable(t, mounted.refused);
    const { dir } = mounted;
    const filler = join(dir, 'filler');
    const receiver = await new TestReceiver().start();
    let herald: TestHerald | null = null;
    try {
      herald = await startTestHerald({}, dir);
      const base = herald.url;
      assert.equal((await call(base, 'POST', '/v1/event-types', { name: TYPE, description: 'Stock level changed' })).status, 201);
      const sbr = await call(base, 'POST', '/v1/subscribers', { name: 'warehouse' });
      const sub = await call(base, 'POST', `/v1/subscribers/${sbr.body.id}/subscriptions`, {
        url: `${receiver.url}/hook`,
        eventTypes: ['stock.*'],
      });
      assert.equal(sub.status, 201, JSON.stringify(sub.body));
      assert.equal((await call(base, 'GET', '/readyz')).status, 200);

      // Leave the database a little room, then ingest until commits fail.
      writeFileSync(filler, Buffer.alloc(Math.max(0, freeBytes(dir) - LEFT_FREE)));
      const accepted = new Set<string>();
      const statuses = new Map<number, number>();
      let unavailable = 0;
      let n = 0;
      for (let i = 0; i < MAX_BATCHES && unavailable < 3; i++) {
        const events = Array.from({ length: BATCH }, () => ({ type: TYPE, data: { n: n++, pad: 'x'.repeat(2_000) } }));
        const res = await call(base, 'POST', '/v1/events/batch', { events });
        statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
        if (res.status === 202) {
          for (const item of res.body.data as { id?: string; error?: unknown }[]) {
            assert.ok(item.id, `every event of a 202 batch is accepted: ${JSON.stringify(item)}`);
            accepted.add(item.id);
          }
          continue;
        }
        assertUnavailable(res, 'a batch on a full disk');
        assert.match(res.body.message as string, /disk is full|I\/O error/);
        unavailable++;
      }
      assert.deepEqual([...statuses.keys()].sort(), [202, 503], `only 202 and 503 answers: ${JSON.stringify([...statuses])}`);
      assert.ok(accepted.size > 0, 'some events fit before the disk filled');
      t.diagnostic(`${accepted.size} events accepted before the disk filled; answers: ${JSON.stringify([...statuses])}`);

      // A single event too, and readiness: not ready, with the reason.
      assertUnavailable(await call(base, 'POST', '/v1/events', { type: TYPE, data: { pad: 'y'.repeat(20_000) } }), 'one event');
      const notReady = await call(base, 'GET', '/readyz');
      assertUnavailable(notReady, '/readyz on a full disk');
      assert.match(notReady.body.message as string, /disk is full|I\/O error/);
      assertUnavailable(await call(base, 'GET', '/readyz'), '/readyz again: still no write succeeds');

      // Room again: ingest works and readiness comes back.
      unlinkSync(filler);
      const after = await eventually(
        async () => {
          const res = await call(base, 'POST', '/v1/events/batch', { events: [{ type: TYPE, data: { n: n++, after: true } }] });
          return res.status === 202 ? res : null;
        },
        10_000,
        'ingest to work again',
      );
      accepted.add((after.body.data as { id: string }[])[0]!.id);
      assert.equal((await call(base, 'GET', '/readyz')).status, 200, 'ready again once a write succeeds');

      // Nothing accepted is lost: every 202'd event is stored, and delivered.
      const stored = new Set((await listAll(herald, '/v1/events')).map((e) => e.id as string));
      for (const id of accepted) assert.ok(stored.has(id), `accepted event ${id} is stored`);
      await eventually(
        async () => {
          const succeeded = new Set((await listAll(herald!, '/v1/messages?status=succeeded')).map((m) => m.eventId as string));
          return [...accepted].every((id) => succeeded.has(id));
        },
        60_000,
        `all ${accepted.size} accepted events delivered`,
      );
      assert.ok(receiver.requests.length >= accepted.size);
    } finally {
      rmSync(filler, { force: true }); // room again, so that a failed test stops promptly
      await herald?.stop().catch(() => {});
      await receiver.stop();
      unmount(dir);
    }
  });
});

describe('SqliteStore in this process on a full disk', () => {
  it('throws HeraldError store_unavailable, fails ping until there is room, and keeps what it committed', async (t) => {
    const mounted = mountTmpfs('size=4m');
    if ('refused' in mounted) return skipUnmountable(t, mounted.refused);
    const { dir } = mounted;
    const filler = join(dir, 'filler');
    const store = sqliteStore({ path: join(dir, 'herald.db') });
    try {
      await store.migrate();
      const now = Date.now();
      await store.createEventType({ name: TYPE, description: 'x', schema: null, example: null, createdAt: now, updatedAt: now });
      writeFileSync(filler, Buffer.alloc(Math.max(0, freeBytes(dir) - LEFT_FREE)));
      const committed: string[] = [];
      let failure: unknown = null;
      for (let i = 0; i < MAX_BATCHES && failure === null; i++) {
        const requests = Array.from({ length: BATCH }, () => {
          const id = newId('evt');
          const dataJson = JSON.stringify({ pad: 'x'.repeat(2_000) });
          return {
            event: { id, type: TYPE, dataJson, idempotencyKey: null, subscriberId: null, channels: null, createdAt: Date.now() },
            requestHash: null,
          };
        });
        try {
          await store.ingest(requests);
          committed.push(...requests.map((r) => r.event.id));
        } catch (err) {
          failure = err;
        }
      }
      assert.ok(failure instanceof HeraldError, `a HeraldError, not ${String(failure)}`);
      assert.equal(failure.code, 'store_unavailable');
      assert.match(failure.message, /disk is full \(SQLITE_FULL\)/);
      await assert.rejects(store.ping(), (err) => err instanceof HeraldError && err.code === 'store_unavailable', 'not ready');
      unlinkSync(filler);
      await store.ping();
      for (const id of committed) assert.ok(await store.getEvent(id), `committed event ${id} is kept`);
    } finally {
      rmSync(filler, { force: true });
      await store.close();
      unmount(dir);
    }
  });
});

describe('SQLite on a read-only mount', () => {
  it('`herald serve` prints one clear line, no stack trace, and exits non-zero', async (t) => {
    const mounted = mountTmpfs('size=8m');
    if ('refused' in mounted) return skipUnmountable(t, mounted.refused);
    const { dir } = mounted;
    try {
      const db = join(dir, 'herald.db');
      const store = sqliteStore({ path: db });
      await store.migrate();
      await store.close();
      execFileSync('mount', ['-o', 'remount,ro', dir], { stdio: 'pipe' });

      const proc = spawn(
        process.execPath,
        ['--import', 'tsx', 'src/cli/main.ts', 'serve', '--port', '0', '--host', '127.0.0.1', '--db', `sqlite:${db}`],
        {
          cwd: ROOT,
          env: { ...process.env, HERALD_ADMIN_KEY: ADMIN_KEY, HERALD_SECRET_KEY: 'cmVhZC1vbmx5IG1vdW50IHRlc3Qga2V5IDEyMzQ1Njc=' },
          stdio: ['ignore', 'pipe', 'pipe'],
        },
      );
      let stdout = '';
      let stderr = '';
      proc.stdout.on('data', (c: Buffer) => {
        stdout += c.toString();
      });
      proc.stderr.on('data', (c: Buffer) => {
        stderr += c.toString();
      });
      const timer = setTimeout(() => proc.kill('SIGKILL'), 45_000);
      const code = await new Promise<number | null>((resolve) => proc.on('close', (c) => resolve(c)));
      clearTimeout(timer);

      assert.notEqual(code, 0, `exits non-zero (stdout: ${stdout})`);
      assert.notEqual(code, null, 'exits by itself, not killed');
      const lines = stderr.trimEnd().split('\n');
      assert.equal(lines.length, 1, `one line on stderr:\n${stderr}`);
      assert.match(
        lines[0]!,
        new RegExp(
          `^herald: cannot (open|write) the database at ${db.replaceAll('/', '\\/')}: .*read-only file system \\(SQLITE_[A-Z_]+\\)$`,
        ),
      );
      assert.doesNotMatch(stderr + stdout, /^\s+at /m, 'no stack trace');
    } finally {
      unmount(dir);
    }
  });
});
