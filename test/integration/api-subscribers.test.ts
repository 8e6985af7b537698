import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { assertError, ISO, startApi, type TestApi } from './api-helpers.js';

describe('API /v1/subscribers', () => {
  let api: TestApi;
  before(async () => {
    api = await startApi();
  });
  after(() => api.close());

  test('create, get, patch, delete', async () => {
    const created = await api.call('POST', '/v1/subscribers', { name: 'Acme', metadata: { region: 'eu' } });
    assert.equal(created.status, 201);
    assert.match(created.body.id, /^sbr_[0-9A-Z]{26}$/);
    assert.equal(created.body.name, 'Acme');
    assert.equal(created.body.enabled, true);
    assert.deepEqual(created.body.metadata, { region: 'eu' });
    assert.match(created.body.createdAt, ISO);
    assert.match(created.body.updatedAt, ISO);

    const got = await api.call('GET', `/v1/subscribers/${created.body.id}`);
    assert.deepEqual(got.body, created.body);

    const patched = await api.call('PATCH', `/v1/subscribers/${created.body.id}`, { name: 'Acme Ltd', enabled: false });
    assert.equal(patched.status, 200);
    assert.equal(patched.body.name, 'Acme Ltd');
    assert.equal(patched.body.enabled, false);
    assert.deepEqual(patched.body.metadata, { region: 'eu' }, 'fields left out keep their value');

    const cleared = await api.call('PATCH', `/v1/subscribers/${created.body.id}`, { metadata: null });
    assert.equal(cleared.body.metadata, null);

    const minimal = await api.call('POST', '/v1/subscribers', { name: 'Disabled', enabled: false });
    assert.equal(minimal.body.enabled, false);
    assert.equal(minimal.body.metadata, null);

    assert.equal((await api.call('DELETE', `/v1/subscribers/${created.body.id}`)).status, 204);
    assertError(await api.call('GET', `/v1/subscribers/${created.body.id}`), 404, 'not_found');
    assertError(await api.call('DELETE', `/v1/subscribers/${created.body.id}`), 404, 'not_found');
  });

  test('list newest first, paginated', async () => {
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) ids.push((await api.call('POST', '/v1/subscribers', { name: `page ${i}` })).body.id);
    const seen: string[] = [];
    let url: string | null = '/v1/subscribers?limit=2';
    let pages = 0;
    while (url) {
      const page = await api.call('GET', url);
      assert.equal(page.status, 200);
      assert.ok(page.body.data.length <= 2);
      seen.push(...page.body.data.map((s: { id: string }) => s.id));
      url = page.body.nextCursor ? `/v1/subscribers?limit=2&cursor=${page.body.nextCursor}` : null;
      pages++;
      assert.ok(pages < 20);
    }
    assert.deepEqual(
      seen.filter((id) => ids.includes(id)),
      [...ids].reverse(),
    );
    const all = await api.call('GET', '/v1/subscribers');
    assert.equal(all.body.nextCursor, null);
    assert.equal(all.body.data.length, seen.length, 'default limit covers them all');
  });

  test('bad input', async () => {
    assertError(await api.call('POST', '/v1/subscribers', {}), 400, 'validation_failed');
    assertError(await api.call('POST', '/v1/subscribers', { name: '' }), 400, 'validation_failed');
    assertError(await api.call('POST', '/v1/subscribers', { name: 3 }), 400, 'validation_failed');
    assertError(await api.call('POST', '/v1/subscribers', { name: 'x', enabled: 'yes' }), 400, 'validation_failed');
    assertError(await api.call('POST', '/v1/subscribers', { name: 'x', metadata: { n: 1 } }), 400, 'validation_failed');
    assertError(await api.call('POST', '/v1/subscribers', { name: 'x', metadata: 'm' }), 400, 'validation_failed');
    assertError(await api.call('POST', '/v1/subscribers', { name: 'x', id: 'sbr_mine' }), 400, 'validation_failed');
    assertError(await api.call('GET', '/v1/subscribers/sbr_nope'), 404, 'not_found');
    assertError(await api.call('GET', '/v1/subscribers/sbr_01ARZ3NDEKTSV4RRFFQ69G5FAV'), 404, 'not_found');
    assertError(await api.call('PATCH', '/v1/subscribers/sbr_01ARZ3NDEKTSV4RRFFQ69G5FAV', { name: 'y' }), 404, 'not_found');
    assertError(await api.call('DELETE', '/v1/subscribers/whatever'), 404, 'not_found');
    const real = (await api.call('POST', '/v1/subscribers', { name: 'real' })).body.id;
    assertError(await api.call('PATCH', `/v1/subscribers/${real}`, { name: null }), 400, 'validation_failed');
    assertError(await api.call('PATCH', `/v1/subscribers/${real}`, { enabled: 1 }), 400, 'validation_failed');
    assertError(await api.call('GET', '/v1/subscribers?cursor=x&limit=-1'), 400, 'validation_failed');
    assertError(await api.call('GET', '/v1/subscribers?colour=red'), 400, 'validation_failed');
    assert.equal((await api.call('GET', `/v1/subscribers/${real}`)).body.name, 'real', 'nothing changed');
  });
});
