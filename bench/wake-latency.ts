// Idle wake-up latency on PostgreSQL (issue 3: "an idle system delivers a new event within 50 ms").
// Starts one `api` and one `worker` process on a fresh database, a receiver on 127.0.0.1, then
// sends single events one at a time with idle gaps in between, and measures from the API's 202 to
// the delivery arriving at the receiver. The worker's poll interval is long, so only LISTEN/NOTIFY
// can wake it in time. Prints one JSON line: samples, p50, p90, p99, max (ms).
// Usage: node --import tsx bench/wake-latency.ts [--samples 50] [--gap-ms 200] [--pg-url postgres://postgres@127.0.0.1:5432]
import type { ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { parseArgs } from 'node:util';
import { pgAdminQuery, quoteIdent } from '../src/store/postgres/admin.js';
import { ADMIN_KEY, type HeraldProcess, startHerald } from './herald-process.js';

const POLL_MS = 10_000; // the worker's poll interval: far longer than any latency measured

const { values } = parseArgs({
  options: {
    samples: { type: 'string', default: '50' },
    'gap-ms': { type: 'string', default: '200' }, // idle time before each event
    'pg-url': { type: 'string', default: process.env.BENCH_PG_URL ?? 'postgres://postgres@127.0.0.1:5432' },
  },
});
const samples = Number(values.samples);
const gapMs = Number(values['gap-ms']);
const adminUrl = `${values['pg-url']}/postgres`;

function serve(db: string, role: 'api' | 'worker'): Promise<HeraldProcess> {
  return startHerald(['--import', 'tsx', 'src/cli/main.ts'], db, role, {
    HERALD_POLL_INTERVAL_MS: String(POLL_MS),
    HERALD_PG_POOL_MAX: '4',
  });
}

async function call(base: string, method: string, path: string, body?: unknown): Promise<Record<string, unknown>> {
  const res = await fetch(base + path, {
    method,
    headers: { authorization: `Bearer ${ADMIN_KEY}`, 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const json = (await res.json()) as Record<string, unknown>;
  if (res.status >= 300) throw new Error(`${method} ${path} → ${res.status} ${JSON.stringify(json)}`);
  return json;
}

async function main(): Promise<void> {
  const name = `herald_bench_wake_${randomBytes(4).toString('hex')}`;
  await pgAdminQuery(adminUrl, `CREATE DATABASE ${quoteIdent(name)}`);
  const db = `${values['pg-url']}/${name}`;
  let arrived: (() => void) | null = null;
  const receiver = createServer((req, res) => {
    req.resume().on('end', () => {
      arrived?.();
      res.writeHead(204).end();
    });
  });
  await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', r));
  const receiverUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hook`;
  const procs: ChildProcess[] = [];
  try {
    const api = await serve(db, 'api'); // migrates first; the worker then finds the schema ready
    procs.push(api.proc);
    procs.push((await serve(db, 'worker')).proc);
    await call(api.url, 'POST', '/v1/event-types', { name: 'bench.wake', description: 'wake-up latency probe' });
    const sbr = await call(api.url, 'POST', '/v1/subscribers', { name: 'bench' });
    await call(api.url, 'POST', `/v1/subscribers/${sbr.id}/subscriptions`, { url: receiverUrl, eventTypes: ['bench.wake'] });

    const latencies: number[] = [];
    for (let i = 0; i < samples + 1; i++) {
      await new Promise((r) => setTimeout(r, gapMs));
      const delivered = new Promise<number>((resolve) => {
        arrived = () => resolve(performance.now());
      });
      await call(api.url, 'POST', '/v1/events', { type: 'bench.wake', data: { i } });
      const acknowledged = performance.now();
      const at = await delivered;
      if (i > 0) latencies.push(Math.max(0, at - acknowledged)); // the first one warms connections up
    }
    latencies.sort((a, b) => a - b);
    const pct = (p: number) =>
      Math.round((latencies[Math.min(latencies.length - 1, Math.floor((p / 100) * latencies.length))] ?? 0) * 10) / 10;
    console.log(
      JSON.stringify({
        bench: 'wake-latency',
        samples: latencies.length,
        gapMs,
        p50_ms: pct(50),
        p90_ms: pct(90),
        p99_ms: pct(99),
        max_ms: pct(100),
        target_ms: 50,
      }),
    );
  } finally {
    for (const p of procs) p.kill('SIGTERM');
    await Promise.all(procs.map((p) => new Promise((r) => (p.exitCode !== null ? r(null) : p.once('exit', r)))));
    receiver.close();
    await pgAdminQuery(adminUrl, `DROP DATABASE IF EXISTS ${quoteIdent(name)} WITH (FORCE)`);
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
