// Sign-in, sessions, CSRF and the subscriber portal (issue 19) in a real Chromium against a real
// Herald on SQLite: the session is an HttpOnly cookie the page cannot read, no key is stored in the
// browser, a state-changing fetch without the CSRF header is refused, sign-out ends the session; a
// portal link opens the subscriber's own view once, and an expired one shows the refusal. Any other
// console error, failed request or >= 400 response fails the test. Saves docs/screenshots/portal*.png.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { Browser, BrowserContext } from 'playwright-core';
import {
  launchBrowser,
  chromiumMissing as missing,
  openPage,
  requireChromium,
  screenshot,
  signIn,
  skipBrowser as skip,
} from '../helpers/browser.js';
import { ADMIN_KEY, removeDir, startTestHerald, type TestHerald } from '../helpers/herald.js';

requireChromium();

type Json = Record<string, unknown>;
let h: TestHerald;
let browser: Browser;
let mine: string; // subscriber ids
let theirs: string;
const mySubscriptions: string[] = [];
let theirSubscription: string;

const ok = async (method: string, path: string, body?: unknown): Promise<Json> => {
  const res = await h.api<Json>(method, path, body);
  assert.ok(res.status < 300, `${method} ${path}: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body;
};
const portalLink = async (subscriberId: string, expiresInMinutes?: number) =>
  (await ok('POST', `/v1/subscribers/${subscriberId}/portal`, expiresInMinutes === undefined ? {} : { expiresInMinutes })).url as string;
const sessionCookie = async (context: BrowserContext) => (await context.cookies()).find((c) => c.name === 'herald_session');

before(async () => {
  if (missing) return;
  h = await startTestHerald();
  await ok('POST', '/v1/event-types', { name: 'order.created' });
  mine = (await ok('POST', '/v1/subscribers', { name: 'acme' })).id as string;
  theirs = (await ok('POST', '/v1/subscribers', { name: 'globex' })).id as string;
  const subscribe = (sbr: string, name: string) =>
    ok('POST', `/v1/subscribers/${sbr}/subscriptions`, { name, url: 'http://127.0.0.1:9/hook', eventTypes: ['order.created'] });
  for (const name of ['acme orders', 'acme invoices']) mySubscriptions.push((await subscribe(mine, name)).id as string);
  theirSubscription = (await subscribe(theirs, 'globex orders')).id as string;
  browser = await launchBrowser();
});

after(async () => {
  if (missing) return;
  await browser?.close();
  await h?.stop();
  if (h) removeDir(h.dir);
});

test('an admin key opens an HttpOnly cookie session; no key in the page; writes without the CSRF header are refused; sign out', {
  skip,
}, async () => {
  const { page, context, problems } = await openPage(browser);
  try {
    await signIn(page, h.url, ADMIN_KEY);
    assert.match((await page.textContent('header')) ?? '', /admin key/);
    const cookie = await sessionCookie(context);
    assert.ok(cookie, 'the session cookie is set');
    assert.equal(cookie.httpOnly, true);
    assert.equal(cookie.sameSite, 'Strict');
    assert.equal(
      ((await page.evaluate('document.cookie')) as string).includes('herald_session'),
      false,
      'HttpOnly: the page cannot read it',
    );
    const stored = (await page.evaluate('JSON.stringify({ ...sessionStorage, ...localStorage })')) as string;
    assert.ok(!stored.includes(ADMIN_KEY), `no key in browser storage: ${stored}`);

    // A script on the page that forgets the CSRF header is refused, and nothing is created.
    const before = ((await ok('GET', '/v1/subscribers?limit=100')).data as unknown[]).length;
    const refused = await page.evaluate(async () => {
      const res = await fetch('/v1/subscribers', {
        method: 'POST',
        credentials: 'same-origin',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ name: 'forged' }),
      });
      return { status: res.status, body: (await res.json()) as { code?: string } };
    });
    assert.equal(refused.status, 403);
    assert.equal(refused.body.code, 'csrf_failed');
    assert.equal(((await ok('GET', '/v1/subscribers?limit=100')).data as unknown[]).length, before);

    await page.click('header button:has-text("Sign out")');
    await page.waitForSelector('#key');
    assert.equal(await sessionCookie(context), undefined, 'sign-out clears the cookie');
    const after = await fetch(`${h.url}/v1/session`, { headers: { cookie: `herald_session=${cookie.value}` } });
    assert.equal(after.status, 401, 'and ends the session on the server');
    assert.deepEqual(
      problems.filter((p) => !p.includes('403')), // the refused fetch (its response, and Chromium's console line)
      [],
    );
  } finally {
    await context.close();
  }
});

test('the operator user name and password sign in too', { skip }, async () => {
  const { page, context, problems } = await openPage(browser);
  try {
    await page.goto(`${h.url}/ui/`);
    await page.fill('#user', 'admin');
    await page.fill('#password', ADMIN_KEY);
    await page.click('button:has-text("Sign in with password")');
    await page.waitForSelector('header nav');
    assert.match((await page.textContent('header')) ?? '', /operator/);
    await screenshot(page, 'signed-in-operator');
    assert.deepEqual(problems, []);
  } finally {
    await context.close();
  }
});

test("a portal link opens the subscriber's own subscriptions, once; another subscriber's are not found", { skip }, async () => {
  const { page, context, problems } = await openPage(browser);
  try {
    const url = await portalLink(mine);
    await page.goto(url);
    await page.waitForSelector('[data-testid=subscriptions]');
    assert.equal(new URL(page.url()).hash, '#/subscriptions', 'the token is gone from the address bar');
    const shown = await page
      .locator('[data-testid=subscriptions] tbody tr')
      .evaluateAll((rows) => rows.map((r) => r.getAttribute('data-id')));
    assert.deepEqual(new Set(shown), new Set(mySubscriptions));
    assert.match((await page.textContent('header')) ?? '', /subscriber portal/);
    assert.equal(await page.locator('header a[href="#/"]').count(), 0, 'no fleet overview in the menu');
    assert.equal(await page.locator('header a[href="#/subscriptions"]').count(), 1);
    await screenshot(page, 'portal');

    await page.goto(`${h.url}/ui/#/subscriptions/${theirSubscription}`);
    await page.waitForSelector('main .error');
    assert.match((await page.textContent('main .error')) ?? '', /No such resource/);

    // The same link again: used.
    const second = await openPage(browser);
    try {
      await second.page.goto(url);
      await second.page.waitForSelector('[data-testid=portal-error]');
      assert.match((await second.page.textContent('[data-testid=portal-error]')) ?? '', /already used/);
      assert.deepEqual(
        second.problems.filter((p) => !p.includes('/v1/sessions') && !p.includes('401')),
        [],
      );
    } finally {
      await second.context.close();
    }
    assert.deepEqual(
      problems.filter((p) => !p.includes('404')), // their subscription (its responses, and Chromium's console lines)
      [],
    );
  } finally {
    await context.close();
  }
});

test('an expired portal link shows the refusal', { skip }, async () => {
  const { page, context, problems } = await openPage(browser, 390);
  try {
    const url = await portalLink(mine, 0.002); // 120 ms
    await new Promise((resolve) => setTimeout(resolve, 300));
    await page.goto(url);
    await page.waitForSelector('[data-testid=portal-error]');
    assert.match((await page.textContent('[data-testid=portal-error]')) ?? '', /expired/);
    assert.equal(await sessionCookie(context), undefined);
    await screenshot(page, 'portal-expired');
    assert.deepEqual(
      problems.filter((p) => !p.includes('/v1/sessions') && !p.includes('401')),
      [],
    );
  } finally {
    await context.close();
  }
});
