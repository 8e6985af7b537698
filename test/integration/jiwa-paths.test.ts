// Jiwa's routes as ServiceStack serves them (issue 20): paths match in any case while /v1 stays
// case-sensitive; a Jiwa 404, for a missing record or a path no route has, carries ResponseStatus;
// and the Swagger UI document fits seed 001's tutorial (sections auth then Webhooks, Step 3's Name
// not required in the query when the body has it, Herald's name and version).
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import { JiwaPaths } from '../../src/api/jiwa/paths.js';
import { ADMIN_KEY, assertError, startApi, type TestApi } from './api-helpers.js';

const VERSION = (JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }).version;
const JSON_HEADERS = { authorization: `Bearer ${ADMIN_KEY}`, 'content-type': 'application/json', accept: 'application/json' };

describe('Jiwa paths', () => {
  let api: TestApi;
  before(async () => {
    api = await startApi();
    assert.equal((await api.call('POST', '/v1/event-types', { name: 'inventory.stocklevel' })).status, 201);
  });
  after(() => api.close());

  it('match in any case, ids kept as sent', async () => {
    const created = await api.raw({
      method: 'POST',
      url: '/webhooks/SUBSCRIBERS',
      headers: JSON_HEADERS,
      payload: JSON.stringify({ Name: 'Lower case' }),
    });
    assert.equal(created.status, 201, created.text);
    const id = created.body.RecID as string;
    const got = await api.raw({ method: 'GET', url: `/WEBHOOKS/subscribers/${id}?format=json`, headers: JSON_HEADERS });
    assert.equal(got.status, 200, got.text);
    assert.equal(got.body.RecID, id);
    const sub = await api.raw({
      method: 'POST',
      url: `/Webhooks/subscribers/${id}/subscriptions/`,
      headers: JSON_HEADERS,
      payload: JSON.stringify({ URL: 'http://127.0.0.1:9/hook', EventName: 'inventory.stocklevel' }),
    });
    assert.equal(sub.status, 201, sub.text);
    const listed = await api.raw({ method: 'GET', url: `/webhooks/subscribers/${id}/subscriptions`, headers: JSON_HEADERS });
    assert.equal(listed.body.Results?.length ?? listed.body.length, 1, listed.text);
    // /Messages/Responses is its own route, not /Messages/:MessageID, in any case.
    const responses = await api.raw({ method: 'GET', url: `/webhooks/subscribers/${id}/messages/RESPONSES`, headers: JSON_HEADERS });
    assert.equal(responses.status, 200, responses.text);
    assert.equal((await api.raw({ method: 'GET', url: '/Auth' })).status, 401, '/auth too');
    // An id in another case is another id: it is not rewritten.
    assertError(
      await api.raw({ method: 'GET', url: `/webhooks/subscribers/${id.toUpperCase()}`, headers: JSON_HEADERS }),
      404,
      'not_found',
    );
  });

  it('/v1 stays case-sensitive', async () => {
    assert.equal((await api.call('GET', '/v1/event-types')).status, 200);
    const upper = await api.call('GET', '/v1/EVENT-TYPES');
    assertError(upper, 404, 'route_not_found');
    assert.equal(upper.body.ResponseStatus, undefined, 'not a Jiwa answer');
    assertError(await api.call('GET', '/V1/event-types'), 404, 'route_not_found');
  });

  it('404s carry ResponseStatus: a missing subscriber, and a path no Jiwa route has', async () => {
    for (const url of ['/Webhooks/Subscribers/sbr_00000000000000000000000000', '/Webhooks/NoSuchThing', '/webhooks/subscribers/x/y/z/w']) {
      const res = await api.raw({ method: 'GET', url, headers: JSON_HEADERS });
      assert.equal(res.status, 404, url);
      assert.equal(res.body.ResponseStatus.ErrorCode, res.body.code, url);
      assert.equal(res.body.ResponseStatus.Message, res.body.message, url);
      assert.deepEqual(res.body.ResponseStatus.Errors, []);
    }
  });

  it('the rewrite keeps query strings and trailing slashes, and leaves other paths alone', () => {
    const paths = new JiwaPaths();
    for (const url of [
      '/Webhooks/Subscribers/:SubscriberID/Messages/:MessageID',
      '/Webhooks/Subscribers/:SubscriberID/Messages/Responses',
      '/auth/:provider',
    ]) {
      paths.add(url);
    }
    assert.equal(
      paths.rewrite('/webhooks/subscribers/AbC/messages/responses?Take=10'),
      '/Webhooks/Subscribers/AbC/Messages/Responses?Take=10',
    );
    assert.equal(paths.rewrite('/webhooks/subscribers/AbC/messages/msg_Xy/'), '/Webhooks/Subscribers/AbC/Messages/msg_Xy/');
    assert.equal(paths.rewrite('/AUTH/Logout'), '/auth/Logout');
    assert.equal(paths.rewrite('/v1/events?x=/webhooks'), '/v1/events?x=/webhooks');
    assert.equal(paths.rewrite('/webhooks/unknown'), '/webhooks/unknown');
  });
});

describe('Swagger UI and seed 001 tutorial', () => {
  let api: TestApi;
  before(async () => {
    api = await startApi({ config: { jiwaPassword: 'tutorial-password-1' } });
  });
  after(() => api.close());

  it("shows Herald's name and version, and the sections auth, then Webhooks, first", async () => {
    const doc = (await api.raw({ method: 'GET', url: '/openapi.json' })).body;
    assert.equal(doc.info.title, 'Herald');
    assert.equal(doc.info.version, VERSION);
    assert.deepEqual(
      doc.tags.slice(0, 2).map((t: { name: string }) => t.name),
      ['auth', 'Webhooks'],
    );
    assert.deepEqual(doc.paths['/auth'].get.tags, ['auth']);
    assert.deepEqual(doc.paths['/Webhooks/Subscribers'].post.tags, ['Webhooks']);
    for (const prefix of ['/swagger-ui/', '/docs/']) {
      const page = await api.raw({ method: 'GET', url: prefix });
      assert.match(page.text, new RegExp(`<title>Herald ${VERSION.replaceAll('.', '\\.')} API</title>`), prefix);
    }
  });

  it('Step 3: Name is not required in the query, and the body alone creates the subscriber', async () => {
    const doc = (await api.raw({ method: 'GET', url: '/openapi.json' })).body;
    const post = doc.paths['/Webhooks/Subscribers'].post;
    const required = post.parameters.filter((p: { in: string; required?: boolean }) => p.in === 'query' && p.required);
    assert.deepEqual(required, [], 'no query parameter is required');
    assert.deepEqual(Object.keys(post.requestBody.content['application/json'].schema.properties), ['Name', 'IsEnabled']);
    // What Swagger UI sends after Step 2's login: the body, the ss-id cookie, no query.
    const login = await api.raw({ method: 'GET', url: '/auth?UserName=Admin&Password=tutorial-password-1' });
    assert.equal(login.status, 200, login.text);
    const cookie = String(login.headers['set-cookie']).split(';')[0] as string;
    const created = await api.raw({
      method: 'POST',
      url: '/Webhooks/Subscribers',
      headers: { cookie, accept: 'application/json', 'content-type': 'application/json' },
      payload: JSON.stringify({ Name: 'Test Subscriber', IsEnabled: true }),
    });
    assert.equal(created.status, 201, created.text);
    assert.equal(created.body.Name, 'Test Subscriber');
    assert.equal(created.body.IsEnabled, true);
    // Without Name anywhere, the handler says what is missing.
    const missing = await api.raw({
      method: 'POST',
      url: '/Webhooks/Subscribers',
      headers: { cookie, 'content-type': 'application/json' },
      payload: JSON.stringify({ IsEnabled: true }),
    });
    assert.equal(missing.status, 400, missing.text);
    assert.match(missing.body.message, /Name/);
  });
});
