// Launches the system Chromium through playwright-core with a fresh, disposable profile.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from 'playwright-core';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

export async function launchBrowser() {
  const profileDir = await mkdtemp(join(tmpdir(), 'emmaus-e2e-profile-'));
  let context;
  try {
    // A persistent context is how Playwright accepts an explicit --user-data-dir.
    context = await chromium.launchPersistentContext(profileDir, {
      executablePath: CHROMIUM,
      headless: true,
      viewport: { width: 1100, height: 800 },
      // Screenshots must not catch a colour transition half-way.
      reducedMotion: 'reduce',
      args: [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        '--disable-quic',
        '--no-first-run',
      ],
    });
  } catch (error) {
    await rm(profileDir, { recursive: true, force: true });
    throw new Error(`could not launch Chromium at ${CHROMIUM}: ${error.message}`);
  }
  const close = async () => {
    await context.close().catch(() => {});
    await rm(profileDir, { recursive: true, force: true });
  };
  return { context, close };
}

/**
 * A browser whose contexts share nothing (cookies, storage), one per person in a test: an invitee must not arrive
 * carrying the admin's session. Playwright makes and removes the profile itself.
 */
export async function launchIsolatedBrowser() {
  let browser;
  try {
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      headless: true,
      args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--disable-quic', '--no-first-run'],
    });
  } catch (error) {
    throw new Error(`could not launch Chromium at ${CHROMIUM}: ${error.message}`);
  }
  const newContext = (options = {}) =>
    browser.newContext({ viewport: { width: 1100, height: 800 }, reducedMotion: 'reduce', ...options });
  const close = async () => {
    await browser.close().catch(() => {});
  };
  return { browser, newContext, close };
}

/** Opens the account menu in the top bar (the button names the signed-in person) and picks `item`. */
export async function accountMenu(page, item) {
  await page.getByRole('banner').getByRole('button', { name: /^Signed in as / }).click();
  await page.getByRole('menuitem', { name: item, exact: true }).click();
}
