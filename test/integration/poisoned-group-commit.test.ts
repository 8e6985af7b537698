// The poisoned group commit (issue 14): requests that share a transaction must not share a bad
// member's fate. 1,000 valid events sent concurrently with 15 poisoned ones (a NUL or a lone
// surrogate in the idempotency key, the data or the subscriber id; a number beyond a double) to a
// real Herald over HTTP, on SQLite and on PostgreSQL: every valid one 202 and stored, every poisoned
// one 400 with its code, nothing stored for it. Then the group commit's own split, on PostgreSQL
// where a NUL fails a transaction: a member that got past validation fails alone.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { Agent } from 'undici';
import { HeraldError } from '../../src/domain/errors.js';
import type { HeraldEvent } from '../../src/domain/glossary.js';
import { newId } from '../../src/domain/ids.js';
import { GroupCommit } from '../../src/ingest/group-commit.js';
import { postgresStore } from '../../src/store/postgres/postgres-store.js';
import { ADMIN_KEY, removeDir, startTestHerald, type TestHerald, tempDir } from '../helpers/herald.js';
import { createTestDatabase, requirePostgres, type TestDatabase } from '../helpers/postgres.js';

const VALID = 1_000;
const TEST_SECRET_KEY = 'cG9pc29uZWQgZ3JvdXAgY29tbWl0IHRlc3Qga2V5ISE='; // base64 of 32 bytes, tests only
const TYPE = 'order.created';

const pgSkip = await requirePostgres();

/** Poisoned bodies as raw JSON text (JSON.stringify could not write `1e999` or keep `\ud800` escaped). */
const POISONED: { body: string; code: string }[] = [
  ...['a\\u0000b', '\\u0000', 'k\\u0000\\u0000'].map((key) => ({
    body: `{"type":"${TYPE}","data":{},"idempotencyKey":"${key}"}`,
    code: 'invalid_string',
  })),
  ...['\\ud800', 'x\\udfff', '\\udbff\\u0041'].map((key) => ({
    body: `{"type":"${TYPE}","data":{},"idempotencyKey":"${key}"}`,
    code: 'invalid_string',
  })),
  { body: `{"type":"${TYPE}","data":{"note":"a\\u0000b"}}`, code: 'invalid_string' },
  { body: `{"type":"${TYPE}","data":{"list":["ok","\\ud83d"]}}`, code: 'invalid_string' },
  { body: `{"type":"${TYPE}","data":{"k\\u0000":1}}`, code: 'invalid_string' },
  { body: `{"type":"${TYPE}","data":{"total":1e999}}`, code: 'invalid_number' },
  { body: `{"type":"${TYPE}","data":{"deep":[{"n":-1e400}]}}`, code: 'invalid_number' },
  { body: `{"type":"${TYPE}","data":{},"subscriberId":"sbr_\\u0000"}`, code: 'invalid_string' },
  { body: `{"type":"${TYPE}","data":{},"channels":["eu\\u0000"]}`, code: 'invalid_string' },
  { body: `{"type":"order.\\u0000","data":{}}`, code: 'invalid_string' },
  { body: `{"type":"${TYPE}\\ud800","data":{}}`, code: 'invalid_string' },
];

async function poisonedGroupCommit(herald: TestHerald): Promise<void> {
  assert.equal(POISONED.length, 15);
  assert.equal((await herald.api('POST', '/v1/event-types', { name: TYPE, description: 'x' })).status, 201);
  const agent = new Agent({ connections: 64 });
  try {
    const send = async (body: string) => {
      const res = await fetch(`${herald.url}/v1/events`, {
        method: 'POST',
        headers: { authorization: `Bearer ${ADMIN_KEY}`, 'content-type': 'application/json' },
        body,
        // @ts-expect-error undici's dispatcher option, not in lib.dom's RequestInit
        dispatcher: agent,
      });
      return { status: res.status, body: (await res.json()) as { id?: string; code?: string } };
    };
    const valid = Array.from({ length: VALID }, (_, i) => JSON.stringify({ type: TYPE, data: { n: i }, idempotencyKey: `ok-${i}` }));
    // Interleaved, all in flight together, so the poisoned ones would share transactions with valid ones.
    const bodies = [...valid];
    POISONED.forEach((p, i) => {
      bodies.splice(Math.floor(((i + 1) * VALID) / (POISONED.length + 1)), 0, p.body);
    });
    const answers = await Promise.all(bodies.map(send));
    const byBody = new Map(bodies.map((b, i) => [b, answers[i]]));
    const ids = new Set<string>();
    for (const b of valid) {
      const answer = byBody.get(b);
      assert.equal(answer?.status, 202, `valid event answered ${JSON.stringify(answer)}`);
      ids.add(answer?.body.id as string);
    }
    for (const p of POISONED) {
      const answer = byBody.get(p.body);
      assert.equal(answer?.status, 400, `${p.body} answered ${JSON.stringify(answer)}`);
      assert.equal(answer?.body.code, p.code, p.body);
    }
    // Every valid event is stored, and nothing else.
    const stored = new Set<string>();
    let cursor: string | null = null;
    for (let pages = 0; pages < 20; pages++) {
      const query: string = cursor ? `&cursor=${cursor}` : '';
      const page = await herald.api<{ data: { id: string }[]; nextCursor: string | null }>('GET', `/v1/events?limit=1000${query}`);
      for (const e of page.body.data) stored.add(e.id);
      cursor = page.body.nextCursor;
      if (cursor === null) break;
    }
    assert.deepEqual([...stored].sort(), [...ids].sort());
  } finally {
    await agent.close();
  }
}

describe('poisoned group commit', () => {
  describe('SQLite', () => {
    let herald: TestHerald;
    const dir = tempDir();
    before(async () => {
      herald = await startTestHerald({}, dir);
    });
    after(async () => {
      await herald?.stop();
      removeDir(dir);
    });
    it('1,000 valid events 202 and stored, 15 poisoned ones 400', () => poisonedGroupCommit(herald));
  });

  describe('PostgreSQL', { skip: pgSkip ?? false }, () => {
    let herald: TestHerald;
    let db: TestDatabase;
    const dir = tempDir();
    before(async () => {
      db = await createTestDatabase();
      herald = await startTestHerald({ databaseUrl: db.url, secretKey: TEST_SECRET_KEY }, dir);
    });
    after(async () => {
      await herald?.stop();
      await db?.drop();
      removeDir(dir);
    });
    it('1,000 valid events 202 and stored, 15 poisoned ones 400', () => poisonedGroupCommit(herald));

    it('a member that fails its transaction fails alone: the group is split down to it', async () => {
      const store = postgresStore({ url: db.url, poolMax: 2 });
      try {
        const now = Date.now();
        const requests = Array.from({ length: 64 }, (_, i) => {
          const event: HeraldEvent = {
            id: newId('evt', now),
            type: TYPE,
            // PostgreSQL text cannot hold a NUL: past validation, this member fails any transaction it is in.
            dataJson: i === 37 ? '{"n":"\u0000"}' : `{"n":${i}}`,
            idempotencyKey: null,
            subscriberId: null,
            channels: null,
            createdAt: now,
          };
          return { event, requestHash: null };
        });
        const group = new GroupCommit(store);
        const results = await Promise.allSettled(requests.map((r) => group.submit(r)));
        results.forEach((r, i) => {
          if (i === 37) {
            assert.equal(r.status, 'rejected');
            assert.ok(r.status === 'rejected' && r.reason instanceof HeraldError && r.reason.code === 'bad_request', String(r));
          } else {
            assert.equal(r.status === 'fulfilled' && r.value.status, 'created', `request ${i}`);
          }
        });
        for (const [i, r] of requests.entries()) assert.equal((await store.getEvent(r.event.id)) !== null, i !== 37, `event ${i}`);
      } finally {
        await store.close();
      }
    });
  });
});
