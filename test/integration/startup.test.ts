// Start-up of a real `herald serve` process: the one line naming the URLs that matter (API, docs,
// dashboard, metrics), each of which answers; and the generated admin key of a first start,
// printed once, by a process that serves the API — on PostgreSQL never by a worker.
import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { startupMessage, startupUrls } from '../../src/server.js';
import { removeDir, tempDir } from '../helpers/herald.js';
import { createTestDatabase, requirePostgres } from '../helpers/postgres.js';
import { type HeraldProcess, serveProcess } from '../helpers/processes.js';
import { eventually } from '../helpers/receiver.js';

const GENERATED_KEY = /Herald admin API key \(shown once, store it now\):\s+(hk_[A-Za-z0-9_-]+)/;
const FIRST_START = { HERALD_ADMIN_KEY: '' }; // no key configured: the first start generates one

/** The parsed start-up line of a process's output (JSON, stdout is not a terminal). */
function startupLine(p: HeraldProcess): { msg: string; urls: Record<string, string> } {
  for (const line of p.output().split('\n')) {
    if (!line.startsWith('{')) continue;
    const parsed = JSON.parse(line) as { msg: string; urls?: Record<string, string> };
    if (parsed.msg.startsWith('herald is running')) return parsed as { msg: string; urls: Record<string, string> };
  }
  throw new Error(`no start-up line in:\n${p.output()}`);
}

describe('start-up', () => {
  const dir = tempDir();
  after(() => removeDir(dir));

  it('names API, docs, dashboard and metrics once, each answering; prints the generated admin key once', async () => {
    const herald = await serveProcess('all', `sqlite:${dir}/herald.db`, FIRST_START);
    try {
      const { msg, urls } = startupLine(herald);
      assert.deepEqual(urls, {
        api: `${herald.url}/v1`,
        docs: `${herald.url}/docs`,
        dashboard: `${herald.url}/ui/`,
        metrics: `${herald.url}/metrics`,
      });
      for (const url of Object.values(urls)) assert.ok(msg.includes(url), `the message itself names ${url}`);
      assert.equal(herald.output().split('herald is running').length, 2, 'printed once');
      const key = (await eventually(async () => GENERATED_KEY.exec(herald.output()), 5_000, 'the generated key'))[1]!;
      const list = await fetch(`${urls.api}/event-types`, { headers: { authorization: `Bearer ${key}` } });
      assert.equal(list.status, 200, 'the printed key is an admin key');
      for (const url of [urls.docs, urls.dashboard, urls.metrics]) {
        const res = await fetch(url!);
        assert.equal(res.status, 200, url);
      }
    } finally {
      await herald.stop();
    }
    // A second start has a key already: none is printed.
    const again = await serveProcess('all', `sqlite:${dir}/herald.db`, FIRST_START);
    try {
      assert.doesNotMatch(again.output(), /shown once/);
    } finally {
      await again.stop();
    }
  });

  it('a worker names only what it serves', () => {
    assert.deepEqual(startupUrls('http://127.0.0.1:9000', 'worker'), {
      metrics: 'http://127.0.0.1:9000/metrics',
      health: 'http://127.0.0.1:9000/healthz',
    });
    // A wildcard listening address is shown as one a browser can open.
    assert.equal(startupUrls('http://0.0.0.0:8080', 'api').docs, 'http://127.0.0.1:8080/docs');
    assert.equal(startupMessage({ api: 'http://h/v1', docs: 'http://h/docs' }), 'herald is running: api http://h/v1, docs http://h/docs');
  });
});

const skipPg = await requirePostgres();

describe('start-up on PostgreSQL', { skip: skipPg ?? false }, () => {
  it('a worker started first generates no key; the API process generates and prints it', async () => {
    const db = await createTestDatabase();
    const started: HeraldProcess[] = [];
    try {
      const worker = await serveProcess('worker', db.url, FIRST_START);
      started.push(worker);
      assert.doesNotMatch(worker.output(), /shown once/, 'a worker prints no key');
      assert.deepEqual(Object.keys(startupLine(worker).urls), ['metrics', 'health']);
      const api = await serveProcess('api', db.url, FIRST_START);
      started.push(api);
      const key = (await eventually(async () => GENERATED_KEY.exec(api.output()), 5_000, 'the generated key'))[1]!;
      const list = await fetch(`${api.url}/v1/event-types`, { headers: { authorization: `Bearer ${key}` } });
      assert.equal(list.status, 200);
      assert.doesNotMatch(worker.output(), /shown once/);
    } finally {
      for (const p of started) await p.stop();
      await db.drop();
    }
  });
});
