// Browser tests' shared parts: Debian's Chromium through playwright-core, a page whose problems
// (console errors, page errors, failed requests, >= 400 responses) are collected so a test can
// fail on them, and sign-in. Under CI=true a missing Chromium fails (call `requireChromium()` at
// the top of a test file); elsewhere the file's tests skip with a message (`skipBrowser`).
import assert from 'node:assert/strict';
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { type Browser, type BrowserContext, chromium, type Page } from 'playwright-core';

export const CHROMIUM = '/usr/bin/chromium';
const ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];
/** Where the tests save screenshots; the README shows them. */
export const SHOTS = join(process.cwd(), 'docs', 'screenshots');
export const chromiumMissing = !existsSync(CHROMIUM);
/** The `skip` option for browser tests: a message when Chromium is missing outside CI, else false. */
export const skipBrowser: string | false =
  chromiumMissing && process.env.CI !== 'true' ? `${CHROMIUM} is missing (apt-get install -y chromium); CI=true would fail` : false;

/** Under CI=true, a missing Chromium is a failing test, never a skip. */
export function requireChromium(): void {
  if (chromiumMissing && process.env.CI === 'true') {
    test('Chromium is installed (CI=true)', () => assert.fail(`${CHROMIUM} is missing: apt-get install -y chromium`));
  }
}

/** A new Chromium with an empty profile in a temporary folder (launch(), not a persistent context). */
export async function launchBrowser(): Promise<Browser> {
  mkdirSync(SHOTS, { recursive: true });
  return chromium.launch({ executablePath: CHROMIUM, args: ARGS });
}

export interface WatchedPage {
  page: Page;
  context: BrowserContext;
  /** Console errors, page errors, failed requests and >= 400 responses, as they happened. */
  problems: string[];
}

/** A page in a new context (its own cookies and storage) whose problems are collected. */
export async function openPage(browser: Browser, width = 1280): Promise<WatchedPage> {
  const context = await browser.newContext({ viewport: { width, height: 900 } });
  const page = await context.newPage();
  const problems: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'error') problems.push(`console: ${m.text()}`);
  });
  page.on('pageerror', (e) => problems.push(`pageerror: ${e.message}`));
  page.on('requestfailed', (r) => {
    // net::ERR_ABORTED is the browser cancelling a request itself (a navigation or reload while a
    // fetch was under way), not an answer that failed; refused connections and the like still count.
    if (r.failure()?.errorText === 'net::ERR_ABORTED') return;
    problems.push(`requestfailed: ${r.url()} ${r.failure()?.errorText}`);
  });
  page.on('response', (r) => {
    if (r.status() >= 400) problems.push(`response ${r.status()}: ${r.url()}`);
  });
  return { page, context, problems };
}

/** Signs in on the sign-in form with an API key and waits for the menu. */
export async function signIn(page: Page, baseUrl: string, key: string): Promise<void> {
  await page.goto(`${baseUrl}/`);
  assert.equal(new URL(page.url()).pathname, '/ui/');
  await page.fill('#key', key);
  await page.click('button[type=submit]');
  await page.waitForSelector('header nav');
}

/** Saves a full-page screenshot as docs/screenshots/<name>.png. */
export async function screenshot(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: join(SHOTS, `${name}.png`), fullPage: true });
}
