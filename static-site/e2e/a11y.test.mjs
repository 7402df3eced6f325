// Accessibility of the shell and the identity screens in a real browser: axe-core on every page (no serious or
// critical violation), a keyboard-only pass through signing in, switching organisation and inviting a person, and a
// 360 px phone without sideways scrolling.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdir } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { launchIsolatedBrowser } from './browser.mjs';
import { startServer } from './server.mjs';
import { audit } from './support.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const resultsDir = join(root, 'test-results');
const ADMIN = { name: 'Ada Admin', email: 'ada@example.org', password: 'lantern orchard pebble 57' };

async function open(page, url, heading) {
  await page.goto(url);
  await page.getByRole('heading', { level: 1, name: heading }).waitFor();
}

/** Presses Tab until the focused element is the one `locator` finds (at most 60 times): it is reachable by keyboard. */
async function tabTo(page, locator, what) {
  const target = await locator.elementHandle();
  for (let i = 0; i < 60; i += 1) {
    await page.keyboard.press('Tab');
    if (await page.evaluate((element) => document.activeElement === element, target)) return;
  }
  assert.fail(`${what} is not reachable with Tab`);
}

describe('Accessibility', { timeout: 180_000 }, () => {
  let server;
  let browser;
  let context;
  let page;
  const pageErrors = [];

  before(async () => {
    server = await startServer();
    browser = await launchIsolatedBrowser();
    context = await browser.newContext({ bypassCSP: true });
    page = await context.newPage();
    page.setDefaultTimeout(15_000);
    page.on('pageerror', (error) => pageErrors.push(error.message));
  });

  after(async () => {
    await browser?.close();
    await server?.stop();
  });

  test('the audit finds what it is for', async () => {
    await open(page, server.url + '/', 'Welcome to Emmaus');
    await page.evaluate(() => {
      const image = document.createElement('img');
      image.src = '/nothing.png';
      document.querySelector('main')?.append(image);
    });
    await assert.rejects(audit(page, 'a page with an image without alt text'), /image-alt/);
  });

  test('every signed-out page passes axe', async () => {
    for (const [path, heading] of [
      ['/', 'Welcome to Emmaus'],
      ['/setup', 'Set up Emmaus'],
      ['/status', 'System status'],
      ['/forgot-password', 'Forgot password'],
      ['/reset-password#token=nothing', 'Choose a new password'],
      ['/invitation#token=nothing', 'Your invitation'],
      ['/no-such-page', 'Page not found'],
    ]) {
      await open(page, server.url + path, heading);
      await audit(page, path);
    }
  });

  test('set up, then sign in, switch organisation and invite a person with the keyboard alone', async () => {
    await page.goto(server.url + '/setup');
    await page.getByLabel('Setup code').fill(await server.setupCode());
    await page.getByLabel('Organisation name').fill('Grace Church');
    await page.getByLabel('Your name').fill(ADMIN.name);
    await page.getByLabel('Email').fill(ADMIN.email);
    await page.getByLabel('Password', { exact: true }).fill(ADMIN.password);
    await page.getByRole('button', { name: 'Create organisation' }).click();
    await page.getByRole('heading', { level: 1, name: 'People' }).waitFor();
    // A second organisation for the same admin, made the way an operator would.
    await new Promise((resolve, reject) => {
      const args = ['admin', 'create', '--data-dir', server.dataDir, '--email', ADMIN.email, '--org', 'hope', '--org-name', 'Hope Chapel'];
      const child = spawn(server.bin, args, { stdio: 'ignore' });
      child.once('exit', (code) => (code === 0 ? resolve() : reject(new Error(`emmaus admin create exited with ${code}`))));
    });
    await page.getByRole('banner').getByRole('button', { name: /^Signed in as / }).click();
    await page.getByRole('menuitem', { name: 'Sign out' }).click();
    await page.getByRole('heading', { level: 1, name: 'Sign in' }).waitFor();
    await audit(page, '/sign-in');

    // Sign in: Tab to each field, type, and submit with Enter.
    await tabTo(page, page.getByLabel('Email'), 'the email field');
    await page.keyboard.type(ADMIN.email);
    await tabTo(page, page.getByLabel('Password', { exact: true }), 'the password field');
    await page.keyboard.type(ADMIN.password);
    await page.keyboard.press('Enter');
    await page.getByTestId('greeting').waitFor();

    // Switch organisation: the select opens with the keyboard and takes an arrow and Enter.
    const switcher = page.getByRole('banner').getByRole('button', { name: /Grace Church|Hope Chapel/ });
    await switcher.waitFor();
    const before = (await switcher.textContent()) ?? '';
    await tabTo(page, switcher, 'the organisation switcher');
    await page.keyboard.press('Enter');
    await page.getByRole('listbox').waitFor();
    await audit(page, 'the open organisation switcher');
    const other = before.includes('Grace Church') ? 'Hope Chapel' : 'Grace Church';
    for (let i = 0; i < 3 && !(await page.getByRole('option', { name: other }).evaluate((o) => o === document.activeElement)); i += 1) {
      await page.keyboard.press('ArrowDown');
    }
    await page.keyboard.press('Enter');
    await page.getByRole('banner').getByRole('button', { name: new RegExp(other) }).waitFor();

    // To People through the main navigation, then invite a mentee: fields by Tab, the role by arrow keys.
    await tabTo(page, page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'People' }), 'the People link');
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { level: 1, name: 'People' }).waitFor();
    // The page's tabs: Tab reaches the one shown, arrow keys move to the invitations.
    await tabTo(page, page.getByRole('tab', { name: /^Members/ }), 'the members tab');
    await page.keyboard.press('ArrowRight');
    await page.getByRole('tab', { name: /^Invitations/, selected: true }).waitFor();
    await tabTo(page, page.getByLabel('Email', { exact: true }), 'the invitation email field');
    await page.keyboard.type('sam@example.org');
    await tabTo(page, page.getByRole('button', { name: 'Invite', exact: true }), 'the invite button');
    await page.keyboard.press('Enter');
    await page.getByText('sam@example.org').first().waitFor();
    assert.deepEqual(pageErrors, []);
  });

  test('every signed-in page passes axe, and the account menu too', async () => {
    for (const [path, heading] of [
      ['/', 'Welcome to Emmaus'],
      ['/planner', 'Learning Planner'],
      ['/hub', 'Knowledge Hub'],
      ['/sessions', 'Session Builder'],
      ['/sessions?when=past', 'Session Builder'],
      ['/sessions/templates', 'Session templates'],
      ['/people', 'People'],
      ['/people?tab=invitations', 'People'],
      ['/people?tab=groups', 'People'],
      ['/people?tab=mentorships', 'People'],
      ['/people?tab=organisation', 'People'],
      ['/audit', 'Audit'],
      ['/profile', 'Profile'],
      ['/status', 'System status'],
      ['/dev/outbox', 'Dev outbox'],
    ]) {
      await open(page, server.url + path, heading);
      await audit(page, path);
    }
    await page.getByRole('banner').getByRole('button', { name: /^Signed in as / }).click();
    await page.getByRole('menu').waitFor();
    await audit(page, 'the open account menu');
    await page.keyboard.press('Escape');
  });

  test('a 360 px phone shows the shell and the people page without sideways scrolling', async () => {
    await page.setViewportSize({ width: 360, height: 740 });
    await mkdir(resultsDir, { recursive: true });
    for (const [path, heading, shot] of [
      ['/', 'Welcome to Emmaus', 'home-360.png'],
      ['/sessions', 'Session Builder', 'sessions-360.png'],
      ['/people', 'People', 'people-360.png'],
      ['/people?tab=invitations', 'People', 'people-invitations-360.png'],
      ['/profile', 'Profile', 'profile-360.png'],
    ]) {
      await open(page, server.url + path, heading);
      const { scrollWidth, innerWidth } = await page.evaluate(() => ({
        scrollWidth: document.documentElement.scrollWidth,
        innerWidth: window.innerWidth,
      }));
      assert.ok(scrollWidth <= innerWidth, `${path} is ${scrollWidth} px wide on a ${innerWidth} px screen`);
      await page.screenshot({ path: join(resultsDir, shot), fullPage: true });
    }
    await page.setViewportSize({ width: 1100, height: 800 });
  });
});
