import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { assertError, ISO, startApi, type TestApi } from './api-helpers.js';

describe('API /v1/event-types', () => {
  let api: TestApi;
  before(async () => {
    api = await startApi();
  });
  after(() => api.close());

  test('create, get, patch, list, delete', async () => {
    const schema = { type: 'object', properties: { orderNo: { type: 'string' } } };
    const created = await api.call('POST', '/v1/event-types', { name: 'invoice.paid', description: 'Paid', schema });
    assert.equal(created.status, 201);
    assert.deepEqual(
      { ...created.body, createdAt: 'x', updatedAt: 'x' },
      { name: 'invoice.paid', description: 'Paid', schema, example: null, createdAt: 'x', updatedAt: 'x' },
    );
    assert.match(created.body.createdAt, ISO);

    const minimal = await api.call('POST', '/v1/event-types', { name: 'invoice.created' });
    assert.equal(minimal.status, 201);
    assert.equal(minimal.body.description, '');
    assert.equal(minimal.body.schema, null);

    const got = await api.call('GET', '/v1/event-types/invoice.paid');
    assert.equal(got.status, 200);
    assert.deepEqual(got.body, created.body);

    const patched = await api.call('PATCH', '/v1/event-types/invoice.paid', { description: 'Invoice paid in full', schema: null });
    assert.equal(patched.status, 200);
    assert.equal(patched.body.description, 'Invoice paid in full');
    assert.equal(patched.body.schema, null);

    const list = await api.call('GET', '/v1/event-types');
    assert.equal(list.status, 200);
    assert.deepEqual(
      list.body.data.map((e: { name: string }) => e.name),
      ['invoice.created', 'invoice.paid'],
    );
    assert.equal(list.body.nextCursor, null);

    const deleted = await api.call('DELETE', '/v1/event-types/invoice.created');
    assert.equal(deleted.status, 204);
    assert.equal(deleted.text, '');
    assertError(await api.call('GET', '/v1/event-types/invoice.created'), 404, 'not_found');
  });

  test('pagination by name', async () => {
    for (const n of ['page.a', 'page.b', 'page.c', 'page.d', 'page.e'])
      assert.equal((await api.call('POST', '/v1/event-types', { name: n })).status, 201);
    const seen: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const url: string = `/v1/event-types?limit=2${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`;
      const page = await api.call('GET', url);
      assert.equal(page.status, 200);
      assert.ok(page.body.data.length <= 2);
      seen.push(...page.body.data.map((e: { name: string }) => e.name));
      cursor = page.body.nextCursor;
      pages++;
    } while (cursor && pages < 20);
    const pageNames = seen.filter((n) => n.startsWith('page.'));
    assert.deepEqual(pageNames, ['page.a', 'page.b', 'page.c', 'page.d', 'page.e']);
    assert.equal(new Set(seen).size, seen.length, 'no name twice');
  });

  test('bad input', async () => {
    assertError(await api.call('POST', '/v1/event-types', { name: 'Sales Order' }), 422, 'invalid_event_type_name');
    assertError(await api.call('POST', '/v1/event-types', { name: 'salesorder.' }), 422, 'invalid_event_type_name');
    assertError(await api.call('POST', '/v1/event-types', { name: 'x'.repeat(201) }), 400, 'validation_failed');
    assertError(await api.call('POST', '/v1/event-types', {}), 400, 'validation_failed');
    assertError(await api.call('POST', '/v1/event-types', { name: 7 }), 400, 'validation_failed');
    assertError(await api.call('POST', '/v1/event-types', { name: 'a.b', description: 5 }), 400, 'validation_failed');
    assertError(await api.call('POST', '/v1/event-types', { name: 'a.b', schema: 'not an object' }), 400, 'validation_failed');
    assertError(await api.call('POST', '/v1/event-types', { name: 'a.b', colour: 'red' }), 400, 'validation_failed');
    assertError(await api.call('POST', '/v1/event-types', []), 400, 'validation_failed');
    assert.equal((await api.call('GET', '/v1/event-types/a.b')).status, 404, 'nothing was created');

    assert.equal((await api.call('POST', '/v1/event-types', { name: 'dup.one' })).status, 201);
    assertError(await api.call('POST', '/v1/event-types', { name: 'dup.one' }), 409, 'conflict');

    assertError(await api.call('GET', '/v1/event-types/no.such'), 404, 'not_found');
    assertError(await api.call('PATCH', '/v1/event-types/no.such', { description: 'x' }), 404, 'not_found');
    assertError(await api.call('DELETE', '/v1/event-types/no.such'), 404, 'not_found');
    assertError(await api.call('PATCH', '/v1/event-types/dup.one', { name: 'renamed' }), 400, 'validation_failed');
    assertError(await api.call('GET', '/v1/event-types?limit=0'), 400, 'validation_failed');
    assertError(await api.call('GET', '/v1/event-types?limit=1001'), 400, 'validation_failed');
    assertError(await api.call('GET', '/v1/event-types?limit=ten'), 400, 'validation_failed');
  });
});
