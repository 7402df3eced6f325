// End-to-end: an admin sets up an authenticator app from the profile (QR code, key, a code from the "app"), signs in
// again with a recovery code, and requires a second factor of the organisation's admins, against the real server.
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { mkdir } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { accountMenu, launchIsolatedBrowser } from './browser.mjs';
import { startServer } from './server.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const resultsDir = join(root, 'test-results');
const ADMIN = { name: 'Tess Totp', email: 'tess@example.org', password: 'copper lantern drifting 31' };

/** RFC 4648 base32 without padding, spaces ignored: the key as the profile shows it. */
function base32Decode(text) {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
  let bits = 0;
  let value = 0;
  const out = [];
  for (const char of text.replace(/\s+/g, '').toUpperCase()) {
    const index = alphabet.indexOf(char);
    assert.ok(index >= 0, `${char} is base32`);
    value = (value << 5) | index;
    bits += 5;
    if (bits >= 8) {
      bits -= 8;
      out.push((value >>> bits) & 0xff);
    }
  }
  return Buffer.from(out);
}

/** What an authenticator app shows now (RFC 6238: HMAC-SHA1, 30-second steps, six digits). */
function totp(key, at = Date.now()) {
  const counter = Buffer.alloc(8);
  counter.writeBigUInt64BE(BigInt(Math.floor(at / 1000 / 30)));
  const mac = createHmac('sha1', key).update(counter).digest();
  const offset = mac[mac.length - 1] & 0x0f;
  const number = mac.readUInt32BE(offset) & 0x7fffffff;
  return String(number % 1_000_000).padStart(6, '0');
}

describe('Second factor', { timeout: 120_000 }, () => {
  let server;
  let browser;
  let page;
  let recoveryCodes = [];
  const pageErrors = [];

  before(async () => {
    server = await startServer();
    browser = await launchIsolatedBrowser();
    page = await (await browser.newContext()).newPage();
    page.setDefaultTimeout(15_000);
    page.on('pageerror', (error) => pageErrors.push(error.message));
  });

  after(async () => {
    await browser?.close();
    await server?.stop();
  });

  test('an admin sets up an authenticator app and is shown the recovery codes once', async () => {
    await page.goto(server.url + '/setup');
    await page.getByLabel('Setup code').fill(await server.setupCode());
    await page.getByLabel('Organisation name').fill('Hope Chapel');
    await page.getByLabel('Your name').fill(ADMIN.name);
    await page.getByLabel('Email').fill(ADMIN.email);
    await page.getByLabel('Password', { exact: true }).fill(ADMIN.password);
    await page.getByRole('button', { name: 'Create organisation' }).click();
    await page.getByRole('heading', { level: 1, name: 'People' }).waitFor();

    await accountMenu(page, 'Profile');
    await page.getByRole('button', { name: 'Set up an authenticator app' }).click();
    const qr = page.getByRole('img', { name: 'QR code to scan with your authenticator app' });
    await qr.waitFor();
    const box = await qr.boundingBox();
    assert.ok(box && box.width >= 150, `the QR code is large enough to scan (${box?.width} px)`);
    const key = base32Decode(await page.getByTestId('second-factor-secret').textContent());
    assert.equal(key.length, 20, 'a 160-bit key, as RFC 4226 recommends');
    await mkdir(resultsDir, { recursive: true });
    await page.screenshot({ path: join(resultsDir, 'second-factor-setup.png'), fullPage: true });

    await page.getByLabel('Code from the app').fill('000000');
    await page.getByRole('button', { name: 'Turn on' }).click();
    await page.getByText(/is not the code your app shows now/).waitFor();

    await page.getByLabel('Code from the app').fill(totp(key));
    await page.getByRole('button', { name: 'Turn on' }).click();
    const shown = page.getByTestId('recovery-codes');
    await shown.waitFor();
    recoveryCodes = (await shown.getByRole('listitem').allTextContents()).map((code) => code.trim());
    assert.equal(recoveryCodes.length, 10);
    assert.equal(new Set(recoveryCodes).size, 10, 'every recovery code differs');
    await page.getByRole('button', { name: 'I have saved them' }).click();
    await page.getByTestId('second-factor-status').filter({ hasText: '10 unused recovery codes' }).waitFor();
  });

  test('signing in asks for a code after the password; a recovery code works once', async () => {
    await accountMenu(page, 'Sign out');
    await page.getByRole('heading', { level: 1, name: 'Sign in' }).waitFor();
    await page.getByLabel('Email').fill(ADMIN.email);
    await page.getByLabel('Password').fill(ADMIN.password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { name: 'Enter your code' }).waitFor();
    const cookies = await page.context().cookies(server.url);
    assert.ok(!cookies.some((c) => c.name === '__Host-emmaus-access'), 'no session before the second step');

    await page.getByLabel('Code', { exact: true }).fill('not-a-real-code');
    await page.getByRole('button', { name: 'Continue' }).click();
    await page.getByText(/nor an unused recovery code/).waitFor();
    await page.getByLabel('Code', { exact: true }).fill(recoveryCodes[0]);
    await page.getByRole('button', { name: 'Continue' }).click();
    await page.waitForURL(server.url + '/');
    await page.getByTestId('signed-in-as').filter({ hasText: ADMIN.name }).waitFor();

    await accountMenu(page, 'Profile');
    await page.getByTestId('second-factor-status').filter({ hasText: '9 unused recovery codes' }).waitFor();
  });

  test('the admin requires a second factor of the organisation’s admins', async () => {
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'People' }).click();
    await page.getByRole('tab', { name: 'Organisation' }).click();
    await page.waitForURL(/\/people\?tab=organisation$/);
    const required = page.getByLabel('Admins must sign in with a second factor');
    await required.check();
    await page.getByRole('button', { name: 'Save organisation' }).click();
    await page.getByRole('status').filter({ hasText: 'Saved' }).waitFor();
    await page.reload();
    assert.equal(await page.getByLabel('Admins must sign in with a second factor').isChecked(), true);

    await accountMenu(page, 'Profile');
    await page.getByText('Hope Chapel requires its admins to use a second factor').waitFor();
    assert.equal(await page.getByRole('button', { name: 'Turn off the second factor' }).count(), 0);
    assert.deepEqual(pageErrors, []);
  });
});
