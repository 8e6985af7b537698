// The message log and message detail pages (issue 19) in a real Chromium against a real Herald on
// SQLite delivering to a real receiver on 127.0.0.1: one subscription's path answers 500 (its
// messages fail after one short retry), the other's 204. The log is filtered and paged with the
// filters in the URL, and agrees with the API; a message's attempts show the request (credentials
// masked) and the response; resend shows the new attempt; bulk resend delivers the failed set; a
// read key sees no resend button. Any console error, page error, failed request or >= 400 response
// fails a test. Saves docs/screenshots/messages.png, messages-390.png and message.png.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import {
  launchBrowser,
  chromiumMissing as missing,
  openPage,
  requireChromium,
  screenshot,
  signIn as signInWith,
  skipBrowser as skip,
} from '../helpers/browser.js';
import { ADMIN_KEY, removeDir, startTestHerald, type TestHerald } from '../helpers/herald.js';
import { eventually, TestReceiver } from '../helpers/receiver.js';

requireChromium();

type Json = Record<string, unknown>;
interface Msg {
  id: string;
  status: string;
  subscriptionId: string;
  eventId: string;
}
interface Attempt {
  id: string;
  trigger: string;
  statusCode: number | null;
}

const WAIT_MS = 15_000; // bound on every state the tests wait for
// Credentials the receiver must get and no page may show.
const API_KEY_VALUE = 'sk-live-0123456789abcdef';
const TENANT_VALUE = 'tenant-secret-value-42';
const BASIC_PASSWORD = 'basic-password-xyz-77';

let h: TestHerald;
let receiver: TestReceiver;
let browser: Browser;
let readKey: string;
let globexKey: string;
let okSub: string;
let failingSub: string;
let failing = true;

const ok = async <T = Json>(method: string, path: string, body?: unknown): Promise<T> => {
  const res = await h.api<T>(method, path, body);
  assert.ok(res.status < 300, `${method} ${path}: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body;
};
const messages = async (query: string) => (await ok<{ data: Msg[]; nextCursor: string | null }>('GET', `/v1/messages?${query}`)).data;
const settled = async () => {
  const all = await messages('limit=1000');
  return all.length === 12 && all.every((m) => m.status === 'succeeded' || m.status === 'failed');
};

before(async () => {
  if (missing) return;
  receiver = new TestReceiver();
  receiver.always((res, req) => {
    if (req.path.startsWith('/fail') && failing) {
      res.writeHead(500, { 'content-type': 'text/plain', 'x-receiver': 'test' }).end('down for maintenance');
    } else res.writeHead(204, { 'x-receiver': 'test' }).end();
  });
  await receiver.start();
  // The failing endpoint's ten 500s in a row would open its breaker, which holds retries back for
  // its cool-down (30 s): a higher threshold keeps this test's waits short.
  h = await startTestHerald({ breakerThreshold: 100 });
  await ok('POST', '/v1/event-types', { name: 'order.created', description: 'an order' });
  await ok('POST', '/v1/event-types', { name: 'invoice.paid', description: 'an invoice' });
  const acme = (await ok('POST', '/v1/subscribers', { name: 'acme' })).id as string;
  const globex = (await ok('POST', '/v1/subscribers', { name: 'globex' })).id as string;
  okSub = (
    await ok('POST', `/v1/subscribers/${acme}/subscriptions`, {
      name: 'orders-ok',
      url: `${receiver.url}/ok`,
      eventTypes: ['order.created', 'invoice.paid'],
      headers: { 'x-tenant': TENANT_VALUE },
      auth: { type: 'apiKey', header: 'x-api-key', value: API_KEY_VALUE },
    })
  ).id as string;
  failingSub = (
    await ok('POST', `/v1/subscribers/${globex}/subscriptions`, {
      name: 'orders-failing',
      url: `${receiver.url}/fail`,
      eventTypes: ['order.created'],
      retrySchedule: [0.05],
      auth: { type: 'basic', username: 'herald', password: BASIC_PASSWORD },
    })
  ).id as string;
  for (let n = 1; n <= 5; n++) await ok('POST', '/v1/events', { type: 'order.created', data: { orderNo: `SO-${n}` } });
  for (let n = 1; n <= 2; n++) await ok('POST', '/v1/events', { type: 'invoice.paid', data: { invoiceNo: `INV-${n}` } });
  await eventually(settled, WAIT_MS, '7 messages delivered and 5 failed');
  readKey = (await ok('POST', '/v1/api-keys', { name: 'dashboard', scope: 'read' })).key as string;
  globexKey = (await ok('POST', '/v1/api-keys', { name: 'globex portal', scope: 'subscriber', subscriberId: globex })).key as string;
  browser = await launchBrowser();
});

after(async () => {
  if (missing) return;
  await browser?.close();
  await h?.stop();
  await receiver?.stop();
  if (h) removeDir(h.dir);
});

const open = (width = 1280) => openPage(browser, width);
const signIn = (page: Page, key: string) => signInWith(page, h.url, key);
/** Waits until the log shows exactly these message ids, in this order. */
async function showsRows(page: Page, ids: string[]): Promise<void> {
  const rows = "[...document.querySelectorAll('[data-testid=messages] tbody tr')].map((r) => r.getAttribute('data-id')).join()";
  await page.waitForFunction(`${rows} === ${JSON.stringify(ids.join())}`, undefined, { timeout: WAIT_MS });
}
const hashQuery = (page: Page) => new URLSearchParams(new URL(page.url()).hash.split('?')[1] ?? '');

test('the log: filters in the URL, agreeing with the API; paging keeps them; reload and Back', { skip }, async () => {
  const { page, context, problems } = await open();
  try {
    await signIn(page, ADMIN_KEY);
    await page.click('header a[href="#/messages"]');
    await showsRows(
      page,
      (await messages('limit=50')).map((m) => m.id),
    );
    assert.equal(await page.textContent('[data-testid=messages-total]'), '12 messages match; page 1.');

    // Status, then subscription: real controls, each writing the URL.
    await page.selectOption('#filter-status', 'failed');
    const failed = (await messages('status=failed&limit=50')).map((m) => m.id);
    assert.equal(failed.length, 5);
    await showsRows(page, failed);
    assert.equal(hashQuery(page).get('status'), 'failed');
    for (const status of await page.$$eval('[data-testid=messages] tbody tr', (rows) => rows.map((r) => r.getAttribute('data-status')))) {
      assert.equal(status, 'failed');
    }
    assert.equal(await page.locator('[data-testid=messages] tbody tr .badge').first().textContent(), 'failed');
    await page.selectOption('#filter-subscription', okSub);
    await page.waitForSelector('[data-testid=messages] tbody tr', { state: 'detached' });
    await page.waitForSelector('text=No messages match these filters'); // after "Loading…"
    assert.match((await page.textContent('main')) ?? '', /No messages match these filters/);
    await page.selectOption('#filter-status', 'succeeded');
    const delivered = (await messages(`status=succeeded&subscriptionId=${okSub}&limit=50`)).map((m) => m.id);
    assert.equal(delivered.length, 7);
    await showsRows(page, delivered);
    assert.equal(hashQuery(page).get('subscriptionId'), okSub);
    await screenshot(page, 'messages');

    // Event type (typed, then applied) and a time range.
    await page.fill('#filter-event-type', 'invoice.paid');
    await page.click('button:has-text("Apply filters")');
    await showsRows(
      page,
      (await messages(`status=succeeded&subscriptionId=${okSub}&eventType=invoice.paid`)).map((m) => m.id),
    );
    assert.equal(await page.locator('[data-testid=messages] tbody tr').count(), 2);
    await page.fill('#filter-since', '2099-01-01T00:00:00');
    await page.click('button:has-text("Apply filters")');
    await page.waitForSelector('text=No messages match these filters');
    assert.match(hashQuery(page).get('since') ?? '', /^2099-01-01T/);

    // Paging: three per page, the filters kept in every page's URL.
    const q = `status=succeeded&subscriptionId=${okSub}`;
    const pages: string[][] = [];
    for (let cursor: string | null = null, n = 0; n < 5; n++) {
      const res: { data: Msg[]; nextCursor: string | null } = await ok<{ data: Msg[]; nextCursor: string | null }>(
        'GET',
        `/v1/messages?${q}&limit=3${cursor ? `&cursor=${cursor}` : ''}`,
      );
      pages.push(res.data.map((m) => m.id));
      cursor = res.nextCursor;
      if (!cursor) break;
    }
    assert.deepEqual(
      pages.map((p) => p.length),
      [3, 3, 1],
    );
    await page.goto(`${h.url}/ui/#/messages?${q}&limit=3`);
    await showsRows(page, pages[0] as string[]);
    assert.equal(await page.locator('[data-testid=previous-page]').count(), 0);
    await page.click('[data-testid=next-page]');
    await showsRows(page, pages[1] as string[]);
    assert.equal(hashQuery(page).get('status'), 'succeeded');
    assert.equal(hashQuery(page).get('subscriptionId'), okSub);
    assert.equal(hashQuery(page).get('limit'), '3');
    assert.match(hashQuery(page).get('cursor') ?? '', /^msg_/);
    await page.click('[data-testid=next-page]');
    await showsRows(page, pages[2] as string[]);
    assert.equal(await page.locator('[data-testid=next-page]').count(), 0, 'the last page has no Next');
    assert.match((await page.textContent('[data-testid=messages-total]')) ?? '', /page 3\./);
    const third = page.url();
    await page.reload();
    await showsRows(page, pages[2] as string[]);
    assert.equal(page.url(), third, 'a reload shows the same view');
    await page.goBack();
    await showsRows(page, pages[1] as string[]);
    await page.click('[data-testid=previous-page]');
    await showsRows(page, pages[0] as string[]);
    await page.goto(third);
    await showsRows(page, pages[2] as string[]);
    await page.click('[data-testid=first-page]');
    await showsRows(page, pages[0] as string[]);
    assert.equal(hashQuery(page).get('cursor'), null);
    assert.equal(hashQuery(page).get('status'), 'succeeded', 'the first page keeps the filters');

    // A link with a time Herald cannot read: a readable message, not a blank page.
    await page.goto(`${h.url}/ui/#/messages?since=yesterday`);
    await page.waitForSelector('[data-testid=messages-error]');
    assert.match((await page.textContent('[data-testid=messages-error]')) ?? '', /since "yesterday" is not a time/);
    await page.click('[data-testid=clear-filters]');
    await page.waitForSelector('[data-testid=messages] tbody tr');

    await page.setViewportSize({ width: 390, height: 844 });
    await page.goto(`${h.url}/ui/#/messages?status=failed`);
    await showsRows(page, failed);
    await screenshot(page, 'messages-390');
    assert.deepEqual(problems, []);
  } finally {
    await context.close();
  }
});

test('message detail: the event, every attempt with its request (masked) and response; resend shows the new attempt', {
  skip,
}, async () => {
  const { page, context, problems } = await open();
  try {
    await signIn(page, ADMIN_KEY);
    // An ok message: its api key and custom header are masked; the receiver got them in the clear.
    const [delivered] = await messages(`subscriptionId=${okSub}&eventType=order.created&limit=1`);
    assert.ok(delivered);
    await page.goto(`${h.url}/ui/#/messages?subscriptionId=${okSub}`);
    await page.click(`tr[data-id="${delivered.id}"] a[href^="#/messages/"]`);
    await page.waitForSelector('[data-testid=attempt]');
    const requestHeaders = await page.textContent('[data-testid=request-headers]');
    assert.match(requestHeaders ?? '', /x-api-key\s*\[redacted\]/);
    assert.match(requestHeaders ?? '', /x-tenant\s*\[redacted\]/);
    assert.match(requestHeaders ?? '', /webhook-signature/);
    const okText = (await page.textContent('main')) ?? '';
    assert.ok(!okText.includes(API_KEY_VALUE) && !okText.includes(TENANT_VALUE), 'no credential on the page');
    const got = receiver.requests.find((r) => r.path === '/ok');
    assert.equal(got?.headers['x-api-key'], API_KEY_VALUE, 'the receiver got the real key');
    assert.match((await page.textContent('[data-testid=event-data]')) ?? '', /"orderNo": "SO-\d"/);
    assert.equal(await page.getAttribute('[data-testid=message] a[href^="#/subscriptions/"]', 'href'), `#/subscriptions/${okSub}`);

    // A failed message: its two attempts (the first and one retry), both 500 with the body.
    const [failed] = await messages(`subscriptionId=${failingSub}&status=failed&limit=1`);
    assert.ok(failed);
    const apiAttempts = async () => (await ok<{ data: Attempt[] }>('GET', `/v1/messages/${failed.id}/attempts`)).data;
    const before = await apiAttempts();
    assert.equal(before.length, 2);
    await page.goto(`${h.url}/ui/#/messages/${failed.id}`);
    await page.waitForSelector(`[data-testid=attempt][data-id="${before[0]?.id}"]`);
    assert.deepEqual(
      await page.$$eval('[data-testid=attempt]', (xs) => xs.map((x) => x.getAttribute('data-id'))),
      before.map((a) => a.id),
    );
    for (const status of await page.$$eval('[data-testid=attempt-status]', (xs) => xs.map((x) => x.textContent)))
      assert.equal(status, '500');
    assert.equal(await page.locator('[data-testid=response-body]').first().textContent(), 'down for maintenance');
    assert.match((await page.locator('[data-testid=response-headers]').first().textContent()) ?? '', /x-receiver\s*test/);
    assert.match((await page.locator('[data-testid=request-headers]').first().textContent()) ?? '', /authorization\s*\[redacted\]/);
    assert.ok(!((await page.textContent('main')) ?? '').includes(BASIC_PASSWORD));
    assert.equal(await page.textContent('.toolbar [data-testid=status]'), 'failed');

    await page.click('[data-testid=resend]');
    await page.waitForSelector('[data-testid=resend-result]:has-text("The new attempt arrived")', { timeout: WAIT_MS });
    await page.waitForFunction(`document.querySelectorAll('[data-testid=attempt]').length > ${before.length}`);
    const after = await apiAttempts();
    const newest = after.find((a) => a.trigger === 'manual');
    assert.ok(newest, 'the API has the manual attempt');
    assert.ok(
      (await page.$$eval('[data-testid=attempt]', (xs) => xs.map((x) => x.getAttribute('data-id')))).includes(newest.id),
      'the page shows it',
    );
    assert.match((await page.textContent(`[data-testid=attempt][data-id="${newest.id}"]`)) ?? '', /manual/);
    await screenshot(page, 'message');
    assert.deepEqual(problems, []);
  } finally {
    await context.close();
  }
});

test('bulk resend of the filtered (failed) set, after a confirmation: they are delivered', { skip }, async () => {
  const { page, context, problems } = await open();
  try {
    // The message resent above fails again (the receiver still answers 500): wait for it to settle.
    await eventually(
      async () => (await messages(`subscriptionId=${failingSub}&status=failed&limit=100`)).length === 5,
      WAIT_MS,
      '5 failed',
    );
    await signIn(page, ADMIN_KEY);
    await page.goto(`${h.url}/ui/#/messages?status=failed&subscriptionId=${failingSub}`);
    await page.waitForSelector('[data-testid=bulk-resend]');
    assert.equal((await page.textContent('[data-testid=bulk-resend]'))?.trim(), 'Resend these 5 messages');
    await page.click('[data-testid=bulk-resend]');
    await page.waitForSelector('[data-testid=bulk-confirm]');
    assert.match((await page.textContent('[data-testid=bulk-confirm]')) ?? '', /status failed, subscriptionId/);
    failing = false;
    const before = receiver.requests.filter((r) => r.path === '/fail').length;
    await page.click('[data-testid=bulk-confirm-yes]');
    await page.waitForSelector('[data-testid=bulk-result]:has-text("Resent 5 messages.")');
    await eventually(
      async () => (await messages(`subscriptionId=${failingSub}&status=succeeded&limit=100`)).length === 5,
      WAIT_MS,
      'the failed set delivered',
    );
    assert.equal(receiver.requests.filter((r) => r.path === '/fail').length - before, 5, 'each sent once');
    await page.selectOption('#filter-status', 'succeeded');
    await showsRows(
      page,
      (await messages(`subscriptionId=${failingSub}&status=succeeded&limit=50`)).map((m) => m.id),
    );
    assert.equal(await page.locator('[data-testid=messages] tbody tr').count(), 5);
    assert.deepEqual(problems, []);
  } finally {
    await context.close();
  }
});

test('a read key sees the log and the attempts, but no resend buttons', { skip }, async () => {
  const { page, context, problems } = await open();
  try {
    await signIn(page, readKey);
    await page.click('header a[href="#/messages"]');
    await page.waitForSelector('[data-testid=messages] tbody tr');
    assert.equal(await page.locator('[data-testid=messages] tbody tr').count(), 12);
    assert.equal(await page.locator('[data-testid=bulk-resend]').count(), 0);
    await page.click('[data-testid=messages] tbody tr a[href^="#/messages/"]');
    await page.waitForSelector('[data-testid=attempt]');
    assert.equal(await page.locator('[data-testid=resend]').count(), 0);
    assert.equal(await page.locator('main button').count(), 0, 'no state-changing button at all');
    assert.deepEqual(problems, []);
  } finally {
    await context.close();
  }
});

test('a subscriber key sees only its own messages, may resend them, and sees no event data', { skip }, async () => {
  const { page, context, problems } = await open();
  try {
    await signIn(page, globexKey);
    await page.click('header a[href="#/messages"]');
    await showsRows(
      page,
      (await messages(`subscriptionId=${failingSub}&limit=50`)).map((m) => m.id),
    );
    assert.equal(await page.locator('#filter-subscriber').count(), 0, 'no subscriber filter: it has one');
    assert.ok(await page.locator('[data-testid=bulk-resend]').isVisible(), 'it may resend its own');
    const [first] = await messages(`subscriptionId=${failingSub}&limit=1`);
    assert.ok(first);
    // A fresh load straight onto the detail page: it waits for the scope before asking for the event.
    await page.goto('about:blank');
    await page.goto(`${h.url}/ui/#/messages/${first.id}`);
    await page.waitForSelector('[data-testid=attempt]');
    await page.waitForSelector('[data-testid=event-hidden]:has-text("operator keys only")');
    assert.ok(await page.locator('[data-testid=resend]').isVisible());
    assert.deepEqual(problems, []);
  } finally {
    await context.close();
  }
});
