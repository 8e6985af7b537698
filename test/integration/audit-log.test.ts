// The audit log: every change through the API is recorded with who, what, which resource and the
// fields sent, secrets redacted; reads, ingest and refused requests are not; GET /v1/audit-log
// filters and paginates. (CLI entries are checked in api-keys.test.ts.)
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import Fastify from 'fastify';
import { installAudit } from '../../src/api/audit.js';
import { auditEntry, REDACTED, redact } from '../../src/domain/audit.js';
import { assertError, startApi, type TestApi } from './api-helpers.js';

interface Entry {
  id: string;
  createdAt: string;
  actor: string;
  action: string;
  resourceType: string;
  resourceId: string | null;
  changes: Record<string, unknown> | null;
  ip: string | null;
}

describe('audit log', () => {
  let api: TestApi;
  const log = async (query = ''): Promise<Entry[]> => {
    const r = await api.call('GET', `/v1/audit-log?limit=1000${query}`);
    assert.equal(r.status, 200, r.text);
    return r.body.data;
  };

  before(async () => {
    api = await startApi();
  });
  after(() => api.close());

  test('every kind of change is recorded with actor, resource and redacted fields', async () => {
    const ok = async (method: string, url: string, body?: unknown, key?: string) => {
      const r = await api.call(method, url, body, key);
      assert.ok(r.status >= 200 && r.status < 300, `${method} ${url}: ${r.status} ${r.text}`);
      return r.body;
    };
    await ok('POST', '/v1/event-types', { name: 'audit.thing', description: 'first' });
    await ok('PATCH', '/v1/event-types/audit.thing', { description: 'second' });
    const sbr = (await ok('POST', '/v1/subscribers', { name: 'Acme', metadata: { tier: 'gold' } })).id as string;
    await ok('PATCH', `/v1/subscribers/${sbr}`, { enabled: false });
    await ok('PATCH', `/v1/subscribers/${sbr}`, { enabled: true });
    await ok('PATCH', `/v1/subscribers/${sbr}`, { name: 'Acme Inc' });
    const created = await ok('POST', `/v1/subscribers/${sbr}/subscriptions`, {
      url: 'https://receiver.example.com/hooks',
      eventTypes: ['audit.*'],
      headers: { Authorization: 'Bearer s3cr3t-token', 'X-Api-Key': 'k3y-value' },
    });
    const sub = created.id as string;
    await ok('PATCH', `/v1/subscriptions/${sub}`, { enabled: false });
    await ok('PATCH', `/v1/subscriptions/${sub}`, { enabled: true });
    await ok('PATCH', `/v1/subscriptions/${sub}`, { description: 'changed', headers: { 'X-Token': 't0ken-value' } });
    const rotated = `whsec_${randomBytes(32).toString('base64')}`;
    await ok('POST', `/v1/subscriptions/${sub}/secret/rotate`, { secret: rotated, expiresInSeconds: 60 });
    const testMessage = (await ok('POST', `/v1/subscriptions/${sub}/test`, {})).id as string;
    const evt = await ok('POST', '/v1/events', { type: 'audit.thing', data: { n: 1 } });
    const msg = (await api.call('GET', `/v1/messages?eventId=${evt.id}`)).body.data[0].id as string;
    await ok('POST', `/v1/messages/${msg}/resend`);
    await ok('DELETE', `/v1/messages/${msg}`);
    await ok('POST', `/v1/subscriptions/${sub}/recover`, { since: '2020-01-01T00:00:00.000Z' });
    const made = await ok('POST', '/v1/api-keys', { name: 'ops', scope: 'admin', allowedIps: ['127.0.0.0/8'] });
    await ok('DELETE', `/v1/subscriptions/${sub}`, undefined, made.key);
    await ok('POST', `/v1/api-keys/${made.id}/revoke`);
    await ok('DELETE', `/v1/subscribers/${sbr}`);
    await ok('DELETE', '/v1/event-types/audit.thing');

    const entries = (await log()).reverse(); // oldest first
    assert.deepEqual(
      entries.map((e) => [e.action, e.resourceType, e.resourceId, e.actor]),
      [
        ['event-type.create', 'event-type', 'audit.thing', 'admin'],
        ['event-type.update', 'event-type', 'audit.thing', 'admin'],
        ['subscriber.create', 'subscriber', sbr, 'admin'],
        ['subscriber.disable', 'subscriber', sbr, 'admin'],
        ['subscriber.enable', 'subscriber', sbr, 'admin'],
        ['subscriber.update', 'subscriber', sbr, 'admin'],
        ['subscription.create', 'subscription', sub, 'admin'],
        ['subscription.disable', 'subscription', sub, 'admin'],
        ['subscription.enable', 'subscription', sub, 'admin'],
        ['subscription.update', 'subscription', sub, 'admin'],
        ['subscription.rotate-secret', 'subscription', sub, 'admin'],
        ['subscription.test', 'subscription', sub, 'admin'],
        ['message.resend', 'message', msg, 'admin'],
        ['message.delete', 'message', msg, 'admin'],
        ['subscription.recover', 'subscription', sub, 'admin'],
        ['api-key.create', 'api-key', made.id, 'admin'],
        ['subscription.delete', 'subscription', sub, made.id],
        ['api-key.revoke', 'api-key', made.id, 'admin'],
        ['subscriber.delete', 'subscriber', sbr, 'admin'],
        ['event-type.delete', 'event-type', 'audit.thing', 'admin'],
      ],
    );
    assert.notEqual(testMessage, msg);
    for (const e of entries) {
      assert.equal(e.ip, '127.0.0.1');
      assert.ok(Math.abs(Date.parse(e.createdAt) - Date.now()) < 60_000);
    }
    const byAction = (action: string, nth = 0) => entries.filter((e) => e.action === action)[nth];
    assert.deepEqual(byAction('event-type.update')?.changes, { description: 'second' });
    assert.deepEqual(byAction('subscriber.create')?.changes, { name: 'Acme', metadata: { tier: 'gold' } });
    assert.deepEqual(byAction('subscriber.disable')?.changes, { enabled: false });
    assert.deepEqual(byAction('subscription.create')?.changes, {
      url: 'https://receiver.example.com/hooks',
      eventTypes: ['audit.*'],
      headers: { Authorization: REDACTED, 'X-Api-Key': REDACTED },
    });
    assert.deepEqual(byAction('subscription.update')?.changes, { description: 'changed', headers: { 'X-Token': REDACTED } });
    assert.deepEqual(byAction('subscription.rotate-secret')?.changes, { secret: REDACTED, expiresInSeconds: 60 });
    assert.deepEqual(byAction('subscription.recover')?.changes, { since: '2020-01-01T00:00:00.000Z' });
    assert.deepEqual(byAction('api-key.create')?.changes, { name: 'ops', scope: 'admin', allowedIps: ['127.0.0.0/8'] });
    assert.equal(byAction('message.delete')?.changes, null);

    // No secret anywhere in the log: not the headers' values, not signing secrets, not the API key.
    const text = JSON.stringify(await log());
    for (const secret of ['s3cr3t-token', 'k3y-value', 't0ken-value', rotated, created.secret, made.key]) {
      assert.ok(!text.includes(secret), `the audit log holds ${String(secret).slice(0, 12)}…`);
    }
  });

  test('reads, ingest and refused or failed requests are not recorded', async () => {
    const before = (await log()).length;
    const readKey = (await api.call('POST', '/v1/api-keys', { name: 'reader', scope: 'read' })).body.key as string;
    assertError(await api.call('POST', '/v1/subscribers', {}), 400, 'validation_failed');
    assertError(await api.call('PATCH', '/v1/subscribers/sbr_01ARZ3NDEKTSV4RRFFQ69G5FAV', { name: 'x' }), 404, 'not_found');
    assertError(await api.call('DELETE', '/v1/event-types/no.such'), 404, 'not_found');
    assertError(await api.call('POST', '/v1/subscribers', { name: 'x' }, readKey), 403, 'forbidden');
    assertError(await api.call('POST', '/v1/subscribers', { name: 'x' }, 'wrong-key'), 401, 'unauthorized');
    assertError(await api.call('GET', '/v1/audit-log', undefined, readKey), 403, 'forbidden');
    await api.call('GET', '/v1/subscribers');
    await api.call('POST', '/v1/event-types', { name: 'audit.ingest' });
    assert.equal((await api.call('POST', '/v1/events', { type: 'audit.ingest', data: {} })).status, 202);
    assert.equal((await api.call('POST', '/v1/events/batch', { events: [{ type: 'audit.ingest', data: {} }] })).status, 202);
    const added = (await log()).slice(0, (await log()).length - before).map((e) => e.action);
    assert.deepEqual(added, ['event-type.create', 'api-key.create']);
  });

  test('filters by actor, action, resource and time, and paginates', async () => {
    const key = await api.call('POST', '/v1/api-keys', { name: 'filter', scope: 'admin' });
    const sbr = (await api.call('POST', '/v1/subscribers', { name: 'F' }, key.body.key)).body.id as string;
    await api.call('PATCH', `/v1/subscribers/${sbr}`, { name: 'G' }, key.body.key);
    const ids = (xs: Entry[]) => xs.map((e) => e.action);

    assert.deepEqual(ids(await log(`&actor=${key.body.id}`)), ['subscriber.update', 'subscriber.create']);
    assert.deepEqual(ids(await log(`&resourceId=${sbr}`)), ['subscriber.update', 'subscriber.create']);
    assert.deepEqual(ids(await log(`&resourceType=subscriber&resourceId=${sbr}&action=subscriber.create`)), ['subscriber.create']);
    assert.ok((await log('&resourceType=api-key')).every((e) => e.resourceType === 'api-key'));
    assert.deepEqual(await log('&actor=nobody'), []);

    const all = await log();
    const mid = all[1] as Entry;
    assert.ok((await log(`&since=${mid.createdAt}`)).every((e) => e.createdAt >= mid.createdAt));
    assert.ok((await log(`&until=${mid.createdAt}`)).every((e) => e.createdAt < mid.createdAt));
    assert.deepEqual(await log('&since=2000-01-01T00:00:00Z&until=2000-01-02T00:00:00Z'), []);

    const seen: string[] = [];
    let cursor: string | null = null;
    for (let i = 0; i < 100; i++) {
      const r = await api.call('GET', `/v1/audit-log?limit=2${cursor ? `&cursor=${cursor}` : ''}`);
      assert.ok(r.body.data.length <= 2);
      seen.push(...r.body.data.map((e: Entry) => e.id));
      cursor = r.body.nextCursor;
      if (cursor === null) break;
    }
    assert.deepEqual(
      seen,
      all.map((e) => e.id),
    );

    for (const query of ['since=yesterday', 'limit=0', 'limit=1001', 'colour=red', `actor=${'x'.repeat(200)}`]) {
      assertError(await api.call('GET', `/v1/audit-log?${query}`), 400, 'validation_failed');
    }
  });
});

describe('audit mechanics', () => {
  test('an API whose changing route names no audit action refuses to start', async () => {
    const app = Fastify();
    await assert.rejects(async () => {
      await app.register(async (scope) => {
        installAudit(scope, {} as never);
        scope.post('/forgot', async () => ({}));
      });
      await app.ready();
    }, /changes something but names no config\.audit/);
    await app.close();

    const fine = Fastify();
    await fine.register(async (scope) => {
      installAudit(scope, {} as never);
      scope.post('/ingest', { config: { audit: false } }, async () => ({}));
      scope.get('/read', async () => ({}));
    });
    await fine.ready();
    await fine.close();
  });

  test('redaction: secret-looking names, every header value, URL credentials, long strings', () => {
    assert.deepEqual(
      redact({
        name: 'n',
        auth: { type: 'basic', username: 'u', password: 'p' },
        patch: { auth: { type: 'apiKey', header: 'X-Key', value: 'v' }, customData: { value: 'kept' } },
        oauth: { clientId: 'id', clientSecret: 'cs', accessToken: 'at', tokenUrl: 'https://idp.example.com/token' },
        url: 'https://user:pw@example.com/path?x=1',
        headers: { 'Content-Type': 'application/json', 'X-Anything': 'v' },
        list: [{ apiKey: 'k' }, { privateKey: 'pk' }, 'plain'],
        nested: { deeper: { signature: 'sig', count: 3, on: true, none: null } },
        long: 'a'.repeat(5_000),
        idempotencyKey: 'idem',
      }),
      {
        name: 'n',
        auth: { type: 'basic', username: 'u', password: REDACTED },
        patch: { auth: { type: 'apiKey', header: 'X-Key', value: REDACTED }, customData: { value: 'kept' } },
        oauth: { clientId: 'id', clientSecret: REDACTED, accessToken: REDACTED, tokenUrl: REDACTED },
        url: `https://${REDACTED}@example.com/path?x=1`,
        headers: { 'Content-Type': REDACTED, 'X-Anything': REDACTED },
        list: [{ apiKey: REDACTED }, { privateKey: REDACTED }, 'plain'],
        nested: { deeper: { signature: REDACTED, count: 3, on: true, none: null } },
        long: `${'a'.repeat(1_024)}…`,
        idempotencyKey: 'idem',
      },
    );
    const e = auditEntry(
      { actor: 'cli', action: 'subscription.update', resourceId: 'sub_x', changes: { enabled: false } },
      1_700_000_000_000,
    );
    assert.equal(e.action, 'subscription.disable');
    assert.equal(e.resourceType, 'subscription');
    assert.match(e.id, /^aud_/);
    assert.equal(auditEntry({ actor: 'cli', action: 'api-key.revoke', resourceId: 'k', changes: {} }, 1).changes, null);
    assert.equal(
      auditEntry({ actor: 'cli', action: 'api-key.revoke', resourceId: 'k', changes: { enabled: true } }, 1).action,
      'api-key.revoke',
    );
  });
});
