// Seed 001's settings and catalogue: `herald event-types import jiwa` (idempotent), the
// WebhooksClientKey generated once when blank or registered when configured (ingest only), and the
// Jiwa setting names accepted in a config file.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { prepareJiwa } from '../../src/api/jiwa/startup.js';
import { resolveConfig } from '../../src/config/config.js';
import { hashApiKey } from '../../src/domain/api-keys.js';
import { JIWA_EVENTS } from '../../src/presets/jiwa-events.js';
import { sqliteStore } from '../../src/store/sqlite/sqlite-store.js';
import { removeDir, tempDir } from '../helpers/herald.js';

function herald(...args: string[]) {
  return spawnSync(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', ...args], { encoding: 'utf8', timeout: 60_000 });
}

describe('Jiwa catalogue, client key and settings', () => {
  it('herald event-types import jiwa adds the 42 events once', async () => {
    const dir = tempDir();
    try {
      const db = `sqlite:${join(dir, 'herald.db')}`;
      const first = herald('event-types', 'import', 'jiwa', '--db', db);
      assert.equal(first.status, 0, first.stderr);
      assert.match(first.stdout, /imported 42 of the 42 jiwa event types/);
      const again = herald('event-types', 'import', 'jiwa', '--db', db);
      assert.match(again.stdout, /imported 0 of the 42/);
      const bad = herald('event-types', 'import', 'nope', '--db', db);
      assert.equal(bad.status, 2);
      const store = sqliteStore({ path: join(dir, 'herald.db') });
      const listed = await store.listEventTypes({ limit: 1000 });
      await store.close();
      assert.deepEqual(
        listed.data.map((e) => [e.name, e.description]),
        [...JIWA_EVENTS].sort((a, b) => (a.name < b.name ? -1 : 1)).map((e) => [e.name, e.description]),
      );
    } finally {
      removeDir(dir);
    }
  });

  it('generates the WebhooksClientKey once when blank, registers a configured one, both ingest only', async () => {
    const dir = tempDir();
    const store = sqliteStore({ path: join(dir, 'herald.db') });
    try {
      await store.migrate();
      const blank = resolveConfig({ eventCatalogue: 'jiwa' });
      const key = await prepareJiwa(blank, store);
      assert.ok(key);
      assert.equal((await store.findApiKeyByHash(hashApiKey(key)))?.scope, 'ingest');
      assert.equal(await prepareJiwa(blank, store), null, 'generated once');
      assert.equal((await store.listEventTypes({ limit: 1000 })).data.length, 42, 'HERALD_EVENT_CATALOGUE=jiwa imports at start');

      const configured = resolveConfig({ webhooksClientKey: 'JH8KU11+wI9tJxYxkhu+g==' });
      assert.equal(await prepareJiwa(configured, store), null);
      assert.equal(await prepareJiwa(configured, store), null);
      const stored = await store.findApiKeyByHash(hashApiKey('JH8KU11+wI9tJxYxkhu+g=='));
      assert.equal(stored?.scope, 'ingest');
      assert.equal((await store.listApiKeys({ limit: 100 })).data.length, 2, 'registered once');
    } finally {
      await store.close();
      removeDir(dir);
    }
  });

  it('accepts seed 001 setting names in a config file', () => {
    const config = resolveConfig({
      WebhooksRetryInterval: 2,
      WebhooksMaxRetries: 3,
      AutoQueryMaxLimit: 50,
      SessionExpiryInMinutes: 10,
      WebhooksClientKey: 'a-client-key-of-16+',
    } as Record<string, unknown>);
    assert.equal(config.retryInterval, 2);
    assert.equal(config.maxRetries, 3);
    assert.equal(config.autoQueryMaxLimit, 50);
    assert.equal(config.sessionExpiryMinutes, 10);
    assert.equal(config.webhooksClientKey, 'a-client-key-of-16+');
    assert.throws(() => resolveConfig({ AutoQueryMaxLimit: 0 } as Record<string, unknown>), /autoQueryMaxLimit/);
  });
});
