// Tests for the conversations on a plan: each toggle counts a thread's comments and the new ones from one list of
// threads; opened, the thread shows its comments and is marked read; a comment is added (a blank one refused before
// sending, a server's field error shown on the field); the author edits within the time allowed at the version read
// (others' comments and older ones offer no editing; a stale edit keeps the text and offers a reload; a 409 says why)
// and deletes after confirming; a study item's conversation opens below the queue and a task's in its calendar group.
import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { jsonResponse, problemResponse, routeFetch, sessionView } from '../test/http';
import { renderApp, signedInState } from '../test/render';

const base = '/api/planner/org-1/people/p-1';
const path = (request: Request) => new URL(request.url).pathname;

const goal = (id: string, title: string) => ({
  id, person_id: 'p-1', title, why: '', target_date: null, status: 'active', milestones: [], proposed_by: null,
  created_by: 'p-1', created_at: '2027-01-01T00:00:00Z', updated_at: '2027-01-01T00:00:00Z', version: 1,
});

const summary = (thread: string, count: number, unread: number) => ({
  thread, kind: thread.split('-')[0], subject_id: thread.slice(thread.indexOf('-') + 1), count, unread, last_at: '2027-03-10T10:00:00Z',
});

const comment = (extra: Record<string, unknown> = {}) => ({
  id: 'c-1', thread: 'goal-g-1', author_id: 'p-1', author_name: 'Ada', body: 'I started **today**', body_html: '<p>I started <strong>today</strong></p>',
  created_at: '2027-03-10T09:00:00Z', edited_at: null, editable_until: '2099-01-01T00:00:00Z', mine: true, version: 3, ...extra,
});

/** Ada's own plan, with two goals and nothing else. */
const plan = () => ({
  'GET /api/planner/org-1/people': () => jsonResponse({ people: [{ person_id: 'p-1', display_name: 'Ada', relation: 'own', time_zone: 'Europe/Berlin' }] }),
  [`GET ${base}/goals`]: () => jsonResponse({ goals: [goal('g-1', 'Memorise Psalm 23'), goal('g-2', 'Read Luke')] }),
  [`GET ${base}/queue`]: () => jsonResponse({ items: [] }),
});

async function openPlanner(tab?: string) {
  window.history.replaceState(null, '', tab ? `/planner?tab=${tab}` : '/planner');
  await renderApp(signedInState(sessionView(['mentee'])));
}

async function openGoal(name: string) {
  const user = userEvent.setup();
  await user.click(await screen.findByRole('button', { name }));
  return { user, region: await screen.findByRole('region', { name: /^Comments on / }) };
}

describe('Conversations in the planner', () => {
  it('counts comments from one list of threads, shows a thread when opened and marks it read', async () => {
    let read = false;
    const { requests } = routeFetch({
      ...plan(),
      [`GET ${base}/threads`]: () => jsonResponse({ threads: [summary('goal-g-1', 2, read ? 0 : 1)] }),
      [`GET ${base}/threads/goal-g-1/comments`]: () =>
        jsonResponse({
          comments: [
            comment(),
            comment({ id: 'c-2', author_id: 'p-9', author_name: null, mine: false, edited_at: '2027-03-10T10:05:00Z', body_html: '<p>Keep <em>going</em></p>' }),
          ],
        }),
      [`POST ${base}/threads/goal-g-1/read`]: () => {
        read = true;
        return new Response(null, { status: 204 });
      },
    });
    await openPlanner();
    const toggle = await screen.findByRole('button', { name: 'Comments (2, 1 new) on “Memorise Psalm 23”' });
    expect(toggle).toHaveAttribute('aria-expanded', 'false');
    expect(toggle).toHaveTextContent(/^Comments \(2, 1 new\)/);
    expect(screen.getByRole('button', { name: 'Comments on “Read Luke”' })).toBeInTheDocument();
    // One request for every toggle's counts, and no thread read before it is opened.
    expect(requests.filter((r) => r.method === 'GET' && path(r).endsWith('/threads'))).toHaveLength(1);
    expect(requests.some((r) => path(r).includes('/comments'))).toBe(false);

    const { region } = await openGoal('Comments (2, 1 new) on “Memorise Psalm 23”');
    expect(region).toHaveAccessibleName('Comments on “Memorise Psalm 23”');
    expect(toggle).toHaveAttribute('aria-expanded', 'true');
    expect(toggle).toHaveAttribute('aria-controls', region.id);
    const [mine, theirs] = await within(region).findAllByRole('article');
    expect(mine).toHaveTextContent('Ada');
    expect(within(mine!).getByText('today').tagName).toBe('STRONG');
    expect(mine).not.toHaveTextContent('edited');
    expect(theirs).toHaveTextContent('A former member');
    expect(theirs).toHaveTextContent('edited');
    expect(within(theirs!).getByText('going').tagName).toBe('EM');

    await waitFor(() => expect(requests.filter((r) => r.method === 'POST' && path(r) === `${base}/threads/goal-g-1/read`)).toHaveLength(1));
    expect(await screen.findByRole('button', { name: 'Comments (2) on “Memorise Psalm 23”' })).toBe(toggle);
    expect(requests.filter((r) => r.method === 'POST' && path(r).endsWith('/read'))).toHaveLength(1);

    await userEvent.setup().click(toggle);
    expect(screen.queryByRole('region', { name: /^Comments on / })).toBeNull();
  });

  it('refuses a blank comment before sending, then adds one', async () => {
    let added = false;
    const mineNow = comment({ id: 'c-9', thread: 'goal-g-2', body: 'Hello **there**', body_html: '<p>Hello <strong>there</strong></p>' });
    const { requests } = routeFetch({
      ...plan(),
      [`GET ${base}/threads`]: () => jsonResponse({ threads: added ? [summary('goal-g-2', 1, 0)] : [] }),
      [`GET ${base}/threads/goal-g-2/comments`]: () => jsonResponse({ comments: added ? [mineNow] : [] }),
      [`POST ${base}/threads/goal-g-2/comments`]: () => {
        added = true;
        return jsonResponse(mineNow, 201);
      },
    });
    await openPlanner();
    const { user, region } = await openGoal('Comments on “Read Luke”');
    expect(await within(region).findByText('No comments yet.')).toBeInTheDocument();
    const field = within(region).getByLabelText('Add a comment');
    expect(field).toHaveAccessibleDescription('Markdown works: **bold**, lists, links.');

    await user.type(field, '   ');
    await user.click(within(region).getByRole('button', { name: 'Send' }));
    expect(await within(region).findByText('Write something first.')).toBeInTheDocument();
    expect(field).toHaveAttribute('aria-invalid', 'true');
    expect(requests.some((r) => r.method === 'POST')).toBe(false);

    await user.clear(field);
    await user.type(field, 'Hello **there**');
    await user.click(within(region).getByRole('button', { name: 'Send' }));
    const sent = await waitFor(() => {
      const found = requests.find((r) => r.method === 'POST' && path(r) === `${base}/threads/goal-g-2/comments`);
      expect(found).toBeDefined();
      return found!;
    });
    expect(await sent.clone().json()).toEqual({ body: 'Hello **there**' });
    expect(await within(region).findByText('there')).toBeInTheDocument();
    expect(field).toHaveValue('');
    expect(within(region).queryByText('No comments yet.')).toBeNull();
    expect(await screen.findByRole('button', { name: 'Comments (1) on “Read Luke”' })).toBeInTheDocument();
    // Nothing was new to the writer: the thread needs no marking read.
    expect(requests.some((r) => path(r).endsWith('/read'))).toBe(false);
  });

  it("shows the server's refusal on the comment field and keeps the text", async () => {
    routeFetch({
      ...plan(),
      [`GET ${base}/threads`]: () => jsonResponse({ threads: [] }),
      [`GET ${base}/threads/goal-g-1/comments`]: () => jsonResponse({ comments: [] }),
      [`POST ${base}/threads/goal-g-1/comments`]: () =>
        problemResponse(422, { type: 'urn:emmaus:problem:validation', title: 'Invalid', errors: [{ field: 'body', message: 'must not be only whitespace and links' }] }),
    });
    await openPlanner();
    const { user, region } = await openGoal('Comments on “Memorise Psalm 23”');
    const field = within(region).getByLabelText('Add a comment');
    await user.type(field, 'https://example.org');
    await user.click(within(region).getByRole('button', { name: 'Send' }));
    expect(await within(region).findByText('must not be only whitespace and links')).toBeInTheDocument();
    expect(field).toHaveAttribute('aria-invalid', 'true');
    expect(field).toHaveAccessibleDescription(/must not be only whitespace and links/);
    expect(field).toHaveValue('https://example.org');
  });

  it("lets the author edit within the time allowed, at the version read, and offers nothing on others' or older comments", async () => {
    let edited = false;
    const { requests } = routeFetch({
      ...plan(),
      [`GET ${base}/threads`]: () => jsonResponse({ threads: [summary('goal-g-1', 3, 0)] }),
      [`GET ${base}/threads/goal-g-1/comments`]: () =>
        jsonResponse({
          comments: [
            comment({ id: 'c-0', editable_until: '2020-01-01T00:00:00Z', body_html: '<p>Long ago</p>' }),
            comment({ id: 'c-2', author_id: 'p-9', author_name: 'Tim', mine: false, body_html: '<p>From Tim</p>' }),
            edited ? comment({ body: 'I started **yesterday**', body_html: '<p>I started yesterday</p>', edited_at: '2027-03-10T09:05:00Z', version: 4 }) : comment(),
          ],
        }),
      [`PATCH ${base}/threads/goal-g-1/comments/c-1`]: () => {
        edited = true;
        return jsonResponse(comment({ body: 'I started **yesterday**', body_html: '<p>I started yesterday</p>', edited_at: '2027-03-10T09:05:00Z', version: 4 }));
      },
    });
    await openPlanner();
    const { user, region } = await openGoal('Comments (3) on “Memorise Psalm 23”');
    const [older, tims, recent] = await within(region).findAllByRole('article');
    expect(within(older!).queryByRole('button', { name: 'Edit comment' })).toBeNull();
    expect(older).toHaveTextContent('This comment can no longer be changed.');
    expect(within(older!).getByRole('button', { name: 'Delete comment' })).toBeInTheDocument();
    expect(within(tims!).queryByRole('button', { name: 'Edit comment' })).toBeNull();
    expect(within(tims!).queryByRole('button', { name: 'Delete comment' })).toBeNull();
    expect(tims).not.toHaveTextContent('can no longer be changed');

    await user.click(within(recent!).getByRole('button', { name: 'Edit comment' }));
    const form = within(recent!).getByRole('form', { name: 'Change this comment' });
    const field = within(form).getByLabelText('Your comment');
    expect(field).toHaveValue('I started **today**');
    await user.clear(field);
    await user.type(field, 'I started **yesterday**');
    await user.click(within(form).getByRole('button', { name: 'Save comment' }));
    expect(await within(recent!).findByText('I started yesterday')).toBeInTheDocument();
    expect(recent).toHaveTextContent('edited');
    const patch = requests.find((r) => r.method === 'PATCH');
    expect(patch?.headers.get('If-Match')).toBe('"3"');
    expect(await patch?.clone().json()).toEqual({ body: 'I started **yesterday**' });
  });

  it('keeps the text of an edit refused as stale and offers a reload, and shows why a late edit is refused', async () => {
    let reads = 0;
    let patches = 0;
    const { requests } = routeFetch({
      ...plan(),
      [`GET ${base}/threads`]: () => jsonResponse({ threads: [summary('goal-g-1', 1, 0)] }),
      [`GET ${base}/threads/goal-g-1/comments`]: () => {
        reads += 1;
        return jsonResponse({ comments: [reads > 1 ? comment({ body_html: '<p>Changed elsewhere</p>', version: 4 }) : comment()] });
      },
      [`PATCH ${base}/threads/goal-g-1/comments/c-1`]: () => {
        patches += 1;
        return patches === 1
          ? problemResponse(412, { title: 'Precondition failed' })
          : problemResponse(409, { title: 'Conflict', detail: 'A comment can be changed for 15 minutes after it is written.' });
      },
    });
    await openPlanner();
    const { user, region } = await openGoal('Comments (1) on “Memorise Psalm 23”');
    await user.click(await within(region).findByRole('button', { name: 'Edit comment' }));
    const field = within(region).getByLabelText('Your comment');
    await user.type(field, ' and more');
    await user.click(within(region).getByRole('button', { name: 'Save comment' }));
    expect(await within(region).findByText(/This comment was changed since you read it/)).toBeInTheDocument();
    expect(field).toHaveValue('I started **today** and more');

    await user.click(within(region).getByRole('button', { name: 'Reload the comments' }));
    await waitFor(() => expect(reads).toBe(2));
    expect(within(region).queryByText(/This comment was changed since you read it/)).toBeNull();
    expect(within(region).getByLabelText('Your comment')).toHaveValue('I started **today** and more');
    await user.click(within(region).getByRole('button', { name: 'Save comment' }));
    expect(await within(region).findByRole('alert')).toHaveTextContent('A comment can be changed for 15 minutes after it is written.');
    expect(requests.filter((r) => r.method === 'PATCH').map((r) => r.headers.get('If-Match'))).toEqual(['"3"', '"4"']);
  });

  it('deletes one’s comment only after confirming', async () => {
    let deleted = false;
    const { requests } = routeFetch({
      ...plan(),
      [`GET ${base}/threads`]: () => jsonResponse({ threads: deleted ? [] : [summary('goal-g-1', 1, 0)] }),
      [`GET ${base}/threads/goal-g-1/comments`]: () => jsonResponse({ comments: deleted ? [] : [comment()] }),
      [`DELETE ${base}/threads/goal-g-1/comments/c-1`]: () => {
        deleted = true;
        return new Response(null, { status: 204 });
      },
    });
    await openPlanner();
    const { user, region } = await openGoal('Comments (1) on “Memorise Psalm 23”');
    const article = await within(region).findByRole('article');
    await user.click(within(article).getByRole('button', { name: 'Delete comment' }));
    expect(requests.some((r) => r.method === 'DELETE')).toBe(false);
    const ask = within(article).getByRole('group', { name: 'Delete this comment? It is gone for good.' });
    await user.click(within(ask).getByRole('button', { name: 'Keep it' }));
    expect(requests.some((r) => r.method === 'DELETE')).toBe(false);

    await user.click(within(article).getByRole('button', { name: 'Delete comment' }));
    await user.click(within(article).getByRole('button', { name: 'Delete for good' }));
    await waitFor(() => expect(requests.filter((r) => r.method === 'DELETE').map(path)).toEqual([`${base}/threads/goal-g-1/comments/c-1`]));
    expect(await within(region).findByText('No comments yet.')).toBeInTheDocument();
    expect(await screen.findByRole('button', { name: 'Comments on “Memorise Psalm 23”' })).toBeInTheDocument();
  });

  it("opens a study item's conversation below the queue, from a button in its row", async () => {
    const item = {
      id: 'a', person_id: 'p-1', goal_id: null, resource: null, hidden: false, url: 'https://example.org/a', link_title: 'First', note: '',
      due_date: null, progress: 'not_started', done_on: null, assigned_by: 'p-9', assigned_at: '2027-01-01T00:00:00Z', version: 1,
    };
    const { requests } = routeFetch({
      ...plan(),
      [`GET ${base}/queue`]: () => jsonResponse({ items: [item] }),
      [`GET ${base}/threads`]: () => jsonResponse({ threads: [summary('item-a', 1, 1)] }),
      [`GET ${base}/threads/item-a/comments`]: () => jsonResponse({ comments: [comment({ thread: 'item-a', author_id: 'p-9', author_name: 'Tim', mine: false })] }),
      [`POST ${base}/threads/item-a/read`]: () => new Response(null, { status: 204 }),
    });
    await openPlanner('study');
    const grid = await screen.findByRole('grid', { name: 'Study queue of Ada' });
    const user = userEvent.setup();
    await user.click(await within(grid).findByRole('button', { name: 'Comments (1, 1 new) on “First”' }));
    const region = await screen.findByRole('region', { name: 'Comments on “First”' });
    expect(grid).not.toContainElement(region);
    expect(await within(region).findByText('Tim')).toBeInTheDocument();
    await waitFor(() => expect(requests.some((r) => r.method === 'POST' && path(r) === `${base}/threads/item-a/read`)).toBe(true));
    // The row's other controls are as they were.
    expect(within(grid).getByRole('button', { name: 'Mark “First” done' })).toBeInTheDocument();
  });

  it("opens a chosen task's conversation in its group, beside its own buttons", async () => {
    const entry = {
      task_id: 't-1', occurrence: '20270315T090000', title: 'Weekly reading', start: '2027-03-15T09:00:00+01:00', end: '2027-03-15T09:30:00+01:00',
      all_day: false, status: 'pending', moved: false, recurring: true,
    };
    routeFetch({
      ...plan(),
      [`GET ${base}/calendar`]: () => jsonResponse({ time_zone: 'Europe/Berlin', entries: [entry], truncated: false }),
      [`GET ${base}/threads`]: () => jsonResponse({ threads: [summary('task-t-1', 2, 0)] }),
      [`GET ${base}/threads/task-t-1/comments`]: () => jsonResponse({ comments: [comment({ thread: 'task-t-1' })] }),
    });
    await openPlanner('calendar');
    const user = userEvent.setup();
    const listing = await screen.findByRole('list', { name: 'Tasks in this range' });
    await user.click(await within(listing).findByRole('button', { name: /^Weekly reading, / }));
    const group = screen.getByRole('group', { name: '“Weekly reading”' });
    expect(within(group).getByRole('button', { name: 'Done' })).toBeInTheDocument();
    expect(within(group).getByRole('button', { name: 'Delete every occurrence' })).toBeInTheDocument();
    await user.click(within(group).getByRole('button', { name: 'Comments (2) on “Weekly reading”' }));
    const region = await within(group).findByRole('region', { name: 'Comments on “Weekly reading”' });
    expect(await within(region).findByText('today')).toBeInTheDocument();
  });
});
