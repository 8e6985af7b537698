// Seed 001's "Tutorial - Using SwaggerUI to add a subscription", Steps 1 to 3, done in a real
// Chromium on Herald's /swagger-ui/, as a person follows it: the page shows Herald's name and
// version; the auth section comes first and GET /auth logs in with UserName and Password; the
// Webhooks section's POST /Webhooks/Subscribers, its body filled in and the query's Name left
// empty, creates the subscriber (201). Any console error, failed request or >= 400 fails it.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import type { Browser, Locator, Page } from 'playwright-core';
import { chromiumMissing, launchBrowser, openPage, requireChromium, SHOTS, skipBrowser } from '../helpers/browser.js';
import { removeDir, startTestHerald, type TestHerald } from '../helpers/herald.js';

requireChromium();

const VERSION = (JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }).version;
const PASSWORD = 'password-of-the-tutorial'; // HERALD_JIWA_PASSWORD
let h: TestHerald;
let browser: Browser;

before(async () => {
  if (chromiumMissing) return;
  h = await startTestHerald({ jiwaPassword: PASSWORD });
  browser = await launchBrowser();
});
after(async () => {
  if (chromiumMissing) return;
  await browser.close();
  await h.stop();
  removeDir(h.dir);
});

/** Expands an operation (its summary row), presses "Try it out", and returns the operation block. */
async function tryOut(page: Page, method: string, path: string): Promise<Locator> {
  const block = page
    .locator(`.opblock-${method}`)
    .filter({ has: page.locator(`.opblock-summary-path[data-path="${path}"]`) })
    .first();
  await block.locator('.opblock-summary').first().click();
  await block.locator('button.try-out__btn').click();
  return block;
}

/** Presses Execute and returns the live response's status and body text. */
async function execute(block: Locator): Promise<{ status: string; body: string }> {
  await block.locator('button.execute').click();
  const row = block.locator('.live-responses-table tbody tr.response').first();
  await row.waitFor();
  return {
    status: ((await row.locator('.response-col_status').textContent()) ?? '').trim(),
    body: (await row.locator('.response-col_description pre').first().textContent()) ?? '',
  };
}

test('Steps 1-3: log in under auth, then add a subscriber under Webhooks with the body alone', { skip: skipBrowser }, async () => {
  const { page, problems } = await openPage(browser);
  // Step 1: the Swagger UI page.
  await page.goto(`${h.url}/swagger-ui/`);
  await page.waitForSelector('.swagger-ui .info .title');
  assert.equal(await page.title(), `Herald ${VERSION} API`);
  const title = (await page.locator('.swagger-ui .info .title').textContent()) ?? '';
  assert.match(title, /^Herald/);
  assert.match(title, new RegExp(VERSION.replaceAll('.', '\\.')));
  const sections = await page
    .locator('.opblock-tag-section .opblock-tag')
    .evaluateAll((tags) => tags.map((t) => t.getAttribute('data-tag')));
  assert.deepEqual(sections.slice(0, 2), ['auth', 'Webhooks'], 'the auth section, then Webhooks');

  // Step 2: GET /auth with UserName and Password.
  const auth = await tryOut(page, 'get', '/auth');
  await auth.locator('tr[data-param-name="UserName"] input').fill('Admin');
  await auth.locator('tr[data-param-name="Password"] input').fill(PASSWORD);
  const login = await execute(auth);
  assert.equal(login.status, '200', login.body);
  assert.match(login.body, /"BearerToken"/);

  // Step 3: POST /Webhooks/Subscribers, application/json, the example edited to the tutorial's body.
  const create = await tryOut(page, 'post', '/Webhooks/Subscribers');
  const contentType = create.locator('.body-param-content-type select');
  if ((await contentType.count()) > 0) await contentType.selectOption('application/json');
  const body = create.locator('textarea.body-param__text');
  assert.deepEqual(JSON.parse(await body.inputValue()), { Name: 'string', IsEnabled: true }, 'the example value');
  await body.fill(JSON.stringify({ Name: 'Test Subscriber', IsEnabled: true }, null, 2));
  const created = await execute(create);
  assert.equal(created.status, '201', created.body);
  const row = JSON.parse(created.body) as { RecID: string; Name: string; IsEnabled: boolean };
  assert.equal(row.Name, 'Test Subscriber');
  assert.equal(row.IsEnabled, true);
  const stored = await h.api('GET', `/v1/subscribers/${row.RecID}`);
  assert.equal(stored.status, 200);
  assert.equal(stored.body.name, 'Test Subscriber');

  // The viewport at Step 3's answer, not the whole page (Swagger UI's full height is megabytes).
  await create.locator('.live-responses-table').scrollIntoViewIfNeeded();
  await page.screenshot({ path: join(SHOTS, 'swagger-tutorial.png') });
  assert.deepEqual(problems, []);
});
