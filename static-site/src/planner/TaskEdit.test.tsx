// Tests for changing a task from a chosen occurrence: every occurrence changes with one PATCH at the version read that
// sends only what was changed; "this and following" splits the series at the occurrence's name and is not offered from
// the first; a stale save keeps what was typed and saves again at the version reloaded; a refused field shows its error;
// the occurrence names the goal and study item its task serves; and a new task is linked to a goal when scheduled.
import { fireEvent, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { beforeAll, describe, expect, it } from 'vitest';
import { jsonResponse, problemResponse, routeFetch, sessionView } from '../test/http';
import { renderApp, signedInState } from '../test/render';
import { occurrenceOf, occurrenceStart, repetitionOf } from './queries';

type User = ReturnType<typeof userEvent.setup>;

const base = '/api/planner/org-1/people/p-1';
const path = (request: Request) => new URL(request.url).pathname;

const goal = (id: string, title: string) => ({
  id, person_id: 'p-1', title, why: '', target_date: null, status: 'active', milestones: [], proposed_by: null,
  created_by: 'p-1', created_at: '2027-01-01T00:00:00Z', updated_at: '2027-01-01T00:00:00Z', version: 1,
});

const item = (id: string, title: string, goalId: string | null = null) => ({
  id, person_id: 'p-1', goal_id: goalId, resource: null, hidden: false, url: `https://example.org/${id}`, link_title: title, note: '',
  due_date: null, progress: 'not_started', done_on: null, assigned_by: 'p-1', assigned_at: '2027-01-01T00:00:00Z', version: 1,
});

const entry = (day: string, extra: Record<string, unknown> = {}) => ({
  task_id: 't-1', occurrence: `202703${day}T090000`, title: 'Weekly reading', start: `2027-03-${day}T09:00:00+01:00`,
  end: `2027-03-${day}T09:30:00+01:00`, all_day: false, status: 'pending', moved: false, recurring: true, ...extra,
});

const task = (extra: Record<string, unknown> = {}) => ({
  id: 't-1', person_id: 'p-1', title: 'Weekly reading', notes: 'Luke, a chapter a week', start: '2027-03-15T09:00:00', all_day: false,
  duration_minutes: 30, time_zone: 'Europe/Berlin', rrule: 'FREQ=WEEKLY;BYDAY=MO;COUNT=3', exdates: [], goal_id: null, queue_item_id: null,
  created_by: 'p-1', created_at: '2027-01-01T00:00:00Z', updated_at: '2027-01-01T00:00:00Z', version: 4, ...extra,
});

/** Ada's plan: two goals, one study item and a weekly task's three occurrences. */
const plan = (entries = [entry('15'), entry('22'), entry('29')]) => ({
  'GET /api/planner/org-1/people': () => jsonResponse({ people: [{ person_id: 'p-1', display_name: 'Ada', relation: 'own', time_zone: 'Europe/Berlin' }] }),
  [`GET ${base}/goals`]: () => jsonResponse({ goals: [goal('g-1', 'Memorise Psalm 23'), goal('g-2', 'Read Luke')] }),
  [`GET ${base}/queue`]: () => jsonResponse({ items: [item('q-1', 'Luke commentary', 'g-2')] }),
  [`GET ${base}/threads`]: () => jsonResponse({ threads: [] }),
  [`GET ${base}/calendar`]: () => jsonResponse({ time_zone: 'Europe/Berlin', entries, truncated: false }),
});

/** Opens the calendar, chooses the `index`th occurrence from the list and opens its task's edit form. */
async function editOccurrence(index: number) {
  window.history.replaceState(null, '', '/planner?tab=calendar');
  await renderApp(signedInState(sessionView(['mentee'])));
  const user = userEvent.setup();
  // The calendar's code loads when its tab is first shown: the first test waits for it.
  const listing = await screen.findByRole('list', { name: 'Tasks in this range' }, { timeout: 5000 });
  const choices = await within(listing).findAllByRole('button', { name: /^Weekly reading, / });
  await user.click(choices[index]!);
  const group = screen.getByRole('group', { name: '“Weekly reading”' });
  await user.click(within(group).getByRole('button', { name: 'Edit task' }));
  const form = await within(group).findByRole('form', { name: 'Edit “Weekly reading”' });
  await waitFor(() => expect(within(form).getByLabelText('Task name')).toHaveValue('Weekly reading'));
  return { user, group, form };
}

async function choose(user: User, scope: HTMLElement, label: string, option: string) {
  await user.click(within(scope).getByRole('button', { name: new RegExp(` ${label}$`) }));
  await user.click(await screen.findByRole('option', { name: option }));
}

function sent(requests: Request[], method: string, pathname: string) {
  return waitFor(() => {
    const found = requests.find((r) => r.method === method && path(r) === pathname);
    expect(found).toBeDefined();
    return found!;
  });
}

// These tests fill long forms: they are given more time than the default, on a busy machine.
describe('Changing a task from its occurrence', { timeout: 20_000 }, () => {
  // The calendar's code (FullCalendar) loads lazily with its tab: loaded once here, not within the first test's time.
  beforeAll(async () => {
    await import('./CalendarPanel');
  }, 30_000);

  it('changes every occurrence at the version read, sending only what was changed', async () => {
    const { requests } = routeFetch({
      ...plan([entry('15', { goal_id: 'g-1', queue_item_id: 'q-1' }), entry('22', { goal_id: 'g-1', queue_item_id: 'q-1' })]),
      [`GET ${base}/tasks/t-1`]: () => jsonResponse(task({ goal_id: 'g-1', queue_item_id: 'q-1' })),
      [`PATCH ${base}/tasks/t-1`]: () => jsonResponse(task({ title: 'Weekly Luke', version: 5 })),
    });
    const { user, group, form } = await editOccurrence(1);
    // What the task serves, named on its occurrence and in the list.
    expect(group).toHaveTextContent('For the goal “Memorise Psalm 23” · Studying “Luke commentary”');
    expect(screen.getAllByRole('button', { name: /^Weekly reading, .*For the goal “Memorise Psalm 23”/ })).toHaveLength(2);

    expect(within(form).getByLabelText('Task notes')).toHaveValue('Luke, a chapter a week');
    expect(within(form).getByLabelText('Start time')).toHaveValue('2027-03-15T09:00');
    expect(within(form).getByLabelText('Length in minutes')).toHaveValue(30);
    expect(within(form).getByRole('button', { name: / Repetition$/ })).toHaveTextContent('Every week');
    expect(within(form).getByLabelText('Number of times')).toHaveValue(3);
    expect(within(form).getByRole('button', { name: / Linked goal$/ })).toHaveTextContent('Memorise Psalm 23');
    expect(within(form).getByRole('button', { name: / Linked study item$/ })).toHaveTextContent('Luke commentary');
    expect(within(form).getByRole('radio', { name: 'All occurrences' })).toBeChecked();

    const name = within(form).getByLabelText('Task name');
    await user.clear(name);
    await user.type(name, 'Weekly Luke');
    fireEvent.change(within(form).getByLabelText('Length in minutes'), { target: { value: '45' } });
    await choose(user, form, 'Linked goal', 'Read Luke');
    await choose(user, form, 'Linked study item', 'No study item');
    await user.click(within(form).getByRole('button', { name: 'Save task' }));

    const patch = await sent(requests, 'PATCH', `${base}/tasks/t-1`);
    expect(patch.headers.get('If-Match')).toBe('"4"');
    expect(await patch.clone().json()).toEqual({ title: 'Weekly Luke', duration_minutes: 45, goal_id: 'g-2', queue_item_id: '' });
    expect(requests.some((r) => path(r).endsWith('/split'))).toBe(false);
    await waitFor(() => expect(screen.queryByRole('group', { name: '“Weekly reading”' })).toBeNull());
  });

  it('changes this occurrence and those that follow by splitting the series at its name', async () => {
    const { requests } = routeFetch({
      ...plan(),
      [`GET ${base}/tasks/t-1`]: () => jsonResponse(task()),
      [`POST ${base}/tasks/t-1/split`]: () =>
        jsonResponse({ before: task({ rrule: 'FREQ=WEEKLY;BYDAY=MO;COUNT=1', version: 5 }), after: task({ id: 't-2', start: '2027-03-22T10:00:00', version: 1 }) }),
    });
    const { user, form } = await editOccurrence(1);
    await user.click(within(form).getByRole('radio', { name: 'This and following' }));
    // The start shown is now the occurrence's, and the count is this part's.
    const start = within(form).getByLabelText('Start time from this occurrence on');
    expect(start).toHaveValue('2027-03-22T09:00');
    expect(within(form).getByLabelText('Number of times')).toHaveValue(null);
    fireEvent.change(start, { target: { value: '2027-03-22T10:00' } });
    await user.click(within(form).getByRole('button', { name: 'Save task' }));

    const split = await sent(requests, 'POST', `${base}/tasks/t-1/split`);
    expect(split.headers.get('If-Match')).toBe('"4"');
    expect(await split.clone().json()).toEqual({ occurrence: '20270322T090000', start: '2027-03-22T10:00' });
    expect(requests.some((r) => r.method === 'PATCH')).toBe(false);
  });

  it('offers "this and following" only from an occurrence after the first', async () => {
    routeFetch({ ...plan(), [`GET ${base}/tasks/t-1`]: () => jsonResponse(task()) });
    const { form } = await editOccurrence(0);
    expect(within(form).getByRole('group', { name: 'Apply to' })).toBeInTheDocument();
    expect(within(form).getByRole('radio', { name: 'All occurrences' })).toBeChecked();
    expect(within(form).queryByRole('radio', { name: 'This and following' })).toBeNull();
  });

  it('keeps what was typed when the task changed meanwhile, and saves it at the version reloaded', async () => {
    let reads = 0;
    let patches = 0;
    const { requests } = routeFetch({
      ...plan(),
      [`GET ${base}/tasks/t-1`]: () => {
        reads += 1;
        return jsonResponse(reads > 1 ? task({ notes: 'Changed elsewhere', version: 5 }) : task());
      },
      [`PATCH ${base}/tasks/t-1`]: () => {
        patches += 1;
        return patches === 1 ? problemResponse(412, { title: 'Precondition failed' }) : jsonResponse(task({ title: 'Daily reading', version: 6 }));
      },
    });
    const { user, form } = await editOccurrence(1);
    const name = within(form).getByLabelText('Task name');
    await user.clear(name);
    await user.type(name, 'Daily reading');
    await user.click(within(form).getByRole('button', { name: 'Save task' }));
    expect(await within(form).findByText(/This task was changed since you read it/)).toBeInTheDocument();
    expect(name).toHaveValue('Daily reading');

    await user.click(within(form).getByRole('button', { name: 'Reload the task' }));
    // What was not changed here shows what is there now; what was typed stays.
    await waitFor(() => expect(within(form).getByLabelText('Task notes')).toHaveValue('Changed elsewhere'));
    expect(within(form).queryByText(/This task was changed since you read it/)).toBeNull();
    expect(name).toHaveValue('Daily reading');
    await user.click(within(form).getByRole('button', { name: 'Save task' }));
    await waitFor(() => expect(patches).toBe(2));
    const sentPatches = requests.filter((r) => r.method === 'PATCH');
    expect(sentPatches.map((r) => r.headers.get('If-Match'))).toEqual(['"4"', '"5"']);
    expect(await sentPatches[1]!.clone().json()).toEqual({ title: 'Daily reading' });
  });

  it("shows the server's refusal on the field it names", async () => {
    routeFetch({
      ...plan(),
      [`GET ${base}/tasks/t-1`]: () => jsonResponse(task()),
      [`PATCH ${base}/tasks/t-1`]: () =>
        problemResponse(422, { type: 'urn:emmaus:problem:validation', title: 'Invalid', errors: [{ field: 'duration_minutes', message: 'must be 1 to 1440 minutes' }] }),
    });
    const { user, form } = await editOccurrence(0);
    const length = within(form).getByLabelText('Length in minutes');
    fireEvent.change(length, { target: { value: '2000' } });
    await user.click(within(form).getByRole('button', { name: 'Save task' }));
    expect(await within(form).findByText('must be 1 to 1440 minutes')).toBeInTheDocument();
    expect(length).toHaveAttribute('aria-invalid', 'true');
    expect(length).toHaveAccessibleDescription(/must be 1 to 1440 minutes/);
    expect(length).toHaveValue(2000);
  });

  it('links a new task to a goal when scheduling it', async () => {
    const { requests } = routeFetch({
      ...plan([]),
      [`POST ${base}/tasks`]: () => jsonResponse(task({ id: 't-9', title: 'Psalm 23, verses 1-3', rrule: null, goal_id: 'g-1' }), 201),
    });
    window.history.replaceState(null, '', '/planner?tab=calendar');
    await renderApp(signedInState(sessionView(['mentee'])));
    const user = userEvent.setup();
    const form = await screen.findByRole('form', { name: 'Schedule a task' }, { timeout: 5000 });
    await user.type(within(form).getByLabelText('Task'), 'Psalm 23, verses 1-3');
    fireEvent.change(within(form).getByLabelText('Starts'), { target: { value: '2027-03-16T07:00' } });
    await waitFor(() => expect(within(form).getByRole('button', { name: / Linked goal$/ })).toBeInTheDocument());
    await choose(user, form, 'Linked goal', 'Memorise Psalm 23');
    await user.click(within(form).getByRole('button', { name: 'Schedule' }));
    const post = await sent(requests, 'POST', `${base}/tasks`);
    expect(await post.clone().json()).toEqual({ title: 'Psalm 23, verses 1-3', rrule: null, start: '2027-03-16T07:00', duration_minutes: 30, goal_id: 'g-1' });
  });

  it('reads occurrence names and repetition rules', () => {
    expect(occurrenceStart('20270322T090000')).toBe('2027-03-22T09:00');
    expect(occurrenceOf('2027-03-15T09:00:00')).toBe('20270315T090000');
    expect(repetitionOf('FREQ=WEEKLY;BYDAY=MO;COUNT=3')).toEqual({ repeat: 'weekly', count: '3' });
    expect(repetitionOf(null)).toEqual({ repeat: 'none', count: '' });
    expect(repetitionOf('FREQ=DAILY')).toEqual({ repeat: 'daily', count: '' });
    expect(repetitionOf('FREQ=WEEKLY;INTERVAL=2')).toEqual({ repeat: 'custom', count: '' });
    expect(repetitionOf('FREQ=WEEKLY;BYDAY=MO,WE')).toEqual({ repeat: 'custom', count: '' });
  });
});
