// The Jiwa lists as AutoQuery: filters, paging, ordering, Fields and the Take cap; every format and
// Accept negotiation; and bad input, which answers 4xx with {code, message, ResponseStatus} and
// changes nothing. Messages are brought into each Jiwa status through the store's own
// recordAttempts, as the dispatcher would, so the test controls every value.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { MessageStatus } from '../../src/domain/glossary.js';
import { newId } from '../../src/domain/ids.js';
import { importCatalogue } from '../../src/presets/index.js';
import { ADMIN_KEY, assertError, type Reply, startApi, type TestApi } from './api-helpers.js';

const SEED_SUBSCRIBER = 'b25a2922-931b-4447-9160-3984b91c02f4'; // the seed's example id: unknown here

interface World {
  subscriberId: string;
  subA: string;
  subB: string;
  /** Message ids in creation order: m[0] failed 404, m[1] succeeded, m[2] pending, m[3] retrying 500, m[4] retrying 404. */
  m: string[];
}

async function buildWorld(api: TestApi, name = 'Acme <Wholesale>, "Pty"'): Promise<World> {
  await importCatalogue(api.store, 'jiwa');
  const jiwa = (method: string, url: string, body?: unknown) => api.call(method, url, body);
  const sbr = await jiwa('POST', '/Webhooks/Subscribers', { Name: name, IsEnabled: true });
  assert.equal(sbr.status, 201, sbr.text);
  const subscriberId = sbr.body.RecID;
  const sub = async (path: string, eventName: string) => {
    const r = await jiwa('POST', `/Webhooks/Subscribers/${subscriberId}/Subscriptions`, {
      URL: `http://127.0.0.1:9${path}`,
      EventName: eventName,
    });
    assert.equal(r.status, 201, r.text);
    return r.body.RecID as string;
  };
  const subA = await sub('/a', 'salesorder.created');
  const subB = await sub('/b', 'inventory.*');
  const events: [string, unknown][] = [
    ['salesorder.created', { OrderNo: 1, Note: 'a, "quoted" <b>' }],
    ['salesorder.created', { OrderNo: 2 }],
    ['salesorder.created', { OrderNo: 3 }],
    ['inventory.stocklevel', { PartNo: '1170' }],
    ['inventory.updated', { PartNo: '1171' }],
  ];
  const m: string[] = [];
  for (const [type, data] of events) {
    const r = await api.call('POST', '/v1/events', { type, data });
    assert.equal(r.status, 202, r.text);
    const listed = await api.call('GET', `/v1/messages?eventId=${r.body.id}`);
    m.push(listed.body.data[0].id);
  }
  const settle = async (id: string, status: MessageStatus, statusCode: number, retries: number, attempts: number) => {
    const message = await api.store.getMessage(id);
    assert.ok(message);
    for (let n = 1; n <= attempts; n++) {
      const at = Date.now();
      const final = n === attempts;
      await api.store.recordAttempts([
        {
          attempt: {
            id: newId('att', at),
            messageId: id,
            subscriptionId: message.subscriptionId,
            subscriberId: message.subscriberId,
            eventType: message.eventType,
            statusCode: final ? statusCode : 503,
            durationMs: 5,
            error: null,
            requestHeaders: {},
            responseHeaders: {},
            responseBody: '',
            trigger: 'scheduled',
            createdAt: at,
          },
          status: final ? status : 'retrying',
          attempts: n,
          retries: final ? retries : n,
          nextAttemptAt: status === 'retrying' || !final ? at + 3_600_000 : null,
          health: null,
        },
      ]);
      await new Promise((r) => setTimeout(r, 2)); // distinct attempt times, so ids order as made
    }
  };
  await settle(m[0] as string, 'failed', 404, 6, 2);
  await settle(m[1] as string, 'succeeded', 200, 0, 1);
  await settle(m[3] as string, 'retrying', 500, 2, 1);
  await settle(m[4] as string, 'retrying', 404, 1, 1);
  return { subscriberId, subA, subB, m };
}

describe('Jiwa AutoQuery lists', () => {
  let api: TestApi;
  let w: World;
  const get = (url: string, headers: Record<string, string> = {}) => api.raw({ method: 'GET', url, headers });
  const messages = (query = '') => get(`/Webhooks/Subscribers/${w.subscriberId}/Messages?${query}`);
  const responses = (query = '') => get(`/Webhooks/Subscribers/${w.subscriberId}/Messages/Responses?${query}`);
  const ids = (r: Reply) => r.body.Results.map((x: { MessageID: string }) => x.MessageID);

  before(async () => {
    api = await startApi({ config: { autoQueryMaxLimit: 4 } });
    w = await buildWorld(api);
  });
  after(() => api.close());

  it('lists every message oldest first, with statuses 0-3 and the total in Total and Meta', async () => {
    const all = await messages('Take=10');
    assert.equal(all.status, 200, all.text);
    assert.equal(all.body.Total, 5);
    assert.equal(all.body.Offset, 0);
    assert.deepEqual(all.body.Meta, { Total: '5' });
    assert.deepEqual(ids(all), w.m.slice(0, 4), 'Take is capped by AutoQueryMaxLimit (4)');
    assert.deepEqual(
      all.body.Results.map((x: { Status: number }) => x.Status),
      [3, 1, 0, 2],
    );
    assert.deepEqual(ids(await messages()), w.m.slice(0, 4), 'the cap is also the default Take');
    const itemNos = all.body.Results.map((x: { ItemNo: number }) => x.ItemNo);
    assert.deepEqual(
      [...itemNos].sort((a, b) => a - b),
      itemNos,
      'ItemNo grows with creation',
    );
  });

  it('pages with Skip and Take', async () => {
    const page = await messages('Skip=3&Take=2');
    assert.deepEqual(ids(page), w.m.slice(3, 5));
    assert.equal(page.body.Offset, 3);
    assert.equal(page.body.Total, 5);
    assert.deepEqual(ids(await messages('Skip=5')), []);
    const none = await messages('Take=0');
    assert.deepEqual(none.body.Results, []);
    assert.equal(none.body.Total, 5);
  });

  it('filters on Status, Retries, EventName, SubscriptionID, MessageID, URL and LastMessageResponseHTTPCode', async () => {
    assert.deepEqual(ids(await messages('Status=2')), [w.m[3], w.m[4]]);
    assert.deepEqual(ids(await messages('Status=0')), [w.m[2]]);
    assert.deepEqual(ids(await messages('status=3')), [w.m[0]], 'names in any case');
    assert.deepEqual(ids(await messages('Retries=6')), [w.m[0]]);
    assert.deepEqual(ids(await messages('EventName=inventory.updated')), [w.m[4]]);
    assert.deepEqual(ids(await messages(`SubscriptionID=${w.subB}`)), [w.m[3], w.m[4]]);
    assert.deepEqual(ids(await messages(`MessageID=${w.m[1]}`)), [w.m[1]]);
    assert.deepEqual(ids(await messages('URL=http://127.0.0.1:9/a&Status=1')), [w.m[1]]);
    assert.deepEqual(ids(await messages('LastMessageResponseHTTPCode=404')), [w.m[0], w.m[4]]);
    assert.equal((await messages('EventName=debtor.created')).body.Total, 0);
  });

  it('orders by OrderBy and OrderByDesc, with -Field and comma lists', async () => {
    assert.deepEqual(ids(await messages('OrderBy=Retries&Take=4')), [w.m[1], w.m[2], w.m[4], w.m[3]]);
    assert.deepEqual(ids(await messages('OrderByDesc=Retries&Take=3')), [w.m[0], w.m[3], w.m[4]]);
    assert.deepEqual(ids(await messages('OrderBy=-Retries&Take=3')), [w.m[0], w.m[3], w.m[4]]);
    assert.deepEqual(ids(await messages('OrderBy=Status,-Retries')), [w.m[2], w.m[1], w.m[3], w.m[4]]);
    assert.deepEqual(ids(await messages('OrderByDesc=ItemNo&Take=1')), [w.m[4]]);
    assert.deepEqual(ids(await messages('OrderBy=LastMessageResponseHTTPCode&Take=2')), [w.m[2], w.m[1]], 'no response sorts first');
  });

  it('returns only the Fields asked for, in DTO order, ignoring unknown names', async () => {
    const r = await messages(`Fields=Retries,messageid,Nonsense&MessageID=${w.m[0]}`);
    assert.deepEqual(r.body.Results, [{ MessageID: w.m[0], Retries: 6 }]);
    const body = await messages(`Fields=Body&MessageID=${w.m[0]}`);
    assert.deepEqual(JSON.parse(body.body.Results[0].Body), { OrderNo: 1, Note: 'a, "quoted" <b>' });
  });

  it('lists message responses with filters, order and Fields', async () => {
    const all = await responses();
    assert.equal(all.body.Total, 5, 'm0 has 2 attempts, m1, m3 and m4 one each');
    const of404 = await responses('HTTPCode=404&Take=10');
    assert.deepEqual(of404.body.Results.map((r: { MessageID: string }) => r.MessageID).sort(), [w.m[0], w.m[4]].sort());
    const m0 = await responses(`MessageID=${w.m[0]}&Fields=ItemNo,HTTPCode,Status,Retries`);
    assert.deepEqual(m0.body.Results, [
      { Status: 3, Retries: 6, HTTPCode: 503, ItemNo: 1 },
      { Status: 3, Retries: 6, HTTPCode: 404, ItemNo: 2 },
    ]);
    const newestFirst = await responses(`MessageID=${w.m[0]}&OrderByDesc=ItemNo&Fields=ItemNo`);
    assert.deepEqual(newestFirst.body.Results, [{ ItemNo: 2 }, { ItemNo: 1 }]);
    const retrying = await responses('Status=2&OrderBy=-HTTPCode&Fields=MessageID,HTTPCode');
    assert.deepEqual(retrying.body.Results, [
      { MessageID: w.m[3], HTTPCode: 500 },
      { MessageID: w.m[4], HTTPCode: 404 },
    ]);
    const one = (await responses(`MessageID=${w.m[1]}`)).body.Results[0];
    const message = (await messages(`MessageID=${w.m[1]}`)).body.Results[0];
    assert.equal(one.MessageItemNo, message.ItemNo);
    assert.equal(one.AddedDateTime, message.AddedDateTime);
    assert.equal(one.URL, 'http://127.0.0.1:9/a');
    assert.equal(one.Message, '200 OK');
  });

  it('renders XML, CSV and HTML, by ?format= or by Accept', async () => {
    const path = `/Webhooks/Subscribers/${w.subscriberId}/Messages?MessageID=${w.m[0]}`;
    const xml = await get(`${path}&format=XML`);
    assert.match(String(xml.headers['content-type']), /^application\/xml/);
    assert.match(xml.text, /^<\?xml version="1.0" encoding="utf-8"\?><QueryResponseOfv_SY_WebhookSubscriber_Messages /);
    assert.match(xml.text, /<Total>1<\/Total><Results><v_SY_WebhookSubscriber_Messages><SubscriberID>/);
    assert.ok(xml.text.includes('&quot;Note&quot;:&quot;a, \\&quot;quoted\\&quot; &lt;b&gt;&quot;'), 'values escaped');
    assert.ok(xml.text.includes('<Status>3</Status>'));
    assert.equal((await get(path, { accept: 'application/xml' })).text, xml.text);

    const csv = await get(`${path}&format=csv`);
    assert.match(String(csv.headers['content-type']), /^text\/csv/);
    const [header, row] = csv.text.split('\r\n');
    assert.equal(
      header,
      'SubscriberID,SubscriptionID,MessageID,EventName,URL,Body,ItemNo,Status,Retries,AddedDateTime,LastSavedDateTime,LastMessageResponseHTTPCode,LastMessageResponseMessage',
    );
    assert.ok(row?.includes(`,"{""OrderNo"":1,""Note"":""a, \\""quoted\\"" <b>""}",`), row);
    assert.equal((await get(path, { accept: 'text/csv' })).text, csv.text);

    const html = await get(path, { accept: 'text/html,application/xhtml+xml,*/*;q=0.8' });
    assert.match(String(html.headers['content-type']), /^text\/html/);
    assert.ok(html.text.includes('&lt;b&gt;'), 'HTML escaped');
    assert.ok(!html.text.includes('<b>'));
    assert.match(html.text, /href="[^"]*format=json"/);

    const json = await get(path, { accept: 'application/json' });
    assert.match(String(json.headers['content-type']), /^application\/json/);
    assert.match(json.body.Results[0].AddedDateTime, /^\/Date\(\d+-0000\)\/$/);
    assert.equal((await get(path)).text, json.text, 'no Accept: JSON');

    const subscriber = await get(`/Webhooks/Subscribers/${w.subscriberId}?format=xml`);
    assert.match(subscriber.text, /<SY_WebhookSubscriber xmlns:i=[^>]+><RecID>sbr_/);
    assert.ok(subscriber.text.includes('<Name>Acme &lt;Wholesale&gt;, &quot;Pty&quot;</Name>'));
    const events = await get('/Webhooks/Events?format=csv');
    assert.ok(events.text.startsWith('Name,Description\r\nbookin.created,Occurs when a new book in is created\r\n'));
  });

  it('refuses bad input with a 4xx and ResponseStatus, changing nothing', async () => {
    const before = (await api.store.queryMessages({ orderBy: [], offset: 0, limit: 0 })).total;
    const subscriptionsBefore = (await get(`/Webhooks/Subscribers/${w.subscriberId}/Subscriptions`)).body.length;
    const sbr = w.subscriberId;
    const unknownSbr = `sbr_${'0'.repeat(26)}`;
    for (const url of [
      `/Webhooks/Subscribers/${SEED_SUBSCRIBER}/Subscriptions`,
      `/Webhooks/Subscribers/${SEED_SUBSCRIBER}/Messages`,
      `/Webhooks/Subscribers/${SEED_SUBSCRIBER}/Messages/Responses`,
      `/Webhooks/Subscribers/${unknownSbr}/Messages`,
      `/Webhooks/Subscribers/${unknownSbr}`,
      `/Webhooks/Subscribers/${sbr}/Subscriptions/sub_${'0'.repeat(26)}`,
    ]) {
      const r = await get(url);
      assertError(r, 404, 'not_found');
      assert.equal(r.body.ResponseStatus.ErrorCode, 'not_found');
    }
    const post = (url: string, payload: string) =>
      api.raw({ method: 'POST', url, payload, headers: { 'content-type': 'application/json', authorization: `Bearer ${ADMIN_KEY}` } });
    assertError(
      await post(`/Webhooks/Subscribers/${SEED_SUBSCRIBER}/Subscriptions`, '{"URL":"https://x.example","EventName":"a.b"}'),
      404,
      'not_found',
    );
    const subs = `/Webhooks/Subscribers/${sbr}/Subscriptions`;
    assertError(await post(subs, '{"URL":'), 400, 'invalid_json');
    assertError(await post(subs, '["URL"]'), 400, 'validation_failed');
    assertError(await post(subs, '{"EventName":"salesorder.created"}'), 400, 'validation_failed');
    assertError(await post(subs, '{"URL":"http://127.0.0.1:9/x"}'), 400, 'validation_failed');
    assertError(await post(subs, '{"URL":{"a":1},"EventName":"salesorder.created"}'), 400, 'validation_failed');
    assertError(await post(subs, '{"URL":"ftp://x.example/","EventName":"salesorder.created"}'), 422, 'invalid_url');
    assertError(await post(subs, '{"URL":"http://127.0.0.1:9/x","EventName":"Sales Order!"}'), 422, 'invalid_event_type_name');
    assertError(await post(subs, '{"URL":"http://127.0.0.1:9/x","EventName":"a.b","Headers":"nope"}'), 400, 'validation_failed');
    assertError(await post(subs, '{"URL":"http://127.0.0.1:9/x","EventName":"a.b","Headers":[{"Value":"v"}]}'), 400, 'validation_failed');
    assertError(
      await post(subs, '{"URL":"http://127.0.0.1:9/x","EventName":"a.b","Headers":[{"Name":"X","Value":"a\\r\\nb"}]}'),
      422,
      'invalid_header',
    );
    assertError(
      await post(subs, '{"URL":"http://127.0.0.1:9/x","EventName":"a.b","Headers":[{"Name":"Host","Value":"x"}]}'),
      422,
      'invalid_header',
    );
    assertError(await post('/Webhooks/Subscribers', '{"IsEnabled":true}'), 400, 'validation_failed');
    assertError(await post('/Webhooks/Subscribers', '{"Name":"x","IsEnabled":"maybe"}'), 400, 'validation_failed');
    assertError(await post('/Webhooks/Subscribers', `{"Name":"${'x'.repeat(300)}"}`), 400, 'validation_failed');
    for (const query of [
      'Take=abc',
      'Take=-1',
      'Skip=1.5',
      'Status=9',
      'Status=pending',
      'OrderBy=Nope',
      'OrderBy=Body',
      'Retries=x',
      'format=yaml',
    ]) {
      assertError(await messages(query), 400, 'validation_failed');
    }
    assertError(await responses('HTTPCode=999'), 400, 'validation_failed');
    assertError(await responses('OrderBy=URL'), 400, 'validation_failed');
    // A message or subscription reached through another subscriber's path does not exist.
    const other = await api.call('POST', '/Webhooks/Subscribers', { Name: 'Other' });
    const del = (url: string) => api.raw({ method: 'DELETE', url });
    assertError(await del(`/Webhooks/Subscribers/${other.body.RecID}/Subscriptions/${w.subA}`), 404, 'not_found');
    assertError(await del(`/Webhooks/Subscribers/${other.body.RecID}/Subscriptions/${w.subA}/Messages/${w.m[0]}`), 404, 'not_found');
    assertError(await del(`/Webhooks/Subscribers/${sbr}/Subscriptions/${w.subB}/Messages/${w.m[0]}`), 404, 'not_found');
    assertError(await del(`/Webhooks/Subscribers/${sbr}/Subscriptions/${w.subA}/Messages/not-an-id`), 404, 'not_found');

    assert.equal((await api.store.queryMessages({ orderBy: [], offset: 0, limit: 0 })).total, before);
    assert.equal((await get(`/Webhooks/Subscribers/${sbr}/Subscriptions`)).body.length, subscriptionsBefore);
  });
});

describe('Jiwa JSON dates', () => {
  it('HERALD_JIWA_DATE_FORMAT=iso8601 writes the Swagger tutorial form, in UTC', async () => {
    const api = await startApi({ config: { jiwaDateFormat: 'iso8601' } });
    try {
      const r = await api.call('POST', '/Webhooks/Subscribers', { Name: 'Test Subscriber', IsEnabled: true });
      assert.equal(r.status, 201);
      assert.match(r.body.LastSavedDateTime, /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{7}Z$/);
      assert.equal(Date.parse(r.body.LastSavedDateTime) > 0, true);
    } finally {
      await api.close();
    }
  });
});
