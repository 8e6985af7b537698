// Filters, payload templates, integration presets and preview (seed 004, issue 18) through the real
// server to real receivers on 127.0.0.1, on SQLite and PostgreSQL: seed 004's two example webhooks
// (E-Commerce Order with an API key, filters and a custom payload; CRM Customer with OAuth 2.0 and
// a custom payload) configured as the seed shows them, against events that pass and fail the
// filters: exactly the right events arrive, with exactly the bodies the templates describe. Filter
// and template errors when saved (422 with the position) and when run (counted; a permanent
// failure); a catastrophic regular expression refused; each preset's body accepted by a receiver
// checking the service's required fields; preview against what a receiver actually got.
import assert from 'node:assert/strict';
import type { IncomingHttpHeaders, ServerResponse } from 'node:http';
import { after, before, describe, it } from 'node:test';
import { sign } from '../../src/delivery/auth/standard-webhooks.js';
import { ADMIN_KEY, removeDir, startTestHerald, type TestHerald, tempDir } from '../helpers/herald.js';
import { createTestDatabase, requirePostgres, type TestDatabase } from '../helpers/postgres.js';
import { eventually, type ReceivedRequest, TestReceiver } from '../helpers/receiver.js';

// biome-ignore lint/suspicious/noExplicitAny: parsed JSON of whatever shape the test checks
type Body = any;
interface Answer {
  status: number;
  body: Body;
  text: string;
}

const pgSkip = await requirePostgres();
const TEST_SECRET_KEY = 'ZmlsdGVycyBhbmQgdGVtcGxhdGVzIHRlc3Qga2V5ISE='; // base64 of 32 bytes, tests only
const API_KEY_VALUE = 'bigledger-api-key-5e5e5e';
const OAUTH_TOKEN = 'crm-access-token-7f7f7f';
const MASK = '********';

// Seed 004, "E-Commerce Order Webhook" and "CRM Customer Sync Webhook", as printed there.
const ECOMMERCE_TYPES = ['sales_order.created', 'sales_order.updated', 'sales_order.cancelled', 'payment.received'];
const ECOMMERCE_TEMPLATE = {
  order_id: '{{ order.id }}',
  customer_id: '{{ order.customer_id }}',
  total_amount: '{{ order.total }}',
  status: '{{ order.status }}',
  items: '{{ order.items }}',
  timestamp: '{{ event.timestamp }}',
};
const ECOMMERCE_FILTER = ['order.total > 100', 'order.status != "draft"'];
const CRM_TYPES = ['customer.created', 'customer.updated', 'customer.deleted'];
const CRM_TEMPLATE = {
  customer_id: '{{ customer.id }}',
  name: '{{ customer.name }}',
  email: '{{ customer.email }}',
  phone: '{{ customer.phone }}',
  address: '{{ customer.address }}',
  created_date: '{{ customer.created_date }}',
};

/** Headers that differ between a preview and an attempt by design: made per request. */
const PER_REQUEST = new Set(['webhook-id', 'webhook-timestamp', 'webhook-signature']);

/** A preview's headers against what a receiver got: equal, but for the per-request ones and masked credentials. */
function assertPreviewHeaders(preview: Record<string, string>, got: IncomingHttpHeaders, masked: string[]): void {
  for (const [name, value] of Object.entries(preview)) {
    if (PER_REQUEST.has(name)) {
      assert.ok(got[name], `the receiver got ${name}`);
      continue;
    }
    if (masked.includes(name)) {
      assert.equal(value, MASK, `${name} is masked in the preview`);
      assert.notEqual(got[name], MASK);
      continue;
    }
    assert.equal(got[name], value, `header ${name}`);
  }
  for (const name of ['content-type', 'user-agent', ...PER_REQUEST, ...masked]) assert.ok(name in preview, `the preview shows ${name}`);
}

describe('filters, templates, presets and preview (seed 004)', { timeout: 180_000 }, () => {
  for (const backend of ['SQLite', 'PostgreSQL'] as const) {
    describe(backend, { skip: backend === 'PostgreSQL' ? (pgSkip ?? false) : false }, () => {
      const dir = tempDir();
      let db: TestDatabase | null = null;
      let h: TestHerald;
      let subscriberId = '';
      const shop = new TestReceiver(); // api.ecommerce.com
      const crm = new TestReceiver(); // api.crm.com, its token endpoint included
      const chat = new TestReceiver(); // Slack, Teams and Discord incoming webhooks

      async function call(method: string, path: string, body?: unknown, key = ADMIN_KEY): Promise<Answer> {
        const res = await fetch(h.url + path, {
          method,
          headers: { authorization: `Bearer ${key}`, ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
          body: body === undefined ? undefined : JSON.stringify(body),
        });
        const text = await res.text();
        assert.ok(res.status < 500, `${method} ${path} answered ${res.status}: ${text}`);
        return { status: res.status, body: text ? JSON.parse(text) : null, text };
      }
      const create = async (body: Record<string, unknown>): Promise<Answer> =>
        call('POST', `/v1/subscribers/${subscriberId}/subscriptions`, body);
      const send = async (type: string, data: unknown): Promise<{ id: string; createdAt: string; messages: number }> => {
        const a = await call('POST', '/v1/events', { type, data });
        assert.equal(a.status, 202, a.text);
        return a.body;
      };
      const assertError = (a: Answer, status: number, code: string) => {
        assert.equal(a.status, status, a.text);
        assert.equal(a.body.code, code, a.text);
      };

      before(async () => {
        await Promise.all([shop.start(), crm.start(), chat.start()]);
        crm.always((res: ServerResponse, req: ReceivedRequest) => {
          if (req.path === '/oauth/token') {
            res.writeHead(200, { 'content-type': 'application/json' });
            res.end(JSON.stringify({ access_token: OAUTH_TOKEN, token_type: 'Bearer', expires_in: 3600 }));
          } else res.writeHead(req.headers.authorization === `Bearer ${OAUTH_TOKEN}` ? 200 : 401).end();
        });
        chat.always((res: ServerResponse, req: ReceivedRequest) => {
          // Each service's documented required fields, as its incoming webhook checks them.
          let ok = false;
          try {
            const b = JSON.parse(req.body);
            if (req.path === '/slack')
              ok = typeof b.text === 'string' && b.text !== '' && (b.blocks === undefined || Array.isArray(b.blocks));
            if (req.path === '/teams')
              ok =
                b.type === 'message' &&
                b.attachments?.[0]?.contentType === 'application/vnd.microsoft.card.adaptive' &&
                b.attachments[0].content?.type === 'AdaptiveCard' &&
                Array.isArray(b.attachments[0].content.body);
            if (req.path === '/discord')
              ok =
                ((typeof b.content === 'string' && b.content !== '' && b.content.length <= 2000) ||
                  (Array.isArray(b.embeds) && b.embeds.length > 0)) &&
                (b.embeds ?? []).every((e: Body) => (e.description ?? '').length <= 4096 && (e.title ?? '').length <= 256);
          } catch {
            ok = false;
          }
          res.writeHead(ok ? 200 : 400).end(ok ? 'ok' : 'missing required fields');
        });
        if (backend === 'PostgreSQL') db = await createTestDatabase();
        h = await startTestHerald({ ...(db ? { databaseUrl: db.url } : {}), secretKey: TEST_SECRET_KEY }, dir);
        for (const name of [...ECOMMERCE_TYPES, ...CRM_TYPES, 'chat.posted', 'misc.happened']) {
          const a = await call('POST', '/v1/event-types', { name, description: `${name} happened` });
          assert.equal(a.status, 201, a.text);
        }
        subscriberId = (await call('POST', '/v1/subscribers', { name: 'BigLedger' })).body.id;
      });
      after(async () => {
        await h?.stop();
        await db?.drop();
        await Promise.all([shop.stop(), crm.stop(), chat.stop()]);
        removeDir(dir);
      });

      it('E-Commerce Order: only events whose filters hold arrive, with exactly the bodies the template describes; preview equals delivery', async () => {
        const sub = await create({
          name: 'E-Commerce Order Integration',
          url: `${shop.url}/webhooks/bigledger`,
          method: 'POST',
          auth: { type: 'apiKey', header: 'X-API-Key', value: API_KEY_VALUE },
          eventTypes: ECOMMERCE_TYPES,
          payloadFormat: 'template',
          template: ECOMMERCE_TEMPLATE,
          filter: ECOMMERCE_FILTER,
          retrySchedule: [1, 2],
          timeoutSeconds: 30,
        });
        assert.equal(sub.status, 201, sub.text);
        assert.deepEqual([sub.body.filter, sub.body.template, sub.body.templatePreset], [ECOMMERCE_FILTER, ECOMMERCE_TEMPLATE, null]);
        const got = await call('GET', `/v1/subscriptions/${sub.body.id}`);
        assert.deepEqual([got.body.payloadFormat, got.body.filter, got.body.template], ['template', ECOMMERCE_FILTER, ECOMMERCE_TEMPLATE]);

        const items = [
          { sku: 'A-1', qty: 2, price: 50.25 },
          { sku: 'B-2', qty: 1, price: 50 },
        ];
        const pass = [
          await send('sales_order.created', { order: { id: 'SO-1001', customer_id: 'C-42', total: 150.5, status: 'confirmed', items } }),
          await send('sales_order.cancelled', {
            order: { id: 'SO-1002', customer_id: 'C-43', total: 101, status: 'cancelled', items: [] },
          }),
          await send('payment.received', {
            order: { id: 'SO-1003', customer_id: 'C-44', total: 500, status: 'paid', items },
            payment: { amount: 500 },
          }),
        ];
        const fail = [
          await send('sales_order.updated', { order: { id: 'SO-2001', customer_id: 'C-42', total: 100, status: 'confirmed', items } }),
          await send('sales_order.updated', { order: { id: 'SO-2002', customer_id: 'C-42', total: 250, status: 'draft', items } }),
          await send('sales_order.created', { order: { id: 'SO-2003', customer_id: 'C-42', total: 99.99, status: 'draft', items } }),
        ];
        const broken = await send('payment.received', { payment: { amount: 20 } }); // no `order`: both expressions fail
        assert.deepEqual(
          pass.map((e) => e.messages),
          [1, 1, 1],
        );
        assert.deepEqual(
          [...fail, broken].map((e) => e.messages),
          [0, 0, 0, 0],
        );
        await shop.waitFor(3);
        await new Promise((r) => setTimeout(r, 300)); // nothing else may come
        assert.equal(shop.requests.length, 3);
        const byOrder = new Map(shop.requests.map((r) => [JSON.parse(r.body).order_id as string, r]));
        const expected = [
          ['SO-1001', 'C-42', 150.5, 'confirmed', items],
          ['SO-1002', 'C-43', 101, 'cancelled', []],
          ['SO-1003', 'C-44', 500, 'paid', items],
        ] as const;
        expected.forEach(([orderId, customerId, total, status, list], i) => {
          const r = byOrder.get(orderId);
          assert.ok(r, `${orderId} arrived`);
          assert.equal(r.path, '/webhooks/bigledger');
          assert.equal(r.headers['x-api-key'], API_KEY_VALUE);
          assert.equal(r.headers['content-type'], 'application/json');
          const body = {
            order_id: orderId,
            customer_id: customerId,
            total_amount: total,
            status,
            items: list,
            timestamp: pass[i]!.createdAt,
          };
          assert.equal(r.body, JSON.stringify(body), 'the exact bytes: keys in the template order, values with their JSON types');
        });

        // The run-time filter error: counted per subscription (stats) and by code (metrics).
        const stats = await call('GET', `/v1/subscriptions/${sub.body.id}/stats`);
        assert.equal(stats.status, 200, stats.text);
        assert.equal(stats.body.filterErrors.count, 2, 'both expressions failed on the event without an order');
        assert.equal(stats.body.filterErrors.last.index, 1);
        assert.equal(stats.body.filterErrors.last.expression, ECOMMERCE_FILTER[1]);
        assert.match(stats.body.filterErrors.last.code, /^[a-z_]+$/);
        assert.match(stats.body.filterErrors.last.message, /order/);
        const metrics = await (await fetch(`${h.url}/metrics`, { headers: { authorization: `Bearer ${ADMIN_KEY}` } })).text();
        assert.match(metrics, new RegExp(`herald_filter_errors_total\\{code="${stats.body.filterErrors.last.code}"\\} [1-9]`));

        // Preview of a delivered event: the same body, the same headers but those made per request.
        const first = byOrder.get('SO-1001')!;
        const preview = await call('POST', `/v1/subscriptions/${sub.body.id}/preview`, { eventId: pass[0]!.id });
        assert.equal(preview.status, 200, preview.text);
        assert.equal(preview.body.matches, true);
        assert.deepEqual(preview.body.filters, [
          { expression: ECOMMERCE_FILTER[0], result: true },
          { expression: ECOMMERCE_FILTER[1], result: true },
        ]);
        assert.equal(preview.body.request.method, 'POST');
        assert.equal(preview.body.request.url, `${shop.url}/webhooks/bigledger`);
        assert.equal(preview.body.request.body, first.body);
        assertPreviewHeaders(preview.body.request.headers, first.headers, ['x-api-key']);
        const { secret } = (await call('GET', `/v1/subscriptions/${sub.body.id}/secret`)).body;
        const ph = preview.body.request.headers;
        assert.equal(ph['webhook-signature'], sign(secret, ph['webhook-id'], ph['webhook-timestamp'], preview.body.request.body));

        // A made-up event that fails a filter: not matching, the request shown all the same.
        const draft = await call('POST', `/v1/subscriptions/${sub.body.id}/preview`, {
          type: 'sales_order.updated',
          data: { order: { id: 'SO-9', customer_id: 'C-1', total: 250, status: 'draft', items: [] } },
        });
        assert.equal(draft.status, 200, draft.text);
        assert.deepEqual([draft.body.matches, draft.body.reason], [false, 'filter']);
        assert.deepEqual(
          draft.body.filters.map((f: Body) => f.result),
          [true, false],
        );
        assert.equal(JSON.parse(draft.body.request.body).order_id, 'SO-9');
        const missing = await call('POST', `/v1/subscriptions/${sub.body.id}/preview`, { type: 'payment.received', data: { payment: {} } });
        assert.deepEqual([missing.body.matches, missing.body.filters[0].result], [false, null]);
        assert.equal(typeof missing.body.filters[0].error, 'string');
        assert.equal(missing.body.request, null, 'the template cannot render without an order');
        assert.equal(missing.body.error.code, 'format_error');
        const otherType = await call('POST', `/v1/subscriptions/${sub.body.id}/preview`, { type: 'misc.happened', data: {} });
        assert.deepEqual([otherType.body.matches, otherType.body.reason], [false, 'event_type']);
        assert.equal(shop.requests.length, 3, 'a preview sends nothing');
      });

      it('CRM Customer: OAuth 2.0 and the seed payload; a template that fails on an event fails it for good; preview equals delivery', async () => {
        const sub = await create({
          name: 'CRM Customer Synchronization',
          url: `${crm.url}/webhooks/customers`,
          auth: { type: 'oauth2', tokenUrl: `${crm.url}/oauth/token`, clientId: 'bigledger', clientSecret: 'crm-client-secret' },
          eventTypes: CRM_TYPES,
          payloadFormat: 'template',
          template: CRM_TEMPLATE,
        });
        assert.equal(sub.status, 201, sub.text);
        const customer = {
          id: 'CUS-7',
          name: 'Siti Aminah',
          email: 'siti@example.my',
          phone: '+60 3-1234 5678',
          address: { line1: '1 Jalan Ampang', city: 'Kuala Lumpur', postcode: '50450' },
          created_date: '2026-11-30',
        };
        const created = await send('customer.created', { customer });
        const deleted = await send('customer.deleted', { customer: { id: 'CUS-8' } }); // no name: the template cannot render it
        assert.deepEqual([created.messages, deleted.messages], [1, 1]);
        const hooks = () => crm.requests.filter((r) => r.path === '/webhooks/customers');
        await eventually(async () => hooks().length >= 1, 10_000, 'the CRM webhook');
        const failed = await eventually(
          async () => {
            const m = await call('GET', `/v1/messages?subscriptionId=${sub.body.id}&eventId=${deleted.id}`);
            return m.body.data[0]?.status === 'failed' ? m.body.data[0] : null;
          },
          10_000,
          'the deleted event failed',
        );
        assert.equal(failed.attempts, 1, 'not retried');
        assert.match(failed.lastError, /^format_error: template \$\.name: \{\{ customer\.name \}\}: /);
        const attempts = await call('GET', `/v1/messages/${failed.id}/attempts`);
        assert.equal(attempts.body.data.length, 1);
        assert.equal(attempts.body.data[0].statusCode, null);
        assert.equal(hooks().length, 1, 'the failed one never reached the receiver');
        const r = hooks()[0]!;
        assert.equal(r.body, JSON.stringify({ customer_id: 'CUS-7', ...Object.fromEntries(Object.entries(customer).slice(1)) }));
        assert.equal(r.headers.authorization, `Bearer ${OAUTH_TOKEN}`);

        const tokenFetches = crm.requests.filter((x) => x.path === '/oauth/token').length;
        const preview = await call('POST', `/v1/subscriptions/${sub.body.id}/preview`, { eventId: created.id });
        assert.equal(preview.status, 200, preview.text);
        assert.equal(preview.body.matches, true);
        assert.deepEqual(preview.body.filters, []);
        assert.equal(preview.body.request.body, r.body);
        assert.equal(preview.body.request.headers.authorization, `Bearer ${MASK}`);
        assertPreviewHeaders(
          Object.fromEntries(Object.entries(preview.body.request.headers as Record<string, string>).filter(([k]) => k !== 'authorization')),
          r.headers,
          [],
        );
        assert.equal(crm.requests.filter((x) => x.path === '/oauth/token').length, tokenFetches, 'a preview fetches no token');
      });

      it('refuses filters and templates that do not compile, with the expression, path and position; changes nothing', async () => {
        const before = (await call('GET', `/v1/subscriptions?subscriberId=${subscriberId}&limit=1000`)).body.data.length;
        const base = { url: `${shop.url}/x`, eventTypes: ['sales_order.*'] };

        const syntax = await create({ ...base, filter: ['order.total > 100', 'order.status !=\n  && true'] });
        assertError(syntax, 422, 'invalid_filter');
        assert.equal(syntax.body.details[0].index, 1);
        assert.equal(syntax.body.details[0].expression, 'order.status !=\n  && true');
        assert.equal(syntax.body.details[0].line, 2);
        assert.equal(typeof syntax.body.details[0].column, 'number');
        assert.match(syntax.body.message, /^filter\[1\] "order\.status !=\\n {2}&& true": .* at line 2, column \d+/);

        const typed = await create({ ...base, filter: ['1 + "a" == 2'] });
        assertError(typed, 422, 'invalid_filter');
        assert.equal(typed.body.details[0].index, 0);
        assert.match(typed.body.message, /line 1, column \d+/);

        const redos = await create({ ...base, filter: ['order.status.matches("^(a+)+$")'] });
        assertError(redos, 422, 'invalid_filter');
        assert.equal(redos.body.details[0].code, 'unsafe_regex');
        const safe = await create({ ...base, filter: ['order.status.matches("^(paid|confirmed)$")'] });
        assert.equal(safe.status, 201, safe.text);

        const hole = await create({
          ...base,
          payloadFormat: 'template',
          template: { a: '{{ order.id }}', b: { c: ['x', 'total: {{ order.total + }}'] } },
        });
        assertError(hole, 422, 'invalid_template');
        assert.equal(hole.body.details[0].path, '$.b.c[1]');
        assert.equal(hole.body.details[0].expression, 'order.total +');
        assert.match(hole.body.message, /^template \$\.b\.c\[1\] \{\{ order\.total \+ \}\}: .* at line 1, column \d+/);
        const unclosed = await create({ ...base, payloadFormat: 'template', template: { a: 'id {{ order.id' } });
        assertError(unclosed, 422, 'invalid_template');
        assert.equal(unclosed.body.details[0].code, 'unclosed_hole');

        assertError(await create({ ...base, payloadFormat: 'template' }), 422, 'invalid_template');
        assertError(
          await create({ ...base, payloadFormat: 'template', template: { a: 1 }, templatePreset: 'slack' }),
          422,
          'invalid_template',
        );
        assertError(await create({ ...base, template: { a: 1 } }), 422, 'invalid_template');
        assertError(await create({ ...base, payloadFormat: 'raw', templatePreset: 'slack' }), 422, 'invalid_template');
        assert.equal((await create({ ...base, templatePreset: 'nope', payloadFormat: 'template' })).status, 400);
        const after = (await call('GET', `/v1/subscriptions?subscriberId=${subscriberId}&limit=1000`)).body.data.length;
        assert.equal(after, before + 1, 'only the safe one was created');

        // PATCH: the same checks; setting one of template and preset replaces the other; another format clears both.
        const id = safe.body.id;
        assertError(await call('PATCH', `/v1/subscriptions/${id}`, { filter: ['order.'] }), 422, 'invalid_filter');
        assertError(await call('PATCH', `/v1/subscriptions/${id}`, { template: { a: '{{ x' } }), 422, 'invalid_template');
        assertError(await call('PATCH', `/v1/subscriptions/${id}`, { payloadFormat: 'template' }), 422, 'invalid_template');
        const toPreset = await call('PATCH', `/v1/subscriptions/${id}`, {
          payloadFormat: 'template',
          templatePreset: 'discord',
          filter: null,
        });
        assert.equal(toPreset.status, 200, toPreset.text);
        assert.deepEqual(
          [toPreset.body.payloadFormat, toPreset.body.template, toPreset.body.templatePreset, toPreset.body.filter],
          ['template', null, 'discord', null],
        );
        const toTemplate = await call('PATCH', `/v1/subscriptions/${id}`, { template: { id: '{{ order.id }}' } });
        assert.deepEqual([toTemplate.body.template, toTemplate.body.templatePreset], [{ id: '{{ order.id }}' }, null]);
        const toRaw = await call('PATCH', `/v1/subscriptions/${id}`, { payloadFormat: 'raw' });
        assert.deepEqual([toRaw.body.payloadFormat, toRaw.body.template, toRaw.body.templatePreset], ['raw', null, null]);
      });

      it('each preset renders a body its service accepts; GET /v1/template-presets lists them', async () => {
        const presets = await call('GET', '/v1/template-presets');
        assert.equal(presets.status, 200, presets.text);
        assert.deepEqual(
          presets.body.data.map((p: Body) => p.name),
          ['slack', 'teams', 'discord'],
        );
        for (const p of presets.body.data) assert.ok(typeof p.description === 'string' && p.template !== null);
        const ids: string[] = [];
        for (const name of ['slack', 'teams', 'discord']) {
          const sub = await create({
            url: `${chat.url}/${name}`,
            eventTypes: ['chat.posted'],
            payloadFormat: 'template',
            templatePreset: name,
          });
          assert.equal(sub.status, 201, sub.text);
          assert.equal(sub.body.templatePreset, name);
          ids.push(sub.body.id);
        }
        const big = 'x'.repeat(20_000); // past every service's limit: the presets cut it
        const event = await send('chat.posted', { message: 'Order SO-1001 <shipped> & paid', note: big, n: 3 });
        assert.equal(event.messages, 3);
        for (const id of ids) {
          const m = await eventually(
            async () => {
              const list = await call('GET', `/v1/messages?subscriptionId=${id}`);
              const msg = list.body.data[0];
              return msg && msg.status !== 'pending' ? msg : null;
            },
            10_000,
            `the ${id} message`,
          );
          assert.equal(m.status, 'succeeded', `${m.lastError}`);
        }
        assert.deepEqual(chat.requests.map((r) => r.path).sort(), ['/discord', '/slack', '/teams']);
        for (const r of chat.requests) assert.equal(r.headers['content-type'], 'application/json');
        const slack = JSON.parse(chat.requests.find((r) => r.path === '/slack')!.body);
        assert.equal(slack.text, 'chat.posted: chat.posted happened', 'the event type and its description in the catalogue');
      });

      it('POST /v1/preview shows a draft without storing it; a subscriber key sees only its own', async () => {
        const draft = {
          url: `${shop.url}/webhooks/bigledger`,
          eventTypes: ECOMMERCE_TYPES,
          headers: { 'x-tenant': 'bigledger-7' },
          payloadFormat: 'template',
          template: ECOMMERCE_TEMPLATE,
          filter: ECOMMERCE_FILTER,
        };
        const data = { order: { id: 'SO-5', customer_id: 'C-5', total: 120, status: 'open', items: [1, 2] } };
        const count = (await call('GET', `/v1/subscriptions?subscriberId=${subscriberId}&limit=1000`)).body.data.length;
        const p = await call('POST', '/v1/preview', { subscription: draft, subscriberId, event: { type: 'sales_order.created', data } });
        assert.equal(p.status, 200, p.text);
        assert.equal(p.body.matches, true);
        const body = JSON.parse(p.body.request.body);
        assert.deepEqual([body.order_id, body.total_amount, body.items], ['SO-5', 120, [1, 2]]);
        assert.equal(p.body.request.headers['x-tenant'], 'bigledger-7');
        assert.match(p.body.request.headers['webhook-signature'], /^v1,/);
        assert.equal((await call('GET', `/v1/subscriptions?subscriberId=${subscriberId}&limit=1000`)).body.data.length, count);
        const bad = await call('POST', '/v1/preview', {
          subscription: { ...draft, filter: ['order.total >'] },
          event: { type: 'sales_order.created', data },
        });
        assertError(bad, 422, 'invalid_filter');

        const other = (await call('POST', '/v1/subscribers', { name: 'Other' })).body.id;
        const key = (await call('POST', '/v1/api-keys', { name: 'portal', scope: 'subscriber', subscriberId: other })).body.key;
        const mine = await call('POST', '/v1/preview', { subscription: draft, event: { type: 'sales_order.created', data } }, key);
        assert.equal(mine.status, 200, mine.text);
        assertError(
          await call('POST', '/v1/preview', { subscription: draft, subscriberId, event: { type: 'x', data } }, key),
          404,
          'not_found',
        );
        const theirs = (await call('GET', `/v1/subscriptions?subscriberId=${subscriberId}&limit=1`)).body.data[0].id;
        assertError(
          await call('POST', `/v1/subscriptions/${theirs}/preview`, { type: 'sales_order.created', data }, key),
          404,
          'not_found',
        );
        // Stored events: a subscriber key previews those it could have been sent, not another subscriber's.
        const stored = await create({ ...draft, headers: { 'x-tenant': 'bigledger-7' } });
        assert.equal(stored.status, 201, stored.text);
        const ownKey = (await call('POST', '/v1/api-keys', { name: 'bigledger portal', scope: 'subscriber', subscriberId })).body.key;
        const broadcast = await send('sales_order.created', data);
        const scoped = await call('POST', '/v1/events', { type: 'sales_order.created', data, subscriberId: other });
        assert.equal(scoped.status, 202, scoped.text);
        const seen = await call('POST', `/v1/subscriptions/${stored.body.id}/preview`, { eventId: broadcast.id }, ownKey);
        assert.equal(seen.status, 200, seen.text);
        assert.equal(seen.body.request.headers['x-tenant'], 'bigledger-7', 'a subscriber key may read its own secrets');
        assertError(
          await call('POST', `/v1/subscriptions/${stored.body.id}/preview`, { eventId: scoped.body.id }, ownKey),
          404,
          'not_found',
        );
        const admin = await call('POST', `/v1/subscriptions/${stored.body.id}/preview`, { eventId: scoped.body.id });
        assert.deepEqual([admin.status, admin.body.matches, admin.body.reason], [200, false, 'subscriber']);
        const readKey = (await call('POST', '/v1/api-keys', { name: 'dashboard', scope: 'read' })).body.key;
        const masked = await call('POST', `/v1/subscriptions/${stored.body.id}/preview`, { eventId: broadcast.id }, readKey);
        assert.equal(masked.status, 200, masked.text);
        assert.equal(masked.body.request.headers['x-tenant'], '[redacted]', 'custom header values are masked for a read key');
        assert.equal(masked.body.request.body, seen.body.request.body);
        const ingestKey = (await call('POST', '/v1/api-keys', { name: 'producer', scope: 'ingest' })).body.key;
        assertError(
          await call('POST', `/v1/subscriptions/${theirs}/preview`, { type: 'sales_order.created', data }, ingestKey),
          403,
          'forbidden',
        );
      });
    });
  }
});
