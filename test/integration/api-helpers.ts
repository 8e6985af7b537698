// Builds the API over a real SQLite store on a fresh temp file, and speaks to it with inject().
// Every response is checked for a 5xx: bad input must never make the API fail.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { buildApp, type Role } from '../../src/api/app.js';
import { type HeraldConfig, resolveConfig } from '../../src/config/config.js';
import { type SqliteStore, sqliteStore } from '../../src/store/sqlite/sqlite-store.js';
import { TEST_ALLOWED_NETWORKS } from '../helpers/herald.js';

export const ADMIN_KEY = 'test-admin-key-0123456789';

export interface Reply {
  status: number;
  // biome-ignore lint/suspicious/noExplicitAny: parsed JSON of whatever shape the test checks
  body: any;
  headers: Record<string, string | string[] | number | undefined>;
  text: string;
}

export interface TestApi {
  app: FastifyInstance;
  store: SqliteStore;
  config: HeraldConfig;
  /** JSON request with the admin key unless `key` says otherwise (null: no Authorization). */
  call(method: string, url: string, body?: unknown, key?: string | null): Promise<Reply>;
  /** A request with a raw body and headers of the test's choosing. */
  raw(options: { method: string; url: string; payload?: string | Buffer; headers?: Record<string, string> }): Promise<Reply>;
  close(): Promise<void>;
}

export async function startApi(options: { config?: Partial<HeraldConfig>; role?: Role } = {}): Promise<TestApi> {
  const dir = mkdtempSync(join(tmpdir(), 'herald-api-'));
  const path = join(dir, 'herald.db');
  const store = sqliteStore({ path });
  await store.migrate();
  const config = resolveConfig({
    databaseUrl: `sqlite:${path}`,
    adminKey: ADMIN_KEY,
    logLevel: 'silent',
    allowedNetworks: TEST_ALLOWED_NETWORKS,
    ...options.config,
  });
  const app = await buildApp({ store, config, ...(options.role ? { role: options.role } : {}) });

  async function raw(o: { method: string; url: string; payload?: string | Buffer; headers?: Record<string, string> }): Promise<Reply> {
    const res = await app.inject({
      method: o.method as 'GET',
      url: o.url,
      ...(o.payload !== undefined ? { payload: o.payload } : {}),
      headers: o.headers ?? {},
    });
    assert.ok(res.statusCode < 500, `${o.method} ${o.url} answered ${res.statusCode}: ${res.body}`);
    let body: unknown = null;
    if (res.body && String(res.headers['content-type'] ?? '').includes('json')) body = JSON.parse(res.body);
    return { status: res.statusCode, body, headers: res.headers, text: res.body };
  }

  return {
    app,
    store,
    config,
    raw,
    call(method, url, body, key = ADMIN_KEY) {
      const headers: Record<string, string> = {};
      if (key !== null) headers.authorization = `Bearer ${key}`;
      if (body !== undefined) headers['content-type'] = 'application/json';
      return raw({ method, url, headers, ...(body !== undefined ? { payload: JSON.stringify(body) } : {}) });
    },
    async close() {
      await app.close();
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Asserts an error answer: status and code. */
export function assertError(reply: Reply, status: number, code: string): void {
  assert.equal(reply.status, status, `expected ${status} ${code}, got ${reply.status} ${reply.text}`);
  assert.equal(reply.body?.code, code, reply.text);
  assert.equal(typeof reply.body.message, 'string');
}

export const ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

/** Creates an event type, a subscriber and a subscription to it; returns their ids. */
export async function seed(
  api: TestApi,
  options: { eventType?: string; eventTypes?: string[]; url?: string } = {},
): Promise<{ eventType: string; subscriberId: string; subscriptionId: string; secret: string }> {
  const eventType = options.eventType ?? 'salesorder.created';
  const et = await api.call('POST', '/v1/event-types', { name: eventType, description: 'A sales order was created' });
  assert.ok(et.status === 201 || et.status === 409, et.text);
  const sbr = await api.call('POST', '/v1/subscribers', { name: 'Acme' });
  assert.equal(sbr.status, 201, sbr.text);
  const sub = await api.call('POST', `/v1/subscribers/${sbr.body.id}/subscriptions`, {
    url: options.url ?? 'https://receiver.example.com/hooks',
    eventTypes: options.eventTypes ?? [eventType],
  });
  assert.equal(sub.status, 201, sub.text);
  return { eventType, subscriberId: sbr.body.id, subscriptionId: sub.body.id, secret: sub.body.secret };
}
