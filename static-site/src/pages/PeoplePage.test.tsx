// Tests for the people page: role-aware controls, the invitation link, field errors, and the server's refusal.
import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { deferredResponse, jsonResponse, problemResponse, routeFetch, sessionView } from '../test/http';
import { renderApp, signedInState } from '../test/render';

const members = [
  { person_id: 'p-1', email: 'ada@example.org', display_name: 'Ada', roles: ['admin'], joined_at: 1 },
  { person_id: 'p-2', email: 'pat@example.org', display_name: 'Pat', roles: ['pastor'], joined_at: 2 },
  { person_id: 'p-3', email: 'mo@example.org', display_name: 'Mo', roles: ['mentor'], joined_at: 3 },
  { person_id: 'p-4', email: 'sam@example.org', display_name: 'Sam', roles: ['mentee'], joined_at: 4 },
];
const groups = [{ id: 'g-1', name: 'Young adults', leader_id: 'p-2', created_at: 5 }];
const org = {
  id: 'org-1',
  slug: 'grace',
  name: 'Grace Church',
  created_at: 1,
  admins_need_second_factor: false,
  sessions: { idle_hours: 336, max_days: 60, admin_idle_hours: 12, admin_max_days: 7 },
};

function routes(extra: Record<string, Response | ((r: Request) => Response)> = {}) {
  return routeFetch({
    'GET /api/people/org-1/members': jsonResponse({ members }),
    'GET /api/people/org-1/groups': jsonResponse({ groups }),
    'GET /api/people/org-1/invitations': jsonResponse({ invitations: [] }),
    'GET /api/people/org-1/mentorships': jsonResponse({ mentorships: [] }),
    'GET /api/people/org-1': jsonResponse(org),
    ...extra,
  });
}

async function openAs(roles: Array<'admin' | 'pastor' | 'mentor' | 'mentee'>, personId = 'p-1') {
  window.history.replaceState(null, '', '/people');
  const view = sessionView(roles);
  await renderApp(signedInState({ ...view, person: { ...view.person, id: personId } }));
}

describe('People page', () => {
  it('lists members with role checkboxes for an admin, and saves a change', async () => {
    const { requests } = routes({
      'PUT /api/people/org-1/members/p-3/roles': jsonResponse({ ...members[2], roles: ['mentor', 'pastor'] }),
    });
    await openAs(['admin']);
    const table = await screen.findByRole('table', { name: 'Members' });
    const row = within(table).getByRole('row', { name: /Mo/ });
    const user = userEvent.setup();
    await user.click(within(row).getByRole('checkbox', { name: 'Pastor' }));
    await user.click(within(row).getByRole('button', { name: 'Save roles' }));
    await waitFor(() => expect(within(row).getByRole('status')).toHaveTextContent('Roles saved.'));
    const put = requests.find((r) => r.method === 'PUT');
    expect(await put?.json()).toEqual({ roles: ['pastor', 'mentor'] });
  });

  it('shows a role change everywhere at once, and puts it back when the server refuses it', async () => {
    const answer = deferredResponse();
    let reads = 0;
    routes({
      'PUT /api/people/org-1/members/p-4/roles': () => answer.promise as unknown as Response,
      // The list is read once; the reload after the failure never answers, so what shows then is the rollback's.
      'GET /api/people/org-1/members': () => (++reads === 1 ? jsonResponse({ members }) : (new Promise(() => {}) as unknown as Response)),
    });
    await openAs(['admin']);
    const table = await screen.findByRole('table', { name: 'Members' });
    const row = within(table).getByRole('row', { name: /Sam/ });
    const user = userEvent.setup();
    // The people the mentor picker offers: open its whole list, read it, close it.
    const mentors = async () => {
      await user.click(screen.getByRole('button', { name: /^Show the list.*Mentor$/ }));
      const names = within(await screen.findByRole('listbox')).getAllByRole('option').map((o) => o.querySelector('[slot="label"]')?.textContent);
      await user.keyboard('{Escape}');
      return names;
    };
    await screen.findByRole('combobox', { name: 'Mentor' });
    expect(await mentors()).toEqual(['Mo']);
    await user.click(within(row).getByRole('checkbox', { name: 'Mentor' }));
    await user.click(within(row).getByRole('button', { name: 'Save roles' }));

    // Before the server answers, Sam is already offered as a mentor.
    expect(await mentors()).toEqual(['Mo', 'Sam']);
    answer.resolve(problemResponse(500, { title: 'Internal error', detail: 'the store is unavailable' }));

    await waitFor(() => expect(within(row).getByRole('alert')).toHaveTextContent('the store is unavailable'));
    expect(await mentors()).toEqual(['Mo']);
    expect(within(row).getByRole('checkbox', { name: 'Mentor' })).not.toBeChecked();
    expect(within(row).getByRole('checkbox', { name: 'Mentee' })).toBeChecked();
  });

  it('shows the created invitation link with a Copy button', async () => {
    const link = 'http://127.0.0.1:8080/invitation#token=abc';
    const { requests } = routes({
      'POST /api/people/org-1/invitations': jsonResponse(
        { id: 'i-1', email: 'new@example.org', role: 'mentor', invited_by: 'p-1', created_at: 1, expires_at: 2, state: 'pending', link, group_id: 'g-1' },
        201,
      ),
    });
    Object.defineProperty(navigator, 'clipboard', { value: { writeText: () => Promise.resolve() }, configurable: true });
    await openAs(['admin']);
    const user = userEvent.setup();
    await user.type(await screen.findByLabelText('Email'), 'new@example.org');
    await user.selectOptions(screen.getByLabelText('Role'), 'mentor');
    await user.selectOptions(screen.getByLabelText('Group (optional)'), 'Young adults');
    await user.click(screen.getByRole('button', { name: 'Invite' }));
    const created = await screen.findByTestId('invitation-created');
    expect(within(created).getByLabelText('Invitation link')).toHaveValue(link);
    await user.click(within(created).getByRole('button', { name: 'Copy' }));
    expect(await within(created).findByText('Copied')).toBeInTheDocument();
    const post = requests.find((r) => r.method === 'POST');
    expect(await post?.json()).toEqual({ email: 'new@example.org', role: 'mentor', group_id: 'g-1' });
  });

  it('keeps the invite form filled in and marks the field the server refused', async () => {
    routes({
      'POST /api/people/org-1/invitations': problemResponse(422, {
        title: 'Invalid request',
        errors: [{ field: 'email', message: 'must be an email address such as name@example.org' }],
      }),
    });
    await openAs(['admin']);
    const user = userEvent.setup();
    await user.type(await screen.findByLabelText('Email'), 'not-an-email');
    await user.click(screen.getByRole('button', { name: 'Invite' }));
    await waitFor(() => expect(screen.getByLabelText('Email')).toHaveAccessibleDescription(/must be an email address/));
    expect(screen.getByLabelText('Email')).toHaveValue('not-an-email');
  });

  it('gives a pastor no role checkboxes, only mentor and mentee invitations, into groups they lead', async () => {
    routes();
    await openAs(['pastor'], 'p-2');
    await screen.findByRole('table', { name: 'Members' });
    expect(screen.queryAllByRole('checkbox')).toHaveLength(0);
    expect(within(screen.getByLabelText('Role')).getAllByRole('option').map((o) => o.textContent)).toEqual(['Mentee', 'Mentor']);
    expect(within(screen.getByLabelText('Group')).getAllByRole('option').map((o) => o.textContent)).toEqual(['Young adults']);
  });

  it('shows "not allowed" when the server refuses the member list', async () => {
    routes({ 'GET /api/people/org-1/members': problemResponse(403, { title: 'Forbidden' }) });
    await openAs(['pastor'], 'p-2');
    expect(await screen.findByRole('heading', { level: 1, name: 'Not allowed' })).toBeInTheDocument();
  });

  it('asks again while the server is unavailable, then shows the failure with a way to try again', async () => {
    const { requests } = routes({
      // Retry-After: 0 keeps the test quick; the layer waits what the server asks.
      'GET /api/people/org-1/mentorships': problemResponse(503, { title: 'Service unavailable', detail: 'the store is down' }, { 'retry-after': '0' }),
    });
    await openAs(['admin']);
    expect(await screen.findByRole('heading', { name: 'Could not load the mentorships' })).toBeInTheDocument();
    expect(requests.filter((r) => new URL(r.url).pathname === '/api/people/org-1/mentorships')).toHaveLength(4);
    expect(screen.getByText('the store is down')).toBeInTheDocument();
    expect(screen.getByRole('button', { name: 'Try again' })).toBeInTheDocument();
  });

  it('says so when there are no mentorships or invitations', async () => {
    routes();
    await openAs(['admin']);
    expect(await screen.findByText('No mentorships yet.')).toBeInTheDocument();
    expect(screen.getByText('No invitations are waiting for an answer.')).toBeInTheDocument();
  });

  it("lets an admin change the organisation's session lifetimes, and marks a field the server refuses", async () => {
    let patches = 0;
    const { requests } = routes({
      // The first save is refused as the server would refuse 0 hours; the second is accepted.
      'PATCH /api/people/org-1': () =>
        ++patches === 1
          ? problemResponse(422, { errors: [{ field: 'sessions.admin_idle_hours', message: 'must be 1 to 720 hours' }] })
          : jsonResponse({ ...org, sessions: { ...org.sessions, admin_idle_hours: 2 } }),
    });
    await openAs(['admin']);
    const field = await screen.findByLabelText("Admins' idle time (hours)");
    expect(field).toHaveValue(12);
    const user = userEvent.setup();
    await user.clear(field);
    await user.type(field, '0');
    await user.click(screen.getByRole('button', { name: 'Save organisation' }));
    expect(await screen.findByText('must be 1 to 720 hours')).toBeInTheDocument();
    await user.clear(field);
    await user.type(field, '2');
    await user.click(screen.getByRole('button', { name: 'Save organisation' }));
    expect(await screen.findByText('Saved')).toHaveAttribute('role', 'status');
    const sent = requests.filter((r) => r.method === 'PATCH').at(-1);
    expect((await sent?.json()).sessions).toEqual({ idle_hours: 336, max_days: 60, admin_idle_hours: 2, admin_max_days: 7 });
  });

  it('requires a second factor of admins, and says why the server refused', async () => {
    let patches = 0;
    const { requests } = routes({
      'PATCH /api/people/org-1': () =>
        ++patches === 1
          ? problemResponse(422, {
              errors: [{ field: 'admins_need_second_factor', message: 'can be turned on once you have a second factor yourself' }],
            })
          : jsonResponse({ ...org, admins_need_second_factor: true }),
    });
    await openAs(['admin']);
    const box = await screen.findByRole('checkbox', { name: 'Admins must sign in with a second factor' });
    expect(box).not.toBeChecked();
    const user = userEvent.setup();
    await user.click(box);
    await user.click(screen.getByRole('button', { name: 'Save organisation' }));
    expect(await screen.findByText('can be turned on once you have a second factor yourself')).toBeInTheDocument();
    await user.click(screen.getByRole('button', { name: 'Save organisation' }));
    expect(await screen.findByText('Saved')).toHaveAttribute('role', 'status');
    expect(screen.getByRole('checkbox', { name: 'Admins must sign in with a second factor' })).toBeChecked();
    const sent = requests.filter((r) => r.method === 'PATCH').at(-1);
    expect((await sent?.json()).admins_need_second_factor).toBe(true);
  });

  it('shows the organisation settings to admins only', async () => {
    routes();
    await openAs(['pastor'], 'p-2');
    expect(await screen.findByRole('table', { name: 'Members' })).toBeInTheDocument();
    expect(screen.queryByRole('heading', { name: 'Organisation' })).toBeNull();
  });

  it("speaks the person's language", async () => {
    routes({
      'GET /api/people/org-1/invitations': jsonResponse({
        invitations: [{ id: 'i-1', email: 'old@example.org', role: 'mentee', invited_by: 'p-1', created_at: 1, expires_at: 2, state: 'accepted', group_id: null }],
      }),
      'GET /api/people/org-1/mentorships': jsonResponse({ mentorships: [{ id: 'm-1', mentor_id: 'p-3', mentee_id: 'p-4', started_at: 1, active: true }] }),
    });
    window.history.replaceState(null, '', '/people');
    const view = sessionView(['admin']);
    await renderApp(signedInState({ ...view, person: { ...view.person, id: 'p-1', locale: 'de' } }));
    await waitFor(() => expect(document.documentElement.lang).toBe('de'));
    await waitFor(() => expect(screen.getByRole('heading', { level: 1, name: 'Personen' })).toBeInTheDocument());
    expect(screen.getByText('Mitglieder von Grace Church, ihre Rollen, Gruppen und Mentoring.')).toBeInTheDocument();

    const table = await screen.findByRole('table', { name: 'Mitglieder' });
    expect(within(table).getAllByRole('columnheader').map((h) => h.textContent)).toEqual(['Name', 'E-Mail', 'Rollen', 'Beigetreten', 'Aktionen']);
    const row = within(table).getByRole('row', { name: /Ada/ });
    expect(within(row).getByText('(Sie)')).toBeInTheDocument();
    expect(within(row).getByRole('group', { name: 'Rollen von Ada' })).toBeInTheDocument();
    expect(within(row).getByRole('button', { name: 'Rollen speichern' })).toBeDisabled();

    expect(await screen.findByRole('heading', { name: 'Jemanden einladen' })).toBeInTheDocument();
    expect(within(screen.getByLabelText('Rolle')).getAllByRole('option').map((o) => o.textContent)).toEqual(['Mentee', 'Mentor', 'Pastor', 'Admin']);
    expect(screen.getByLabelText('Gruppe (optional)')).toBeInTheDocument();
    expect(await screen.findByText('Keine Einladung wartet auf eine Antwort.')).toBeInTheDocument();
    expect(screen.getByText('Frühere Einladungen (1)')).toBeInTheDocument();
    expect(screen.getByText(/^old@example\.org als Mentee: angenommen, /)).toBeInTheDocument();

    expect(await screen.findByText('geleitet von Pat')).toBeInTheDocument();
    expect(screen.getByRole('button', { name: 'Mitglieder anzeigen' })).toBeInTheDocument();
    expect(screen.getByRole('form', { name: 'Eine Gruppe anlegen' })).toBeInTheDocument();

    const mentoring = await screen.findByRole('table', { name: 'Mentoring' });
    expect(within(mentoring).getByRole('row', { name: /Mo/ })).toHaveTextContent('Aktiv');
    expect(within(mentoring).getByRole('button', { name: 'Beenden' })).toBeInTheDocument();
    expect(screen.getByRole('combobox', { name: 'Mentor' })).toHaveAttribute('placeholder', 'Mentor wählen …');

    expect(await screen.findByRole('heading', { name: 'Organisation' })).toBeInTheDocument();
    expect(screen.getByRole('checkbox', { name: 'Admins müssen sich mit einem zweiten Faktor anmelden' })).toBeInTheDocument();
    expect(screen.getByLabelText('Leerlaufzeit (Stunden)')).toHaveValue(336);
    expect(screen.getByRole('button', { name: 'Organisation speichern' })).toBeInTheDocument();
    expect(document.title).toContain('Personen');
  });
});
