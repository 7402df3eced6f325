// Tests for the sign-in page: problems in the person's words, throttling, the second step, SSO buttons and errors,
// setup hint.
import { screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it, vi } from 'vitest';
import { jsonResponse, problemResponse, routeFetch, sessionView } from '../test/http';
import { renderApp } from '../test/render';

function at(path: string) {
  window.history.replaceState(null, '', path);
}

async function fillAndSubmit(email = 'ada@example.org', password = 'correct horse battery') {
  const user = userEvent.setup();
  await user.type(screen.getByLabelText('Email'), email);
  await user.type(screen.getByLabelText('Password'), password);
  await user.click(screen.getByRole('button', { name: 'Sign in' }));
  return user;
}

describe('Sign-in page', () => {
  it('signs in and returns to the page the person came from', async () => {
    const { requests } = routeFetch({
      'GET /api/auth/setup': jsonResponse({ needed: false }),
      'POST /api/auth/sign-in': jsonResponse(sessionView(['admin'])),
      'GET /api/people/org-1/members': jsonResponse({ members: [] }),
      'GET /api/people/org-1/groups': jsonResponse({ groups: [] }),
      'GET /api/people/org-1/invitations': jsonResponse({ invitations: [] }),
      'GET /api/people/org-1/mentorships': jsonResponse({ mentorships: [] }),
    });
    at('/sign-in?return_to=%2Fpeople');
    await renderApp({ status: 'signed-out' });
    await fillAndSubmit();
    await waitFor(() => expect(window.location.pathname).toBe('/people'));
    expect(await screen.findByRole('heading', { level: 1, name: 'People' })).toBeInTheDocument();
    const signIn = requests.find((r) => r.url.endsWith('/api/auth/sign-in'));
    expect(await signIn?.json()).toEqual({ email: 'ada@example.org', password: 'correct horse battery' });
  });

  it('refuses to return to another site', async () => {
    routeFetch({ 'POST /api/auth/sign-in': jsonResponse(sessionView(['mentee'])) });
    at('/sign-in?return_to=%2F%2Fevil.example%2F');
    await renderApp({ status: 'signed-out' });
    await fillAndSubmit();
    await waitFor(() => expect(window.location.pathname).toBe('/'));
  });

  it("shows the problem's detail and keeps what was typed", async () => {
    routeFetch({ 'POST /api/auth/sign-in': problemResponse(401, { title: 'Not accepted', detail: 'wrong email or password' }) });
    at('/sign-in');
    await renderApp({ status: 'signed-out' });
    await fillAndSubmit('ada@example.org', 'nope-nope-nope');
    expect(await screen.findByRole('alert')).toHaveTextContent('wrong email or password');
    expect(screen.getByLabelText('Email')).toHaveValue('ada@example.org');
    expect(screen.getByLabelText('Password')).toHaveValue('nope-nope-nope');
  });

  it('puts field errors next to their fields', async () => {
    routeFetch({
      'POST /api/auth/sign-in': problemResponse(422, {
        title: 'Invalid request',
        errors: [{ field: 'email', message: 'must be an email address such as name@example.org' }],
      }),
    });
    at('/sign-in');
    await renderApp({ status: 'signed-out' });
    await fillAndSubmit('ada', 'x');
    await waitFor(() => expect(screen.getByLabelText('Email')).toHaveAttribute('aria-invalid', 'true'));
    expect(screen.getByLabelText('Email')).toHaveAccessibleDescription('must be an email address such as name@example.org');
  });

  it('says how long to wait after too many attempts, from Retry-After', async () => {
    routeFetch({ 'POST /api/auth/sign-in': problemResponse(429, { title: 'Too many requests' }, { 'retry-after': '120' }) });
    at('/sign-in');
    await renderApp({ status: 'signed-out' });
    await fillAndSubmit();
    expect(await screen.findByRole('alert')).toHaveTextContent('Please wait 2 minutes before trying again.');
    expect(screen.getByRole('button', { name: 'Sign in' })).toBeDisabled();
  });

  it('asks for a code when the account has a second factor, and signs in with it', async () => {
    const { requests } = routeFetch({
      'POST /api/auth/sign-in': jsonResponse({ challenge: 'p1.c1.secret', expires_in_seconds: 300 }, 202),
      'POST /api/auth/sign-in/second-factor': jsonResponse(sessionView(['mentee'])),
    });
    at('/sign-in?return_to=%2Fprofile');
    await renderApp({ status: 'signed-out' });
    const user = await fillAndSubmit();
    expect(await screen.findByRole('heading', { name: 'Enter your code' })).toBeInTheDocument();
    expect(screen.queryByLabelText('Password')).toBeNull();
    await user.type(screen.getByLabelText('Code'), ' 123456 ');
    await user.click(screen.getByRole('button', { name: 'Continue' }));
    await waitFor(() => expect(window.location.pathname).toBe('/profile'));
    const step = requests.find((r) => r.url.endsWith('/api/auth/sign-in/second-factor'));
    expect(await step?.json()).toEqual({ challenge: 'p1.c1.secret', code: '123456' });
  });

  it('marks a wrong code on its field, and starts again when the sign-in expired', async () => {
    let answers = [
      problemResponse(422, { title: 'Invalid request', errors: [{ field: 'code', message: 'is not the current code from your authenticator app' }] }),
      problemResponse(401, { title: 'Sign-in required' }),
    ];
    routeFetch({
      'POST /api/auth/sign-in': jsonResponse({ challenge: 'p1.c1.secret', expires_in_seconds: 300 }, 202),
      'POST /api/auth/sign-in/second-factor': () => {
        const [next, ...rest] = answers;
        answers = rest;
        return next!;
      },
    });
    at('/sign-in');
    await renderApp({ status: 'signed-out' });
    const user = await fillAndSubmit();
    await user.type(await screen.findByLabelText('Code'), '000000');
    await user.click(screen.getByRole('button', { name: 'Continue' }));
    await waitFor(() => expect(screen.getByLabelText('Code')).toHaveAttribute('aria-invalid', 'true'));
    expect(screen.getByLabelText('Code')).toHaveAccessibleDescription(/is not the current code/);
    await user.type(screen.getByLabelText('Code'), '111111');
    await user.click(screen.getByRole('button', { name: 'Continue' }));
    expect(await screen.findByRole('status')).toHaveTextContent('Please sign in again.');
    expect(screen.getByLabelText('Password')).toHaveValue('');
    expect(window.location.pathname).toBe('/sign-in');
  });

  it('says how long to wait after too many wrong codes, and holds the button until then', async () => {
    routeFetch({
      'POST /api/auth/sign-in': jsonResponse({ challenge: 'p1.c1.secret', expires_in_seconds: 300 }, 202),
      'POST /api/auth/sign-in/second-factor': problemResponse(429, { title: 'Too many requests' }, { 'retry-after': '90' }),
    });
    at('/sign-in');
    await renderApp({ status: 'signed-out' });
    const user = await fillAndSubmit();
    await user.type(await screen.findByLabelText('Code'), '123456');
    await user.click(screen.getByRole('button', { name: 'Continue' }));
    expect(await screen.findByRole('alert')).toHaveTextContent('Too many wrong codes. Please wait 2 minutes before trying again.');
    expect(screen.getByRole('button', { name: 'Continue' })).toBeDisabled();
  });

  it('takes the second step after a provider sign-in, whose challenge is in a cookie', async () => {
    const { requests } = routeFetch({ 'POST /api/auth/sign-in/second-factor': jsonResponse(sessionView(['mentee'])) });
    at('/sign-in?step=second-factor&return_to=%2Fprofile');
    await renderApp({ status: 'signed-out' });
    const user = userEvent.setup();
    await user.type(await screen.findByLabelText('Code'), 'abcd-efgh-ijkl');
    await user.click(screen.getByRole('button', { name: 'Continue' }));
    await waitFor(() => expect(window.location.pathname).toBe('/profile'));
    const step = requests.find((r) => r.url.endsWith('/api/auth/sign-in/second-factor'));
    expect(await step?.json()).toEqual({ code: 'abcd-efgh-ijkl' });
  });

  it('offers a button per SSO provider, returning to the same page', async () => {
    routeFetch({ 'GET /api/auth/providers': jsonResponse([{ id: 'google', name: 'Google' }, { id: 'bad' }]) });
    at('/sign-in?return_to=%2Faudit');
    await renderApp({ status: 'signed-out' });
    const link = await screen.findByRole('link', { name: 'Google' });
    expect(link).toHaveAttribute('href', '/api/auth/sso/google/start?return_to=%2Faudit');
    expect(screen.getAllByRole('link').filter((l) => l.getAttribute('href')?.includes('/sso/'))).toHaveLength(1);
  });

  it('shows no SSO section when the server has no providers endpoint (404)', async () => {
    const { requests } = routeFetch({});
    at('/sign-in');
    await renderApp({ status: 'signed-out' });
    await waitFor(() => expect(requests.some((r) => r.url.endsWith('/api/auth/providers'))).toBe(true));
    expect(screen.queryByRole('heading', { name: 'Or sign in with' })).toBeNull();
  });

  it.each([
    ['sso_cancelled', 'was cancelled'],
    ['sso_no_account', 'no Emmaus account'],
    ['sso_unverified_email', 'has not verified your email'],
    ['sso_expired', 'expired'],
    ['sso_failed', 'did not work'],
  ])('explains ?error=%s', async (code, text) => {
    routeFetch({});
    at(`/sign-in?error=${code}`);
    await renderApp({ status: 'signed-out' });
    expect(screen.getByRole('alert')).toHaveTextContent(text);
  });

  it('points to first-run setup while it is open', async () => {
    routeFetch({ 'GET /api/auth/setup': jsonResponse({ needed: true }) });
    at('/sign-in');
    await renderApp({ status: 'signed-out' });
    expect(await screen.findByRole('link', { name: 'Set up your organisation' })).toHaveAttribute('href', '/setup');
  });

  it("speaks the browser's language to a visitor", async () => {
    vi.spyOn(navigator, 'language', 'get').mockReturnValue('de-DE');
    routeFetch({});
    at('/sign-in?error=sso_expired');
    await renderApp({ status: 'signed-out' });
    // The page is drawn again once the language has loaded.
    await waitFor(() => expect(document.documentElement.lang).toBe('de-DE'));
    await waitFor(() => expect(screen.getByRole('heading', { level: 1, name: 'Anmelden' })).toBeInTheDocument());
    expect(screen.getByLabelText('E-Mail')).toBeInTheDocument();
    expect(screen.getByLabelText('Passwort')).toBeInTheDocument();
    expect(screen.getByRole('alert')).toHaveTextContent('Die Anmeldung hat zu lange gedauert');
    expect(screen.getByRole('link', { name: 'Passwort vergessen?' })).toHaveAttribute('href', '/forgot-password');
  });
});
