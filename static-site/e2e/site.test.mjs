// End-to-end: the built SPA served by the real emmaus binary, driven in headless Chromium.
import assert from 'node:assert/strict';
import { mkdir } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { launchBrowser } from './browser.mjs';
import { startServer } from './server.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const resultsDir = join(root, 'test-results');
const WAIT = { timeout: 10_000 };

describe('Emmaus site', { timeout: 60_000 }, () => {
  let server;
  let browser;
  let page;
  const pageErrors = [];

  before(async () => {
    server = await startServer();
    browser = await launchBrowser();
    page = browser.context.pages()[0] ?? (await browser.context.newPage());
    page.setDefaultTimeout(WAIT.timeout);
    page.on('pageerror', (error) => pageErrors.push(error.message));
  });

  // Runs even when `before` or a test failed, so no server or browser outlives the run.
  after(async () => {
    await browser?.close();
    await server?.stop();
  });

  test('home page renders the shell', async () => {
    await page.goto(server.url + '/');
    await page.getByRole('heading', { level: 1, name: 'Welcome to Emmaus' }).waitFor();
    assert.equal(await page.getByRole('banner').getByRole('link', { name: 'Emmaus' }).count(), 1);
    // A signed-out visitor is offered only sign-in; the links fill in once the session check has answered.
    const nav = page.getByRole('navigation', { name: 'Main' });
    await nav.getByRole('link', { name: 'Sign in' }).waitFor();
    assert.deepEqual(await nav.getByRole('link').allTextContents(), ['Sign in']);
    assert.equal(await page.title(), 'Emmaus');
  });

  test('System status shows the live health report', async () => {
    await page.getByRole('main').getByRole('link', { name: 'System status' }).click();
    await page.waitForURL(server.url + '/status');
    await page.getByRole('table', { name: 'Checks' }).waitFor();

    assert.equal((await page.getByTestId('overall-status').textContent())?.trim(), 'ok');
    const names = await page.getByRole('table', { name: 'Checks' }).getByRole('rowheader').allTextContents();
    assert.ok(names.includes('kv'), `checks listed: ${names.join(', ')}`);
    assert.ok(names.includes('blob'), `checks listed: ${names.join(', ')}`);
    assert.match((await page.getByRole('status').first().textContent()) ?? '', /All systems operational/);

    await mkdir(resultsDir, { recursive: true });
    await page.screenshot({ path: join(resultsDir, 'status.png'), fullPage: true });
  });

  test('deep link to /status renders the page directly', async () => {
    const response = await page.goto(server.url + '/status');
    assert.equal(response?.status(), 200);
    await page.getByRole('heading', { level: 1, name: 'System status' }).waitFor();
    await page.getByRole('table', { name: 'Checks' }).waitFor();
  });

  test('unknown route shows the not-found page', async () => {
    await page.goto(server.url + '/no-such-page');
    await page.getByRole('heading', { level: 1, name: 'Page not found' }).waitFor();
    assert.equal(await page.getByText('/no-such-page', { exact: true }).count(), 1);
  });

  test('no uncaught errors in the page', () => {
    assert.deepEqual(pageErrors, []);
  });
});
