// Tests for the planner's dashboard on the home page: one's own day and unread comments with a mentee's row (goal
// progress, the week's counts, the last meeting and the comments not read) from a single request, a group's totals and
// the organisation's for an administrator, and the empty and failed states.
import { screen, waitFor, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { jsonResponse, problemResponse, routeFetch, sessionView } from '../test/http';
import { renderApp, signedInState } from '../test/render';

const queue = (done = 0, overdue = 0) => ({ not_started: 1, in_progress: 0, done, overdue });
const week = { done: 1, skipped: 0, pending: 2, moved: 1 };
const totals = {
  people: 2, active_goals: 3, proposed_goals: 1, achieved_goals: 4, overdue: 2, week, queue: queue(3, 1), met_recently: 1, unread_comments: 2,
};

const entry = (title: string, start: string, status: 'pending' | 'done' | 'skipped' = 'pending', extra: Record<string, unknown> = {}) => ({
  task_id: `t-${title}`, occurrence: '20270315T090000', title, start, end: start, all_day: false, status, moved: false, recurring: false, ...extra,
});

const tim = {
  person: { person_id: 'p-2', display_name: 'Tim', relation: 'mentee', time_zone: 'Europe/Berlin' },
  goals: [{ id: 'g-2', title: 'Read Luke', status: 'active', target_date: null, milestones_done: 2, milestones_total: 5 }],
  proposed_goals: 1,
  achieved_goals: 0,
  unread_comments: 1,
  overdue: 3,
  week,
  queue: queue(2, 1),
  last_meeting: { id: 'm-1', start: '2027-03-10T19:00:00', time_zone: 'Europe/Berlin', starts_at: '2027-03-10T19:00:00+01:00' },
  recent: [
    { task_id: 't-1', title: 'Weekly reading', occurrence: '20270315T190000', status: 'done', start: '2027-03-15T19:00:00+01:00', original_start: '2027-03-15T19:00:00+01:00', moved: false, changed_at: '2027-03-15T20:00:00Z' },
    { task_id: 't-1', title: 'Weekly reading', occurrence: '20270322T190000', status: 'pending', start: '2027-03-23T19:00:00+01:00', original_start: '2027-03-22T19:00:00+01:00', moved: true, changed_at: '2027-03-15T20:01:00Z' },
  ],
};

const dashboard = (extra: Record<string, unknown> = {}) => ({
  me: {
    time_zone: 'UTC',
    today: '2027-03-15',
    today_entries: [entry('Pray the Psalms', '2027-03-15T09:00:00+00:00', 'done'), entry('Read Mark 1', '2027-03-15T18:30:00+00:00', 'pending', { moved: true })],
    week_entries: [entry('Memory verse', '2027-03-17T00:00:00+00:00', 'pending', { all_day: true })],
    overdue: [entry('Journal', '2027-03-12T20:00:00+00:00')],
    overdue_count: 1,
    queue_head: [
      {
        id: 'q-1', person_id: 'p-1', goal_id: null, resource: null, hidden: true, url: null, link_title: null, note: '', due_date: null,
        progress: 'not_started', done_on: null, assigned_by: 'p-9', assigned_at: '2027-01-01T00:00:00Z', version: 1,
      },
    ],
    queue: queue(),
    goals: [{ id: 'g-1', title: 'Memorise Psalm 23', status: 'active', target_date: '2027-06-01', milestones_done: 1, milestones_total: 3 }],
    unread_comments: 2,
  },
  mentees: [tim],
  groups: [],
  organisation: null,
  ...extra,
});

const headingLevels = () => screen.getAllByRole('heading').map((h) => Number(h.tagName.slice(1)));

describe('Planner dashboard', () => {
  it("shows one's day and a mentee's row from a single request", async () => {
    const { requests } = routeFetch({ 'GET /api/planner/org-1/dashboard': () => jsonResponse(dashboard()) });
    window.history.replaceState(null, '', '/');
    await renderApp(signedInState(sessionView(['mentor'])));

    expect(await screen.findByRole('heading', { level: 2, name: 'Your planner at a glance' })).toBeInTheDocument();
    const today = await screen.findByRole('list', { name: 'Today' });
    const items = within(today).getAllByRole('listitem');
    expect(items[0]).toHaveTextContent('Pray the Psalms');
    expect(items[0]).toHaveTextContent('Done');
    expect(items[1]).toHaveTextContent('Read Mark 1');
    expect(items[1]).toHaveTextContent('To do');
    expect(items[1]).toHaveTextContent('moved');
    expect(within(screen.getByRole('list', { name: 'This week' })).getByRole('listitem')).toHaveTextContent('all day');
    expect(screen.getByText('1 task overdue')).toBeInTheDocument();
    expect(within(screen.getByRole('list', { name: 'Next to study' })).getByRole('listitem')).toHaveTextContent('A resource you cannot see');
    const mine = screen.getByRole('progressbar', { name: 'Milestones of “Memorise Psalm 23” done' });
    expect(mine).toHaveAttribute('value', '1');
    expect(mine).toHaveAttribute('max', '3');
    expect(screen.getAllByRole('link', { name: 'Open the calendar' })[0]).toHaveAttribute('href', '/planner?tab=calendar');
    expect(screen.getByRole('link', { name: 'Open the study queue' })).toHaveAttribute('href', '/planner?tab=study');
    expect(screen.getByRole('link', { name: '2 new comments on your plan' })).toHaveAttribute('href', '/planner');

    const table = screen.getByRole('table', { name: 'How each of your mentees is doing' });
    const columns = within(table).getAllByRole('columnheader').map((h) => h.textContent);
    expect(columns).toEqual(['Name', 'Active goals', 'Overdue', 'This week', 'Lately', 'Study queue', 'Last meeting', 'Proposed goals waiting', 'Unread comments']);
    const row = within(table).getByRole('row', { name: /Tim/ });
    expect(within(row).getByRole('rowheader')).toHaveTextContent('Tim');
    expect(within(row).getByRole('link', { name: 'Tim' })).toHaveAttribute('href', '/planner?person=p-2');
    expect(row).toHaveTextContent('Read Luke');
    expect(row).toHaveTextContent('2/5 milestones');
    expect(within(row).getByRole('progressbar', { name: 'Milestones of “Read Luke” done' })).toHaveAttribute('value', '2');
    expect(row).toHaveTextContent('1 done · 1 moved · 2 to do');
    expect(row).toHaveTextContent(/Done: Weekly reading \(Mon, Mar 15\)/);
    expect(row).toHaveTextContent(/Moved: Weekly reading to Tue, Mar 23/);
    expect(row).toHaveTextContent('2/3 done · 1 overdue');
    const last = within(row).getByRole('link', { name: /2027/ });
    expect(last).toHaveAttribute('href', '/planner?person=p-2&tab=meetings');
    expect(last.textContent).toMatch(/10/);
    // The comments on Tim's plan the mentor has not read, in the last column.
    expect(within(row).getAllByRole('cell').at(-1)).toHaveTextContent(/^1$/);

    // The page's headings go down one level at a time.
    const levels = headingLevels();
    expect(levels[0]).toBe(1);
    levels.slice(1).forEach((level, i) => expect(level - levels[i]!).toBeLessThanOrEqual(1));

    const planner = requests.filter((r) => new URL(r.url).pathname.startsWith('/api/planner'));
    expect(planner.map((r) => `${r.method} ${new URL(r.url).pathname}`)).toEqual(['GET /api/planner/org-1/dashboard']);
  });

  it("shows a group's people with its totals, and the organisation's totals to an administrator", async () => {
    routeFetch({
      'GET /api/planner/org-1/dashboard': () =>
        jsonResponse(
          dashboard({
            mentees: [],
            groups: [{ group_id: 'gr-1', name: 'Youth', people: [{ ...tim, person: { ...tim.person, relation: 'group' }, last_meeting: null, recent: [] }], totals }],
            organisation: {
              members: 40, admins: 2, pastors: 3, mentors: 8, mentees: 27, groups: 4, active_mentorships: 12, plans: totals, partial: true,
            },
          }),
        ),
    });
    window.history.replaceState(null, '', '/');
    await renderApp(signedInState(sessionView(['admin', 'pastor'])));

    expect(await screen.findByRole('heading', { level: 3, name: 'Group Youth' })).toBeInTheDocument();
    expect(screen.queryByRole('heading', { name: 'My mentees' })).toBeNull();
    expect(
      screen.getByText(/2 people · 3 active goals · 1 proposed · 4 achieved · 2 overdue · study 3\/4 done · 1 met in the last 30 days · 2 unread comments/),
    ).toBeInTheDocument();
    const row = within(screen.getByRole('table', { name: 'How each person in Youth is doing' })).getByRole('row', { name: /Tim/ });
    expect(row).toHaveTextContent('No meeting yet');

    expect(screen.getByRole('heading', { level: 3, name: 'Across the organisation' })).toBeInTheDocument();
    expect(screen.getByText('Active mentorships').nextElementSibling).toHaveTextContent('12');
    expect(screen.getByText('Members').nextElementSibling).toHaveTextContent('40');
    expect(screen.getByText(/cover the first 2,000 members only/)).toBeInTheDocument();
  });

  it('says when there is nothing today, nothing to study and no goals, and when the dashboard fails', async () => {
    const empty = dashboard({ mentees: [] });
    empty.me = { ...empty.me, today_entries: [], week_entries: [], overdue: [], overdue_count: 0, queue_head: [], goals: [], unread_comments: 0 };
    routeFetch({ 'GET /api/planner/org-1/dashboard': () => jsonResponse(empty) });
    window.history.replaceState(null, '', '/');
    const { unmount } = await renderApp(signedInState(sessionView(['mentee'])));
    expect(await screen.findByText('No tasks today.')).toBeInTheDocument();
    expect(screen.getByText('Nothing in your study queue.')).toBeInTheDocument();
    expect(screen.getByText('No goals yet.')).toBeInTheDocument();
    expect(screen.getByText('Nothing overdue. Well done!')).toBeInTheDocument();
    expect(screen.queryByRole('table')).toBeNull();
    expect(screen.queryByRole('link', { name: /new comments? on your plan/ })).toBeNull();
    unmount();

    routeFetch({ 'GET /api/planner/org-1/dashboard': () => problemResponse(500, { title: 'Server error', detail: 'storage unavailable' }) });
    await renderApp(signedInState(sessionView(['mentee'])));
    await waitFor(() => expect(screen.getByRole('alert')).toHaveTextContent('Your planner could not be loaded: storage unavailable'));
  });
});
