// Jiwa /auth sessions with several API processes on one PostgreSQL database: a session opened on
// one process is accepted by another (no sticky sessions), logging out on one ends it on all, and
// a session outlives the process that opened it. Real `herald serve` processes over real HTTP;
// under CI=true an unreachable PostgreSQL fails the file instead of skipping it.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { ADMIN_KEY } from '../helpers/herald.js';
import { createTestDatabase, requirePostgres, type TestDatabase } from '../helpers/postgres.js';
import { type HeraldProcess, serveProcess } from '../helpers/processes.js';

const skipReason = await requirePostgres();

describe('Jiwa sessions across API processes', { skip: skipReason ?? false }, () => {
  let db: TestDatabase;
  let one: HeraldProcess;
  let two: HeraldProcess;
  const env = { HERALD_PG_POOL_MAX: '3' };

  before(async () => {
    db = await createTestDatabase();
    one = await serveProcess('api', db.url, env);
    two = await serveProcess('api', db.url, env);
  });
  after(async () => {
    await Promise.all([one?.stop(), two?.stop()]);
    await db?.drop();
  });

  const login = async (base: string): Promise<string> => {
    const res = await fetch(`${base}/auth?UserName=admin&Password=${encodeURIComponent(ADMIN_KEY)}`, {
      headers: { accept: 'application/json' },
    });
    assert.equal(res.status, 200, await res.clone().text());
    return ((await res.json()) as { BearerToken: string }).BearerToken;
  };
  const createSubscriber = (base: string, token: string, name: string) =>
    fetch(`${base}/Webhooks/Subscribers`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', accept: 'application/json' },
      body: JSON.stringify({ Name: name }),
    }).then((r) => r.status);
  const logout = (base: string, token: string) =>
    fetch(`${base}/auth/logout`, { headers: { authorization: `Bearer ${token}`, accept: 'application/json' } }).then((r) => r.status);

  it('a session opened on one process works on the other, and logging out on one ends it on both', async () => {
    const token = await login(one.url);
    assert.equal(await createSubscriber(one.url, token, 'via one'), 201);
    assert.equal(await createSubscriber(two.url, token, 'via two'), 201, 'the other process knows the session');
    assert.equal(await logout(two.url, token), 200);
    assert.equal(await createSubscriber(one.url, token, 'after logout'), 401);
    assert.equal(await createSubscriber(two.url, token, 'after logout'), 401);
  });

  it('a session outlives the process that opened it', async () => {
    const token = await login(one.url);
    assert.equal(await one.stop(), 0);
    one = await serveProcess('api', db.url, env);
    assert.equal(await createSubscriber(one.url, token, 'after a restart'), 201);
    assert.equal(await createSubscriber(two.url, token, 'on the other'), 201);
  });
});
