// Starts a real Herald (API + dispatcher) on 127.0.0.1:0 over a fresh SQLite file, and a tiny
// client for its API. Tests talk to it over real HTTP.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { type HeraldConfig, resolveConfig } from '../../src/config/config.js';
import { type RunningHerald, startHerald } from '../../src/server.js';

export const ADMIN_KEY = 'test-admin-key-0123456789';
/** Tests deliver to receivers on 127.0.0.1, which the SSRF guard blocks unless allowed. */
export const TEST_ALLOWED_NETWORKS = '127.0.0.0/8,::1/128';

export interface TestHerald {
  herald: RunningHerald;
  url: string;
  dir: string;
  config: HeraldConfig;
  api<T = Record<string, unknown>>(method: string, path: string, body?: unknown): Promise<{ status: number; body: T }>;
  stop(): Promise<void>;
}

export function tempDir(): string {
  return mkdtempSync(join(tmpdir(), 'herald-test-'));
}

export async function startTestHerald(overrides: Partial<HeraldConfig> = {}, dir = tempDir()): Promise<TestHerald> {
  const config = resolveConfig({
    databaseUrl: `sqlite:${join(dir, 'herald.db')}`,
    adminKey: ADMIN_KEY,
    port: 0,
    host: '127.0.0.1',
    logLevel: 'silent',
    pollIntervalMs: 50,
    shutdownGraceMs: 2_000,
    allowedNetworks: TEST_ALLOWED_NETWORKS,
    ...overrides,
  });
  const herald = await startHerald(config, pino({ level: 'silent' }));
  const api = async <T>(method: string, path: string, body?: unknown) => {
    const res = await fetch(herald.url + path, {
      method,
      headers: { authorization: `Bearer ${ADMIN_KEY}`, ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
      body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
    });
    const text = await res.text();
    return { status: res.status, body: (text ? JSON.parse(text) : null) as T };
  };
  return {
    herald,
    url: herald.url,
    dir,
    config,
    api,
    async stop() {
      await herald.stop();
    },
  };
}

export function removeDir(dir: string): void {
  rmSync(dir, { recursive: true, force: true });
}
