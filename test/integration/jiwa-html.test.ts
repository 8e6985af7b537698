// The Jiwa routes' HTML views (html-view.ts) from a real Herald on SQLite with real deliveries to a
// real receiver (one endpoint answers 204, the other 500 so its messages stay "Failed, Retry
// Pending"): readable titles, headers that break only between words, status names, links between
// records that all answer 200, paging links that keep the other parameters, hostile strings escaped,
// and the JSON, XML and CSV of the same requests untouched by any of it.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { removeDir, startTestHerald, type TestHerald } from '../helpers/herald.js';
import { eventually, TestReceiver } from '../helpers/receiver.js';

type Json = Record<string, unknown>;
const HOSTILE = `<script>alert("x")</script><img src=x onerror=alert(1)>'&`;
const BROWSER = { accept: 'text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8' };

let h: TestHerald;
let receiver: TestReceiver;
let subscriberId: string;
let okSubscriptionId: string;
let failSubscriptionId: string;

async function ok(method: string, path: string, body?: unknown): Promise<Json> {
  const res = await h.api<Json>(method, path, body);
  assert.ok(res.status < 300, `${method} ${path}: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body;
}

async function page(path: string, headers: Record<string, string> = BROWSER): Promise<{ status: number; type: string; text: string }> {
  const res = await fetch(h.url + path, { headers });
  return { status: res.status, type: res.headers.get('content-type') ?? '', text: await res.text() };
}

/** Every link (<a href>) of a page, unescaped as a browser reads it. */
function hrefs(html: string): string[] {
  return [...html.matchAll(/<a [^>]*href="([^"]*)"/g)].map((m) => (m[1] as string).replace(/&amp;/g, '&').replace(/&quot;/g, '"'));
}

function link(html: string, rel: 'next' | 'prev'): string | null {
  const m = new RegExp(`<a rel="${rel}" href="([^"]*)"`).exec(html);
  return m ? (m[1] as string).replace(/&amp;/g, '&') : null;
}

const heading = (html: string) => /<h1>(.*?)<\/h1>/.exec(html)?.[1];
const title = (html: string) => /<title>(.*?)<\/title>/.exec(html)?.[1];

before(async () => {
  receiver = new TestReceiver();
  receiver.always((res, req) => res.writeHead(req.path.startsWith('/fail') ? 500 : 204).end());
  await receiver.start();
  h = await startTestHerald();
  await ok('POST', '/v1/event-types', { name: 'salesorder.created', description: `orders ${HOSTILE}` });
  subscriberId = (await ok('POST', '/v1/subscribers', { name: `Acme ${HOSTILE}` })).id as string;
  const subscribe = async (path: string, retrySchedule: number[]) =>
    (
      await ok('POST', `/v1/subscribers/${subscriberId}/subscriptions`, {
        url: `${receiver.url}${path}`,
        eventTypes: ['salesorder.created'],
        retrySchedule,
      })
    ).id as string;
  okSubscriptionId = await subscribe('/ok', [1]);
  failSubscriptionId = await subscribe(`/fail?q=${encodeURIComponent(HOSTILE)}`, [3600]); // the retry waits an hour
  for (let i = 1; i <= 3; i++) await ok('POST', '/v1/events', { type: 'salesorder.created', data: { OrderNo: i, Note: HOSTILE } });
  // 3 events × 2 subscriptions: 6 messages, each with its first attempt made.
  await eventually(async () => receiver.requests.length >= 6, 10_000, 'six deliveries');
  await eventually(
    async () => {
      const res = await page(`/Webhooks/Subscribers/${subscriberId}/Messages?format=json`, {});
      const body = JSON.parse(res.text) as { Results: { Status: number }[] };
      return body.Results.filter((m) => m.Status === 1).length === 3 && body.Results.filter((m) => m.Status === 2).length === 3;
    },
    10_000,
    'three messages succeeded and three waiting for a retry',
  );
});

after(async () => {
  await h?.stop();
  await receiver?.stop();
  if (h) removeDir(h.dir);
});

describe('Jiwa HTML views', () => {
  it('Messages: a titled document, whole-word headers, status names, escaped values', async () => {
    const res = await page(`/Webhooks/Subscribers/${subscriberId}/Messages`);
    assert.equal(res.status, 200);
    assert.match(res.type, /^text\/html/);
    assert.match(res.text, /^<!DOCTYPE html>/);
    assert.equal(title(res.text), 'Messages · Herald');
    assert.equal(heading(res.text), 'Messages');
    assert.ok(!res.text.includes('v_SY_WebhookSubscriber_Messages'), 'no SQL view name');
    // Headers may wrap only between the words of a field name, and the CSS never breaks inside one.
    assert.ok(res.text.includes('<th scope="col">Last<wbr>Message<wbr>Response<wbr>HTTP<wbr>Code</th>'), 'LastMessageResponseHTTPCode');
    assert.ok(res.text.includes('<th scope="col">Message<wbr>ID</th>'));
    assert.match(res.text, /th \{[^}]*word-break: keep-all;[^}]*\}/);
    assert.doesNotMatch(/th \{[^}]*\}/.exec(res.text)?.[0] ?? '', /anywhere/);
    // Status numbers with seed 001's names.
    assert.equal(res.text.match(/<td>1 <span class="status s1">Successful<\/span><\/td>/g)?.length, 3);
    assert.equal(res.text.match(/<td>2 <span class="status s2">Failed, Retry Pending<\/span><\/td>/g)?.length, 3);
    // Hostile data, names and URLs are text.
    assert.ok(!res.text.includes('<script'), 'no script element');
    assert.ok(!res.text.includes('<img'), 'no img element');
    // The Body is JSON text, so the quotes arrive as \" and leave as \&quot;.
    assert.ok(res.text.includes('&lt;script&gt;alert(\\&quot;x\\&quot;)&lt;/script&gt;'), 'the Body, escaped');
    // The dashboard is one click away.
    assert.ok(res.text.includes('<a href="/ui/">Herald dashboard</a>'));
  });

  it('every view has its title, and every link on it answers 200', async () => {
    const views: [string, string][] = [
      ['/Webhooks/Events', 'Events'],
      [`/Webhooks/Subscribers/${subscriberId}`, 'Subscriber'],
      [`/Webhooks/Subscribers/${subscriberId}/Subscriptions`, 'Subscriptions'],
      [`/Webhooks/Subscribers/${subscriberId}/Subscriptions/${okSubscriptionId}`, 'Subscription'],
      [`/Webhooks/Subscribers/${subscriberId}/Messages?format=html`, 'Messages'],
      [`/Webhooks/Subscribers/${subscriberId}/Messages/Responses`, 'Message responses'],
    ];
    const checked = new Set<string>();
    for (const [path, name] of views) {
      const res = await page(path);
      assert.equal(res.status, 200, path);
      assert.equal(heading(res.text), name, path);
      assert.equal(title(res.text), `${name} · Herald`, path);
      assert.ok(!res.text.includes('<script') && !res.text.includes('<img'), `${path}: escaped`);
      for (const href of hrefs(res.text)) {
        assert.ok(href.startsWith('/'), `${path}: ${href} stays on this server`);
        if (checked.has(href)) continue;
        checked.add(href);
        const target = await page(href);
        assert.equal(target.status, 200, `${path} links to ${href}`);
      }
    }
    assert.ok(checked.size > 20, `${checked.size} links checked`);
  });

  it('links between records: subscriber → subscriptions and messages, message → its responses and back', async () => {
    const base = `/Webhooks/Subscribers/${subscriberId}`;
    const subscriber = await page(base);
    assert.ok(subscriber.text.includes(`<a href="${base}/Subscriptions">Subscriptions</a>`));
    assert.ok(subscriber.text.includes(`<a href="${base}/Messages">Messages</a>`));
    assert.ok(subscriber.text.includes(`<a href="${base}/Messages/Responses">Message responses</a>`));
    assert.ok(subscriber.text.includes('Acme &lt;script&gt;'), 'the name, escaped');

    // A subscription links to its own messages, which are only that subscription's.
    const subscriptions = await page(`${base}/Subscriptions`);
    const toMessages = hrefs(subscriptions.text).find((x) => x === `${base}/Messages?SubscriptionID=${failSubscriptionId}`);
    assert.ok(toMessages, 'a subscription links to its messages');
    const theirs = await page(toMessages);
    assert.equal(theirs.text.match(/<tr><td>/g)?.length, 3);
    assert.equal(theirs.text.match(/Failed, Retry Pending/g)?.length, 3);

    // With ?format=html the links keep it; a message links to its responses, a response to its message.
    const messages = JSON.parse((await page(`${base}/Messages?format=json`, {})).text) as { Results: { MessageID: string }[] };
    const messageId = messages.Results[0]?.MessageID as string;
    const html = await page(`${base}/Messages?MessageID=${messageId}&format=html`, {});
    assert.match(html.type, /^text\/html/);
    const toResponses = `${base}/Messages/Responses?MessageID=${messageId}&format=html`;
    assert.ok(hrefs(html.text).includes(toResponses));
    const responses = await page(toResponses, {});
    assert.match(responses.type, /^text\/html/);
    assert.equal(heading(responses.text), 'Message responses');
    assert.ok(responses.text.includes(messageId));
    assert.ok(hrefs(responses.text).includes(`${base}/Messages?MessageID=${messageId}&format=html`), 'back to the message');
  });

  it('paging: previous and next move Skip by Take and keep every other parameter', async () => {
    const base = `/Webhooks/Subscribers/${subscriberId}/Messages`;
    const first = await page(`${base}?Take=2&EventName=salesorder.created&OrderBy=ItemNo&format=html`, {});
    assert.match(first.text, /Showing 1–2 of 6\./);
    assert.equal(link(first.text, 'prev'), null);
    const next = link(first.text, 'next');
    assert.equal(next, `${base}?Take=2&EventName=salesorder.created&OrderBy=ItemNo&format=html&Skip=2`);
    const second = await page(next as string, {});
    assert.match(second.text, /Showing 3–4 of 6\./);
    const third = await page(link(second.text, 'next') as string, {});
    assert.match(third.text, /Showing 5–6 of 6\./);
    assert.equal(link(third.text, 'next'), null, 'no next on the last page');
    // Previous from the third page is the second; from the second, the first (Skip dropped).
    assert.equal(link(third.text, 'prev'), `${base}?Take=2&EventName=salesorder.created&OrderBy=ItemNo&format=html&Skip=2`);
    assert.equal(link(second.text, 'prev'), `${base}?Take=2&EventName=salesorder.created&OrderBy=ItemNo&format=html`);
    // ItemNo order: the pages hold different messages, six in all.
    const ids = new Set<string>();
    for (const p of [first, second, third]) for (const m of p.text.matchAll(/>(msg_[0-9A-Z]+)</g)) ids.add(m[1] as string);
    assert.equal(ids.size, 6);
    // A skip in another case is replaced, not doubled.
    const lower = await page(`${base}?take=2&skip=2`);
    assert.equal(link(lower.text, 'next'), `${base}?take=2&Skip=4`);
  });

  it('a hostile query string is escaped wherever it is echoed', async () => {
    const res = await page(`/Webhooks/Subscribers/${subscriberId}/Messages?EventName=${encodeURIComponent(`"><script>alert(1)</script>`)}`);
    assert.equal(res.status, 200);
    assert.ok(!res.text.includes('<script'), 'no script element');
    assert.ok(res.text.includes('No results.'));
  });

  it('JSON, XML and CSV are unchanged by the HTML view', async () => {
    const base = `/Webhooks/Subscribers/${subscriberId}/Messages?Take=2`;
    const json = JSON.parse((await page(`${base}&format=json`, BROWSER)).text) as Json;
    assert.deepEqual(Object.keys(json), ['Offset', 'Total', 'Results', 'Meta']);
    const xml = await page(`${base}&format=xml`);
    assert.match(xml.text, /^<\?xml version="1.0" encoding="utf-8"\?><QueryResponseOfv_SY_WebhookSubscriber_Messages /);
    const csv = await page(`${base}&format=csv`);
    assert.equal(
      csv.text.split('\r\n')[0],
      'SubscriberID,SubscriptionID,MessageID,EventName,URL,Body,ItemNo,Status,Retries,AddedDateTime,LastSavedDateTime,LastMessageResponseHTTPCode,LastMessageResponseMessage',
    );
  });
});
