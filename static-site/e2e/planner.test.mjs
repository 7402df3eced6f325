// End-to-end: the Learning Planner in a real browser against the real server. A mentor proposes a goal to their mentee
// and assigns a hub resource from the hub's search; the mentee accepts the goal, finds the resource in their study
// queue, schedules a weekly task, completes one occurrence and drags another to a different day, and subscribes to a
// private feed that a real iCalendar parser reads both changes from; the mentor, opening the mentee's calendar, their
// own calendar across plans and their dashboard, sees both. They talk about the goal in its comments, the answer
// unread on the mentor's dashboard. The mentor then records a meeting whose private notes the mentee never receives,
// and the mentee makes its next step a task. Every page passes axe.
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
    await mentor.getByLabel('Note', { exact: true }).fill('Read it slowly, twice.');
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
    // Reordered from the keyboard: the row, the right arrow to its handle, Enter picks it up, the up arrow moves the
    // drop place (from the row's own place to between the rows above), Enter puts it down. Each drop place is named
    // as a screen reader announces it; the arrows are pressed only once the drag has begun and until the place
    // before the first row has the focus, since the drag begins a moment after Enter.
    const reordered = mentee.waitForResponse((r) => r.url().includes('/move') && r.request().method() === 'POST');
    await queue.getByRole('row', { name: 'Beatitudes commentary' }).focus();
    await mentee.keyboard.press('ArrowRight');
    await mentee.keyboard.press('Enter');
    // As in the session builder's test: the list confirms a drop place's focus a frame later, so each read of the
    // focus waits two frames.
    const focused = () =>
      mentee.evaluate(
        () =>
          new Promise((resolve) =>
            requestAnimationFrame(() => requestAnimationFrame(() => resolve(document.activeElement?.getAttribute('aria-label') ?? ''))),
          ),
      );
    await mentee.waitForFunction(() => /^Insert /.test(document.activeElement?.getAttribute('aria-label') ?? ''));
    for (let presses = 0; (await focused()) !== 'Insert before Sermon on the Mount'; presses += 1) {
      assert.ok(presses < 3, `no drop place before the first row; the focus is on “${await focused()}”`);
      await mentee.keyboard.press('ArrowUp');
    }
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
    await mentee.getByText(/entr(y|ies) in this view, as a list/).click();
    await mentee.getByRole('list', { name: 'Tasks in this range' }).getByText(/Weekly reading, .*, Done/).waitFor();

    await mentee.getByRole('tab', { name: 'Month' }).click();
    // Show the month that holds the second occurrence and the day it goes to.
    while ((await mentee.locator(`[data-date="${second.date}"]`).count()) === 0 || (await mentee.locator(`[data-date="${moveTo.date}"]`).count()) === 0) {
      await mentee.locator('.planner__calendar').getByRole('button', { name: /^Next/ }).first().click();
    }
    // The month's occurrences are read anew after each move between months and after the change above; an event
    // is dragged only once they are in, since the calendar draws its events again when they arrive.
    await mentee.locator('.planner__calendar[aria-busy="false"]').waitFor();
    const event = mentee.locator(`[data-date="${second.date}"]`).getByText('Weekly reading');
    const target = mentee.locator(`[data-date="${moveTo.date}"]`).first();
    // In the middle of the window: near its edge the calendar scrolls the page while dragging, and the pointer would
    // end on another day than the one measured.
    await target.evaluate((cell) => cell.scrollIntoView({ block: 'center' }));
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
    await mentor.getByText(/entr(y|ies) in this view, as a list/).click();
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
    await mentor.getByText(/entr(y|ies) in this view, as a list/).click();
    await mentor
      .getByRole('list', { name: 'Tasks in this range' })
      .getByText(new RegExp(`${MENTEE.name}: Weekly reading, .*, Done`))
      .waitFor();
    await audit(mentor, 'the calendar across plans');
  });

  test('the mentor comments on the goal, and the mentee sees it as new and answers', async () => {
    await mentor.goto(`${server.url}/planner?person=${world.mentee}`);
    const goal = mentor.locator('.planner__goal').filter({ hasText: 'Learn the Beatitudes' });
    await goal.getByRole('button', { name: /^Comments/ }).click();
    await goal.getByLabel('Add a comment').fill('Which verse speaks to you **most**? <b>raw</b>');
    const sent = mentor.waitForResponse((r) => r.url().endsWith('/comments') && r.request().method() === 'POST');
    await goal.getByRole('button', { name: 'Send' }).click();
    assert.equal((await sent).status(), 201);
    // Markdown is rendered; raw HTML is shown as the text it is.
    await goal.locator('strong', { hasText: 'most' }).waitFor();
    await goal.getByText('<b>raw</b>').waitFor();
    await audit(mentor, 'a conversation on a goal');

    await mentee.goto(`${server.url}/planner`);
    const mine = mentee.locator('.planner__goal').filter({ hasText: 'Learn the Beatitudes' });
    await mine.getByRole('button', { name: /^Comments \(1, 1 new\)/ }).click();
    await mine.getByText(/Which verse speaks to you/).waitFor();
    // Shown, it is read: the count of new ones goes.
    await mine.getByRole('button', { name: /^Comments \(1\)/ }).waitFor();
    await mine.getByLabel('Add a comment').fill('Blessed are the peacemakers.');
    await mine.getByRole('button', { name: 'Send' }).click();
    await mine.getByText('Blessed are the peacemakers.').waitFor();
    await audit(mentee, 'a conversation on ones own goal');
  });

  test("the mentor's dashboard shows the accepted goal and both changes", async () => {
    await mentor.goto(`${server.url}/`);
    const table = mentor.getByRole('table', { name: 'How each of your mentees is doing' });
    const row = table.getByRole('row', { name: new RegExp(MENTEE.name) });
    await row.getByText('Learn the Beatitudes').waitFor();
    await row.getByText('1/2 milestones').waitFor();
    await row.getByText(/^Done: Weekly reading/).waitFor();
    await row.getByText(/^Moved: Weekly reading to/).waitFor();
    await audit(mentor, "a mentor's dashboard");
    // The dashboard says where each occurrence changed lately is now.
    const board = await mentor.evaluate(async (org) => (await fetch(`/api/planner/${org}/dashboard`)).json(), world.org);
    assert.deepEqual(
      new Set(board.mentees[0].recent.map((c) => `${c.start.slice(0, 10)} ${c.status} ${c.moved}`)),
      new Set([`${dayFromNow(1).date} done false`, `${dayFromNow(9).date} pending true`]),
    );
    // The mentee's answer is the one comment the mentor has not read.
    assert.equal(board.mentees[0].unread_comments, 1);
    // The mentee's own home: their next study item and their goal.
    await mentee.goto(`${server.url}/`);
    await mentee.getByRole('list', { name: 'Next to study' }).getByText('Beatitudes commentary').waitFor();
    await audit(mentee, "a mentee's dashboard");
  });

  test('the mentee deletes the weekly task, every occurrence at once', async () => {
    await mentee.goto(`${server.url}/planner?tab=calendar`);
    await mentee.getByRole('tab', { name: 'Agenda' }).click();
    await mentee.getByText(/entr(y|ies) in this view, as a list/).click();
    await mentee.getByRole('list', { name: 'Tasks in this range' }).getByRole('button', { name: /Weekly reading, .*, Done/ }).click();
    const deleted = mentee.waitForResponse((r) => r.url().includes('/tasks/') && r.request().method() === 'DELETE');
    await mentee.getByRole('group', { name: '“Weekly reading”' }).getByRole('button', { name: 'Delete every occurrence' }).click();
    assert.equal((await deleted).status(), 204);
    await mentee.getByText(/0 entries in this view, as a list/).waitFor();
  });

  test('the mentor records a meeting whose private notes the mentee never sees, and the mentee makes a next step a task', async () => {
    await mentor.goto(`${server.url}/planner?person=${world.mentee}&tab=meetings`);
    const form = mentor.getByRole('form', { name: `Record a meeting with ${MENTEE.name}` });
    await form.getByLabel('Start', { exact: true }).fill(`${dayFromNow(0).date}T08:00`);
    await form.getByLabel('Duration in minutes').fill('50');
    await form.getByLabel('Shared notes').fill('We read **Matthew 5** together.');
    await form.getByLabel('Private notes').fill('Seems tired; ask about work next time.');
    await form.getByRole('button', { name: 'Add a next step' }).click();
    await form.getByLabel('Next step 1', { exact: true }).fill('Pray the Beatitudes daily');
    const recorded = mentor.waitForResponse((r) => r.url().endsWith('/meetings') && r.request().method() === 'POST');
    await form.getByRole('button', { name: 'Record meeting' }).click();
    assert.equal((await recorded).status(), 201);
    const card = mentor.getByRole('article', { name: /Meeting on/ });
    await card.getByText('Seems tired; ask about work next time.').waitFor();
    await audit(mentor, 'a meeting as its recorder sees it');

    await mentee.goto(`${server.url}/planner?tab=meetings`);
    const seen = mentee.getByRole('article', { name: /Meeting on/ });
    await seen.getByText('Matthew 5').waitFor();
    assert.equal((await mentee.content()).includes('Seems tired'), false);
    const listed = await mentee.evaluate(
      async ({ org, person }) => (await fetch(`/api/planner/${org}/people/${person}/meetings`)).text(),
      { org: world.org, person: world.mentee },
    );
    assert.equal(listed.includes('Seems tired'), false);
    assert.equal(listed.includes('private_notes'), false);
    await seen.getByRole('button', { name: 'Make a task of “Pray the Beatitudes daily”' }).click();
    const task = seen.getByRole('form', { name: 'Make a task of “Pray the Beatitudes daily”' });
    await task.getByLabel('By a date').check();
    await task.getByLabel('Due date').fill(dayFromNow(2).date);
    const made = mentee.waitForResponse((r) => r.url().endsWith('/task') && r.request().method() === 'POST');
    await task.getByRole('button', { name: 'Make task' }).click();
    assert.equal((await made).status(), 201);
    await seen.getByText('a task now').waitFor();
    await audit(mentee, 'a meeting as the person met sees it');
    assert.deepEqual(pageErrors, []);
  });
});
