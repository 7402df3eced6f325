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

type User = ReturnType<typeof userEvent.setup>;

/** Shows the people page's tab whose name starts with `name` (a count may follow it). */
async function openTab(user: User, name: string) {
  await user.click(await screen.findByRole('tab', { name: new RegExp(`^${name}`) }));
  expect(screen.getByRole('tab', { name: new RegExp(`^${name}`) })).toHaveAttribute('aria-selected', 'true');
}

/** The kit select labelled `label`: its button is named by its value, then its label. */
const selectButton = (label: string) => screen.getByRole('button', { name: new RegExp(` ${label}$`) });

/** The options the kit select labelled `label` offers, read from its open list, which is closed again. */
async function optionsOf(user: User, label: string) {
  await user.click(selectButton(label));
  const names = within(await screen.findByRole('listbox')).getAllByRole('option').map((o) => o.textContent);
  await user.keyboard('{Escape}');
  return names;
}

async function choose(user: User, label: string, option: string) {
  await user.click(selectButton(label));
  await user.click(await screen.findByRole('option', { name: option }));
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
    await openTab(user, 'Mentorships');
    await screen.findByRole('combobox', { name: 'Mentor' });
    expect(await mentors()).toEqual(['Mo']);
    await openTab(user, 'Members');
    await user.click(within(row).getByRole('checkbox', { name: 'Mentor' }));
    await user.click(within(row).getByRole('button', { name: 'Save roles' }));

    // Before the server answers, Sam is already offered as a mentor on the other tab.
    await openTab(user, 'Mentorships');
    expect(await mentors()).toEqual(['Mo', 'Sam']);
    answer.resolve(problemResponse(500, { title: 'Internal error', detail: 'the store is unavailable' }));

    // The members tab stays mounted while hidden: its row learns of the refusal there.
    await waitFor(() => expect(within(row).getByRole('alert', { hidden: true })).toHaveTextContent('the store is unavailable'));
    expect(await mentors()).toEqual(['Mo']);
    // Back on the members tab, the row says why and shows the roles as they were.
    await openTab(user, 'Members');
    expect(within(row).getByRole('alert')).toHaveTextContent('the store is unavailable');
    expect(within(row).getByRole('checkbox', { name: 'Mentor' })).not.toBeChecked();
    expect(within(row).getByRole('checkbox', { name: 'Mentee' })).toBeChecked();
    // Many steps through React Aria's overlays, which are slow under jsdom.
  }, 20_000);

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
    await openTab(user, 'Invitations');
    await user.type(await screen.findByLabelText('Email'), 'new@example.org');
    await choose(user, 'Role', 'Mentor');
    await choose(user, 'Group \\(optional\\)', 'Young adults');
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
    await openTab(user, 'Invitations');
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
    const user = userEvent.setup();
    await openTab(user, 'Invitations');
    expect(await optionsOf(user, 'Role')).toEqual(['Mentee', 'Mentor']);
    expect(await optionsOf(user, 'Group')).toEqual(['Young adults']);
    // A pastor has no organisation tab.
    expect(screen.getAllByRole('tab').map((tab) => tab.textContent?.replace(/\s*\d+$/, ''))).toEqual(['Members', 'Invitations', 'Groups', 'Mentorships']);
  });

  it('opens the tab the URL names, keeps a changed tab in the URL, and moves between tabs by arrow keys', async () => {
    routes();
    window.history.replaceState(null, '', '/people?tab=groups');
    await renderApp(signedInState({ ...sessionView(['admin']), person: { ...sessionView(['admin']).person, id: 'p-1' } }));
    expect(await screen.findByRole('tab', { name: 'Groups', selected: true })).toBeInTheDocument();
    expect(await screen.findByRole('form', { name: 'Create a group' })).toBeInTheDocument();
    expect(screen.queryByRole('table', { name: 'Members' })).toBeNull();

    const user = userEvent.setup();
    await user.click(screen.getByRole('tab', { name: 'Groups' }));
    await user.keyboard('{ArrowRight}');
    expect(screen.getByRole('tab', { name: 'Mentorships', selected: true })).toHaveFocus();
    await waitFor(() => expect(window.location.search).toBe('?tab=mentorships'));
    // The members tab is the page's own address.
    await user.keyboard('{Home}');
    await waitFor(() => expect(window.location.search).toBe(''));
    expect(screen.getByRole('table', { name: 'Members' })).toBeInTheDocument();
  });

  it('offers a filter by name or email once the list is long, and sorts by a column', async () => {
    const many = Array.from({ length: 12 }, (_, i) => ({
      person_id: `p-${i + 10}`,
      email: i === 7 ? 'theo@church.example' : `person${i}@example.org`,
      display_name: `Member ${String.fromCharCode(76 - i)}`,
      roles: ['mentee'],
      joined_at: 100 + i,
    }));
    routes({ 'GET /api/people/org-1/members': jsonResponse({ members: [...members, ...many] }) });
    await openAs(['admin']);
    const table = await screen.findByRole('table', { name: 'Members' });
    const names = () => within(table).getAllByRole('rowheader').map((cell) => cell.firstChild?.textContent);
    expect(names()).toHaveLength(16);
    const user = userEvent.setup();
    await user.type(screen.getByRole('searchbox', { name: 'Find a member' }), 'CHURCH.ex');
    expect(names()).toEqual(['Member E']);
    expect(screen.getByText('1 of 16 members match.')).toBeInTheDocument();
    await user.clear(screen.getByRole('searchbox', { name: 'Find a member' }));
    await user.type(screen.getByRole('searchbox', { name: 'Find a member' }), 'member ');
    await user.click(within(within(table).getByRole('columnheader', { name: /Name/ })).getByRole('button'));
    expect(names()).toEqual(['Member A', 'Member B', 'Member C', 'Member D', 'Member E', 'Member F', 'Member G', 'Member H', 'Member I', 'Member J', 'Member K', 'Member L']);
    await user.type(screen.getByRole('searchbox', { name: 'Find a member' }), 'zz');
    expect(screen.queryByRole('table', { name: 'Members' })).toBeNull();
    expect(screen.getByText('No member matches.')).toBeInTheDocument();
  }, 20_000);

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
    await openTab(userEvent.setup(), 'Mentorships');
    expect(await screen.findByRole('heading', { name: 'Could not load the mentorships' })).toBeInTheDocument();
    expect(requests.filter((r) => new URL(r.url).pathname === '/api/people/org-1/mentorships')).toHaveLength(4);
    expect(screen.getByText('the store is down')).toBeInTheDocument();
    expect(screen.getByRole('button', { name: 'Try again' })).toBeInTheDocument();
  });

  it('says so when there are no mentorships or invitations', async () => {
    routes();
    await openAs(['admin']);
    const user = userEvent.setup();
    await openTab(user, 'Mentorships');
    expect(await screen.findByText('No mentorships yet.')).toBeInTheDocument();
    await openTab(user, 'Invitations');
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
    const user = userEvent.setup();
    await openTab(user, 'Organisation');
    const field = await screen.findByLabelText("Admins' idle time (hours)");
    expect(field).toHaveValue(12);
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
    const user = userEvent.setup();
    await openTab(user, 'Organisation');
    const box = await screen.findByRole('checkbox', { name: 'Admins must sign in with a second factor' });
    expect(box).not.toBeChecked();
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
    expect(screen.queryByRole('tab', { name: 'Organisation' })).toBeNull();
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
    // The sort arrows are hidden from screen readers; the words are what counts.
    expect(within(table).getAllByRole('columnheader').map((h) => h.textContent?.replace(/[↕▲▼]/g, ''))).toEqual(['Name', 'E-Mail', 'Rollen', 'Beigetreten', 'Aktionen']);
    const row = within(table).getByRole('row', { name: /Ada/ });
    expect(within(row).getByText('(Sie)')).toBeInTheDocument();
    expect(within(row).getByRole('group', { name: 'Rollen von Ada' })).toBeInTheDocument();
    expect(within(row).getByRole('button', { name: 'Rollen speichern' })).toBeDisabled();
    const user = userEvent.setup();
    expect(screen.getByRole('tablist', { name: 'Bereiche der Personenseite' })).toBeInTheDocument();

    await openTab(user, 'Einladungen');
    expect(await screen.findByRole('heading', { name: 'Jemanden einladen' })).toBeInTheDocument();
    expect(await optionsOf(user, 'Rolle')).toEqual(['Mentee', 'Mentor', 'Pastor', 'Admin']);
    expect(selectButton('Gruppe \\(optional\\)')).toHaveTextContent('Keine Gruppe');
    expect(await screen.findByText('Keine Einladung wartet auf eine Antwort.')).toBeInTheDocument();
    expect(screen.getByText('Frühere Einladungen (1)')).toBeInTheDocument();
    expect(screen.getByText(/^old@example\.org als Mentee: angenommen, /)).toBeInTheDocument();

    await openTab(user, 'Gruppen');
    expect(await screen.findByText('geleitet von Pat')).toBeInTheDocument();
    expect(screen.getByRole('button', { name: 'Mitglieder anzeigen' })).toBeInTheDocument();
    expect(screen.getByRole('form', { name: 'Eine Gruppe anlegen' })).toBeInTheDocument();

    await openTab(user, 'Mentoring');
    const mentoring = await screen.findByRole('table', { name: 'Mentoring' });
    expect(within(mentoring).getByRole('row', { name: /Mo/ })).toHaveTextContent('Aktiv');
    expect(within(mentoring).getByRole('button', { name: 'Beenden' })).toBeInTheDocument();
    expect(screen.getByRole('combobox', { name: 'Mentor' })).toHaveAttribute('placeholder', 'Mentor wählen …');

    await openTab(user, 'Organisation');
    expect(await screen.findByRole('heading', { name: 'Organisation' })).toBeInTheDocument();
    expect(screen.getByRole('checkbox', { name: 'Admins müssen sich mit einem zweiten Faktor anmelden' })).toBeInTheDocument();
    expect(screen.getByLabelText('Leerlaufzeit (Stunden)')).toHaveValue(336);
    expect(screen.getByRole('button', { name: 'Organisation speichern' })).toBeInTheDocument();
    expect(document.title).toContain('Personen');
    // Many steps through React Aria's overlays, which are slow under jsdom.
  }, 20_000);
});
