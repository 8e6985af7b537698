// The comparison the performance target is stated against (issue 2, ../shared/bench/README.md): a
// BullMQ + Redis dispatcher with 64 concurrency and no attempt log, on the same machine and the
// same receiver. A producer adds the events as jobs in batches of 500 (`addBulk`, as Herald's
// throughput phase posts batches of 500), one worker POSTs each job's payload with undici; the time
// runs from the first batch to the last completed job. Run by `npm run bench -- --baseline bullmq`
// in its own process, so it shares nothing with Herald's but the machine; prints one JSON line.
// Usage: node --import tsx bench/bullmq-baseline.ts [events=20000] [receiverUrl] [redisUrl]
import { Queue, Worker } from 'bullmq';
import { Redis } from 'ioredis';
import { Pool } from 'undici';

const total = Number(process.argv[2] ?? 20_000);
const target = new URL(process.argv[3] ?? 'http://127.0.0.1:18080/hook');
const redisUrl = process.argv[4] ?? 'redis://127.0.0.1:6379';
const CONCURRENCY = 64;
const BATCH = 500;

// BullMQ's workers need `maxRetriesPerRequest: null` on their (blocking) connection. Connections
// passed in are not closed by BullMQ: they are closed here at the end.
const connections: Redis[] = [];
const connection = () => {
  const redis = new Redis(redisUrl, { maxRetriesPerRequest: null });
  connections.push(redis);
  return redis;
};
// Fail at once, with the address, when Redis is not there (BullMQ's connections retry forever).
const probe = new Redis(redisUrl, { maxRetriesPerRequest: 0, retryStrategy: () => null, lazyConnect: true });
let probeError: Error | null = null;
probe.on('error', (err: Error) => {
  probeError = err;
});
try {
  await probe.connect();
  await probe.ping();
} catch (err) {
  throw new Error(`BullMQ baseline: Redis is not reachable at ${redisUrl} (${(probeError ?? (err as Error)).message})`);
} finally {
  probe.disconnect();
}
const name = `herald-bench-${process.pid}-${Date.now()}`;
const queue = new Queue(name, { connection: connection() });
const pool = new Pool(target.origin, { connections: CONCURRENCY });
const data = { id: 123, total: 456.7, lines: Array.from({ length: 5 }, (_, i) => ({ sku: `SKU${i}`, qty: i })) };

async function run(count: number): Promise<number> {
  let completed = 0;
  let failed = 0;
  let finish!: () => void;
  const finished = new Promise<void>((resolve) => {
    finish = resolve;
  });
  const worker = new Worker(
    name,
    async (job) => {
      const body = JSON.stringify({ type: job.name, timestamp: new Date().toISOString(), data: job.data });
      const res = await pool.request({ path: target.pathname, method: 'POST', headers: { 'content-type': 'application/json' }, body });
      await res.body.dump();
      if (res.statusCode >= 300) throw new Error(`receiver answered ${res.statusCode}`);
    },
    { connection: connection(), concurrency: CONCURRENCY, removeOnComplete: { count: 0 }, removeOnFail: { count: 0 } },
  );
  worker.on('completed', () => {
    if (++completed + failed === count) finish();
  });
  worker.on('failed', () => {
    if (completed + ++failed === count) finish();
  });
  const t0 = performance.now();
  for (let i = 0; i < count; i += BATCH) {
    const jobs = Array.from({ length: Math.min(BATCH, count - i) }, () => ({
      name: 'salesorder.created',
      data,
      opts: { attempts: 7, backoff: { type: 'exponential', delay: 1000 } },
    }));
    await queue.addBulk(jobs);
  }
  const deadline = setTimeout(finish, 300_000); // 5 minutes at most
  await finished;
  clearTimeout(deadline);
  const seconds = (performance.now() - t0) / 1000;
  await worker.close();
  if (failed > 0 || completed < count) throw new Error(`BullMQ baseline: ${completed} completed, ${failed} failed of ${count}`);
  return count / seconds;
}

try {
  await run(Math.min(5_000, total)); // warm-up, as Herald's run has one
  const rate = await run(total);
  console.log(JSON.stringify({ bullmq_deliveries_per_second: Math.round(rate), events: total, concurrency: CONCURRENCY }));
} finally {
  await queue.obliterate({ force: true });
  await queue.close();
  await pool.close();
  await Promise.all(connections.map((redis) => redis.quit()));
}
