// The retention runner (src/store/retention.ts) on a real SQLite file: it works through the backlog
// in batches, reports each, leaves recent events alone, stops between batches, and does nothing
// when retention is 0.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import pino from 'pino';
import { newId } from '../../src/domain/ids.js';
import { Retention } from '../../src/store/retention.js';
import { sqliteStore } from '../../src/store/sqlite/sqlite-store.js';
import type { PurgeResult } from '../../src/store/store.js';

const DAY = 86_400_000;
const NOW = Date.UTC(2026, 10, 26);
const silent = pino({ level: 'silent' });

describe('Retention', () => {
  const dir = mkdtempSync(join(tmpdir(), 'herald-retention-'));
  const store = sqliteStore({ path: join(dir, 'herald.db') });
  let subscriberId = '';

  before(async () => {
    await store.migrate();
    await store.createEventType({
      name: 'order.created',
      description: 'x',
      schema: null,
      example: null,
      createdAt: NOW - 400 * DAY,
      updatedAt: NOW - 400 * DAY,
    });
    subscriberId = newId('sbr', NOW - 400 * DAY);
    await store.createSubscriber({
      id: subscriberId,
      name: 'no subscriptions',
      enabled: true,
      metadata: null,
      createdAt: NOW,
      updatedAt: NOW,
    });
  });
  after(async () => {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  /** Events `daysAgo` old, scoped to a subscriber without subscriptions: no messages, so settled. */
  async function events(count: number, daysAgo: number): Promise<string[]> {
    const ids: string[] = [];
    for (let i = 0; i < count; i++) {
      const createdAt = NOW - daysAgo * DAY + i;
      const id = newId('evt', createdAt);
      const event = { id, type: 'order.created', dataJson: '{}', idempotencyKey: null, subscriberId, channels: null, createdAt };
      const [result] = await store.ingest([{ event, requestHash: null }]);
      assert.equal(result?.status, 'created');
      ids.push(id);
    }
    return ids;
  }

  it('purges the backlog in batches, oldest first, and keeps recent events', async () => {
    const old = await events(7, 100);
    const recent = await events(2, 10);
    const batches: PurgeResult[] = [];
    const retention = new Retention(store, { retentionDays: 30, batch: 2 }, silent, (r) => batches.push(r));
    assert.deepEqual(await retention.purge(NOW), { events: 7, messages: 0 });
    assert.deepEqual(
      batches.map((b) => b.events),
      [2, 2, 2, 1],
    );
    for (const id of old) assert.equal(await store.getEvent(id), null);
    for (const id of recent) assert.ok(await store.getEvent(id));
    assert.deepEqual(await retention.purge(NOW), { events: 0, messages: 0 });
  });

  it('one run at a time: a purge asked for while one runs joins it', async () => {
    await events(4, 200);
    const retention = new Retention(store, { retentionDays: 30, batch: 1 }, silent);
    const [a, b] = await Promise.all([retention.purge(NOW), retention.purge(NOW)]);
    assert.deepEqual(a, { events: 4, messages: 0 });
    assert.equal(b, a);
  });

  it('stop() ends a run between batches', async () => {
    await events(5, 300);
    let retention: Retention | null = null;
    retention = new Retention(store, { retentionDays: 30, batch: 1 }, silent, () => void retention?.stop());
    assert.deepEqual(await retention.purge(NOW), { events: 1, messages: 0 });
    const rest = new Retention(store, { retentionDays: 30, batch: 10 }, silent);
    assert.deepEqual(await rest.purge(NOW), { events: 4, messages: 0 });
  });

  it('retention 0 keeps everything and schedules nothing', async () => {
    const kept = await events(1, 1_000);
    const retention = new Retention(store, { retentionDays: 0 }, silent);
    assert.equal(retention.enabled, false);
    retention.start();
    assert.deepEqual(await retention.purge(NOW), { events: 0, messages: 0 });
    assert.ok(await store.getEvent(kept[0] as string));
    await retention.stop();
  });
});
