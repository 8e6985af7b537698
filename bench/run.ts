// End-to-end benchmark (DESIGN.md §10). Starts the nginx receiver from ../shared/bench, measures the
// ceiling (raw undici → nginx) in the same run, then starts Herald as its own process(es) and:
//   1. throughput: ingests N events through the batch API, fanned out to one subscription on the
//      receiver, and times until every message is `succeeded` with its attempt recorded;
//   2. latency: single-event POST /v1/events at a fixed rate, p50/p99 (after --warmup seconds at
//      that rate, not counted).
// Prints one JSON line of results. That is `--scenario throughput`, the default; `--scenario fleet`
// (1,000 endpoints answering after 1 s) and `--scenario dead-endpoints` (a healthy endpoint's wait
// behind ten hung ones with deep backlogs) are in scenarios.ts, with their options below. Usage:
//   npm run bench -- [--scenario throughput|fleet|dead-endpoints] [--db sqlite|postgres] [--events 20000] [--workers 0] [--rate 1000] [--seconds 5] [--warmup 2]
//                    [--warmup-events 5000] [--baseline bullmq] [--filter] [--template]
//   fleet: [--endpoints 1000] [--fleet-events 10] [--answer-ms 1000]
//   dead-endpoints: [--dead 10] [--backlog 2000] [--healthy-rate 50] [--healthy-seconds 10]
// --warmup-events N first delivers N events of another type to another subscription, not counted:
// V8 compiles Herald's hot paths in its first seconds under load, on the machine's two cores.
// --workers N (PostgreSQL only) runs one `api` process and N `worker` processes instead of one `all`.
// --filter and --template (seed 004) add phases to the same run, after the plain throughput phase
// and like it (the same events, count and batches), each to a subscription of its own event type:
// one with a 2-expression filter that holds for every event (`total > 100`, `lines.size() == 5`), one
// with payloadFormat template (5 holes, a list kept as a list). Each reports its ingest and delivery
// rates beside the plain phase's, as `filter` and `template`; the plain case is measured once more after
// them (`plain_again`, to a subscription of its own like theirs), bracketing what the run's order does.
// --baseline bullmq also runs the BullMQ + Redis dispatcher the target is stated against
// (bullmq-baseline.ts, Redis at BENCH_REDIS_URL or 127.0.0.1:6379) on the same events and receiver,
// after Herald's phases, and reports its rate, its ratio to the same ceiling and Herald's multiple.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { Pool } from 'undici';
import { type HeraldProcess, startHerald } from './herald-process.js';
import { runScenario } from './scenarios.js';
import { apiCall, percentile, statSeconds } from './util.js';

const ROOT = new URL('../', import.meta.url).pathname;
const SHARED_BENCH = join(ROOT, '../shared/bench');
const RECEIVER_PORT = Number(process.env.RECEIVER_PORT ?? 18080);

const { values } = parseArgs({
  options: {
    db: { type: 'string', default: 'sqlite' },
    events: { type: 'string', default: '20000' },
    workers: { type: 'string', default: '0' },
    rate: { type: 'string', default: '1000' },
    seconds: { type: 'string', default: '5' },
    warmup: { type: 'string', default: '2' },
    'warmup-events': { type: 'string', default: '5000' },
    batch: { type: 'string', default: '500' },
    'pg-url': { type: 'string', default: process.env.BENCH_PG_URL ?? 'postgres://postgres@127.0.0.1:5432' },
    baseline: { type: 'string' },
    filter: { type: 'boolean', default: false },
    template: { type: 'boolean', default: false },
    scenario: { type: 'string', default: 'throughput' },
    endpoints: { type: 'string', default: '1000' },
    'fleet-events': { type: 'string', default: '10' },
    'answer-ms': { type: 'string', default: '1000' },
    dead: { type: 'string', default: '10' },
    backlog: { type: 'string', default: '2000' },
    'healthy-rate': { type: 'string', default: '50' },
    'healthy-seconds': { type: 'string', default: '10' },
  },
});
const totalEvents = Number(values.events);
const workers = Number(values.workers);
const batchSize = Number(values.batch);
if (values.baseline !== undefined && values.baseline !== 'bullmq')
  throw new Error(`--baseline: only bullmq is known, not ${values.baseline}`);

function sh(cmd: string, args: string[]): string {
  return execFileSync(cmd, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] }).trim();
}

async function databaseUrl(dir: string): Promise<string> {
  if (values.db === 'sqlite') return `sqlite:${join(dir, 'bench.db')}`;
  const admin = values['pg-url'] as string;
  const name = `herald_bench_${Date.now()}`;
  sh('psql', [`${admin}/postgres`, '-qc', `CREATE DATABASE ${name}`]);
  benchDatabase = name;
  return `${admin}/${name}`;
}

let benchDatabase: string | null = null; // dropped when the run ends

type Proc = HeraldProcess;

/** Node's flags in `npm start` (the young-generation size): the benchmark runs Herald as it ships. */
function startFlags(): string[] {
  const start = (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { scripts: { start: string } }).scripts.start;
  const words = start.split(' ');
  return words.slice(words.indexOf('node') + 1, words.indexOf('dist/cli/main.js'));
}

function startHeraldFromDist(db: string, role: string): Promise<Proc> {
  const profile = process.env.BENCH_PROFILE ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_PROFILE}`] : [];
  return startHerald([...profile, ...startFlags(), 'dist/cli/main.js'], db, role);
}

function peakRssMb(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = Number(/VmHWM:\s+(\d+)/.exec(status)?.[1] ?? 0);
  return Math.round(kb / 1024);
}

/** CPU seconds used so far by each thread of a process. */
function threadSeconds(pid: number): Map<string, number> {
  const out = new Map<string, number>();
  for (const tid of readdirSync(`/proc/${pid}/task`)) {
    try {
      out.set(tid, statSeconds(`/proc/${pid}/task/${tid}/stat`));
    } catch {
      // the thread ended
    }
  }
  return out;
}

/** CPU seconds used so far by a process and by its main thread. */

function cpuSeconds(pid: number): { process: number; main: number } {
  return { process: statSeconds(`/proc/${pid}/stat`), main: statSeconds(`/proc/${pid}/task/${pid}/stat`) };
}

/** CPU seconds used so far by the PostgreSQL backends serving database `name` (their command
 *  lines name it; the pools keep their connections, so the backends live through the run). */
function databaseCpuSeconds(name: string | null): number {
  if (name === null) return 0;
  let sum = 0;
  for (const pid of readdirSync('/proc').filter((f) => /^\d+$/.test(f))) {
    try {
      if (!readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes(name)) continue;
      sum += statSeconds(`/proc/${pid}/stat`);
    } catch {
      // the process ended meanwhile
    }
  }
  return sum;
}

/** The machine's idle and busy CPU time so far, in ticks (Linux /proc/stat). */
function machineTicks(): { idle: number; total: number } {
  const fields = readFileSync('/proc/stat', 'utf8').split('\n')[0]!.trim().split(/\s+/).slice(1, 9).map(Number);
  return { idle: fields[3]! + fields[4]!, total: fields.reduce((a, b) => a + b, 0) };
}

/**
 * Times fdatasync of 4 KB appends to `path` every 10 ms until stop(), off the event loop (libuv's
 * thread pool), while the latency phase runs: an acknowledged event waits for an fsync, so the
 * disk's fsync latency under the same load is the floor of single-event ingest latency.
 */
function fsyncProbe(path: string): { stop(): Promise<number[]> } {
  const times: number[] = [];
  let running = true;
  const done = (async () => {
    const file = await open(path, 'w');
    const block = Buffer.alloc(4096, 1);
    try {
      for (let i = 0; running && i < 100_000; i++) {
        await file.write(block, 0, block.length, i * block.length);
        const started = performance.now();
        await file.datasync();
        times.push(performance.now() - started);
        await new Promise((r) => setTimeout(r, 10));
      }
    } finally {
      await file.close();
    }
  })();
  return {
    async stop() {
      running = false;
      await done;
      return times.sort((a, b) => a - b);
    },
  };
}

async function main(): Promise<void> {
  sh('npm', ['run', '--silent', 'build']);
  const pidFile = sh('bash', [join(SHARED_BENCH, 'receiver.sh')])
    .split('\n')
    .pop()!;
  const dir = mkdtempSync(join(tmpdir(), 'herald-bench-'));
  const procs: Proc[] = [];
  try {
    // The ceiling drifts with the machine: it is measured before Herald starts and again after the
    // throughput phase, and the ratio uses their mean.
    const measureCeiling = () =>
      (JSON.parse(sh(process.execPath, [join(SHARED_BENCH, 'ceiling.mjs')])) as { ceiling_rps: number }).ceiling_rps;
    const ceilingRuns = [measureCeiling()];
    const db = await databaseUrl(dir);
    if (workers > 0) {
      procs.push(await startHeraldFromDist(db, 'api'));
      for (let i = 0; i < workers; i++) procs.push(await startHeraldFromDist(db, 'worker'));
    } else {
      procs.push(await startHeraldFromDist(db, 'all'));
    }
    const api = new Pool(procs[0]!.url, { connections: 16 });
    // The latency phase has a pool of its own, large enough that no request waits for a free
    // connection in this client (that wait would be counted as Herald's latency).
    const latencyPool = new Pool(procs[0]!.url, { connections: 256 });
    const call = (method: 'GET' | 'POST', path: string, body?: unknown, pool: Pool = api) => apiCall(pool, method, path, body);

    await call('POST', '/v1/event-types', { name: 'salesorder.created', description: 'A sales order was created' });
    const sbr = await call('POST', '/v1/subscribers', { name: 'bench' });
    const sub = await call('POST', `/v1/subscribers/${sbr.id}/subscriptions`, {
      url: `http://127.0.0.1:${RECEIVER_PORT}/hook`,
      eventTypes: ['salesorder.created'],
    });
    const data = { id: 123, total: 456.7, lines: Array.from({ length: 5 }, (_, i) => ({ sku: `SKU${i}`, qty: i })) };

    const ingestAll = async (type: string, count: number) => {
      const batches: Promise<unknown>[] = [];
      for (let i = 0; i < count; i += batchSize) {
        const events = Array.from({ length: Math.min(batchSize, count - i) }, () => ({ type, data }));
        batches.push(call('POST', '/v1/events/batch', { events }));
        if (batches.length >= 4) await batches.shift();
      }
      await Promise.all(batches);
    };
    // Done when the delivering processes have committed an attempt per event (their
    // herald_attempts_recorded_total counters, cheap to poll); the store's statistics then confirm
    // that every message is `succeeded` with its attempt recorded.
    const delivering = workers > 0 ? procs.slice(1) : procs;
    const counted = async (name: string) => {
      let sum = 0;
      for (const p of delivering) {
        const res = await fetch(`${p.url}/metrics?name=${name}`);
        sum += Number(new RegExp(`^${name} (\\d+)`, 'm').exec(await res.text())?.[1] ?? 0);
      }
      return sum;
    };
    const deliveredAll = async (count: number) => {
      const deadline = Date.now() + 300_000; // 5 minutes at most
      while (Date.now() < deadline && (await counted('herald_attempts_recorded_total')) < count) {
        await new Promise((r) => setTimeout(r, 10)); // the measured run is about a second: poll finely
      }
    };

    // 0. Warm-up, not counted: another event type and subscription, so the measured one's
    // statistics hold only the measured events.
    const warmupEvents = Number(values['warmup-events']);
    if (warmupEvents > 0) {
      await call('POST', '/v1/event-types', { name: 'bench.warmup', description: 'Warm-up events, not measured' });
      await call('POST', `/v1/subscribers/${sbr.id}/subscriptions`, {
        url: `http://127.0.0.1:${RECEIVER_PORT}/hook`,
        eventTypes: ['bench.warmup'],
      });
      await ingestAll('bench.warmup', warmupEvents);
      await deliveredAll(warmupEvents);
    }
    // The shaped phases' subscriptions (--filter, --template), each on an event type of its own.
    const BENCH_FILTER = ['total > 100', 'lines.size() == 5'];
    const BENCH_TEMPLATE = {
      id: '{{ id }}',
      total: '{{ total }}',
      lines: '{{ lines }}',
      type: '{{ event.type }}',
      at: '{{ event.timestamp }}',
    };
    const shapes: { name: 'filter' | 'template' | 'plain_again'; type: string; settings: Record<string, unknown> }[] = [];
    if (values.filter) shapes.push({ name: 'filter', type: 'bench.filtered', settings: { filter: BENCH_FILTER } });
    if (values.template) {
      shapes.push({ name: 'template', type: 'bench.templated', settings: { payloadFormat: 'template', template: BENCH_TEMPLATE } });
    }
    // The plain case once more after them, so that what the run's order does (a process warming
    // up, a database growing) shows on both sides of the shaped phases.
    if (shapes.length > 0) shapes.push({ name: 'plain_again', type: 'bench.plain', settings: {} });
    for (const shape of shapes) {
      await call('POST', '/v1/event-types', { name: shape.type, description: `Benchmark events (${shape.name})` });
      await call('POST', `/v1/subscribers/${sbr.id}/subscriptions`, {
        url: `http://127.0.0.1:${RECEIVER_PORT}/hook`,
        eventTypes: [shape.type],
        ...shape.settings,
      });
    }
    const recordedBefore = await counted('herald_attempts_recorded_total');
    const handedOffBefore = await counted('herald_messages_handed_off_total');

    // 1. Throughput: ingest everything through the batch endpoint, time until all are delivered.
    const cpuBefore = procs.map((p) => cpuSeconds(p.proc.pid!));
    const threadsBefore = procs.map((p) => threadSeconds(p.proc.pid!));
    const machineBefore = machineTicks();
    const dbName = values.db === 'postgres' ? new URL(db).pathname.slice(1) : null;
    const databaseBefore = databaseCpuSeconds(dbName);
    const t0 = performance.now();
    await ingestAll('salesorder.created', totalEvents);
    const ingestSeconds = (performance.now() - t0) / 1000;
    await deliveredAll(recordedBefore + totalEvents);
    const seconds = (performance.now() - t0) / 1000;
    const handedOff = (await counted('herald_messages_handed_off_total')) - handedOffBefore; // sent without a claim
    // CPU per delivery, all Herald processes together and their main threads: steadier than
    // deliveries/s on a machine whose neighbours come and go.
    const cpuAfter = procs.map((p) => cpuSeconds(p.proc.pid!));
    const threadsAfter = procs.map((p) => threadSeconds(p.proc.pid!));
    const machineAfter = machineTicks();
    const databaseUsed = databaseCpuSeconds(dbName) - databaseBefore;
    const cpuUsed = (pick: 'process' | 'main') => cpuAfter.reduce((sum, c, i) => sum + c[pick] - cpuBefore[i]![pick], 0);
    const stats = (await call('GET', `/v1/subscriptions/${sub.id}/stats?since=1970-01-01T00:00:00.000Z`)) as {
      messages: Record<string, number>;
      attempts: number;
    };
    const delivered = stats.messages.succeeded ?? 0;
    const deliveriesPerSecond = Math.round(delivered / seconds);
    // 1b. The shaped phases, measured as the plain one.
    const shaped: Record<
      string,
      { ingest_seconds: number; ingest_events_per_second: number; seconds: number; deliveries_per_second: number }
    > = {};
    for (const shape of shapes) {
      const before = await counted('herald_attempts_recorded_total');
      const started = performance.now();
      await ingestAll(shape.type, totalEvents);
      const ingested = (performance.now() - started) / 1000;
      await deliveredAll(before + totalEvents);
      const done = (performance.now() - started) / 1000;
      shaped[shape.name] = {
        ingest_seconds: Number(ingested.toFixed(2)),
        ingest_events_per_second: Math.round(totalEvents / ingested),
        seconds: Number(done.toFixed(2)),
        deliveries_per_second: Math.round(totalEvents / done),
      };
    }
    ceilingRuns.push(measureCeiling());
    const ceilingRps = Math.round(ceilingRuns.reduce((a, b) => a + b, 0) / ceilingRuns.length);

    // 2. Latency: single-event requests at a fixed rate. The first --warmup seconds at that rate
    // are not counted: they open the client's connections and compile the single-event path.
    const rate = Number(values.rate);
    const fixedRate = async (seconds: number, latencies: number[]) => {
      const inflight: Promise<void>[] = [];
      const start = performance.now();
      for (let i = 0; i < rate * seconds; i++) {
        const due = start + (i * 1000) / rate;
        const wait = due - performance.now();
        if (wait > 0) await new Promise((r) => setTimeout(r, wait));
        const sent = performance.now();
        inflight.push(
          call('POST', '/v1/events', { type: 'salesorder.created', data }, latencyPool).then(
            () => void latencies.push(performance.now() - sent),
          ),
        );
      }
      await Promise.all(inflight);
      return latencies.length / ((performance.now() - start) / 1000);
    };
    await fixedRate(Number(values.warmup), []);
    const latencies: number[] = [];
    const probe = fsyncProbe(join(dir, 'fsync-probe'));
    const achievedRate = Math.round(await fixedRate(Number(values.seconds), latencies));
    const fsyncs = await probe.stop();
    latencies.sort((a, b) => a - b);
    // Diagnostics from the process that took the requests: event-loop stalls and GC time.
    const metricsText = await (await fetch(`${procs[0]!.url}/metrics`)).text();
    const metric = (name: string) => Number(new RegExp(`^${name}(?:\\{[^}]*\\})? ([0-9.e+-]+)`, 'm').exec(metricsText)?.[1] ?? Number.NaN);
    const gcSeconds = [...metricsText.matchAll(/^nodejs_gc_duration_seconds_sum\{[^}]*\} ([0-9.e+-]+)/gm)].reduce(
      (a, m) => a + Number(m[1]),
      0,
    );
    // 3. The BullMQ baseline, in its own process, on the same events and receiver.
    const baselineRps =
      values.baseline === 'bullmq'
        ? (
            JSON.parse(
              sh(process.execPath, [
                '--import',
                'tsx',
                join(ROOT, 'bench/bullmq-baseline.ts'),
                String(totalEvents),
                `http://127.0.0.1:${RECEIVER_PORT}/hook`,
                process.env.BENCH_REDIS_URL ?? 'redis://127.0.0.1:6379',
              ]),
            ) as { bullmq_deliveries_per_second: number }
          ).bullmq_deliveries_per_second
        : null;

    console.log(
      JSON.stringify({
        db: values.db,
        topology: workers > 0 ? `1 api + ${workers} worker` : '1 all',
        events: totalEvents,
        warmup_events: warmupEvents,
        delivered,
        attempts_recorded: stats.attempts,
        seconds: Number(seconds.toFixed(2)),
        ingest_seconds: Number(ingestSeconds.toFixed(2)),
        ingest_events_per_second: Math.round(totalEvents / ingestSeconds),
        deliveries_per_second: deliveriesPerSecond,
        ...shaped,
        ceiling_rps: ceilingRps,
        ceiling_rps_runs: ceilingRuns,
        ceiling_ratio: Number((deliveriesPerSecond / ceilingRps).toFixed(3)),
        cpu_us_per_delivery: Math.round((cpuUsed('process') * 1e6) / delivered),
        main_thread_cpu_us_per_delivery: Math.round((cpuUsed('main') * 1e6) / delivered),
        // Per process, its threads' CPU per delivery, busiest first (the main thread, the SQLite
        // thread, V8's garbage-collection helpers...); threads under 1 µs are left out.
        thread_cpu_us_per_delivery: threadsAfter.map((after, i) =>
          [...after]
            .map(([tid, s]) => Math.round(((s - (threadsBefore[i]!.get(tid) ?? 0)) * 1e6) / delivered))
            .filter((us) => us >= 1)
            .sort((a, b) => b - a),
        ),
        ...(dbName === null ? {} : { postgres_cpu_us_per_delivery: Math.round((databaseUsed * 1e6) / delivered) }),
        handed_off_percent: Math.round((100 * handedOff) / Math.max(1, totalEvents)),
        machine_idle_percent: Math.round(
          (100 * (machineAfter.idle - machineBefore.idle)) / Math.max(1, machineAfter.total - machineBefore.total),
        ),
        single_ingest_rate: achievedRate,
        single_ingest_p50_ms: Number(percentile(latencies, 50).toFixed(2)),
        single_ingest_p99_ms: Number(percentile(latencies, 99).toFixed(2)),
        disk_fsync_p50_ms: Number(percentile(fsyncs, 50).toFixed(2)),
        disk_fsync_p99_ms: Number(percentile(fsyncs, 99).toFixed(2)),
        api_event_loop_lag_max_ms: Number((metric('nodejs_eventloop_lag_max_seconds') * 1000).toFixed(1)),
        api_gc_seconds_total: Number(gcSeconds.toFixed(2)),
        peak_rss_mb: procs.map((p) => peakRssMb(p.proc.pid!)),
        ...(baselineRps === null
          ? {}
          : {
              bullmq_deliveries_per_second: baselineRps,
              bullmq_ceiling_ratio: Number((baselineRps / ceilingRps).toFixed(3)),
              herald_to_bullmq: Number((deliveriesPerSecond / baselineRps).toFixed(2)),
            }),
      }),
    );
    await api.close();
    await latencyPool.close();
  } finally {
    await Promise.all(
      procs.map((p) => {
        const exited = new Promise((resolve) => p.proc.once('exit', resolve));
        p.proc.kill('SIGTERM');
        return exited;
      }),
    );
    try {
      process.kill(Number(readFileSync(pidFile, 'utf8').trim()));
    } catch {
      // receiver already gone
    }
    rmSync(dir, { recursive: true, force: true });
    if (benchDatabase !== null) sh('psql', [`${values['pg-url']}/postgres`, '-qc', `DROP DATABASE ${benchDatabase} WITH (FORCE)`]);
  }
}

/** The fleet and dead-endpoints scenarios (scenarios.ts): Herald alone, no nginx receiver or ceiling. */
async function scenario(name: string): Promise<void> {
  sh('npm', ['run', '--silent', 'build']);
  const dir = mkdtempSync(join(tmpdir(), 'herald-bench-'));
  try {
    const db = await databaseUrl(dir);
    await runScenario(
      name,
      {
        db: values.db as string,
        batchSize,
        endpoints: Number(values.endpoints),
        fleetEvents: Number(values['fleet-events']),
        answerMs: Number(values['answer-ms']),
        dead: Number(values.dead),
        backlog: Number(values.backlog),
        healthyRate: Number(values['healthy-rate']),
        healthySeconds: Number(values['healthy-seconds']),
      },
      { start: () => startHeraldFromDist(db, 'all'), peakRssMb },
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
    if (benchDatabase !== null) sh('psql', [`${values['pg-url']}/postgres`, '-qc', `DROP DATABASE ${benchDatabase} WITH (FORCE)`]);
  }
}

if (values.scenario === 'throughput') await main();
else await scenario(values.scenario as string);
