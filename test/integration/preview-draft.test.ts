// POST /v1/subscriptions/{id}/preview with `draft` (the dashboard's filter and template editor):
// unsaved filter, payloadFormat, template or templatePreset tried on the stored subscription, with
// PATCH's checks (422 invalid_filter / invalid_template with the position) and nothing stored. No
// store change is involved (the draft is applied in the route), so SQLite is enough here.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { sign } from '../../src/delivery/auth/standard-webhooks.js';
import { removeDir, startTestHerald, type TestHerald } from '../helpers/herald.js';

// biome-ignore lint/suspicious/noExplicitAny: parsed JSON of whatever shape the test checks
type Body = any;

let h: TestHerald;
let id = '';
let secret = '';

const preview = (body: Body) => h.api<Body>('POST', `/v1/subscriptions/${id}/preview`, body);
const EVENT = { type: 'order.paid', data: { order: { id: 'SO-1', total: 250 } } };

describe('preview with a draft', () => {
  before(async () => {
    h = await startTestHerald();
    await h.api('POST', '/v1/event-types', { name: 'order.paid', description: 'An order was paid' });
    const sbr = await h.api('POST', '/v1/subscribers', { name: 'acme' });
    const sub = await h.api('POST', `/v1/subscribers/${sbr.body.id}/subscriptions`, {
      url: 'http://127.0.0.1:9/hook',
      eventTypes: ['order.paid'],
      filter: ['order.total > 100'],
    });
    assert.equal(sub.status, 201, JSON.stringify(sub.body));
    id = sub.body.id as string;
    secret = sub.body.secret as string;
  });
  after(async () => {
    await h.stop();
    removeDir(h.dir);
  });

  it('uses the draft filter instead of the stored one, and stores nothing', async () => {
    const stored = await preview(EVENT);
    assert.equal(stored.status, 200, JSON.stringify(stored.body));
    assert.equal(stored.body.matches, true);
    const draft = await preview({ ...EVENT, draft: { filter: ['order.total > 1000'] } });
    assert.equal(draft.status, 200, JSON.stringify(draft.body));
    assert.deepEqual([draft.body.matches, draft.body.reason], [false, 'filter']);
    assert.deepEqual(draft.body.filters, [{ expression: 'order.total > 1000', result: false }]);
    const cleared = await preview({ ...EVENT, draft: { filter: null } });
    assert.deepEqual([cleared.body.matches, cleared.body.filters], [true, []]);
    const sub = await h.api<Body>('GET', `/v1/subscriptions/${id}`);
    assert.deepEqual(sub.body.filter, ['order.total > 100'], 'the stored filter is unchanged');
  });

  it('renders a draft template, signed with the real secret', async () => {
    const res = await preview({
      ...EVENT,
      draft: { payloadFormat: 'template', template: { ref: '{{ order.id }}', n: '{{ order.total }}' } },
    });
    assert.equal(res.status, 200, JSON.stringify(res.body));
    assert.equal(res.body.request.body, '{"ref":"SO-1","n":250}');
    const hd = res.body.request.headers;
    assert.equal(hd['webhook-signature'], sign(secret, hd['webhook-id'], hd['webhook-timestamp'], res.body.request.body));
    const preset = await preview({ ...EVENT, draft: { payloadFormat: 'template', templatePreset: 'slack' } });
    assert.equal(preset.status, 200, JSON.stringify(preset.body));
    assert.ok(preset.body.request.body.includes('"text"'), preset.body.request.body);
    assert.equal((await h.api<Body>('GET', `/v1/subscriptions/${id}`)).body.payloadFormat, 'standard');
  });

  it('refuses a draft that does not compile with 422 and the position, as PATCH would', async () => {
    const filter = await preview({ ...EVENT, draft: { filter: ['order.total >'] } });
    assert.equal(filter.status, 422);
    assert.equal(filter.body.code, 'invalid_filter');
    assert.equal(filter.body.details[0].index, 0);
    assert.equal(filter.body.details[0].line, 1);
    assert.equal(typeof filter.body.details[0].column, 'number');
    const template = await preview({ ...EVENT, draft: { payloadFormat: 'template', template: { a: { b: '{{ order. }}' } } } });
    assert.equal(template.status, 422);
    assert.equal(template.body.code, 'invalid_template');
    assert.match(String(template.body.details[0].path), /a.*b/);
    const none = await preview({ ...EVENT, draft: { payloadFormat: 'template' } });
    assert.deepEqual([none.status, none.body.code], [422, 'invalid_template']);
    const unknown = await preview({ ...EVENT, draft: { url: 'http://127.0.0.1:9/other' } });
    assert.deepEqual([unknown.status, unknown.body.code], [400, 'validation_failed']);
  });
});
