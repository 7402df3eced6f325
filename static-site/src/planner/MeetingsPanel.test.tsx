// Tests for the planner's meetings tab: the recorder reads their private notes and may edit; anyone else sees neither,
// and the person makes a next step a task; the record form refuses a duration of 0 before sending and shows a server's
// field error on its field; an edit refused as stale (412) says so and offers to reload; a deletion is confirmed first
// and names the version read; and more meetings load from `next`.
import { fireEvent, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { jsonResponse, problemResponse, routeFetch, sessionView } from '../test/http';
import { renderApp, signedInState } from '../test/render';

const people = (relation: 'own' | 'mentee' | 'member' = 'mentee') => ({
  people: [
    { person_id: 'p-1', display_name: 'Ada', relation: 'own', time_zone: 'Europe/Berlin' },
    ...(relation === 'own' ? [] : [{ person_id: 'p-2', display_name: 'Tim', relation, time_zone: 'Europe/Berlin' }]),
  ],
});

const meeting = (extra: Record<string, unknown> = {}) => ({
  id: 'm-1', person_id: 'p-2', recorded_by: 'p-1', mine: true, start: '2027-03-10T19:00:00', time_zone: 'Europe/Berlin',
  starts_at: '2027-03-10T19:00:00+01:00', duration_minutes: 45, shared_notes: 'Read **Luke 15**',
  shared_notes_html: '<p>Read <strong>Luke 15</strong></p>', private_notes: 'Seems tired lately',
  next_steps: [{ id: 's-1', title: 'Pray daily', task_id: null }], created_at: '2027-03-10T20:00:00Z', updated_at: '2027-03-10T20:00:00Z',
  version: 3, ...extra,
});

const others = (person = 'p-2') => ({
  'GET /api/planner/org-1/people': () => jsonResponse(people()),
  [`GET /api/planner/org-1/people/${person}/goals`]: () => jsonResponse({ goals: [] }),
  [`GET /api/planner/org-1/people/${person}/queue`]: () => jsonResponse({ items: [] }),
});

async function openMeetings(person: string | null, roles: Array<'mentor' | 'mentee'> = ['mentor']) {
  window.history.replaceState(null, '', person ? `/planner?person=${person}&tab=meetings` : '/planner?tab=meetings');
  await renderApp(signedInState(sessionView(roles)));
  return screen.findByRole('region', { name: 'Meetings' });
}

describe('Meetings in the planner', () => {
  it('shows the recorder their private notes, the shared notes and the way to edit', async () => {
    routeFetch({ ...others(), 'GET /api/planner/org-1/people/p-2/meetings': () => jsonResponse({ meetings: [meeting()], next: null }) });
    const panel = await openMeetings('p-2');
    const card = await within(panel).findByRole('article', { name: /Meeting on/ });
    expect(within(card).getByText('45 minutes', { exact: false })).toBeInTheDocument();
    expect(within(card).getByText('Luke 15').tagName).toBe('STRONG');
    const box = within(card).getByRole('region', { name: 'Private notes – only you can read these' });
    expect(box).toHaveTextContent('Seems tired lately');
    expect(within(card).getByRole('button', { name: 'Edit meeting' })).toBeInTheDocument();
    expect(within(card).getByRole('button', { name: 'Delete meeting' })).toBeInTheDocument();
    expect(within(card).getByRole('button', { name: 'Make a task of “Pray daily”' })).toBeInTheDocument();
    // The record form, its fields labelled.
    expect(within(panel).getByRole('heading', { level: 3, name: 'Record a meeting with Tim' })).toBeInTheDocument();
    expect(within(panel).getByLabelText('Start')).toHaveAttribute('type', 'datetime-local');
    expect(within(panel).getByLabelText('Duration in minutes')).toHaveValue(60);
    expect(within(panel).getByLabelText('Shared notes')).toHaveAccessibleDescription(/Tim will read these/);
    expect(within(panel).getByLabelText('Private notes')).toHaveAccessibleDescription('Only you will ever read these.');
  });

  it('shows someone else no private notes and no editing, and lets the person make a next step a task', async () => {
    let task: string | null = null;
    const theirs = () =>
      meeting({ person_id: 'p-1', recorded_by: 'p-9', mine: false, private_notes: undefined, next_steps: [{ id: 's-1', title: 'Pray daily', task_id: task }] });
    const { requests } = routeFetch({
      ...others('p-1'),
      'GET /api/planner/org-1/people': () => jsonResponse(people('own')),
      'GET /api/planner/org-1/people/p-1/meetings': () => jsonResponse({ meetings: [theirs()], next: null }),
      'POST /api/planner/org-1/people/p-1/meetings/m-1/steps/s-1/task': () => {
        task = 't-1';
        const made = { id: 't-1', person_id: 'p-1', title: 'Pray daily', all_day: true, start: '2027-03-20T00:00:00', time_zone: 'Europe/Berlin' };
        return jsonResponse({ meeting: theirs(), task: made }, 201);
      },
    });
    const panel = await openMeetings(null, ['mentee']);
    const card = await within(panel).findByRole('article', { name: /Meeting on/ });
    expect(within(card).getByText('Luke 15')).toBeInTheDocument();
    expect(within(card).queryByRole('region', { name: /Private notes/ })).toBeNull();
    expect(within(card).queryByText('Seems tired lately')).toBeNull();
    expect(within(card).queryByRole('button', { name: 'Edit meeting' })).toBeNull();
    expect(within(card).queryByRole('button', { name: 'Delete meeting' })).toBeNull();
    expect(within(panel).queryByRole('heading', { name: /Record a meeting/ })).toBeNull();

    const user = userEvent.setup();
    await user.click(within(card).getByRole('button', { name: 'Make a task of “Pray daily”' }));
    const form = within(card).getByRole('form', { name: 'Make a task of “Pray daily”' });
    await user.click(within(form).getByRole('radio', { name: 'By a date' }));
    fireEvent.change(within(form).getByLabelText('Due date'), { target: { value: '2027-03-20' } });
    await user.click(within(form).getByRole('button', { name: 'Make task' }));
    expect(await within(card).findByText('a task now')).toBeInTheDocument();
    expect(within(card).getByRole('link', { name: 'See it in the calendar' })).toHaveAttribute('href', '/planner?tab=calendar');
    const made = requests.find((r) => r.method === 'POST' && new URL(r.url).pathname.endsWith('/steps/s-1/task'));
    expect(await made?.clone().json()).toEqual({ due: '2027-03-20' });
  });

  it('refuses a duration of 0 before sending, and shows a field the server refused on it', async () => {
    const { requests } = routeFetch({
      ...others(),
      'GET /api/planner/org-1/people/p-2/meetings': () => jsonResponse({ meetings: [], next: null }),
      'POST /api/planner/org-1/people/p-2/meetings': () =>
        problemResponse(422, { type: 'urn:emmaus:problem:validation', title: 'Invalid', errors: [{ field: 'start', message: 'is not a time in Europe/Berlin' }] }),
    });
    const panel = await openMeetings('p-2');
    expect(await within(panel).findByText('No meetings recorded with Tim yet. Record the first one below.')).toBeInTheDocument();
    const user = userEvent.setup();
    const minutes = within(panel).getByLabelText('Duration in minutes');
    await user.clear(minutes);
    await user.type(minutes, '0');
    await user.click(within(panel).getByRole('button', { name: 'Record meeting' }));
    expect(await within(panel).findByText('The duration is a whole number of minutes from 1 to 720.')).toBeInTheDocument();
    expect(minutes).toHaveAttribute('aria-invalid', 'true');
    expect(within(panel).getByText('Give the day and time the meeting started.')).toBeInTheDocument();
    expect(within(panel).getByRole('alert')).toHaveTextContent('Please correct the fields marked below.');
    expect(requests.some((r) => r.method === 'POST')).toBe(false);

    await user.clear(minutes);
    await user.type(minutes, '90');
    fireEvent.change(within(panel).getByLabelText('Start'), { target: { value: '2027-03-28T02:30' } });
    await user.type(within(panel).getByLabelText('Shared notes'), 'We read Luke 15.');
    await user.click(within(panel).getByRole('button', { name: 'Add a next step' }));
    await user.type(within(panel).getByLabelText('Next step 1'), 'Pray daily');
    await user.click(within(panel).getByRole('button', { name: 'Record meeting' }));
    expect(await within(panel).findByText('is not a time in Europe/Berlin')).toBeInTheDocument();
    const sent = requests.find((r) => r.method === 'POST');
    expect(await sent?.clone().json()).toEqual({
      start: '2027-03-28T02:30', duration_minutes: 90, shared_notes: 'We read Luke 15.', private_notes: '', next_steps: ['Pray daily'],
    });
    expect(within(panel).getByLabelText('Shared notes')).toHaveValue('We read Luke 15.');
  });

  it('says an edit was refused because the meeting changed meanwhile, and saves it again at the version reloaded', async () => {
    let reads = 0;
    let patches = 0;
    const { requests } = routeFetch({
      ...others(),
      'GET /api/planner/org-1/people/p-2/meetings': () => {
        reads += 1;
        return jsonResponse({ meetings: [meeting(reads > 1 ? { shared_notes_html: '<p>Changed elsewhere</p>', version: 4 } : {})], next: null });
      },
      'PATCH /api/planner/org-1/people/p-2/meetings/m-1': () => {
        patches += 1;
        return patches === 1
          ? problemResponse(412, { title: 'Precondition failed' })
          : jsonResponse(meeting({ shared_notes: 'Read **Luke 15** again', shared_notes_html: '<p>Saved at last</p>', version: 5 }));
      },
    });
    const panel = await openMeetings('p-2');
    const card = await within(panel).findByRole('article', { name: /Meeting on/ });
    const user = userEvent.setup();
    await user.click(within(card).getByRole('button', { name: 'Edit meeting' }));
    const form = within(card).getByRole('form', { name: 'Edit this meeting' });
    expect(within(form).getByLabelText('Private notes')).toHaveValue('Seems tired lately');
    expect(within(form).getByLabelText('Next step 1')).toHaveValue('Pray daily');
    await user.type(within(form).getByLabelText('Shared notes'), ' again');
    await user.click(within(form).getByRole('button', { name: 'Save changes' }));

    expect(await within(card).findByText(/This meeting was changed since you read it/)).toBeInTheDocument();
    const patch = requests.find((r) => r.method === 'PATCH');
    expect(patch?.headers.get('If-Match')).toBe('"3"');
    expect(await patch?.clone().json()).toEqual({
      duration_minutes: 45, shared_notes: 'Read **Luke 15** again', private_notes: 'Seems tired lately', next_steps: [{ id: 's-1', title: 'Pray daily' }],
    });
    await user.click(within(card).getByRole('button', { name: 'Reload the meeting' }));
    await waitFor(() => expect(reads).toBe(2));
    expect(within(panel).queryByText(/This meeting was changed since you read it/)).toBeNull();
    // What was typed is still there, and saving again names the version reloaded.
    const again = within(card).getByRole('form', { name: 'Edit this meeting' });
    expect(within(again).getByLabelText('Shared notes')).toHaveValue('Read **Luke 15** again');
    await user.click(within(again).getByRole('button', { name: 'Save changes' }));
    await waitFor(() => expect(within(card).queryByRole('form', { name: 'Edit this meeting' })).toBeNull());
    expect(requests.filter((r) => r.method === 'PATCH').map((r) => r.headers.get('If-Match'))).toEqual(['"3"', '"4"']);
  });

  it('deletes a meeting after asking, at the version read, and loads more from `next`', async () => {
    let deleted = false;
    const { requests } = routeFetch({
      ...others(),
      'GET /api/planner/org-1/people/p-2/meetings': (request) => {
        const cursor = new URL(request.url).searchParams.get('cursor');
        if (cursor === 'c-2') return jsonResponse({ meetings: [meeting({ id: 'm-0', mine: false, private_notes: undefined, starts_at: '2027-02-01T19:00:00+01:00' })], next: null });
        return jsonResponse({ meetings: deleted ? [] : [meeting()], next: 'c-2' });
      },
      'DELETE /api/planner/org-1/people/p-2/meetings/m-1': () => {
        deleted = true;
        return new Response(null, { status: 204 });
      },
    });
    const panel = await openMeetings('p-2');
    const user = userEvent.setup();
    await user.click(await within(panel).findByRole('button', { name: 'Load more meetings' }));
    await waitFor(() => expect(within(panel).getAllByRole('article')).toHaveLength(2));
    expect(within(panel).queryByRole('button', { name: 'Load more meetings' })).toBeNull();

    const card = within(panel).getAllByRole('article')[0]!;
    await user.click(within(card).getByRole('button', { name: 'Delete meeting' }));
    expect(requests.some((r) => r.method === 'DELETE')).toBe(false);
    await user.click(within(card).getByRole('button', { name: 'Delete for good' }));
    await waitFor(() => expect(requests.find((r) => r.method === 'DELETE')?.headers.get('If-Match')).toBe('"3"'));
    await waitFor(() => expect(within(panel).queryByRole('button', { name: 'Edit meeting' })).toBeNull());
  });
});
