// The typed catalogue (issue 18), on SQLite and on PostgreSQL: a real Herald and a real receiver.
// An event type's JSON Schema and example are stored and shown, checked when saved (invalid_schema,
// invalid_example); event data is validated at ingest, single and batch (schema_validation_failed
// naming the JSON pointer); "Trigger now" sends the type's example; POST /v1/event-types/import
// loads 200 types idempotently, all or nothing; a subscription naming an exact event type that is
// not in the catalogue is refused while wildcards are not. The CLI import runs on a real SQLite file.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { sqliteStore } from '../../src/store/sqlite/sqlite-store.js';
import { removeDir, startTestHerald, type TestHerald, tempDir } from '../helpers/herald.js';
import { createTestDatabase, requirePostgres, type TestDatabase } from '../helpers/postgres.js';
import { eventually, TestReceiver } from '../helpers/receiver.js';

type Json = Record<string, unknown>;
const TEST_SECRET_KEY = 'dHlwZWQgY2F0YWxvZ3VlIHRlc3RzIHNoYXJlIHRoaXM='; // base64 of 32 bytes, tests only

const ORDER_SCHEMA = {
  type: 'object',
  required: ['order'],
  properties: {
    order: {
      type: 'object',
      required: ['id', 'total'],
      properties: {
        id: { type: 'string', pattern: '^SO-[0-9]+$' },
        total: { type: 'number', minimum: 0 },
        status: { enum: ['draft', 'paid'] },
      },
    },
  },
};
const ORDER_EXAMPLE = { order: { id: 'SO-1001', total: 250.5, status: 'paid' } };

/** 200 event types as seed 004's catalogue might hold them, each with a small schema and example. */
function generated(count = 200): Json[] {
  return Array.from({ length: count }, (_, i) => ({
    name: `module${i % 10}.entity${i}.created`,
    description: `Entity ${i} was created`,
    schema: { type: 'object', required: ['id'], properties: { id: { type: 'integer' } } },
    example: { id: i },
  }));
}

const pgSkip = await requirePostgres();

function scenarios(start: () => Promise<TestHerald>): void {
  let h: TestHerald;
  let receiver: TestReceiver;
  before(async () => {
    h = await start();
    receiver = await new TestReceiver().start();
  });
  after(async () => {
    await h?.stop();
    await receiver?.stop();
  });

  const subscriber = async () => (await h.api<Json>('POST', '/v1/subscribers', { name: 'shop' })).body.id as string;

  it('stores and shows a schema and an example, and patches them', async () => {
    const created = await h.api<Json>('POST', '/v1/event-types', {
      name: 'salesorder.created',
      description: 'A sales order was created',
      schema: ORDER_SCHEMA,
      example: ORDER_EXAMPLE,
    });
    assert.equal(created.status, 201, JSON.stringify(created.body));
    assert.deepEqual(created.body.schema, ORDER_SCHEMA);
    assert.deepEqual(created.body.example, ORDER_EXAMPLE);
    const got = await h.api<Json>('GET', '/v1/event-types/salesorder.created');
    assert.deepEqual(got.body, created.body);
    const listed = await h.api<{ data: Json[] }>('GET', '/v1/event-types');
    assert.deepEqual(
      listed.body.data.find((t) => t.name === 'salesorder.created'),
      created.body,
    );

    const plain = await h.api<Json>('POST', '/v1/event-types', { name: 'salesorder.noted' });
    assert.equal(plain.body.schema, null);
    assert.equal(plain.body.example, null);
    const withExample = await h.api<Json>('PATCH', '/v1/event-types/salesorder.noted', { example: { note: 'hi' } });
    assert.equal(withExample.status, 200);
    assert.deepEqual(withExample.body.example, { note: 'hi' });
    const cleared = await h.api<Json>('PATCH', '/v1/event-types/salesorder.noted', { example: null });
    assert.equal(cleared.body.example, null);
  });

  it('refuses a schema that is not one, and an example that breaks its schema', async () => {
    const bad: [unknown, RegExp][] = [
      [{ type: 'object', properties: { a: { type: 'strnig' } } }, /does not compile/],
      [{ type: 'object', requird: ['a'] }, /unknown keyword|strict/], // strict: a misspelt keyword is an error
      [{ $ref: 'https://example.com/schemas/order.json' }, /does not compile/], // nothing is fetched
      [{ type: 'string', pattern: '^(a+)+$' }, /exponential/],
      [{ type: 'string', pattern: '([a-z' }, /not a valid regular expression/],
      [{ $schema: 'http://json-schema.org/draft-04/schema#', type: 'object' }, /\$schema/],
    ];
    for (const [schema, reason] of bad) {
      const res = await h.api<Json>('POST', '/v1/event-types', { name: 'bad.schema', schema });
      assert.equal(res.status, 422, JSON.stringify(schema));
      assert.equal(res.body.code, 'invalid_schema', JSON.stringify(res.body));
      assert.match(res.body.message as string, reason);
    }
    assert.equal((await h.api('GET', '/v1/event-types/bad.schema')).status, 404);

    // draft-07, when $schema says so
    const draft07 = await h.api<Json>('POST', '/v1/event-types', {
      name: 'draft.seven',
      schema: { $schema: 'http://json-schema.org/draft-07/schema#', type: 'object', required: ['a'] },
      example: { a: 1 },
    });
    assert.equal(draft07.status, 201, JSON.stringify(draft07.body));

    const badExample = await h.api<Json>('POST', '/v1/event-types', {
      name: 'bad.example',
      schema: ORDER_SCHEMA,
      example: { order: { id: 'SO-1', total: -1 } },
    });
    assert.equal(badExample.status, 422);
    assert.equal(badExample.body.code, 'invalid_example');
    assert.match(badExample.body.message as string, /\/order\/total/);

    // A new schema must still accept the stored example.
    const narrower = await h.api<Json>('PATCH', '/v1/event-types/draft.seven', {
      schema: { $schema: 'http://json-schema.org/draft-07/schema#', type: 'object', required: ['b'] },
    });
    assert.equal(narrower.status, 422);
    assert.equal(narrower.body.code, 'invalid_example');
    assert.equal((narrower.body.details as Json).path, '/b');
    const badPatch = await h.api<Json>('PATCH', '/v1/event-types/draft.seven', { schema: { type: 'nonsense' } });
    assert.equal(badPatch.body.code, 'invalid_schema');
  });

  it('validates event data at ingest, single and batch, naming the failing path', async () => {
    const ok = await h.api<Json>('POST', '/v1/events', { type: 'salesorder.created', data: ORDER_EXAMPLE });
    assert.equal(ok.status, 202, JSON.stringify(ok.body));

    const wrongType = await h.api<Json>('POST', '/v1/events', {
      type: 'salesorder.created',
      data: { order: { id: 'SO-1', total: '250.50' } },
    });
    assert.equal(wrongType.status, 422);
    assert.equal(wrongType.body.code, 'schema_validation_failed');
    assert.match(wrongType.body.message as string, /salesorder\.created at \/order\/total: must be number/);
    assert.deepEqual(wrongType.body.details, {
      type: 'salesorder.created',
      path: '/order/total',
      message: 'must be number',
      keyword: 'type',
      schemaPath: '#/properties/order/properties/total/type',
    });

    const missing = await h.api<Json>('POST', '/v1/events', { type: 'salesorder.created', data: { order: { id: 'SO-1' } } });
    assert.equal(missing.body.code, 'schema_validation_failed');
    assert.equal((missing.body.details as Json).path, '/order/total');
    const pattern = await h.api<Json>('POST', '/v1/events', { type: 'salesorder.created', data: { order: { id: 'X', total: 1 } } });
    assert.equal((pattern.body.details as Json).path, '/order/id');
    const top = await h.api<Json>('POST', '/v1/events', { type: 'salesorder.created', data: [1, 2] });
    assert.equal((top.body.details as Json).path, '');
    assert.match(top.body.message as string, /at the top level: must be object/);

    // A type without a schema takes any data.
    assert.equal((await h.api('POST', '/v1/events', { type: 'salesorder.noted', data: 'free text' })).status, 202);

    const batch = await h.api<{ data: Json[] }>('POST', '/v1/events/batch', {
      events: [
        { type: 'salesorder.created', data: ORDER_EXAMPLE },
        { type: 'salesorder.created', data: { order: { id: 'SO-2', total: 'lots' } } },
        { type: 'no.such.type', data: {} },
        { type: 'salesorder.noted', data: null },
      ],
    });
    assert.equal(batch.status, 202);
    const [first, second, third, fourth] = batch.body.data as [Json, Json, Json, Json];
    assert.match(first.id as string, /^evt_/);
    const error = second.error as Json;
    assert.equal(error.code, 'schema_validation_failed');
    assert.equal((error.details as Json).path, '/order/total');
    assert.match(error.message as string, /\/order\/total/);
    assert.equal((third.error as Json).code, 'unknown_event_type');
    assert.match(fourth.id as string, /^evt_/);

    // The refused events were not written.
    const events = await h.api<{ data: Json[] }>('GET', '/v1/events?type=salesorder.created&limit=100');
    assert.equal(events.body.data.length, 2);

    // A changed schema applies to the very next event.
    const loosened = await h.api<Json>('PATCH', '/v1/event-types/salesorder.created', {
      schema: { type: 'object', properties: { order: { type: 'object' } } },
    });
    assert.equal(loosened.status, 200, JSON.stringify(loosened.body));
    assert.equal((await h.api('POST', '/v1/events', { type: 'salesorder.created', data: { order: { total: 'lots' } } })).status, 202);
    await h.api('PATCH', '/v1/event-types/salesorder.created', { schema: ORDER_SCHEMA });
    assert.equal((await h.api('POST', '/v1/events', { type: 'salesorder.created', data: { order: { total: 'lots' } } })).status, 422);
  });

  it('"Trigger now" sends the event type\'s example when no data is given', async () => {
    const sub = await h.api<Json>('POST', `/v1/subscribers/${await subscriber()}/subscriptions`, {
      url: `${receiver.url}/trigger`,
      eventTypes: ['salesorder.created'],
    });
    assert.equal(sub.status, 201, JSON.stringify(sub.body));
    const before = receiver.requests.length;
    const sent = await h.api<Json>('POST', `/v1/subscriptions/${sub.body.id}/test`, { type: 'salesorder.created' });
    assert.equal(sent.status, 202, JSON.stringify(sent.body));
    await receiver.waitFor(before + 1);
    const got = receiver.requests.find((r, i) => i >= before && r.path === '/trigger');
    assert.ok(got);
    const body = JSON.parse(got.body) as Json;
    assert.equal(body.type, 'salesorder.created');
    assert.deepEqual(body.data, ORDER_EXAMPLE);
    // The preview of a type without data shows the example too.
    const preview = await h.api<Json>('POST', `/v1/subscriptions/${sub.body.id}/preview`, { type: 'salesorder.created' });
    assert.equal(preview.status, 200, JSON.stringify(preview.body));
    assert.deepEqual((JSON.parse((preview.body.request as Json).body as string) as Json).data, ORDER_EXAMPLE);

    // Data given must match the schema, as at ingest.
    const wrong = await h.api<Json>('POST', `/v1/subscriptions/${sub.body.id}/test`, {
      type: 'salesorder.created',
      data: { order: { id: 'SO-9', total: 'x' } },
    });
    assert.equal(wrong.status, 422);
    assert.equal((wrong.body.details as Json).path, '/order/total');
    // No type: the sample event, as before.
    const sample = await h.api<Json>('POST', `/v1/subscriptions/${sub.body.id}/test`);
    assert.equal(sample.status, 202);
    assert.equal(sample.body.eventType, 'herald.test');
  });

  it('imports 200 event types idempotently: created, then unchanged, then one updated', async () => {
    const types = generated();
    const first = await h.api<Json>('POST', '/v1/event-types/import', { eventTypes: types });
    assert.equal(first.status, 200, JSON.stringify(first.body));
    assert.deepEqual(first.body, { created: 200, updated: 0, unchanged: 0 });
    const again = await h.api<Json>('POST', '/v1/event-types/import', { eventTypes: types });
    assert.deepEqual(again.body, { created: 0, updated: 0, unchanged: 200 });

    const changed = types.map((t, i) => (i === 7 ? { ...t, description: 'Entity 7 was made' } : t));
    const third = await h.api<Json>('POST', '/v1/event-types/import', { eventTypes: changed });
    assert.deepEqual(third.body, { created: 0, updated: 1, unchanged: 199 });
    const seventh = await h.api<Json>('GET', `/v1/event-types/${types[7]?.name}`);
    assert.equal(seventh.body.description, 'Entity 7 was made');
    assert.deepEqual(seventh.body.example, { id: 7 });

    // A field left out keeps its value; the imported schemas apply at ingest.
    const partial = await h.api<Json>('POST', '/v1/event-types/import', { eventTypes: [{ name: types[3]?.name, example: { id: 33 } }] });
    assert.deepEqual(partial.body, { created: 0, updated: 1, unchanged: 0 });
    assert.equal((await h.api<Json>('GET', `/v1/event-types/${types[3]?.name}`)).body.description, 'Entity 3 was created');
    assert.equal((await h.api('POST', '/v1/events', { type: types[3]?.name, data: { id: 'three' } })).status, 422);

    const audit = await h.api<{ data: Json[] }>('GET', '/v1/audit-log?action=event-type.import');
    assert.equal(audit.body.data.length, 4);
    const latest = audit.body.data[0] as Json;
    assert.equal(latest.action, 'event-type.import');
    assert.deepEqual((latest.changes as Json).updated, 1);
  });

  it('refuses a whole import for one bad entry, naming its index, and writes nothing', async () => {
    const types = generated(50).map((t) => ({ ...t, name: `fresh.${t.name}` }));
    const cases: [Json[], number, string][] = [
      [types.map((t, i) => (i === 30 ? { ...t, schema: { type: 'object', required: 'id' } } : t)), 30, 'invalid_schema'],
      [types.map((t, i) => (i === 12 ? { ...t, example: { id: 'twelve' } } : t)), 12, 'invalid_example'],
      [types.map((t, i) => (i === 40 ? { ...t, name: 'Not.A.Name' } : t)), 40, 'invalid_event_type_name'],
      [[...types, { name: types[5]?.name }], 50, 'duplicate_event_type'],
    ];
    for (const [eventTypes, index, code] of cases) {
      const res = await h.api<Json>('POST', '/v1/event-types/import', { eventTypes });
      assert.equal(res.status, 422, JSON.stringify(res.body));
      assert.equal(res.body.code, code);
      assert.match(res.body.message as string, new RegExp(`^eventTypes\\[${index}\\]`));
      assert.equal((res.body.details as Json).index, index);
    }
    assert.equal((await h.api('GET', `/v1/event-types/${types[0]?.name}`)).status, 404);
    const tooMany = await h.api<Json>('POST', '/v1/event-types/import', { eventTypes: generated(1001) });
    assert.equal(tooMany.status, 400);
  });

  it('refuses a subscription naming an exact event type that is not in the catalogue; wildcards stay allowed', async () => {
    const sbr = await subscriber();
    const create = (eventTypes: string[]) =>
      h.api<Json>('POST', `/v1/subscribers/${sbr}/subscriptions`, { url: `${receiver.url}/s`, eventTypes });
    const refused = await create(['salesorder.created', 'nope.never', 'nope.again']);
    assert.equal(refused.status, 422);
    assert.equal(refused.body.code, 'unknown_event_type');
    assert.match(refused.body.message as string, /nope\.never, nope\.again/);
    assert.deepEqual(refused.body.details, { eventTypes: ['nope.never', 'nope.again'] });

    for (const wildcard of [['nope.*'], ['*'], ['salesorder.*', 'salesorder.created']]) {
      assert.equal((await create(wildcard)).status, 201, wildcard.join());
    }
    const sub = (await create(['salesorder.created'])).body.id as string;
    const patched = await h.api<Json>('PATCH', `/v1/subscriptions/${sub}`, { eventTypes: ['nope.never'] });
    assert.equal(patched.status, 422);
    assert.equal(patched.body.code, 'unknown_event_type');
    assert.equal((await h.api<Json>('PATCH', `/v1/subscriptions/${sub}`, { eventTypes: ['nope.*'] })).status, 200);

    // Jiwa's route refuses it too.
    const jiwa = await fetch(`${h.url}/Webhooks/Subscribers/${sbr}/Subscriptions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json', authorization: 'Bearer test-admin-key-0123456789' },
      body: JSON.stringify({ URL: `${receiver.url}/j`, EventName: 'nope.never' }),
    });
    assert.equal(jiwa.status, 422, await jiwa.text());
  });

  it('delivers events that pass the schema to a real receiver', async () => {
    const sub = await h.api<Json>('POST', `/v1/subscribers/${await subscriber()}/subscriptions`, {
      url: `${receiver.url}/orders`,
      eventTypes: ['salesorder.*'],
    });
    assert.equal(sub.status, 201);
    const data = { order: { id: 'SO-77', total: 1 } };
    assert.equal((await h.api('POST', '/v1/events', { type: 'salesorder.created', data })).status, 202);
    const got = await eventually(
      async () => receiver.requests.find((r) => r.path === '/orders' && (JSON.parse(r.body) as Json).type === 'salesorder.created') ?? null,
      10_000,
      'the order to arrive',
    );
    assert.deepEqual((JSON.parse(got.body) as Json).data, data);
  });
}

describe('typed catalogue', () => {
  describe('SQLite', () => {
    const dir = tempDir();
    scenarios(() => startTestHerald({}, dir));
    after(() => removeDir(dir));
  });

  describe('PostgreSQL', { skip: pgSkip ?? false }, () => {
    let db: TestDatabase;
    const dir = tempDir();
    scenarios(async () => {
      db = await createTestDatabase();
      return startTestHerald({ databaseUrl: db.url, secretKey: TEST_SECRET_KEY }, dir);
    });
    after(async () => {
      await db?.drop();
      removeDir(dir);
    });
  });
});

describe('herald event-types import <file.json>', () => {
  const dir = mkdtempSync(join(tmpdir(), 'herald-cli-import-'));
  const db = join(dir, 'herald.db');
  after(() => rmSync(dir, { recursive: true, force: true }));

  const cli = (file: string) => {
    const run = spawnSync(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', 'event-types', 'import', file, '--db', `sqlite:${db}`], {
      encoding: 'utf8',
      env: { ...process.env, HERALD_LOG_LEVEL: 'silent' },
    });
    return { status: run.status, out: run.stdout.trim(), err: run.stderr.trim() };
  };

  it('imports a file idempotently, as {eventTypes} or a plain array, and refuses a bad one whole', async () => {
    const types = generated();
    const wrapped = join(dir, 'catalogue.json');
    writeFileSync(wrapped, JSON.stringify({ eventTypes: types }));
    const plain = join(dir, 'plain.json');
    writeFileSync(plain, JSON.stringify(types.map((t, i) => (i === 0 ? { ...t, description: 'changed' } : t))));
    const bad = join(dir, 'bad.json');
    writeFileSync(bad, JSON.stringify([{ name: 'cli.new.one' }, { name: 'cli.new.two', schema: { type: 'object', properties: 3 } }]));
    const unknownField = join(dir, 'unknown-field.json');
    writeFileSync(unknownField, JSON.stringify([{ name: 'cli.new.three', colour: 'red' }]));

    const first = cli(wrapped);
    assert.equal(first.status, 0, first.err);
    assert.match(first.out, /200 created, 0 updated, 0 unchanged/);
    const second = cli(wrapped);
    assert.match(second.out, /0 created, 0 updated, 200 unchanged/);
    const third = cli(plain);
    assert.match(third.out, /0 created, 1 updated, 199 unchanged/);

    const refused = cli(bad);
    assert.equal(refused.status, 1);
    assert.match(refused.err, /nothing imported: eventTypes\[1\] \(cli\.new\.two\).*invalid_schema/);
    const refusedShape = cli(unknownField);
    assert.equal(refusedShape.status, 1);
    assert.match(refusedShape.err, /eventTypes\[0\]/);
    const missing = cli(join(dir, 'missing.json'));
    assert.equal(missing.status, 2);
    assert.match(missing.err, /neither a preset \(jiwa\) nor a file/);

    const store = sqliteStore({ path: db });
    try {
      assert.equal((await store.listEventTypes({ limit: 1000 })).data.length, 200);
      assert.equal(await store.getEventType('cli.new.one'), null);
      assert.equal((await store.getEventType(types[0]?.name as string))?.description, 'changed');
      const audit = await store.listAudit({ limit: 10, action: 'event-type.import' });
      assert.deepEqual(
        audit.data.map((a) => a.actor),
        ['cli', 'cli', 'cli'],
      );
    } finally {
      await store.close();
    }
  });
});
