// End-to-end: first-run setup, inviting a mentor and a mentee, and what each role may then see, against the real server.
import assert from 'node:assert/strict';
import { mkdir } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { accountMenu, launchIsolatedBrowser } from './browser.mjs';
import { freePort, startServer } from './server.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const resultsDir = join(root, 'test-results');
const TIMEOUT = 15_000;

const ADMIN = { name: 'Ada Admin', email: 'ada@example.org', password: 'lantern orchard quietly 7' };
const INVITEES = [
  { role: 'mentor', label: 'Mentor', name: 'Mona Mentor', email: 'mona@example.org', password: 'harbour violet tumble 42' },
  { role: 'mentee', label: 'Mentee', name: 'Sam Mentee', email: 'sam@example.org', password: 'saffron kettle meadow 19' },
];
// Held mail is an admin's to read: a member's navigation has no Dev outbox.
const MEMBER_NAV = ['Home', 'Planner', 'Hub', 'Sessions', 'System status'];

const navLabels = (page) => page.getByRole('navigation', { name: 'Main' }).getByRole('link').allTextContents();

/** Waits until the main navigation shows exactly these links (it fills in once the session is known). */
async function expectNav(page, expected) {
  const deadline = Date.now() + TIMEOUT;
  let seen = [];
  while (Date.now() < deadline) {
    seen = await navLabels(page);
    if (JSON.stringify(seen) === JSON.stringify(expected)) return;
    await page.waitForTimeout(100);
  }
  assert.deepEqual(seen, expected);
}

describe('People and roles', { timeout: 180_000 }, () => {
  let server;
  let browser;
  let admin;
  const links = new Map();
  const pages = new Map();
  const pageErrors = [];

  const watch = (page, who) => {
    page.setDefaultTimeout(TIMEOUT);
    page.on('pageerror', (error) => pageErrors.push(`${who}: ${error.message}`));
    return page;
  };

  before(async () => {
    // A fixed port rather than :0, because invitation links are built from the configured listen address
    // (with :0 they would point at port 0).
    server = await startServer(undefined, { port: await freePort() });
    browser = await launchIsolatedBrowser();
    const context = await browser.newContext({ permissions: ['clipboard-read', 'clipboard-write'] });
    admin = watch(await context.newPage(), 'admin');
  });

  after(async () => {
    await browser?.close();
    await server?.stop();
  });

  test('first run: the sign-in page points at setup, which creates the organisation and signs the admin in', async () => {
    await admin.goto(server.url + '/sign-in');
    await expectNav(admin, ['Sign in']);
    await admin.getByRole('link', { name: 'Set up your organisation' }).click();
    await admin.waitForURL(server.url + '/setup');
    await admin.getByRole('heading', { level: 1, name: 'Set up Emmaus' }).waitFor();

    await admin.getByLabel('Setup code').fill(await server.setupCode());
    await admin.getByLabel('Organisation name').fill('Grace Church');
    assert.equal(await admin.getByLabel('Short name (slug)').inputValue(), 'grace-church');
    await admin.getByLabel('Your name').fill(ADMIN.name);
    await admin.getByLabel('Email').fill(ADMIN.email);
    await admin.getByLabel('Password', { exact: true }).fill(ADMIN.password);
    await admin.getByRole('button', { name: 'Create organisation' }).click();

    await admin.waitForURL(server.url + '/people');
    await admin.getByRole('heading', { level: 1, name: 'People' }).waitFor();
    await expectNav(admin, ['Home', 'Planner', 'Hub', 'Sessions', 'People', 'Audit', 'System status', 'Dev outbox']);
    assert.equal((await admin.getByTestId('signed-in-as').textContent())?.trim(), ADMIN.name);

    // __Host- cookies are Secure; Chromium keeps them on http://127.0.0.1 because loopback counts as a secure origin.
    const cookies = await admin.context().cookies(server.url);
    const byName = new Map(cookies.map((cookie) => [cookie.name, cookie]));
    for (const name of ['__Host-emmaus-access', '__Host-emmaus-refresh', '__Host-emmaus-csrf']) {
      assert.ok(byName.get(name)?.secure, `${name} is stored and Secure (have: ${[...byName.keys()].join(', ')})`);
    }
    assert.equal(byName.get('__Host-emmaus-access')?.httpOnly, true);
    assert.equal(byName.get('__Host-emmaus-csrf')?.httpOnly, false);
  });

  test('the admin invites a mentor and a mentee and copies the links', async () => {
    await admin.getByRole('tab', { name: /^Invitations/ }).click();
    await admin.waitForURL(server.url + '/people?tab=invitations');
    for (const invitee of INVITEES) {
      await admin.getByLabel('Email', { exact: true }).fill(invitee.email);
      await admin.getByRole('button', { name: / Role$/ }).click();
      await admin.getByRole('option', { name: invitee.role === 'mentor' ? 'Mentor' : 'Mentee', exact: true }).click();
      await admin.getByRole('button', { name: 'Invite', exact: true }).click();
      const created = admin.getByTestId('invitation-created');
      await created.filter({ hasText: invitee.email }).waitFor();

      const shown = await created.getByLabel('Invitation link').inputValue();
      await created.getByRole('button', { name: 'Copy' }).click();
      await created.getByText('Copied').waitFor();
      const copied = await admin.evaluate(() => navigator.clipboard.readText());
      assert.equal(copied, shown);
      assert.ok(
        copied.startsWith(`${server.url}/invitation#token=`),
        `the invitation link ${copied} should open this server (${server.url})`,
      );
      links.set(invitee.role, copied);
    }

    const pending = admin.getByRole('table', { name: 'Pending invitations' });
    await pending.getByRole('row', { name: new RegExp(INVITEES[1].email) }).waitFor();
    assert.equal(await pending.locator('tbody tr').count(), 2);
    await admin.getByRole('tab', { name: 'Invitations 2' }).waitFor();
    // Each invitation was made with the role chosen for it.
    for (const invitee of INVITEES) {
      await pending.getByRole('row', { name: new RegExp(`${invitee.email}.*${invitee.role}`, 'i') }).waitFor();
    }
    await mkdir(resultsDir, { recursive: true });
    await admin.screenshot({ path: join(resultsDir, 'people.png'), fullPage: true });
  });

  test('each invitee accepts in a fresh browser, signs in again, and sees the navigation of their role', async () => {
    for (const invitee of INVITEES) {
      const context = await browser.newContext();
      const page = watch(await context.newPage(), invitee.role);
      pages.set(invitee.role, page);
      assert.deepEqual(await context.cookies(), [], 'a fresh context carries no session');

      await page.goto(links.get(invitee.role));
      const preview = page.getByTestId('invitation-preview');
      await preview.waitFor();
      const previewText = await preview.textContent();
      assert.match(previewText, /Grace Church/);
      assert.match(previewText, new RegExp(invitee.role));
      assert.match(previewText, new RegExp(invitee.email));
      await page.screenshot({ path: join(resultsDir, `invitation-${invitee.role}.png`), fullPage: true });

      await page.getByLabel('Your name').fill(invitee.name);
      await page.getByLabel('Choose a password').fill(invitee.password);
      await page.getByLabel('Repeat the password').fill(invitee.password);
      await page.getByRole('button', { name: 'Join Grace Church' }).click();
      await page.waitForURL(server.url + '/');
      await page.getByTestId('greeting').filter({ hasText: invitee.name }).waitFor();
      await expectNav(page, MEMBER_NAV);

      await accountMenu(page, 'Sign out');
      await page.waitForURL(server.url + '/sign-in');
      await expectNav(page, ['Sign in']);

      await page.getByLabel('Email').fill(invitee.email);
      await page.getByLabel('Password', { exact: true }).fill(invitee.password);
      await page.getByRole('button', { name: 'Sign in', exact: true }).click();
      await page.waitForURL(server.url + '/');
      await page.getByTestId('greeting').filter({ hasText: invitee.name }).waitFor();
      await expectNav(page, MEMBER_NAV);
    }
  });

  test('the mentee is refused the people page in the app and by the API', async () => {
    const mentee = pages.get('mentee');
    await mentee.goto(server.url + '/people');
    await mentee.getByRole('heading', { level: 1, name: 'Not allowed' }).waitFor();

    const status = await mentee.evaluate(async () => {
      const session = await (await fetch('/api/auth/session')).json();
      const response = await fetch(`/api/people/${encodeURIComponent(session.current_org)}/members`);
      return response.status;
    });
    assert.ok(status === 403 || status === 404, `GET members as a mentee answered ${status}`);
  });

  test('the admin sees both new members, pairs them, and the audit chain verifies', async () => {
    await admin.goto(server.url + '/people');
    const members = admin.getByRole('table', { name: 'Members' });
    for (const invitee of INVITEES) await members.getByRole('row', { name: new RegExp(invitee.name) }).waitFor();
    await admin.getByRole('tab', { name: 'Mentorships' }).click();

    // The people pickers narrow as one types; the mentor is chosen by keyboard, the mentee with the pointer. The form
    // is scrolled into view first: a list open while the page scrolls closes (as a native select does), and the
    // scroll that Playwright makes while it fills could otherwise land just after the list opened.
    const pairForm = admin.getByRole('form', { name: 'Pair a mentor with a mentee' });
    await pairForm.evaluate((form) => form.scrollIntoView({ block: 'center' }));
    await admin.evaluate(() => new Promise((done) => requestAnimationFrame(() => requestAnimationFrame(done))));
    const mentorPicker = pairForm.getByRole('combobox', { name: 'Mentor', exact: true });
    await mentorPicker.pressSequentially('mona');
    await admin.getByRole('option', { name: 'Mona Mentor' }).waitFor();
    await mentorPicker.press('ArrowDown');
    await mentorPicker.press('Enter');
    assert.equal(await mentorPicker.inputValue(), 'Mona Mentor');
    await pairForm.getByRole('combobox', { name: 'Mentee', exact: true }).fill('sam@');
    await admin.getByRole('option', { name: 'Sam Mentee' }).click();
    await admin.getByRole('button', { name: 'Pair', exact: true }).click();
    const mentorships = admin.getByRole('table', { name: 'Mentorships' });
    await mentorships.getByRole('row', { name: /Mona Mentor.*Sam Mentee.*Active/ }).waitFor();

    await admin.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Audit' }).click();
    await admin.waitForURL(server.url + '/audit');
    await admin.getByRole('grid', { name: 'Audit entries' }).waitFor();
    await admin.getByRole('button', { name: 'Verify chain' }).click();
    await admin.getByTestId('chain-status').getByText(/^Intact/).waitFor();
    await admin.screenshot({ path: join(resultsDir, 'audit.png'), fullPage: true });

    const csv = await admin.evaluate(async (href) => {
      const response = await fetch(href);
      return { status: response.status, type: response.headers.get('content-type'), text: await response.text() };
    }, await admin.getByRole('link', { name: 'Export CSV' }).getAttribute('href'));
    assert.equal(csv.status, 200);
    assert.match(csv.type ?? '', /text\/csv/);
    assert.match(csv.text, /mentorship/);
  });

  test('an expired access token is refreshed once and the write goes through', async () => {
    await admin.goto(server.url + '/profile');
    const name = admin.getByLabel('Name', { exact: true });
    await name.waitFor();
    // As if the ten-minute access token had lapsed while the page was open.
    await admin.context().clearCookies({ name: '__Host-emmaus-access' });
    const seen = [];
    const record = (response) => {
      if (response.url().includes('/api/auth/')) seen.push(`${response.request().method()} ${new URL(response.url()).pathname} ${response.status()}`);
    };
    admin.on('response', record);
    await name.fill('Ada A. Admin');
    await admin.getByRole('button', { name: 'Save name' }).click();
    await admin.getByText('Your name is saved.').waitFor();
    admin.off('response', record);
    assert.deepEqual(seen, ['PATCH /api/auth/profile 401', 'POST /api/auth/refresh 204', 'PATCH /api/auth/profile 200']);
    assert.equal((await admin.getByTestId('signed-in-as').textContent())?.trim(), 'Ada A. Admin');
  });

  test('a session that cannot be refreshed goes to sign-in and comes back after', async () => {
    await admin.context().clearCookies();
    await admin.goto(server.url + '/audit');
    await admin.waitForURL(`${server.url}/sign-in?return_to=%2Faudit`);
    await admin.getByLabel('Email').fill(ADMIN.email);
    await admin.getByLabel('Password', { exact: true }).fill(ADMIN.password);
    await admin.getByRole('button', { name: 'Sign in', exact: true }).click();
    await admin.waitForURL(server.url + '/audit');
    await admin.getByRole('grid', { name: 'Audit entries' }).waitFor();
  });

  test('no uncaught errors in any page', () => {
    assert.deepEqual(pageErrors, []);
  });
});
