// What a JSON Schema on an event type costs at ingest (src/domain/event-schemas.ts), in the same run:
//   1. validator: the compiled check alone (JSON.parse of the data + ajv), operations per second;
//   2. ingest: store.ingest of batches of events of a type without a schema and of a type with seed
//      004's order schema, alternating rounds, fanned out to one `*` subscription, on the SQLite
//      store in its thread (as `herald serve` runs it) or on PostgreSQL (--db postgres: a database of
//      its own, made on HERALD_TEST_PG_URL's server and dropped after).
// Prints one JSON line per measure. Usage:
//   node --import tsx bench/schema-ingest.ts [--db sqlite|postgres] [--events 20000] [--batch 500] [--rounds 3]
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { SchemaValidators } from '../src/domain/event-schemas.js';
import type { HeraldEvent } from '../src/domain/glossary.js';
import { newId } from '../src/domain/ids.js';
import { openStore } from '../src/store/open.js';
import type { IngestRequest, Store } from '../src/store/store.js';
import { subscriptionFixture } from '../test/helpers/fixtures.js';
import { createTestDatabase, type TestDatabase } from '../test/helpers/postgres.js';

const { values } = parseArgs({
  options: {
    db: { type: 'string', default: 'sqlite' },
    events: { type: 'string', default: '20000' },
    batch: { type: 'string', default: '500' },
    rounds: { type: 'string', default: '3' },
  },
});
const EVENTS = Number(values.events);
const BATCH = Number(values.batch);
const ROUNDS = Number(values.rounds);

const SCHEMA = {
  type: 'object',
  required: ['order'],
  properties: {
    order: {
      type: 'object',
      required: ['id', 'customer_id', 'total', 'status', 'items'],
      properties: {
        id: { type: 'string', pattern: '^SO-[0-9]+$' },
        customer_id: { type: 'string' },
        total: { type: 'number', minimum: 0 },
        status: { enum: ['draft', 'confirmed', 'shipped'] },
        items: {
          type: 'array',
          items: {
            type: 'object',
            required: ['sku', 'qty', 'price'],
            properties: { sku: { type: 'string' }, qty: { type: 'integer', minimum: 1 }, price: { type: 'number' } },
          },
        },
      },
    },
  },
};
const DATA = JSON.stringify({
  order: {
    id: 'SO-1001',
    customer_id: 'CUS-7',
    total: 150.5,
    status: 'confirmed',
    items: [
      { sku: 'A-1', qty: 2, price: 50 },
      { sku: 'B-2', qty: 1, price: 50.5 },
    ],
  },
});

function validatorOpsPerSecond(): number {
  const validate = new SchemaValidators().compile('order.created', 1, SCHEMA);
  const until = performance.now() + 1_000;
  let n = 0;
  while (performance.now() < until) {
    for (let i = 0; i < 1_000; i++) if (validate(DATA) !== null) throw new Error('the sample must match');
    n += 1_000;
  }
  return n;
}

function requests(type: string, count: number): IngestRequest[] {
  const now = Date.now();
  return Array.from({ length: count }, () => {
    const event: HeraldEvent = {
      id: newId('evt', now),
      type,
      dataJson: DATA,
      idempotencyKey: null,
      subscriberId: null,
      channels: null,
      createdAt: now,
    };
    return { event, requestHash: null };
  });
}

async function ingestRate(store: Store, type: string): Promise<number> {
  const started = performance.now();
  for (let sent = 0; sent < EVENTS; sent += BATCH) {
    const results = await store.ingest(requests(type, Math.min(BATCH, EVENTS - sent)));
    if (results.some((r) => r.status !== 'created'))
      throw new Error(`not created: ${JSON.stringify(results.find((r) => r.status !== 'created'))}`);
  }
  return EVENTS / ((performance.now() - started) / 1000);
}

async function main(): Promise<void> {
  console.log(JSON.stringify({ measure: 'validator', opsPerSecond: Math.round(validatorOpsPerSecond()) }));
  const dir = mkdtempSync(join(tmpdir(), 'herald-bench-schema-'));
  const pg: TestDatabase | null = values.db === 'postgres' ? await createTestDatabase() : null;
  const url = pg === null ? `sqlite:${join(dir, 'herald.db')}` : pg.url;
  const store = await openStore(url, { poolMax: 4 });
  try {
    await store.migrate();
    const now = Date.now();
    await store.createEventType({ name: 'plain.created', description: '', schema: null, example: null, createdAt: now, updatedAt: now });
    await store.createEventType({ name: 'order.created', description: '', schema: SCHEMA, example: null, createdAt: now, updatedAt: now });
    const subscriber = { id: newId('sbr', now), name: 'bench', enabled: true, metadata: null, createdAt: now, updatedAt: now };
    await store.createSubscriber(subscriber);
    await store.createSubscription(subscriptionFixture({ subscriberId: subscriber.id, eventTypes: ['*'], url: 'http://127.0.0.1:9/none' }));
    await ingestRate(store, 'plain.created'); // warm-up, not counted
    await ingestRate(store, 'order.created');
    const plain: number[] = [];
    const schema: number[] = [];
    for (let round = 0; round < ROUNDS; round++) {
      plain.push(await ingestRate(store, 'plain.created'));
      schema.push(await ingestRate(store, 'order.created'));
    }
    const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? 0;
    console.log(
      JSON.stringify({
        measure: 'ingest',
        db: pg === null ? 'sqlite' : 'postgres',
        events: EVENTS,
        batch: BATCH,
        withoutSchemaPerSecond: Math.round(median(plain)),
        withSchemaPerSecond: Math.round(median(schema)),
        ratio: Number((median(schema) / median(plain)).toFixed(3)),
        rounds: { withoutSchema: plain.map(Math.round), withSchema: schema.map(Math.round) },
      }),
    );
  } finally {
    await store.close();
    await pg?.drop();
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();
