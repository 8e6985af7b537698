// The benchmark's slow- and dead-endpoint scenarios (`npm run bench -- --scenario fleet|dead-endpoints`),
// next to the default `throughput` one in run.ts. Herald runs from dist/ with its default settings;
// the receivers run in a child process of their own (slow-receivers.ts), on 127.0.0.0/8 only.
//   fleet: <endpoints> subscriptions on as many origins (127.0.x.y, one port) whose receivers answer
//     after <answer-ms>; <fleet-events> events through the batch API, each fanned out to all of them;
//     times until every attempt is recorded (herald_attempts_recorded_total) and reports
//     deliveries/s, Herald's CPU and peak RSS.
//   dead-endpoints: <dead> subscriptions whose receivers accept connections and never answer (the
//     default 30 s timeout), each with <backlog> queued messages, and one healthy subscription; once
//     the backlog is queued and every dead endpoint is being tried, healthy events at <healthy-rate>/s
//     for <healthy-seconds> s; reports how long each waited, from its POST's 202 to the healthy
//     receiver getting it (p50/p99/max), the healthy endpoint's deliveries/s and Herald's peak RSS.
import { type ChildProcess, spawn } from 'node:child_process';
import { Pool } from 'undici';
import type { HeraldProcess } from './herald-process.js';
import { apiCall, percentile, statSeconds } from './util.js';

const ROOT = new URL('../', import.meta.url).pathname;
const now = () => performance.timeOrigin + performance.now(); // comparable with the receivers' clock
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export interface ScenarioOptions {
  db: string;
  batchSize: number;
  endpoints: number;
  fleetEvents: number;
  answerMs: number;
  dead: number;
  backlog: number;
  healthyRate: number;
  healthySeconds: number;
}

export interface ScenarioHelpers {
  /** Starts Herald (one `all` process, from dist/, default settings). */
  start(): Promise<HeraldProcess>;
  peakRssMb(pid: number): number;
}

interface Ready {
  ready: true;
  urls: string[];
  healthyUrl?: string;
}
interface Stats {
  requests: number;
  distinct: number;
  duplicates: number;
  deadConnections: number[];
  arrivals: [number, number][];
}

/** The receivers' process; resolves once they listen. */
async function startReceivers(args: string[]): Promise<{ child: ChildProcess; ready: Ready }> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'bench/slow-receivers.ts', ...args], {
    cwd: ROOT,
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const ready = await new Promise<Ready>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('receivers did not start within 60 s')), 60_000);
    child.once('message', (m) => {
      clearTimeout(timer);
      resolve(m as Ready);
    });
    child.once('exit', (code) => reject(new Error(`receivers exited with ${code}`)));
  });
  return { child, ready };
}

function askStats(child: ChildProcess): Promise<Stats> {
  return new Promise((resolve) => {
    child.once('message', (m) => resolve((m as { stats: Stats }).stats));
    child.send({ type: 'stats' });
  });
}

async function stopReceivers(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return;
  const exited = new Promise((r) => child.once('exit', r));
  child.send({ type: 'stop' });
  await Promise.race([exited, sleep(5_000)]);
  if (child.exitCode === null) child.kill('SIGKILL');
}

async function stopHerald(h: HeraldProcess): Promise<void> {
  if (h.proc.exitCode !== null) return;
  const exited = new Promise((r) => h.proc.once('exit', r));
  h.proc.kill('SIGTERM');
  await Promise.race([exited, sleep(15_000)]);
  if (h.proc.exitCode === null) h.proc.kill('SIGKILL');
}

/** CPU seconds (utime + stime) of a process so far. */
const cpuSeconds = (pid: number): number => statSeconds(`/proc/${pid}/stat`);

function client(h: HeraldProcess, connections: number) {
  const pool = new Pool(h.url, { connections });
  return { pool, call: (method: 'GET' | 'POST', path: string, body?: unknown) => apiCall(pool, method, path, body) };
}

async function metricsOf(h: HeraldProcess): Promise<(name: string) => number> {
  const text = await (await fetch(`${h.url}/metrics`)).text();
  return (name: string) => Number(new RegExp(`^${name} ([0-9.e+-]+)`, 'm').exec(text)?.[1] ?? Number.NaN);
}

async function fleet(o: ScenarioOptions, helpers: ScenarioHelpers): Promise<Record<string, unknown>> {
  const { child, ready } = await startReceivers(['fleet', String(o.endpoints), String(o.answerMs)]);
  let herald: HeraldProcess | undefined;
  try {
    herald = await helpers.start();
    const { pool, call } = client(herald, 16);
    await call('POST', '/v1/event-types', { name: 'price.changed', description: 'A price changed' });
    const subscriber = await call('POST', '/v1/subscribers', { name: 'fleet' });
    for (let i = 0; i < ready.urls.length; i += 50) {
      await Promise.all(
        ready.urls
          .slice(i, i + 50)
          .map((url) => call('POST', `/v1/subscribers/${subscriber.id}/subscriptions`, { url, eventTypes: ['price.changed'] })),
      );
    }
    const total = o.fleetEvents * ready.urls.length;
    const pid = herald.proc.pid!;
    const cpuBefore = cpuSeconds(pid);
    const t0 = performance.now();
    for (let i = 0; i < o.fleetEvents; i += o.batchSize) {
      const events = Array.from({ length: Math.min(o.batchSize, o.fleetEvents - i) }, (_, j) => ({
        type: 'price.changed',
        data: { n: i + j },
      }));
      await call('POST', '/v1/events/batch', { events });
    }
    const ingestSeconds = (performance.now() - t0) / 1000;
    // Done when Herald has recorded an attempt per message (each took the receiver's answer time).
    const deadline = Date.now() + Math.max(120_000, (total / 100) * 1000); // bounded: 100/s at worst
    let inFlightMax = 0;
    const inFlightSamples: number[] = [];
    for (;;) {
      const metric = await metricsOf(herald);
      const attempts = metric('herald_attempts_recorded_total');
      const inFlight = metric('herald_inflight_attempts');
      if (inFlight > inFlightMax) inFlightMax = inFlight;
      if (!Number.isNaN(inFlight) && attempts < total) inFlightSamples.push(inFlight);
      if (attempts >= total || Date.now() > deadline) break;
      await sleep(100);
    }
    const seconds = (performance.now() - t0) / 1000;
    const cpu = cpuSeconds(pid) - cpuBefore;
    const stats = await askStats(child);
    // The attempts' own duration (request start to response read), to tell the receivers' 1 s and
    // its delays from the time a message waits for a slot.
    const durations = await metricsOf(herald);
    const attemptSeconds = durations('herald_attempt_duration_seconds_sum') / durations('herald_attempt_duration_seconds_count');
    await pool.close();
    return {
      endpoints: ready.urls.length,
      events: o.fleetEvents,
      messages: total,
      answer_ms: o.answerMs,
      delivered: stats.distinct,
      duplicates: stats.duplicates,
      seconds: Number(seconds.toFixed(2)),
      ingest_seconds: Number(ingestSeconds.toFixed(2)),
      deliveries_per_second: Math.round(stats.distinct / seconds),
      // The most deliveries in flight at once the ideal would be min(endpoints, HERALD_CONCURRENCY).
      ...(Number.isNaN(inFlightMax) || inFlightMax === 0
        ? {}
        : {
            in_flight_max_sampled: inFlightMax,
            in_flight_mean_sampled: Math.round(inFlightSamples.reduce((a, b) => a + b, 0) / Math.max(1, inFlightSamples.length)),
          }),
      attempt_seconds_mean: Number(attemptSeconds.toFixed(3)),
      herald_cpu_percent: Math.round((100 * cpu) / seconds),
      herald_cpu_us_per_delivery: Math.round((cpu * 1e6) / Math.max(1, stats.distinct)),
      peak_rss_mb: [helpers.peakRssMb(pid)],
    };
  } finally {
    await stopReceivers(child);
    if (herald) await stopHerald(herald);
  }
}

async function deadEndpoints(o: ScenarioOptions, helpers: ScenarioHelpers): Promise<Record<string, unknown>> {
  const { child, ready } = await startReceivers(['dead', String(o.dead)]);
  let herald: HeraldProcess | undefined;
  try {
    herald = await helpers.start();
    const { pool, call } = client(herald, 16);
    await call('POST', '/v1/event-types', { name: 'backlog.item', description: 'bound for the dead endpoints' });
    await call('POST', '/v1/event-types', { name: 'healthy.ping', description: 'bound for the healthy endpoint' });
    const subscriber = await call('POST', '/v1/subscribers', { name: 'dead-endpoints' });
    for (const url of ready.urls) {
      await call('POST', `/v1/subscribers/${subscriber.id}/subscriptions`, { url, eventTypes: ['backlog.item'] });
    }
    await call('POST', `/v1/subscribers/${subscriber.id}/subscriptions`, { url: ready.healthyUrl, eventTypes: ['healthy.ping'] });

    // The backlog: each event fans out to every dead endpoint.
    const b0 = performance.now();
    for (let i = 0; i < o.backlog; i += o.batchSize) {
      const events = Array.from({ length: Math.min(o.batchSize, o.backlog - i) }, (_, j) => ({
        type: 'backlog.item',
        data: { n: i + j },
      }));
      await call('POST', '/v1/events/batch', { events });
    }
    const backlogSeconds = (performance.now() - b0) / 1000;
    const tried = Date.now() + 10_000;
    while ((await askStats(child)).deadConnections.some((n) => n === 0) && Date.now() < tried) await sleep(50);

    // Healthy events at a steady rate, each POSTed on schedule (not after the previous answer).
    const { pool: healthyPool, call: healthyCall } = client(herald, 64);
    const count = Math.round(o.healthyRate * o.healthySeconds);
    const posted = new Array<number>(count).fill(Number.NaN);
    const acked = new Array<number>(count).fill(Number.NaN);
    const ingest: number[] = [];
    const inflight: Promise<void>[] = [];
    const start = performance.now();
    const firstSent = now();
    for (let seq = 0; seq < count; seq++) {
      const wait = start + (seq * 1000) / o.healthyRate - performance.now();
      if (wait > 0) await sleep(wait);
      const sent = now();
      posted[seq] = sent;
      inflight.push(
        healthyCall('POST', '/v1/events', { type: 'healthy.ping', data: { seq } }).then(() => {
          acked[seq] = now();
          ingest.push(acked[seq]! - sent);
        }),
      );
    }
    await Promise.all(inflight);
    // Every healthy event should arrive; wait longer than the dead endpoints' 30 s timeout at most.
    const arrivals = new Map<number, number>();
    const deadline = Date.now() + 40_000;
    while (arrivals.size < count && Date.now() < deadline) {
      for (const [seq, at] of (await askStats(child)).arrivals) if (!arrivals.has(seq)) arrivals.set(seq, at);
      if (arrivals.size < count) await sleep(20);
    }
    const waitsFrom = (times: number[]) => times.map((t, seq) => (arrivals.get(seq) ?? Number.POSITIVE_INFINITY) - t).sort((x, y) => x - y);
    const waits = waitsFrom(acked);
    const fromPost = waitsFrom(posted);
    const lastArrival = Math.max(...arrivals.values());
    const stats = await askStats(child);
    const metric = await metricsOf(herald);
    ingest.sort((x, y) => x - y);
    const ms = (v: number) => (Number.isFinite(v) ? Number(v.toFixed(1)) : null);
    await healthyPool.close();
    await pool.close();
    return {
      dead_endpoints: ready.urls.length,
      backlog_per_endpoint: o.backlog,
      backlog_messages: o.backlog * ready.urls.length,
      backlog_ingest_seconds: Number(backlogSeconds.toFixed(2)),
      dead_connections: stats.deadConnections.reduce((a, b) => a + b, 0),
      healthy_rate: o.healthyRate,
      healthy_events: count,
      healthy_delivered: arrivals.size,
      healthy_deliveries_per_second: Math.round(arrivals.size / ((lastArrival - firstSent) / 1000)),
      healthy_wait_p50_ms: ms(percentile(waits, 50)),
      healthy_wait_p99_ms: ms(percentile(waits, 99)),
      healthy_wait_max_ms: ms(waits[waits.length - 1]!),
      // Below 0 when a handed-off delivery reached the receiver before the 202 reached the client.
      healthy_wait_min_ms: ms(waits[0]!),
      // From the POST being sent: ingest's own latency included, never below 0.
      healthy_wait_from_post_p50_ms: ms(percentile(fromPost, 50)),
      healthy_wait_from_post_p99_ms: ms(percentile(fromPost, 99)),
      healthy_wait_from_post_max_ms: ms(fromPost[fromPost.length - 1]!),
      healthy_ingest_p50_ms: ms(percentile(ingest, 50)),
      healthy_ingest_p99_ms: ms(percentile(ingest, 99)),
      endpoints_saturated: metric('herald_endpoints_saturated'),
      parked_jobs: metric('herald_parked_jobs'),
      peak_rss_mb: [helpers.peakRssMb(herald.proc.pid!)],
    };
  } finally {
    await stopReceivers(child); // the hung sockets first, so Herald's attempts to them end now
    if (herald) await stopHerald(herald);
  }
}

export async function runScenario(name: string, o: ScenarioOptions, helpers: ScenarioHelpers): Promise<void> {
  const run = name === 'fleet' ? fleet : name === 'dead-endpoints' ? deadEndpoints : null;
  if (run === null) throw new Error(`--scenario: throughput, fleet or dead-endpoints, not ${name}`);
  const result = await run(o, helpers);
  console.log(JSON.stringify({ scenario: name, db: o.db, topology: '1 all', ...result }));
}
