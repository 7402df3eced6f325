// End-to-end: the Learning Planner in a real browser against the real server. A mentor proposes a goal to their mentee
// and assigns a hub resource from the hub's search; the mentee accepts the goal, finds the resource in their study
// queue, schedules a weekly task, completes one occurrence and drags another to a different day, and subscribes to a
// private feed that a real iCalendar parser reads both changes from; the mentor, opening the mentee's calendar and
// their own calendar across plans, sees both. Every page passes axe.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { launchIsolatedBrowser } from './browser.mjs';
import { startServer } from './server.mjs';
import { audit, session, json, signIn } from './support.mjs';

const ADMIN = { name: 'Pia Pastor', email: 'pia@example.org', password: 'meadow lantern quiet 41' };
const MENTOR = { name: 'Mara Mentor', email: 'mara@example.org', password: 'harbour willow steady 58' };
const MENTEE = { name: 'Tim Mentee', email: 'tim@example.org', password: 'orchard pebble gentle 17' };
/** Reads an iCalendar feed with Python's icalendar (scripts/lib/ics_expand.py), where scripts/test names its Python. */
const ICS_EXPAND = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'scripts', 'lib', 'ics_expand.py');

/** The organisation, its admin, a mentor and a mentee (invited and accepted), their pairing and a shared hub note. */
async function seed(url, setupCode) {
  const setup = await fetch(`${url}/api/auth/setup`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ code: setupCode, org_slug: 'plan-church', org_name: 'Plan Church', email: ADMIN.email, display_name: ADMIN.name, password: ADMIN.password }),
  });
  await json(setup, 'setup');
  const admin = session(setup);
  const write = (method, path, body) =>
    fetch(`${url}${path}`, {
      method,
      headers: { 'content-type': 'application/json', cookie: admin.cookie, 'x-csrf-token': admin.csrf },
      body: JSON.stringify(body),
    });
  const me = await json(await fetch(`${url}/api/auth/session`, { headers: { cookie: admin.cookie } }), 'session');
  const org = me.organisations[0].id;
  const ids = {};
  for (const [who, role] of [
    [MENTOR, 'mentor'],
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
  await json(await write('POST', `/api/people/${org}/mentorships`, { mentor_id: ids.mentor, mentee_id: ids.mentee }), 'mentorship');
  await json(await write('POST', `/api/hub/${org}/notes`, { title: 'Sermon on the Mount', body: 'Blessed are the poor in spirit.' }), 'note');
  return { org, ...ids };
}

const pad = (n) => String(n).padStart(2, '0');
/** A day `days` from now at 19:00 on the browser's clock, as a datetime-local input takes it, and its date. */
function dayFromNow(days) {
  const at = new Date();
  at.setDate(at.getDate() + days);
  const date = `${at.getFullYear()}-${pad(at.getMonth() + 1)}-${pad(at.getDate())}`;
  return { date, local: `${date}T19:00` };
}

describe('Learning Planner', { timeout: 180_000 }, () => {
  let server;
  let browser;
  let mentor;
  let mentee;
  let world;
  const pageErrors = [];

  const watch = async (who) => {
    const page = await (await browser.newContext({ bypassCSP: true, timezoneId: 'Europe/Berlin' })).newPage();
    page.setDefaultTimeout(15_000);
    page.on('pageerror', (error) => pageErrors.push(`${who}: ${error.message}`));
    return page;
  };

  before(async () => {
    server = await startServer();
    world = await seed(server.url, await server.setupCode());
    browser = await launchIsolatedBrowser();
    mentor = await watch('mentor');
    mentee = await watch('mentee');
  });

  after(async () => {
    await browser?.close();
    await server?.stop();
  });

  test('a mentor proposes a goal and assigns a hub resource to their mentee', async () => {
    await signIn(mentor, server.url, MENTOR);
    await mentor.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Planner' }).click();
    await mentor.getByRole('heading', { level: 1, name: 'Learning Planner' }).waitFor();
    await mentor.getByRole('button', { name: /Whose plan/ }).click();
    await mentor.getByRole('option', { name: `${MENTEE.name} · your mentee` }).click();
    await mentor.waitForURL(new RegExp(`person=${world.mentee}`));
    await mentor.getByLabel('Goal', { exact: true }).fill('Learn the Beatitudes');
    await mentor.getByLabel('Milestones').fill('Read Matthew 5\nSay them by heart');
    await mentor.getByRole('button', { name: 'Propose goal' }).click();
    await mentor.locator('.planner__goal').filter({ hasText: 'Learn the Beatitudes' }).getByText('Proposed', { exact: true }).waitFor();
    await audit(mentor, "the mentee's goals as their mentor sees them");

    await mentor.getByRole('tab', { name: 'Study queue' }).click();
    await mentor.getByLabel('Search the hub').fill('sermon');
    await mentor.getByRole('button', { name: 'Choose “Sermon on the Mount”' }).click();
    await mentor.getByLabel('Note').fill('Read it slowly, twice.');
    await mentor.getByRole('button', { name: 'Assign', exact: true }).click();
    await mentor.getByRole('grid', { name: `Study queue of ${MENTEE.name}` }).getByRole('link', { name: 'Sermon on the Mount' }).waitFor();
    await mentor.getByLabel('A web page').check();
    await mentor.getByLabel('Address').fill('https://example.org/beatitudes');
    await mentor.getByLabel('Title').fill('Beatitudes commentary');
    await mentor.getByRole('button', { name: 'Assign', exact: true }).click();
    await mentor.getByRole('grid', { name: `Study queue of ${MENTEE.name}` }).getByRole('link', { name: 'Beatitudes commentary' }).waitFor();
    await audit(mentor, "the mentee's study queue as their mentor sees it");
  });

  test('the mentee accepts the goal, finds the resource and plans a weekly task on the calendar', async () => {
    await signIn(mentee, server.url, MENTEE);
    await mentee.goto(`${server.url}/planner`);
    const goal = mentee.locator('.planner__goal').filter({ hasText: 'Learn the Beatitudes' });
    await goal.getByRole('button', { name: 'Accept' }).click();
    await goal.getByText('Active', { exact: true }).waitFor();
    const ticked = mentee.waitForResponse((r) => r.url().includes('/goals/') && r.request().method() === 'PATCH');
    await goal.getByLabel('Read Matthew 5').check();
    assert.equal((await ticked).status(), 200);
    await audit(mentee, 'the goals of ones own plan');

    await mentee.getByRole('tab', { name: 'Study queue' }).click();
    const queue = mentee.getByRole('grid', { name: `Study queue of ${MENTEE.name}` });
    await queue.getByRole('link', { name: 'Sermon on the Mount' }).waitFor();
    await queue.getByText('Read it slowly, twice.').waitFor();
    // Reordered from the keyboard: the row, the right arrow to its handle, Enter picks it up, the arrows move the
    // drop place (first the row's own place, then between the rows above), Enter puts it down.
    const reordered = mentee.waitForResponse((r) => r.url().includes('/move') && r.request().method() === 'POST');
    await queue.getByRole('row', { name: 'Beatitudes commentary' }).focus();
    await mentee.keyboard.press('ArrowRight');
    await mentee.keyboard.press('Enter');
    // The first drop target is the row's own place; up from there, before the row above it.
    await mentee.keyboard.press('ArrowUp');
    await mentee.keyboard.press('ArrowUp');
    await mentee.keyboard.press('Enter');
    assert.equal((await reordered).status(), 200);
    await queue.getByRole('row').first().filter({ hasText: 'Beatitudes commentary' }).waitFor();
    await audit(mentee, 'the study queue after a move');

    await mentee.getByRole('tab', { name: 'Calendar' }).click();
    const first = dayFromNow(1);
    await mentee.getByLabel('Task', { exact: true }).fill('Weekly reading');
    await mentee.getByLabel('Starts').fill(first.local);
    await mentee.getByLabel('Minutes').fill('45');
    await mentee.getByRole('button', { name: /Repeats/ }).click();
    await mentee.getByRole('option', { name: 'Every week' }).click();
    await mentee.getByLabel('How many times').fill('3');
    await mentee.getByRole('button', { name: 'Schedule' }).click();
    await mentee.locator('.planner__calendar').getByText('Weekly reading').first().waitFor();
    await audit(mentee, 'the calendar');
  });

  test('the mentee completes one occurrence and drags another to a different day', async () => {
    const first = dayFromNow(1);
    const second = dayFromNow(8);
    const moveTo = dayFromNow(9);
    // The agenda lists both weeks' occurrences; the month may not hold the second one.
    await mentee.getByRole('tab', { name: 'Agenda' }).click();
    await mentee.locator('.planner__calendar').getByText('Weekly reading').first().click();
    await mentee.getByRole('group', { name: '“Weekly reading”' }).getByRole('button', { name: 'Done' }).click();
    await mentee.getByText(/tasks? in this view, as a list/).click();
    await mentee.getByRole('list', { name: 'Tasks in this range' }).getByText(/Weekly reading, .*, Done/).waitFor();

    await mentee.getByRole('tab', { name: 'Month' }).click();
    // Show the month that holds the second occurrence and the day it goes to.
    while ((await mentee.locator(`[data-date="${second.date}"]`).count()) === 0 || (await mentee.locator(`[data-date="${moveTo.date}"]`).count()) === 0) {
      await mentee.locator('.planner__calendar').getByRole('button', { name: /^Next/ }).first().click();
    }
    const event = mentee.locator(`[data-date="${second.date}"]`).getByText('Weekly reading');
    const target = mentee.locator(`[data-date="${moveTo.date}"]`).first();
    const from = await event.boundingBox();
    const to = await target.boundingBox();
    await mentee.mouse.move(from.x + from.width / 2, from.y + from.height / 2);
    await mentee.mouse.down();
    await mentee.mouse.move(from.x + from.width / 2 + 5, from.y + from.height / 2 + 5, { steps: 5 });
    await mentee.mouse.move(to.x + to.width / 2, to.y + to.height / 2, { steps: 15 });
    const moved = mentee.waitForResponse((r) => r.url().includes('/occurrences/') && r.request().method() === 'PUT');
    await mentee.mouse.up();
    assert.equal((await moved).status(), 200);
    await mentee.locator(`[data-date="${moveTo.date}"]`).getByText('Weekly reading').waitFor();
    assert.equal(await mentee.locator(`[data-date="${first.date}"]`).getByText('Weekly reading').count() <= 1, true);
  });

  test('the mentee subscribes to a private feed that shows both changes', async () => {
    await mentee.getByRole('button', { name: 'Make a feed address' }).click();
    const address = await mentee.getByLabel("Your feed's address").inputValue();
    assert.match(address, /\/api\/planner-feeds\/[A-Za-z0-9_-]{43}$/);
    await audit(mentee, 'the calendar with its feed address');
    // A calendar app reads it with no session at all.
    const feed = await fetch(address);
    assert.equal(feed.status, 200);
    assert.match(feed.headers.get('content-type'), /^text\/calendar/);
    const ics = await feed.text();
    assert.match(ics, /RRULE:FREQ=WEEKLY;COUNT=3/);
    assert.match(ics, /RECURRENCE-ID;TZID=UTC:\d{8}T190000/);
    if (process.env.EMMAUS_TEST_PYTHON) {
      const seen = JSON.parse(
        execFileSync(process.env.EMMAUS_TEST_PYTHON, [ICS_EXPAND, dayFromNow(0).date, dayFromNow(20).date], { input: ics }).toString(),
      );
      assert.deepEqual(
        seen.map((o) => [o.start.slice(0, 10), o.summary]),
        [
          [dayFromNow(1).date, '✓ Weekly reading'],
          [dayFromNow(9).date, 'Weekly reading'],
          [dayFromNow(15).date, 'Weekly reading'],
        ],
      );
    }
  });

  test("the mentor sees both changes on the mentee's calendar", async () => {
    const second = dayFromNow(8);
    const moveTo = dayFromNow(9);
    await mentor.goto(`${server.url}/planner?person=${world.mentee}&tab=calendar`);
    await mentor.getByRole('tab', { name: 'Agenda' }).click();
    await mentor.getByText(/tasks? in this view, as a list/).click();
    const listed = mentor.getByRole('list', { name: 'Tasks in this range' });
    await listed.getByText(/Weekly reading, .*, Done/).waitFor();
    // The API says where each occurrence is now.
    const calendar = await mentor.evaluate(
      async ({ org, person, from, to }) => (await fetch(`/api/planner/${org}/people/${person}/calendar?from=${from}&to=${to}`)).json(),
      { org: world.org, person: world.mentee, from: dayFromNow(0).date, to: dayFromNow(20).date },
    );
    const entries = calendar.entries.map((e) => [e.start.slice(0, 10), e.status, e.moved]);
    assert.deepEqual(entries, [
      [dayFromNow(1).date, 'done', false],
      [moveTo.date, 'pending', true],
      [dayFromNow(15).date, 'pending', false],
    ]);
    assert.notEqual(second.date, moveTo.date);
    // From their own calendar, the mentor shows their mentee's plan beside it, read only.
    await mentor.goto(`${server.url}/planner?tab=calendar`);
    await mentor.getByLabel(/Show the plans of those I walk with/).check();
    await mentor.getByRole('tab', { name: 'Agenda' }).click();
    await mentor.getByText(/tasks? in this view, as a list/).click();
    await mentor
      .getByRole('list', { name: 'Tasks in this range' })
      .getByText(new RegExp(`${MENTEE.name}: Weekly reading, .*, Done`))
      .waitFor();
    await audit(mentor, 'the calendar across plans');
  });

  test('the mentee deletes the weekly task, every occurrence at once', async () => {
    await mentee.goto(`${server.url}/planner?tab=calendar`);
    await mentee.getByRole('tab', { name: 'Agenda' }).click();
    await mentee.getByText(/tasks? in this view, as a list/).click();
    await mentee.getByRole('list', { name: 'Tasks in this range' }).getByRole('button', { name: /Weekly reading, .*, Done/ }).click();
    const deleted = mentee.waitForResponse((r) => r.url().includes('/tasks/') && r.request().method() === 'DELETE');
    await mentee.getByRole('group', { name: '“Weekly reading”' }).getByRole('button', { name: 'Delete every occurrence' }).click();
    assert.equal((await deleted).status(), 204);
    await mentee.getByText(/0 tasks in this view, as a list/).waitFor();
    assert.deepEqual(pageErrors, []);
  });
});
