// End-to-end: the Session Builder in a real browser against the real server. Seeded through the API: an organisation,
// a pastor who leads a group with a mentee in it, a hub note, and an organisation template with slots. The pastor
// makes a session for the group from the template, fills its blocks, adds the hub note by searching the hub in place,
// moves a block with the keyboard alone (the drag handle, arrows and Enter), sees it autosaved (a reload shows the new
// order), undoes and redoes a change, presents it block by block with an activity's timer, downloads the HTML and
// Markdown exports and finds every block in each, and shares it; the mentee reads it, and finds it on their planner's
// calendar. A visitor without an account follows it by a private link while the pastor presents, as a participants'
// screen beside present mode does, until the link is revoked. A block is saved to the hub and a copy of it put back
// into the outline. Every page passes axe.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { after, before, describe, test } from 'node:test';
import { launchIsolatedBrowser } from './browser.mjs';
import { startServer } from './server.mjs';
import { audit, json, session, signIn } from './support.mjs';

const ADMIN = { name: 'Ada Admin', email: 'ada@example.org', password: 'lantern orchard pebble 57' };
const PASTOR = { name: 'Pia Pastor', email: 'pia@example.org', password: 'meadow lantern quiet 41' };
const MENTEE = { name: 'Tim Mentee', email: 'tim@example.org', password: 'orchard pebble gentle 17' };
const GROUP = 'Youth';
const TEMPLATE = 'Welcome evening';

/** The organisation, its pastor leading a group with a mentee in it, a shared hub note and an organisation template. */
async function seed(url, setupCode) {
  const setup = await fetch(`${url}/api/auth/setup`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ code: setupCode, org_slug: 'session-church', org_name: 'Session Church', email: ADMIN.email, display_name: ADMIN.name, password: ADMIN.password }),
  });
  await json(setup, 'setup');
  const admin = session(setup);
  const write = (method, path, body) =>
    fetch(`${url}${path}`, {
      method,
      headers: { 'content-type': 'application/json', cookie: admin.cookie, 'x-csrf-token': admin.csrf },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  const me = await json(await fetch(`${url}/api/auth/session`, { headers: { cookie: admin.cookie } }), 'session');
  const org = me.organisations[0].id;
  const ids = {};
  for (const [who, role] of [
    [PASTOR, 'pastor'],
    [MENTEE, 'mentee'],
  ]) {
    const invited = await json(await write('POST', `/api/people/${org}/invitations`, { email: who.email, role }), 'invitation');
    const token = new URL(invited.link).hash.replace('#token=', '');
    const accepted = await fetch(`${url}/api/auth/invitations/accept`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ token, display_name: who.name, password: who.password }),
    });
    await json(accepted, 'accept');
    const own = session(accepted);
    ids[role] = (await json(await fetch(`${url}/api/auth/session`, { headers: { cookie: own.cookie } }), 'session')).person.id;
  }
  const group = await json(await write('POST', `/api/people/${org}/groups`, { name: GROUP, leader_id: ids.pastor }), 'group');
  const added = await write('PUT', `/api/people/${org}/groups/${group.id}/members/${ids.mentee}`);
  assert.ok(added.ok, `group member: ${added.status} ${await added.text()}`);
  await json(await write('POST', `/api/hub/${org}/notes`, { title: 'Sermon on the Mount', body: 'Blessed are the poor in spirit.' }), 'note');
  await json(
    await write('POST', `/api/sessions/${org}/templates`, {
      name: TEMPLATE,
      description: 'An evening with the youth group.',
      slots: [
        { kind: 'heading', title: 'Welcome', minutes: 5 },
        { kind: 'scripture', title: '', minutes: 10 },
        { kind: 'question', title: 'Talk together', minutes: 15 },
        { kind: 'activity', title: 'Walk and pray', minutes: 2 },
      ],
    }),
    'template',
  );
  return { org, group: group.id, ...ids };
}

const pad = (n) => String(n).padStart(2, '0');
/** A day `days` from now on the browser's clock, as its parts are typed (en-US: month, day, year) and as the API says it. */
function dayFromNow(days) {
  const at = new Date();
  at.setDate(at.getDate() + days);
  return { typed: `${pad(at.getMonth() + 1)}${pad(at.getDate())}${at.getFullYear()}`, iso: `${at.getFullYear()}-${pad(at.getMonth() + 1)}-${pad(at.getDate())}` };
}

/** What each block holds once filled, and so what each export must carry. */
const FILLED = ['Welcome', 'Matthew 5:1-12', 'Blessed are the poor in spirit, for theirs is the kingdom of heaven.', 'Talk together', 'What does it mean to be poor in spirit?', 'Walk and pray', 'Walk in pairs and pray for each other.', 'Sermon on the Mount'];

describe('Session Builder', { timeout: 240_000 }, () => {
  let server;
  let browser;
  let pastor;
  let mentee;
  let world;
  let sessionUrl;
  const pageErrors = [];

  const watch = async (who) => {
    const page = await (await browser.newContext({ bypassCSP: true, locale: 'en-US', timezoneId: 'Europe/Berlin', acceptDownloads: true })).newPage();
    page.setDefaultTimeout(15_000);
    page.on('pageerror', (error) => pageErrors.push(`${who}: ${error.message}`));
    return page;
  };

  before(async () => {
    server = await startServer();
    world = await seed(server.url, await server.setupCode());
    browser = await launchIsolatedBrowser();
    pastor = await watch('pastor');
    mentee = await watch('mentee');
  });

  after(async () => {
    await browser?.close();
    await server?.stop();
  });

  const outline = () => pastor.getByRole('grid', { name: 'Outline' });
  const rowNames = async () => outline().getByRole('row').evaluateAll((rows) => rows.map((row) => row.getAttribute('aria-label')));
  const saved = () => pastor.getByRole('status').filter({ hasText: 'All changes saved' }).waitFor();

  test('the pastor makes a session for their group from the template', async () => {
    await signIn(pastor, server.url, PASTOR);
    await pastor.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Sessions' }).click();
    await pastor.getByRole('heading', { level: 1, name: 'Session Builder' }).waitFor();
    await pastor.getByText('No sessions planned from today. Prepare one below.').waitFor();
    await audit(pastor, 'the sessions page');

    const form = pastor.getByRole('form', { name: 'Prepare a new session' });
    await form.getByRole('button', { name: 'Create session' }).click();
    await form.getByText('Give it a title.').waitFor();
    await form.getByText('Choose a date.').waitFor();
    await form.getByLabel('Title').fill('Youth evening');
    await form.getByRole('group', { name: 'Date' }).getByRole('spinbutton').first().click();
    await pastor.keyboard.type(dayFromNow(7).typed);
    await form.getByRole('group', { name: 'Time' }).getByRole('spinbutton').first().click();
    await pastor.keyboard.type('0730P');
    await form.getByRole('radio', { name: 'A group' }).check();
    await form.getByRole('button', { name: /^Choose a group/ }).click();
    await pastor.getByRole('option', { name: GROUP }).click();
    await form.getByRole('button', { name: /^A blank session/ }).click();
    await pastor.getByRole('option', { name: `${TEMPLATE} (4 slots, 32 min)` }).click();
    const created = pastor.waitForResponse((r) => r.url().endsWith('/sessions') && r.request().method() === 'POST');
    await form.getByRole('button', { name: 'Create session' }).click();
    const answer = await created;
    assert.equal(answer.status(), 201);
    const made = await answer.json();
    assert.equal(made.date, dayFromNow(7).iso);
    assert.equal(made.time, '19:30');
    assert.deepEqual(made.audience, { kind: 'group', person_id: null, group_id: world.group });
    assert.equal(made.planned_minutes, 32);
    await pastor.waitForURL(`**/sessions/${made.id}`);
    sessionUrl = pastor.url();
    await pastor.getByRole('heading', { level: 1, name: 'Youth evening' }).waitFor();
    assert.deepEqual(await rowNames(), ['1. Heading: Welcome', '2. Scripture: Scripture', '3. Discussion question: Talk together', '4. Activity: Walk and pray']);
    await pastor.locator(".lede").getByText(`For the group ${GROUP}`).waitFor();
    await audit(pastor, 'the composer');
  });

  test('the pastor fills the blocks and adds the hub note by searching in place; each change is saved', async () => {
    const row = (n) => outline().getByRole('row').nth(n);
    await row(1).getByLabel('Reference').fill('Matthew 5:1-12');
    await row(1).getByLabel('Passage').fill('Blessed are the poor in spirit, for theirs is the kingdom of heaven.');
    await row(2).getByLabel('Question').fill('What does it mean to be poor in spirit?');
    await row(3).getByLabel('Instructions').fill('Walk in pairs and pray for each other.');
    await saved();

    await pastor.getByLabel('Add a hub resource: search the hub').fill('sermon');
    await pastor.getByRole('button', { name: 'Choose “Sermon on the Mount”' }).click();
    await outline().getByRole('row', { name: '5. Hub resource: Sermon on the Mount' }).getByRole('link', { name: 'Sermon on the Mount' }).waitFor();
    await saved();
    // The server's view now holds it too: the note, shared with the organisation, is one the group may see.
    const stored = await pastor.evaluate(async ({ org, id }) => (await fetch(`/api/sessions/${org}/sessions/${id}`)).json(), { org: world.org, id: sessionUrl.split('/').pop() });
    assert.equal(stored.blocks.length, 5);
    assert.equal(stored.blocks[4].embed.card.title, 'Sermon on the Mount');
    assert.deepEqual(stored.hidden_from_audience, []);
    assert.equal(stored.total_minutes, 32);
    await audit(pastor, 'the composer with its blocks filled');
  });

  test('the pastor moves the hub note up with the keyboard alone, and a reload shows it saved', async () => {
    const moved = pastor.waitForResponse((r) => r.url().includes('/sessions/') && r.request().method() === 'PATCH');
    // On the row, Tab reaches its drag handle; Enter picks the block up; the arrows choose where it goes (the first
    // place offered is its own); Enter puts it down.
    // Each step waits for what it names to take focus (what a screen reader then reads), and for the list to settle:
    // the list confirms a row's focus a frame later, which a key pressed sooner than any person could would cross.
    const settle = () => pastor.evaluate(() => new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(() => resolve()))));
    const focusOn = async (label) => {
      await pastor.waitForFunction((name) => document.activeElement?.getAttribute('aria-label') === name, label);
      await settle();
    };
    await outline().getByRole('row', { name: '5. Hub resource: Sermon on the Mount' }).focus();
    await focusOn('5. Hub resource: Sermon on the Mount');
    await pastor.keyboard.press('Tab');
    await focusOn('Move “Sermon on the Mount”');
    await pastor.keyboard.press('Enter');
    await focusOn('Insert after 5. Hub resource: Sermon on the Mount');
    await pastor.keyboard.press('ArrowUp');
    await focusOn('Insert between 4. Activity: Walk and pray and 5. Hub resource: Sermon on the Mount');
    await pastor.keyboard.press('ArrowUp');
    await focusOn('Insert between 3. Discussion question: Talk together and 4. Activity: Walk and pray');
    await pastor.keyboard.press('Enter');
    await outline().getByRole('row', { name: '4. Hub resource: Sermon on the Mount' }).waitFor();
    const sent = await moved;
    assert.equal(sent.status(), 200);
    assert.match(sent.request().headers()['if-match'] ?? '', /^"\d+"$/);
    await saved();
    const stored = await pastor.evaluate(async ({ org, id }) => (await fetch(`/api/sessions/${org}/sessions/${id}`)).json(), { org: world.org, id: sessionUrl.split('/').pop() });
    assert.deepEqual(
      stored.blocks.map((b) => b.kind),
      ['heading', 'scripture', 'question', 'resource', 'activity'],
    );

    await pastor.reload();
    await outline().waitFor();
    assert.deepEqual(await rowNames(), [
      '1. Heading: Welcome',
      '2. Scripture: Matthew 5:1-12',
      '3. Discussion question: Talk together',
      '4. Hub resource: Sermon on the Mount',
      '5. Activity: Walk and pray',
    ]);
  });

  test('undo and redo walk the outline from the keyboard', async () => {
    const heading = outline().getByRole('row').first().getByLabel('Heading');
    await heading.fill('Welcome, everyone');
    await saved();
    await heading.press('Control+z');
    await outline().getByRole('row', { name: '1. Heading: Welcome' }).waitFor();
    await saved();
    await heading.press('Control+Shift+z');
    await outline().getByRole('row', { name: '1. Heading: Welcome, everyone' }).waitFor();
    await pastor.getByRole('button', { name: 'Undo' }).click();
    await outline().getByRole('row', { name: '1. Heading: Welcome' }).waitFor();
    await saved();
  });

  test('the pastor presents the session block by block, with the activity timer', async () => {
    await pastor.getByRole('link', { name: 'Present', exact: true }).click();
    await pastor.getByText('Block 1 of 5: Heading, Welcome').waitFor();
    await audit(pastor, 'present mode');
    await pastor.keyboard.press('ArrowRight');
    await pastor.getByText('Block 2 of 5: Scripture, Matthew 5:1-12').waitFor();
    await pastor.getByText('Blessed are the poor in spirit, for theirs is the kingdom of heaven.').waitFor();
    await pastor.keyboard.press('ArrowRight');
    await pastor.getByText('Block 3 of 5: Discussion question, Talk together').waitFor();
    await pastor.keyboard.press('ArrowRight');
    await pastor.getByText('Block 4 of 5: Hub resource, Sermon on the Mount').waitFor();
    await pastor.getByRole('link', { name: 'Sermon on the Mount' }).waitFor();
    await pastor.getByText('Next: Activity, Walk and pray (2 min)').waitFor();
    await pastor.keyboard.press('ArrowRight');
    await pastor.getByText('Block 5 of 5: Activity, Walk and pray').waitFor();
    const timer = pastor.getByRole('group', { name: 'Activity timer' });
    await timer.getByText('2:00').waitFor();
    await pastor.keyboard.press(' ');
    await timer.getByRole('button', { name: 'Pause timer' }).waitFor();
    await timer.getByText(/^1:5\d$/).waitFor({ timeout: 5_000 });
    await pastor.keyboard.press(' ');
    await timer.getByRole('button', { name: 'Resume timer' }).waitFor();
    await pastor.getByText('This is the last block.').waitFor();
    await audit(pastor, 'present mode on an activity');
    await pastor.keyboard.press('Escape');
    await pastor.waitForURL(sessionUrl);
    await outline().waitFor();
  });

  test('the HTML and Markdown exports hold every block', async () => {
    for (const [name, ext] of [
      ['Download as HTML', 'html'],
      ['Download as Markdown', 'md'],
    ]) {
      const downloading = pastor.waitForEvent('download');
      await pastor.getByRole('link', { name }).click();
      const download = await downloading;
      assert.match(download.suggestedFilename(), new RegExp(`^Youth.evening\\.${ext}$`));
      const text = await readFile(await download.path(), 'utf8');
      for (const words of FILLED) assert.ok(text.includes(words), `the ${ext} export lacks “${words}”`);
      assert.ok(text.includes('Youth evening'), `the ${ext} export lacks the title`);
    }
  });

  test('the PDF holds every block, read back by pdftotext', async () => {
    const downloading = pastor.waitForEvent('download');
    await pastor.getByRole('link', { name: 'Download as PDF' }).click();
    const download = await downloading;
    assert.match(download.suggestedFilename(), /^Youth.evening\.pdf$/);
    const text = execFileSync('pdftotext', [await download.path(), '-'], { encoding: 'utf8' }).split(/\s+/).join(' ');
    for (const words of FILLED) assert.ok(text.includes(words), `the PDF lacks “${words}”: ${text}`);
    assert.ok(text.includes('Youth evening'), 'the PDF lacks the title');
  });

  test('the pastor shares the session, and the mentee in the group reads it', async () => {
    const shared = pastor.waitForResponse((r) => r.url().includes('/sessions/') && r.request().method() === 'PATCH');
    // The box shows what the server holds: it is ticked once the change is saved.
    await pastor.getByLabel('Shared with its audience').click();
    assert.equal((await shared).status(), 200);
    await pastor.locator('input[aria-describedby="shared-hint"]:checked').waitFor();
    await audit(pastor, 'the composer of a shared session');

    await signIn(mentee, server.url, MENTEE);
    await mentee.goto(`${server.url}/sessions`);
    await mentee.getByRole('list', { name: 'Upcoming' }).getByRole('link', { name: 'Youth evening' }).click();
    await mentee.getByRole('heading', { level: 1, name: 'Youth evening' }).waitFor();
    await mentee.getByText('What does it mean to be poor in spirit?').waitFor();
    assert.equal(await mentee.getByRole('grid').count(), 0);
    await audit(mentee, 'a shared session as its audience reads it');
    // It is on the mentee's planner calendar too (a week from now: in the agenda's two weeks), and opens from there.
    await mentee.goto(`${server.url}/planner?tab=calendar`);
    await mentee.getByRole('tab', { name: 'Agenda' }).click();
    await mentee.locator('.planner__calendar').getByText('Session: Youth evening').waitFor();
    await mentee.getByText(/in this view, as a list/).click();
    await mentee.getByRole('list', { name: 'Tasks in this range' }).getByRole('link', { name: /^Session: Youth evening/ }).click();
    await mentee.getByRole('heading', { level: 1, name: 'Youth evening' }).waitFor();
  });

  test('a visitor follows by a private link while the pastor presents, beside a participants\' screen; revoked, it stops', async () => {
    await pastor.goto(sessionUrl);
    await outline().waitFor();
    const links = pastor.locator('section').filter({ has: pastor.getByRole('heading', { level: 2, name: 'Private links' }) });
    await links.getByLabel('Label').fill('Visitors');
    await links.getByLabel('Works for').selectOption({ label: '7 days' });
    await links.getByLabel('Anyone with the link may follow, without signing in').check();
    await links.getByRole('button', { name: 'Make a link' }).click();
    const address = await links.getByLabel("The link's address").inputValue();
    assert.match(address, /\/follow#token=[A-Za-z0-9_-]{43}$/);
    await links.getByRole('list', { name: 'Links that work' }).getByText('Visitors').waitFor();
    await audit(pastor, 'the composer with a private link made');

    // Someone with no account, in a browser that never signed in.
    const visitor = await watch('visitor');
    await visitor.goto(address);
    await visitor.getByRole('heading', { level: 1, name: 'Youth evening' }).waitFor();
    await visitor.getByText('Nothing is being presented right now', { exact: false }).waitFor();
    await visitor.getByRole('list', { name: 'Outline' }).getByText('Matthew 5:1-12').waitFor();
    await audit(visitor, 'a session followed by a private link');

    await pastor.getByRole('link', { name: 'Present', exact: true }).click();
    await pastor.getByText('Block 1 of 5: Heading, Welcome').waitFor();
    const opening = pastor.context().waitForEvent('page');
    await pastor.getByRole('button', { name: "Participants' screen" }).click();
    const screen = await opening;
    screen.on('pageerror', (error) => pageErrors.push(`screen: ${error.message}`));
    const currentOn = (page) => page.getByRole('list', { name: 'Outline' }).locator('li[aria-current="step"]');
    await currentOn(screen).filter({ hasText: 'Welcome' }).waitFor();
    await pastor.bringToFront();
    await pastor.keyboard.press('ArrowRight');
    await pastor.keyboard.press('ArrowRight');
    await pastor.getByText('Block 3 of 5: Discussion question, Talk together').waitFor();
    // The screen beside present mode follows at once; the visitor's page within a few seconds.
    await currentOn(screen).filter({ hasText: 'Talk together' }).waitFor();
    await screen.getByText('What does it mean to be poor in spirit?').waitFor();
    await audit(screen, "the participants' screen");
    await currentOn(visitor).filter({ hasText: 'Talk together' }).waitFor({ timeout: 10_000 });
    await visitor.getByText('What does it mean to be poor in spirit?').waitFor();
    await screen.close();
    await pastor.keyboard.press('Escape');
    await pastor.waitForURL(sessionUrl);
    await visitor.getByText('Nothing is being presented right now', { exact: false }).waitFor({ timeout: 10_000 });

    const revoked = pastor.waitForResponse((r) => r.url().includes('/links/') && r.request().method() === 'DELETE');
    await pastor.getByRole('button', { name: 'Revoke the link “Visitors”' }).click();
    assert.equal((await revoked).status(), 204);
    await visitor.reload();
    await visitor.getByRole('heading', { level: 1, name: 'This link does not work' }).waitFor();
    await visitor.context().close();
  });

  test('the composer and present mode fit a 360 px phone without sideways scrolling', async () => {
    await pastor.setViewportSize({ width: 360, height: 740 });
    for (const [path, ready] of [
      [sessionUrl, () => outline().waitFor()],
      [`${sessionUrl}/present`, () => pastor.getByText(/^Block 1 of 5/).waitFor()],
    ]) {
      await pastor.goto(path);
      await ready();
      const { scrollWidth, innerWidth } = await pastor.evaluate(() => ({ scrollWidth: document.documentElement.scrollWidth, innerWidth: window.innerWidth }));
      assert.ok(scrollWidth <= innerWidth, `${path} is ${scrollWidth} px wide on a ${innerWidth} px screen`);
    }
    await pastor.setViewportSize({ width: 1100, height: 800 });
  });

  test('the pastor saves a block to the hub and puts a copy of it into the outline', async () => {
    await pastor.goto(sessionUrl);
    await outline().waitFor();
    // The question block: saved for the whole organisation, as a note in the hub.
    const row = outline().getByRole('row', { name: /Discussion question: Talk together/ });
    await row.getByRole('button', { name: 'Save to hub: “Talk together”' }).click();
    const savedNote = pastor.waitForResponse((r) => r.url().endsWith('/notes') && r.request().method() === 'POST');
    await pastor.getByRole('menuitem', { name: 'For the whole organisation' }).click();
    assert.equal((await savedNote).status(), 201);
    await pastor.getByText('in the collection “Session blocks”', { exact: false }).first().waitFor();

    await pastor.getByRole('button', { name: 'Reuse a saved block' }).click();
    const found = pastor.getByRole('list', { name: 'Saved blocks' });
    await found.getByRole('button', { name: 'Insert “Talk together”' }).click();
    await saved();
    const names = await rowNames();
    assert.equal(names.filter((name) => name?.includes('Talk together')).length, 2, names.join(' | '));
    await audit(pastor, 'the composer with a saved block reused');
    // The copy goes again, so the story after this one sees the outline it knew.
    const copy = outline().getByRole('row', { name: /Talk together/ }).last();
    await copy.getByRole('button', { name: 'Remove “Talk together”' }).click();
    await saved();
  });

  test('the templates page lists the template and passes axe', async () => {
    await pastor.goto(`${server.url}/sessions/templates`);
    await pastor.getByRole('heading', { level: 1, name: 'Session templates' }).waitFor();
    await pastor.getByRole('article', { name: TEMPLATE }).getByText('4 slots, 32 minutes').waitFor();
    await audit(pastor, 'the templates page');
    assert.deepEqual(pageErrors, []);
  });
});
