// Tests for the app shell: landmarks, role-filtered navigation, guarded routes and client-side routing.
import { cleanup, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { jsonResponse, okReport, problemResponse, routeFetch, sessionView } from './test/http';
import { renderApp, signedInState } from './test/render';

const navLinks = () => within(screen.getByRole('navigation', { name: 'Main' })).queryAllByRole('link').map((link) => link.textContent);

describe('App shell', () => {
  it('renders the header and home page, and offers a signed-out visitor only Sign in', async () => {
    routeFetch({});
    await renderApp({ status: 'signed-out' });
    expect(within(screen.getByRole('banner')).getByRole('link', { name: 'Emmaus' })).toBeInTheDocument();
    expect(navLinks()).toEqual(['Sign in']);
    expect(screen.getByRole('heading', { level: 1, name: 'Welcome to Emmaus' })).toBeInTheDocument();
    for (const tool of ['Learning Planner', 'Knowledge Hub', 'Session Builder']) {
      expect(screen.getByRole('heading', { name: tool })).toBeInTheDocument();
    }
  });

  it('asks the server who is signed in and shows the navigation of their role', async () => {
    routeFetch({ 'GET /api/auth/session': jsonResponse(sessionView(['admin'])) });
    await renderApp();
    await waitFor(() => expect(navLinks()).toEqual(['Home', 'Planner', 'Hub', 'Sessions', 'People', 'Audit', 'System status']));
    expect(screen.getByTestId('signed-in-as')).toHaveTextContent('Ada');
    expect(screen.getByTestId('current-org')).toHaveTextContent('Grace Church');
  });

  it('tells an admin whose organisation requires a second factor to set one up, and only them', async () => {
    const missing = { ...sessionView(['admin']), second_factor: { enabled: false, recovery_codes_left: 0, required_by: ['Grace Church'] } };
    routeFetch({ 'GET /api/auth/session': jsonResponse(missing) });
    await renderApp();
    const banner = await screen.findByTestId('second-factor-banner');
    expect(banner).toHaveTextContent('Grace Church requires its admins to sign in with a second factor.');
    expect(within(banner).getByRole('link', { name: 'Set one up on your profile' })).toHaveAttribute('href', '/profile');
  });

  it('shows no second-factor banner to an admin who has one', async () => {
    const enabled = { ...sessionView(['admin']), second_factor: { enabled: true, recovery_codes_left: 10, required_by: ['Grace Church'] } };
    routeFetch({ 'GET /api/auth/session': jsonResponse(enabled) });
    await renderApp();
    await waitFor(() => expect(screen.getByTestId('signed-in-as')).toHaveTextContent('Ada'));
    expect(screen.queryByTestId('second-factor-banner')).toBeNull();
  });

  it('adds the Dev outbox link when the outbox answers', async () => {
    routeFetch({
      'GET /api/auth/session': jsonResponse(sessionView(['admin'])),
      'GET /api/auth/outbox': jsonResponse({ messages: [], next: null }),
    });
    await renderApp();
    await waitFor(() => expect(navLinks()).toEqual(['Home', 'Planner', 'Hub', 'Sessions', 'People', 'Audit', 'System status', 'Dev outbox']));
  });

  it('navigates to System status without a page load and moves focus to its heading', async () => {
    routeFetch({ 'GET /api/health': jsonResponse(okReport) });
    const user = userEvent.setup();
    await renderApp({ status: 'signed-out' });

    await user.click(within(screen.getByRole('main')).getByRole('link', { name: 'System status' }));

    expect(window.location.pathname).toBe('/status');
    const heading = await screen.findByRole('heading', { level: 1, name: 'System status' });
    await waitFor(() => expect(heading).toHaveFocus());
    expect(document.title).toBe('System status · Emmaus');
    expect(await screen.findByRole('table', { name: 'Checks' })).toBeInTheDocument();
  });

  it('shows the not-found page for an unknown path', async () => {
    routeFetch({});
    window.history.replaceState(null, '', '/no-such-page');
    await renderApp({ status: 'signed-out' });
    expect(screen.getByRole('heading', { level: 1, name: 'Page not found' })).toBeInTheDocument();
    expect(screen.getByText('/no-such-page')).toBeInTheDocument();
    expect(within(screen.getByRole('navigation', { name: 'Main' })).queryByRole('link', { current: 'page' })).toBeNull();
  });

  it('treats a trailing slash as the same page', async () => {
    routeFetch({ 'GET /api/health': jsonResponse(okReport) });
    window.history.replaceState(null, '', '/status/');
    await renderApp({ status: 'signed-out' });
    expect(screen.getByRole('heading', { level: 1, name: 'System status' })).toBeInTheDocument();
  });

  it('sends a signed-out visitor of a private page to sign in, remembering the page', async () => {
    routeFetch({ 'GET /api/auth/session': problemResponse(401), 'POST /api/auth/refresh': problemResponse(401) });
    window.history.replaceState(null, '', '/people?tab=groups');
    await renderApp();
    await waitFor(() => expect(window.location.pathname).toBe('/sign-in'));
    expect(new URLSearchParams(window.location.search).get('return_to')).toBe('/people?tab=groups');
    expect(await screen.findByRole('heading', { level: 1, name: 'Sign in' })).toBeInTheDocument();
  });

  it('shows "not allowed" on a page the role may not use, without asking the server', async () => {
    const { requests } = routeFetch({});
    window.history.replaceState(null, '', '/people');
    await renderApp(signedInState(sessionView(['mentee'])));
    expect(screen.getByRole('heading', { level: 1, name: 'Not allowed' })).toBeInTheDocument();
    expect(screen.getByTestId('not-allowed')).toHaveTextContent('People');
    expect(requests.some((r) => r.url.includes('/api/people/'))).toBe(false);
  });

  it('switches organisation by remembering it on the server and reloading the page for it', async () => {
    const both = sessionView(['admin'], [{ id: 'org-2', name: 'Hope Chapel', roles: ['mentee'] }]);
    const { requests } = routeFetch({
      'PATCH /api/auth/profile': () => jsonResponse({ ...both, current_org: 'org-2' }),
    });
    const user = userEvent.setup();
    await renderApp(signedInState(both));
    expect(navLinks()).toContain('People');

    await user.click(await screen.findByRole('button', { name: /Grace Church/ }));
    await user.click(await screen.findByRole('option', { name: 'Hope Chapel' }));

    await waitFor(() => expect(navLinks()).not.toContain('People'));
    const patch = requests.find((r) => r.method === 'PATCH');
    expect(await patch?.json()).toEqual({ last_org: 'org-2' });
  });

  it("speaks the person's language and writes times in their zone", async () => {
    const view = sessionView(['admin']);
    routeFetch({});
    await renderApp(signedInState({ ...view, person: { ...view.person, locale: 'de-CH', time_zone: 'Asia/Tokyo' } }));
    const german = () => within(screen.getByRole('navigation', { name: 'Hauptnavigation' })).getAllByRole('link').map((l) => l.textContent);
    await waitFor(() => expect(german()).toEqual(['Start', 'Planer', 'Hub', 'Treffen', 'Personen', 'Protokoll', 'Systemstatus']));
    expect(screen.getByRole('link', { name: 'Zum Hauptinhalt springen' })).toBeInTheDocument();
    expect(document.documentElement.lang).toBe('de-CH');
    // 2026-01-01T00:00Z is nine in the morning in Tokyo, written the Swiss German way.
    const { formatDateTime } = await import('./time');
    expect(formatDateTime(Date.UTC(2026, 0, 1))).toBe('01.01.2026, 09:00');
  });

  it('gives each role its home: the modules for everyone, the organisation for admins and pastors', async () => {
    routeFetch({});
    await renderApp(signedInState(sessionView(['admin'])));
    expect(await screen.findByRole('heading', { name: 'Your tools' })).toBeInTheDocument();
    expect(screen.getByRole('link', { name: /Audit: everything that changed/ })).toHaveAttribute('href', '/audit');
    cleanup();

    await renderApp(signedInState(sessionView(['mentee'])));
    expect(await screen.findByRole('heading', { name: 'Your tools' })).toBeInTheDocument();
    expect(screen.getByRole('link', { name: 'Knowledge Hub' })).toHaveAttribute('href', '/hub');
    expect(screen.queryByRole('heading', { name: 'Your organisation' })).toBeNull();
  });

  it('sends a search to the hub, whose library takes up the words and asks for them', async () => {
    const found = {
      total: 1,
      offset: 0,
      limit: 20,
      facets: { kind: [{ value: 'note', count: 1 }] },
      items: [
        {
          resource: {
            id: 'r-1', kind: 'note', title: 'Grace alone', description: '', tags: ['theology/grace'], collection: null,
            author_id: 'p-2', source: 'direct', visibility: { scope: 'organisation' }, created_at: 0, updated_at: 0,
            updated_by: 'p-2', url: null, version: 1,
          },
          title: [{ text: 'Grace', hit: true }, { text: ' alone', hit: false }],
          snippet: [],
        },
      ],
    };
    const { requests } = routeFetch({ 'GET /api/hub/org-1/resources': Response.json(found) });
    const user = userEvent.setup();
    await renderApp(signedInState(sessionView(['mentor'])));
    await user.type(within(screen.getByRole('search', { name: undefined })).getByRole('searchbox', { name: 'Search' }), 'grace{Enter}');
    expect(await screen.findByRole('heading', { level: 1, name: 'Knowledge Hub' })).toBeInTheDocument();
    expect(new URLSearchParams(window.location.search).get('q')).toBe('grace');
    expect(screen.getByRole('searchbox', { name: 'Search the library' })).toHaveValue('grace');
    const link = await screen.findByRole('link', { name: 'Grace alone' });
    expect(link).toHaveAttribute('href', '/hub/r-1');
    expect(link.querySelector('mark')).toHaveTextContent('Grace');
    const asked = requests.map((r) => new URL(r.url)).find((u) => u.pathname === '/api/hub/org-1/resources');
    expect(asked?.searchParams.get('q')).toBe('grace');
  });

  it('signs out from the account menu', async () => {
    const { requests } = routeFetch({ 'POST /api/auth/sign-out': new Response(null, { status: 204 }) });
    const user = userEvent.setup();
    await renderApp(signedInState(sessionView(['mentee'])));
    await user.click(await screen.findByRole('button', { name: 'Signed in as Ada' }));
    await user.click(await screen.findByRole('menuitem', { name: 'Sign out' }));
    await waitFor(() => expect(window.location.pathname).toBe('/sign-in'));
    expect(requests.some((r) => r.method === 'POST' && new URL(r.url).pathname === '/api/auth/sign-out')).toBe(true);
    expect(await screen.findByRole('navigation', { name: 'Main' })).toBeInTheDocument();
  });
});
