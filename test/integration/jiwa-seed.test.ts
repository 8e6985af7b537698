// Seed 001 replayed against a running Herald: every curl command of the Jiwa webhook documentation
// (URL-parameter and JSON-body forms, host replaced by the local server), then its SwaggerUI
// tutorial, ending with the stock level event delivered to a real receiver with its apikey header.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { request } from 'undici';
import { JIWA_EVENTS } from '../../src/presets/jiwa-events.js';
import { ADMIN_KEY, removeDir, startTestHerald, type TestHerald } from '../helpers/herald.js';
import { eventually, TestReceiver } from '../helpers/receiver.js';

const CLIENT_KEY = 'jiwa-client-key-0123456789'; // WebhooksClientKey
const WCF_DATE = /^\/Date\(\d+-0000\)\/$/;
const ROW_HASH = /^[A-Za-z0-9+/]{11}=$/;
const JSON_HEADERS = { accept: 'application/json', 'content-type': 'application/json' }; // -H 'Accept: ...' -H 'Content-Type: ...'

interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
  // biome-ignore lint/suspicious/noExplicitAny: parsed JSON of whatever shape the test checks
  json: any;
}

describe('seed 001 replayed', () => {
  let h: TestHerald;
  let receiver: TestReceiver;
  let session = ''; // a /auth bearer token

  /** curl -X <method> <url> [-d <body>] with the seed's headers (plus any given). GET bodies are allowed, as curl allows them. */
  async function curl(method: string, path: string, options: { body?: string; headers?: Record<string, string> } = {}): Promise<Answer> {
    const res = await request(h.url + path, {
      method: method as 'GET',
      headers: { ...JSON_HEADERS, ...options.headers },
      ...(options.body !== undefined ? { body: options.body } : {}),
    });
    const text = await res.body.text();
    assert.ok(res.statusCode < 500, `${method} ${path} answered ${res.statusCode}: ${text}`);
    const type = String(res.headers['content-type'] ?? '');
    return { status: res.statusCode, headers: res.headers, text, json: text && type.includes('json') ? JSON.parse(text) : null };
  }
  const operator = () => ({ authorization: `Bearer ${session}` });

  before(async () => {
    receiver = await new TestReceiver().start();
    // /ok answers 204, /fail 404 (retried; the next retry is 10^(1×3) s away, so it stays Status 2), /gone 410 (Status 3).
    receiver.always((res, req) => res.writeHead(req.path.startsWith('/fail') ? 404 : req.path.startsWith('/gone') ? 410 : 204).end());
    h = await startTestHerald({ eventCatalogue: 'jiwa', webhooksClientKey: CLIENT_KEY, retryInterval: 3 });
    const auth = await curl('GET', `/auth?UserName=admin&Password=${encodeURIComponent(ADMIN_KEY)}`);
    assert.equal(auth.status, 200, auth.text);
    session = auth.json.BearerToken;
  });
  after(async () => {
    await h.stop();
    await receiver.stop();
    removeDir(h.dir);
  });

  it('List Webhook Events: curl GET /Webhooks/Events lists the 42 catalogue events', async () => {
    const res = await curl('GET', '/Webhooks/Events');
    assert.equal(res.status, 200);
    assert.match(String(res.headers['content-type']), /^application\/json/);
    assert.equal(res.json.length, JIWA_EVENTS.length);
    assert.deepEqual(
      res.json.find((e: { Name: string }) => e.Name === 'debtor.created'),
      { Name: 'debtor.created', Description: 'Occurs when a new debtor (customer) is created' },
    );
    // Web Browser: ?format=json overrides the browser's Accept; without it the browser gets HTML.
    const browser = { accept: 'text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8' };
    const asJson = await curl('GET', '/Webhooks/Events?format=json', { headers: browser });
    assert.match(String(asJson.headers['content-type']), /^application\/json/);
    assert.equal(asJson.json.length, JIWA_EVENTS.length);
    const asHtml = await curl('GET', '/Webhooks/Events', { headers: browser });
    assert.match(String(asHtml.headers['content-type']), /^text\/html/);
    assert.match(asHtml.text, /<td>inventory\.stocklevel<\/td><td>Occurs when an inventory item stock level changes<\/td>/);
  });

  it('Add a new Subscriber: authentication is required', async () => {
    const res = await curl('POST', '/Webhooks/Subscribers/?Name=Nobody&IsEnabled=true');
    assert.equal(res.status, 401);
    assert.equal(res.json.code, 'unauthorized');
    assert.equal(res.json.ResponseStatus.ErrorCode, 'unauthorized');
  });

  let subscriberId = '';

  it('Add a new Subscriber: URL parameters, then a JSON DTO', async () => {
    // ?Name="My Test Subscriber"&IsEnabled=true, as curl sends it once the URL is encoded
    const byUrl = await curl('POST', '/Webhooks/Subscribers/?Name=%22My%20Test%20Subscriber%22&IsEnabled=true', { headers: operator() });
    assert.equal(byUrl.status, 201, byUrl.text);
    assert.deepEqual(Object.keys(byUrl.json), ['RecID', 'Name', 'IsEnabled', 'ItemNo', 'LastSavedDateTime', 'RowHash']);
    assert.equal(byUrl.json.Name, 'My Test Subscriber');
    assert.equal(byUrl.json.IsEnabled, true);
    assert.equal(byUrl.json.ItemNo, 1);
    assert.match(byUrl.json.LastSavedDateTime, WCF_DATE);
    assert.ok(byUrl.text.includes('"LastSavedDateTime":"\\/Date('), 'slashes escaped as ServiceStack writes them');
    assert.match(byUrl.json.RowHash, ROW_HASH);

    const byDto = await curl('POST', '/Webhooks/Subscribers/', {
      headers: operator(),
      body: '{"Name":"My Test Subscriber","IsEnabled":"true"}',
    });
    assert.equal(byDto.status, 201, byDto.text);
    assert.equal(byDto.json.IsEnabled, true);
    assert.equal(byDto.json.ItemNo, 2);
    subscriberId = byDto.json.RecID;
    // The same record through /v1.
    const v1 = await h.api<{ name: string; enabled: boolean }>('GET', `/v1/subscribers/${subscriberId}`);
    assert.equal(v1.status, 200);
    assert.equal(v1.body.name, 'My Test Subscriber');
    assert.equal(v1.body.enabled, true);
  });

  const subscriptionIds: string[] = [];

  it('Add a new Subscription: URL parameters, a JSON DTO, and a DTO with Headers', async () => {
    const base = `/Webhooks/Subscribers/${subscriberId}/Subscriptions/`;
    const byUrl = await curl('POST', `${base}?URL=%22https://example.com/api/dosomething%22&EventName=%22salesorder.created%22`);
    assert.equal(byUrl.status, 201, byUrl.text);
    assert.deepEqual(Object.keys(byUrl.json), [
      'RecID',
      'SY_WebhookSubscriber_RecID',
      'EventName',
      'URL',
      'ItemNo',
      'LastSavedDateTime',
      'RowHash',
    ]);
    assert.equal(byUrl.json.SY_WebhookSubscriber_RecID, subscriberId);
    assert.equal(byUrl.json.EventName, 'salesorder.created');
    assert.equal(byUrl.json.URL, 'https://example.com/api/dosomething');
    assert.equal(byUrl.json.ItemNo, 1);

    const byDto = await curl('POST', base, { body: '{"URL":"https://example.com/api/dosomething","EventName":"salesorder.created"}' });
    assert.equal(byDto.status, 201, byDto.text);
    assert.equal(byDto.json.ItemNo, 2);

    const withHeaders = await curl('POST', base, {
      body: '{"URL":"https://example.com/api/dosomething","EventName":"salesorder.created","Headers":[{"Name":"ApiKey","Value":"AAABBBCCC"}]}',
    });
    assert.equal(withHeaders.status, 201, withHeaders.text);
    assert.equal(withHeaders.json.ItemNo, 3);
    const v1 = await h.api<{ headers: Record<string, string>; payloadFormat: string; eventTypes: string[] }>(
      'GET',
      `/v1/subscriptions/${withHeaders.json.RecID}`,
    );
    assert.deepEqual(v1.body.headers, { ApiKey: 'AAABBBCCC' });
    assert.equal(v1.body.payloadFormat, 'raw', 'Jiwa sends the document DTO itself as the body');
    assert.deepEqual(v1.body.eventTypes, ['salesorder.created']);
    subscriptionIds.push(byUrl.json.RecID, byDto.json.RecID, withHeaders.json.RecID);
  });

  it('List all subscriptions for a Subscriber, then delete one', async () => {
    const path = `/Webhooks/Subscribers/${subscriberId}/Subscriptions/`;
    const list = await curl('GET', path);
    assert.equal(list.status, 200);
    assert.deepEqual(
      list.json.map((s: { RecID: string; ItemNo: number }) => [s.RecID, s.ItemNo]),
      subscriptionIds.map((id, i) => [id, i + 1]),
    );
    for (const s of list.json) assert.match(s.LastSavedDateTime, WCF_DATE);
    const browser = await curl('GET', `${path}?format=json`, { headers: { accept: 'text/html' } });
    assert.deepEqual(browser.json, list.json);

    const removed = subscriptionIds.shift() as string;
    const del = await curl('DELETE', `/Webhooks/Subscribers/${subscriberId}/Subscriptions/${removed}`);
    assert.equal(del.status, 204);
    assert.equal((await curl('DELETE', `/Webhooks/Subscribers/${subscriberId}/Subscriptions/${removed}`)).status, 404);
    assert.equal((await h.api('GET', `/v1/subscriptions/${removed}`)).status, 404);
    assert.equal((await curl('GET', path)).json.length, 2);
  });

  let messages: Answer;

  it('Messages: events from the client key are delivered, retried and listed with Jiwa statuses', async () => {
    // Clear the example.com subscriptions: this test delivers only to 127.0.0.1.
    for (const id of subscriptionIds.splice(0)) await curl('DELETE', `/Webhooks/Subscribers/${subscriberId}/Subscriptions/${id}`);
    for (const path of ['/ok', '/fail', '/gone']) {
      const res = await curl('POST', `/Webhooks/Subscribers/${subscriberId}/Subscriptions/`, {
        body: JSON.stringify({ URL: receiver.url + path, EventName: 'salesorder.created' }),
      });
      assert.equal(res.status, 201, res.text);
      subscriptionIds.push(res.json.RecID);
    }
    // The client key (WebhooksClientKey) may ingest and do nothing else.
    const producer = { authorization: `Bearer ${CLIENT_KEY}` };
    for (const n of [1, 2]) {
      const sent = await curl('POST', '/v1/events', {
        headers: producer,
        body: JSON.stringify({ type: 'salesorder.created', data: { OrderNo: n } }),
      });
      assert.equal(sent.status, 202, sent.text);
    }
    assert.equal((await curl('GET', '/v1/events', { headers: producer })).status, 403);
    await receiver.waitFor(6);

    messages = await eventually(async () => {
      const res = await curl('GET', `/Webhooks/Subscribers/${subscriberId}/Messages/`);
      const settled = res.json.Results.filter((m: { Status: number }) => m.Status !== 0).length === 6;
      return settled ? res : null;
    });
    assert.equal(messages.json.Total, 6);
    assert.equal(messages.json.Meta.Total, '6');
    const first = messages.json.Results[0];
    assert.deepEqual(Object.keys(first), [
      'SubscriberID',
      'SubscriptionID',
      'MessageID',
      'EventName',
      'URL',
      'Body',
      'ItemNo',
      'Status',
      'Retries',
      'AddedDateTime',
      'LastSavedDateTime',
      'LastMessageResponseHTTPCode',
      'LastMessageResponseMessage',
    ]);
    const bySubscription = (i: number) =>
      messages.json.Results.filter((m: { SubscriptionID: string }) => m.SubscriptionID === subscriptionIds[i]);
    for (const m of bySubscription(0)) {
      assert.equal(m.Status, 1);
      assert.equal(m.LastMessageResponseHTTPCode, 204);
    }
    for (const m of bySubscription(1)) {
      assert.equal(m.Status, 2, 'failed, retry pending');
      assert.equal(m.Retries, 1);
      assert.equal(m.LastMessageResponseHTTPCode, 404);
      assert.equal(m.LastMessageResponseMessage.length > 0, true);
    }
    for (const m of bySubscription(2)) assert.equal(m.Status, 3, '410 Gone: failed');
    for (const m of messages.json.Results) {
      assert.equal(m.SubscriberID, subscriberId);
      assert.match(m.AddedDateTime, WCF_DATE);
      assert.ok(['{"OrderNo":1}', '{"OrderNo":2}'].includes(m.Body), m.Body);
      assert.ok(Number.isInteger(m.ItemNo));
    }
  });

  it('Filtered, Curated List of Messages: the seed URL as written, and in any case', async () => {
    const base = `/Webhooks/Subscribers/${subscriberId}/Messages/`;
    // The seed's URL joins Orderby to Fields with a comma; it is read as the parameter it spells.
    const seedUrl = await curl('GET', `${base}?Take=10&Status=2&Fields=MessageID,EventName,URL,Retries,Orderby=Retries`);
    assert.equal(seedUrl.status, 200, seedUrl.text);
    assert.equal(seedUrl.json.Total, 2);
    for (const m of seedUrl.json.Results) {
      assert.deepEqual(Object.keys(m), ['MessageID', 'EventName', 'URL', 'Retries']);
      assert.equal(m.URL, `${receiver.url}/fail`);
    }
    const browser = await curl('GET', `${base}?Take=10&Status=2&Fields=MessageID,EventName,URL,Retries,Orderby=Retries&format=json`, {
      headers: { accept: 'text/html' },
    });
    assert.deepEqual(browser.json, seedUrl.json);
    // The DTO's property names in any case, as ServiceStack binds them.
    const lower = await curl('GET', `${base}?take=10&status=2&fields=messageid,eventname,url,retries&ORDERBY=retries`);
    assert.deepEqual(lower.json, seedUrl.json);
  });

  it('Delete a Message', async () => {
    const m = messages.json.Results.find((x: { Status: number }) => x.Status === 3);
    const path = `/Webhooks/Subscribers/${subscriberId}/Subscriptions/${m.SubscriptionID}/Messages/${m.MessageID}`;
    assert.equal((await curl('DELETE', path)).status, 204);
    assert.equal((await curl('DELETE', path)).status, 404);
    assert.equal((await h.api('GET', `/v1/messages/${m.MessageID}`)).status, 404);
    const after = await curl('GET', `/Webhooks/Subscribers/${subscriberId}/Messages/?MessageID=${m.MessageID}`);
    assert.equal(after.json.Total, 0);
  });

  it('List all Message Responses for a Subscriber: Take=10&HTTPCode=404', async () => {
    const base = `/Webhooks/Subscribers/${subscriberId}/Messages/Responses/`;
    const res = await curl('GET', `${base}?Take=10&HTTPCode=404`);
    assert.equal(res.status, 200, res.text);
    assert.equal(res.json.Total, 2);
    const failing = new Map(
      messages.json.Results.filter((m: { Status: number }) => m.Status === 2).map((m: { MessageID: string; ItemNo: number }) => [
        m.MessageID,
        m.ItemNo,
      ]),
    );
    for (const r of res.json.Results) {
      assert.deepEqual(Object.keys(r), [
        'SubscriberID',
        'SubscriptionID',
        'MessageID',
        'MessageResponseID',
        'EventName',
        'URL',
        'Body',
        'MessageItemNo',
        'Status',
        'Retries',
        'AddedDateTime',
        'MessageLastSavedDateTime',
        'HTTPCode',
        'Message',
        'ItemNo',
        'LastSavedDateTime',
      ]);
      assert.equal(r.HTTPCode, 404);
      assert.equal(r.Status, 2);
      assert.equal(r.ItemNo, 1, 'the first attempt of its message');
      assert.equal(r.MessageItemNo, failing.get(r.MessageID), 'MessageItemNo is the message ItemNo');
      assert.equal(r.Message, '404 Not Found');
      assert.match(r.MessageResponseID, /^att_/);
    }
    const browser = await curl('GET', `${base}?Take=10&HTTPCode=404&format=json`, { headers: { accept: 'text/html' } });
    assert.deepEqual(browser.json, res.json);
  });

  it('Tutorial - Using SwaggerUI to add a subscription, and the event is delivered with its header', async () => {
    // Step 1: the SwaggerUI page, over a document that covers /v1 and the Jiwa routes.
    const page = await curl('GET', '/swagger-ui/', { headers: { accept: 'text/html' } });
    assert.equal(page.status, 200);
    assert.match(page.text, /<html/i);
    const doc = (await curl('GET', '/openapi.json')).json;
    for (const path of ['/auth', '/Webhooks/Subscribers', '/Webhooks/Subscribers/{SubscriberID}/Subscriptions', '/v1/events']) {
      assert.ok(doc.paths[path], `${path} is documented`);
    }
    assert.ok(doc.paths['/auth'].get.tags.includes('auth'));
    assert.ok(doc.paths['/Webhooks/Subscribers'].post.tags.includes('Webhooks'));

    // Step 2: GET /auth with UserName and Password; the session comes back as the ss-id cookie.
    const auth = await curl('GET', `/auth?UserName=Admin&Password=${encodeURIComponent(ADMIN_KEY)}`);
    assert.equal(auth.status, 200, auth.text);
    const cookie = String(auth.headers['set-cookie']).split(';')[0] as string;
    assert.match(cookie, /^ss-id=/);

    // Step 3: POST /Webhooks/Subscribers with the example JSON body.
    const subscriber = await curl('POST', '/Webhooks/Subscribers', {
      headers: { cookie },
      body: '{"Name":"Test Subscriber","IsEnabled":true}',
    });
    assert.equal(subscriber.status, 201, subscriber.text);
    assert.equal(subscriber.json.Name, 'Test Subscriber');
    const recId = subscriber.json.RecID;

    // Step 4: POST /Webhooks/Subscribers/{SubscriberID}/Subscriptions/ with an apikey header.
    const subscription = await curl('POST', `/Webhooks/Subscribers/${recId}/Subscriptions/`, {
      body: JSON.stringify({
        SubscriberID: recId,
        URL: `${receiver.url}/api/dosomething`,
        EventName: 'inventory.stocklevel',
        Headers: [{ Name: 'apikey', Value: 'my external system api key' }],
      }),
    });
    assert.equal(subscription.status, 201, subscription.text);
    assert.equal(subscription.json.SY_WebhookSubscriber_RecID, recId);
    assert.equal(subscription.json.EventName, 'inventory.stocklevel');
    assert.equal(subscription.json.ItemNo, 1);

    // A stock level change in the ERP: the producer posts the event with the client key.
    const before = receiver.requests.length;
    const stock = { PartNo: '1170', WarehouseID: 'ZZZZZZZZZZ0000000000', QuantityOnHand: 1 };
    const sent = await curl('POST', '/v1/events', {
      headers: { authorization: `Bearer ${CLIENT_KEY}` },
      body: JSON.stringify({ type: 'inventory.stocklevel', data: stock }),
    });
    assert.equal(sent.status, 202, sent.text);
    assert.equal(sent.json.messages, 1);
    await receiver.waitFor(before + 1);
    const delivered = receiver.requests.at(-1);
    assert.ok(delivered);
    assert.equal(delivered.method, 'POST');
    assert.equal(delivered.path, '/api/dosomething');
    assert.equal(delivered.headers.apikey, 'my external system api key');
    assert.deepEqual(JSON.parse(delivered.body), stock, 'the DTO itself is the body');
  });
});
