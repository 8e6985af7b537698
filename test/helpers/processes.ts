// Real `herald serve` child processes for scale-out tests: each runs the CLI from source (tsx), on
// port 0, with the test admin key, and is known once it logs the URL it listens on. Every process
// started here is killed when the test file ends, whatever happened.
import { type ChildProcess, spawn } from 'node:child_process';
import { after } from 'node:test';
import { ADMIN_KEY } from './herald.js';

const ROOT = new URL('../../', import.meta.url).pathname;
const START_TIMEOUT_MS = 45_000; // tsx start-up on a loaded 2-core machine

/** What every process gets: the admin key, one secret key shared by all processes of a database
 *  (they must encrypt and decrypt the same secrets), and the receiver's loopback network allowed. */
const BASE_ENV = {
  HERALD_ADMIN_KEY: ADMIN_KEY,
  HERALD_SECRET_KEY: 'c2NhbGUtb3V0IHRlc3RzIHNoYXJlIHRoaXMga2V5ISE=', // base64 of 32 bytes, tests only
  HERALD_ALLOWED_NETWORKS: '127.0.0.0/8',
  HERALD_LOG_LEVEL: 'info', // the start-up line carries the URL
};

export interface HeraldProcess {
  proc: ChildProcess;
  role: string;
  url: string;
  /** Resolves with the exit code (null when killed by a signal). */
  exited: Promise<number | null>;
  /** Everything the process wrote to stdout and stderr so far (for failure messages). */
  output: () => string;
  /** SIGTERM, then SIGKILL if it has not exited within `graceMs`. */
  stop: (graceMs?: number) => Promise<number | null>;
}

const started = new Set<ChildProcess>();
after(() => {
  for (const proc of started) if (proc.exitCode === null && proc.signalCode === null) proc.kill('SIGKILL');
});

/** Starts `herald serve --role <role> --db <db>` and resolves once it listens. */
export function serveProcess(role: 'all' | 'api' | 'worker', db: string, env: Record<string, string> = {}): Promise<HeraldProcess> {
  const proc = spawn(
    process.execPath,
    ['--import', 'tsx', 'src/cli/main.ts', 'serve', '--role', role, '--port', '0', '--host', '127.0.0.1', '--db', db],
    {
      cwd: ROOT,
      env: { ...process.env, ...BASE_ENV, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  started.add(proc);
  let out = '';
  proc.stdout!.on('data', (chunk: Buffer) => {
    out += chunk.toString();
  });
  proc.stderr!.on('data', (chunk: Buffer) => {
    out += chunk.toString();
  });
  const exited = new Promise<number | null>((resolve) => proc.on('exit', (code) => resolve(code)));
  const stop = async (graceMs = 10_000) => {
    if (proc.exitCode !== null || proc.signalCode !== null) return proc.exitCode;
    proc.kill('SIGTERM');
    const timer = setTimeout(() => proc.kill('SIGKILL'), graceMs);
    const code = await exited;
    clearTimeout(timer);
    return code;
  };
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      proc.kill('SIGKILL');
      reject(new Error(`herald --role ${role} did not start within ${START_TIMEOUT_MS} ms:\n${out}`));
    }, START_TIMEOUT_MS);
    const onData = () => {
      const match = /"url":"(http:\/\/[^"]+)"/.exec(out);
      if (!match) return;
      clearTimeout(timer);
      proc.stdout!.off('data', onData);
      resolve({ proc, role, url: match[1]!, exited, output: () => out, stop });
    };
    proc.stdout!.on('data', onData);
    proc.on('close', (code) => {
      // 'close', not 'exit': by then everything the process wrote has been read.
      clearTimeout(timer);
      reject(new Error(`herald --role ${role} exited early (${code}):\n${out}`));
    });
  });
}

/** Calls Herald's API with the test admin key. Never throws for an HTTP status; a network error rejects. */
export async function callApi<T = Record<string, unknown>>(
  base: string,
  method: string,
  path: string,
  body?: unknown,
): Promise<{ status: number; body: T }> {
  const res = await fetch(base + path, {
    method,
    headers: { authorization: `Bearer ${ADMIN_KEY}`, ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
    body: body === undefined ? undefined : JSON.stringify(body),
    signal: AbortSignal.timeout(30_000),
  });
  const text = await res.text();
  return { status: res.status, body: (text ? JSON.parse(text) : null) as T };
}

/** Creates event type `stock.changed` and one subscriber with a subscription to `url`; returns the subscription id. */
export async function setupSubscription(base: string, url: string, subscription: Record<string, unknown> = {}): Promise<string> {
  const type = await callApi(base, 'POST', '/v1/event-types', { name: 'stock.changed', description: 'Stock level changed' });
  if (type.status !== 201) throw new Error(`event type: ${type.status} ${JSON.stringify(type.body)}`);
  const sbr = await callApi(base, 'POST', '/v1/subscribers', { name: 'warehouse' });
  if (sbr.status !== 201) throw new Error(`subscriber: ${sbr.status} ${JSON.stringify(sbr.body)}`);
  const sub = await callApi(base, 'POST', `/v1/subscribers/${sbr.body.id}/subscriptions`, {
    url,
    eventTypes: ['stock.*'],
    ...subscription,
  });
  if (sub.status !== 201) throw new Error(`subscription: ${sub.status} ${JSON.stringify(sub.body)}`);
  return sub.body.id as string;
}

/** Ingests `count` `stock.changed` events through the batch endpoint, `batch` per request. */
export async function ingestBatches(base: string, count: number, batch = 500): Promise<void> {
  for (let i = 0; i < count; i += batch) {
    const events = Array.from({ length: Math.min(batch, count - i) }, (_, j) => ({ type: 'stock.changed', data: { item: i + j } }));
    const res = await callApi(base, 'POST', '/v1/events/batch', { events });
    if (res.status !== 202) throw new Error(`batch ingest: ${res.status} ${JSON.stringify(res.body).slice(0, 500)}`);
  }
}

/** herald_attempts_total of one process (from its /metrics), all outcomes added up. */
export async function attemptsMade(base: string): Promise<number> {
  const text = await (await fetch(`${base}/metrics`)).text();
  let total = 0;
  for (const match of text.matchAll(/^herald_attempts_total\{[^}]*\} (\d+)/gm)) total += Number(match[1]);
  return total;
}
