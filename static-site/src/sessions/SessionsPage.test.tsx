// Tests for the sessions list and the new-session form: upcoming sessions from today, a page at a time; the past from a
// chosen day; the form's problems next to their fields; a session made from a template for a group; a mentee sees what
// was shared with them and no form.
import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { preferences } from '../i18n';
import { jsonResponse, problemResponse, routeFetch, sessionView } from '../test/http';
import { renderApp, signedInState } from '../test/render';
import { addDays, todayIn } from './queries';

const list = '/api/sessions/org-1/sessions';

const summary = (id: string, title: string, extra: Record<string, unknown> = {}) => ({
  id, title, date: '2027-03-04', time: null, zone: 'UTC', starts_at: '2027-03-04T00:00:00Z',
  audience: { kind: 'group', person_id: null, group_id: 'g-1' }, facilitators: ['p-1'], status: 'draft', planned_minutes: 60,
  total_minutes: 45, blocks: 6, shared: false, version: 1, ...extra,
});

const template = {
  id: 't-1', name: 'Small group evening', description: '', personal: false, total_minutes: 50, created_by: 'p-1', updated_at: '2027-01-01T00:00:00Z', version: 2,
  slots: [{ kind: 'heading', title: 'Welcome', minutes: 5 }, { kind: 'question', title: '', minutes: 45 }],
};

const around = {
  'GET /api/planner/org-1/people': () =>
    jsonResponse({ people: [{ person_id: 'p-1', display_name: 'Ada', relation: 'own', time_zone: null }, { person_id: 'p-2', display_name: 'Ben', relation: 'group', time_zone: null }] }),
  'GET /api/people/org-1/groups': () => jsonResponse({ groups: [{ id: 'g-1', name: 'Youth', leader_id: 'p-1', created_at: 0 }, { id: 'g-2', name: 'Elders', leader_id: 'p-9', created_at: 0 }] }),
  'GET /api/sessions/org-1/templates': () => jsonResponse({ templates: [template] }),
};

async function openList(roles: Array<'pastor' | 'mentee'> = ['pastor'], url = '/sessions') {
  window.history.replaceState(null, '', url);
  await renderApp(signedInState(sessionView(roles)));
  return userEvent.setup();
}

describe('The sessions page', { timeout: 20_000 }, () => {
  it('lists upcoming sessions from today, a page at a time', async () => {
    const { requests } = routeFetch({
      ...around,
      [`GET ${list}`]: (request) =>
        new URL(request.url).searchParams.get('cursor') === 'c-1'
          ? jsonResponse({ sessions: [summary('s-2', 'Prayer night', { shared: true, status: 'ready', audience: { kind: 'person', person_id: 'p-2', group_id: null } })], next: null })
          : jsonResponse({ sessions: [summary('s-1', 'Grace in Luke')], next: 'c-1' }),
    });
    const user = await openList();
    const upcoming = await screen.findByRole('list', { name: 'Upcoming' });
    expect(within(upcoming).getByRole('link', { name: 'Grace in Luke' })).toHaveAttribute('href', '/sessions/s-1');
    expect(upcoming).toHaveTextContent('For the group Youth · 6 blocks · 45 of 60 minutes planned');
    const asked = new URL(requests.find((r) => new URL(r.url).pathname === list)!.url).searchParams;
    expect(asked.get('from')).toBe(todayIn(preferences().timeZone));
    expect(asked.get('to')).toBeNull();

    await user.click(screen.getByRole('button', { name: 'Load more' }));
    expect(await within(upcoming).findByRole('link', { name: 'Prayer night' })).toBeInTheDocument();
    expect(upcoming).toHaveTextContent('For Ben');
    expect(within(upcoming).getByText('Shared')).toBeInTheDocument();
    expect(within(upcoming).getByText('Ready')).toBeInTheDocument();
    expect(screen.queryByRole('button', { name: 'Load more' })).not.toBeInTheDocument();
  });

  it('shows past sessions from three months back, and says when there are none', async () => {
    const { requests } = routeFetch({ ...around, [`GET ${list}`]: () => jsonResponse({ sessions: [], next: null }) });
    const user = await openList();
    expect(await screen.findByText('No sessions planned from today. Prepare one below.')).toBeInTheDocument();
    await user.click(screen.getByRole('tab', { name: 'Past' }));
    expect(await screen.findByText('No sessions in these days.')).toBeInTheDocument();
    const today = todayIn(preferences().timeZone);
    const past = requests.map((r) => new URL(r.url)).filter((u) => u.pathname === list && u.searchParams.get('to'));
    expect(past.at(-1)!.searchParams.get('from')).toBe(addDays(today, -90));
    expect(past.at(-1)!.searchParams.get('to')).toBe(today);
  });

  it('says when the list cannot be loaded, and tries again', async () => {
    let fail = true;
    routeFetch({
      ...around,
      [`GET ${list}`]: () => (fail ? problemResponse(500, { title: 'Server error', detail: 'the store is down' }) : jsonResponse({ sessions: [summary('s-1', 'Grace in Luke')], next: null })),
    });
    const user = await openList();
    const alert = await screen.findByRole('alert');
    expect(alert).toHaveTextContent('The sessions could not be loaded.');
    expect(alert).toHaveTextContent('the store is down');
    fail = false;
    await user.click(within(alert).getByRole('button', { name: 'Try again' }));
    expect(await screen.findByRole('link', { name: 'Grace in Luke' })).toBeInTheDocument();
  });

  it('shows what is missing next to its field, then makes a session for a group from a template', async () => {
    const { requests } = routeFetch({
      ...around,
      [`GET ${list}`]: () => jsonResponse({ sessions: [], next: null }),
      [`POST ${list}`]: (request) =>
        request
          .clone()
          .json()
          .then((body) =>
            body.time === '07:30'
              ? problemResponse(422, { title: 'Invalid', errors: [{ field: 'time', message: 'must be a time of day such as 19:30' }] })
              : jsonResponse({ ...summary('s-9', body.title), blocks: [], over_plan: false, notes: '', may_change: true, hidden_from_audience: [], created_by: 'p-1', created_at: '', updated_at: '', updated_by: 'p-1' }, 201),
          ),
      'GET /api/sessions/org-1/sessions/s-9': () => jsonResponse({ ...summary('s-9', 'Youth evening'), blocks: [], over_plan: false, notes: '', may_change: true, hidden_from_audience: [], created_by: 'p-1', created_at: '', updated_at: '', updated_by: 'p-1' }),
    });
    const user = await openList();
    const form = await screen.findByRole('form', { name: 'Prepare a new session' });
    await user.click(within(form).getByRole('radio', { name: 'A group' }));
    await user.click(within(form).getByRole('button', { name: 'Create session' }));
    expect(within(form).getByLabelText('Title')).toHaveAccessibleDescription('Give it a title.');
    expect(within(form).getByText('Choose a date.')).toBeInTheDocument();
    expect(within(form).getByText('Choose the group it is for.')).toBeInTheDocument();
    expect(requests.some((r) => r.method === 'POST')).toBe(false);

    await user.type(within(form).getByLabelText('Title'), 'Youth evening');
    await user.click(within(within(form).getByRole('group', { name: 'Date' })).getAllByRole('spinbutton')[0]!);
    await user.keyboard('03042027');
    await user.click(within(within(form).getByRole('group', { name: 'Time' })).getAllByRole('spinbutton')[0]!);
    await user.keyboard('0730A');
    // Only the groups a pastor leads are offered.
    await user.click(within(form).getByRole('button', { name: /^Choose a group/ }));
    expect(screen.queryByRole('option', { name: 'Elders' })).not.toBeInTheDocument();
    await user.click(await screen.findByRole('option', { name: 'Youth' }));
    await user.click(within(form).getByRole('button', { name: /^A blank session/ }));
    await user.click(await screen.findByRole('option', { name: 'Small group evening (2 slots, 50 min)' }));
    expect(within(form).getByText("Left empty, the template's 50 minutes.")).toBeInTheDocument();

    // The server's problem shows on its field.
    await user.click(within(form).getByRole('button', { name: 'Create session' }));
    expect(await within(form).findByText('must be a time of day such as 19:30')).toBeInTheDocument();
    const first = requests.find((r) => r.method === 'POST')!;
    expect(await first.json()).toEqual({ title: 'Youth evening', date: '2027-03-04', time: '07:30', audience: { kind: 'group', group_id: 'g-1' }, template_id: 't-1' });

    await user.click(within(within(form).getByRole('group', { name: 'Time' })).getAllByRole('spinbutton')[0]!);
    await user.keyboard('0730P');
    await user.click(within(form).getByRole('button', { name: 'Create session' }));
    await waitFor(() => expect(window.location.pathname).toBe('/sessions/s-9'));
  });

  it('shows a mentee the sessions shared with them, and no form', async () => {
    routeFetch({
      'GET /api/people/org-1/groups': () => jsonResponse({ groups: [] }),
      [`GET ${list}`]: () => jsonResponse({ sessions: [summary('s-1', 'Grace in Luke', { audience: { kind: 'person', person_id: 'p-1', group_id: null }, shared: true })], next: null }),
    });
    await openList(['mentee']);
    const upcoming = await screen.findByRole('list', { name: 'Upcoming' });
    expect(within(upcoming).getByRole('link', { name: 'Grace in Luke' })).toBeInTheDocument();
    expect(within(upcoming).getByText(/For you/)).toBeInTheDocument();
    expect(screen.getByText('The sessions your mentor or pastor shared with you.')).toBeInTheDocument();
    expect(screen.queryByRole('form', { name: 'Prepare a new session' })).not.toBeInTheDocument();
    expect(screen.queryByRole('link', { name: 'Templates' })).not.toBeInTheDocument();
  });
});
