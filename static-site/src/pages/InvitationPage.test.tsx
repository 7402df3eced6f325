// Tests for accepting an invitation: the preview, each ended state, and joining as a new account or signed in.
import { screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it, vi } from 'vitest';
import { jsonResponse, problemResponse, routeFetch, sessionView } from '../test/http';
import { renderApp } from '../test/render';

const preview = { organisation: 'Grace Church', email: 'sam@example.org', role: 'mentee', state: 'pending' };

async function open(token = 'tok123') {
  window.history.replaceState(null, '', `/invitation#token=${token}`);
  await renderApp({ status: 'signed-out' });
}

describe('Invitation page', () => {
  it('previews the invitation and joins with a name and a new password', async () => {
    const { requests } = routeFetch({
      'POST /api/auth/invitations/preview': jsonResponse(preview),
      'POST /api/auth/invitations/accept': jsonResponse(sessionView(['mentee'])),
    });
    await open();
    expect(await screen.findByTestId('invitation-preview')).toHaveTextContent('Grace Church');
    expect(screen.getByTestId('invitation-preview')).toHaveTextContent('mentee');
    const user = userEvent.setup();
    await user.type(screen.getByLabelText('Your name'), 'Sam');
    await user.type(screen.getByLabelText('Choose a password', { exact: false }), 'long enough passphrase');
    await user.type(screen.getByLabelText('Repeat the password'), 'long enough passphrase');
    await user.click(screen.getByRole('button', { name: 'Join Grace Church' }));
    await waitFor(() => expect(window.location.pathname).toBe('/'));
    expect(await screen.findByTestId('greeting')).toHaveTextContent('Ada');
    const accept = requests.find((r) => r.url.endsWith('/accept'));
    expect(await accept?.json()).toEqual({ token: 'tok123', password: 'long enough passphrase', display_name: 'Sam' });
    const sent = requests.find((r) => r.url.endsWith('/preview'));
    expect(await sent?.json()).toEqual({ token: 'tok123' });
  });

  it('offers to sign in first, and never asks for an existing account\'s password', async () => {
    routeFetch({ 'POST /api/auth/invitations/preview': jsonResponse(preview) });
    await open();
    const offer = await screen.findByTestId('invitation-existing');
    expect(offer).toHaveTextContent('Already have an Emmaus account as sam@example.org?');
    expect(screen.getByRole('link', { name: 'Sign in first' })).toHaveAttribute(
      'href',
      `/sign-in?return_to=${encodeURIComponent('/invitation#token=tok123')}`,
    );
    expect(screen.queryByLabelText('Your password')).toBeNull();
  });

  it('joins with the session of the invited address, sending no password', async () => {
    const { requests } = routeFetch({
      'POST /api/auth/invitations/preview': jsonResponse({ ...preview, email: 'ada@example.org' }),
      'POST /api/auth/invitations/accept': jsonResponse(sessionView(['mentee'])),
    });
    window.history.replaceState(null, '', '/invitation#token=tok123');
    await renderApp({ status: 'signed-in', session: sessionView(['admin']), orgId: 'org-1' });
    const user = userEvent.setup();
    await user.click(await screen.findByRole('button', { name: 'Join Grace Church' }));
    await waitFor(() => expect(window.location.pathname).toBe('/'));
    const accept = requests.find((r) => r.url.endsWith('/accept'));
    expect(await accept?.json()).toEqual({ token: 'tok123' });
    expect(screen.queryByLabelText('Your name')).toBeNull();
  });

  it('does not send mismatched passwords', async () => {
    const { requests } = routeFetch({ 'POST /api/auth/invitations/preview': jsonResponse(preview) });
    await open();
    const user = userEvent.setup();
    await user.type(await screen.findByLabelText('Your name'), 'Sam');
    await user.type(screen.getByLabelText('Choose a password', { exact: false }), 'long enough passphrase');
    await user.type(screen.getByLabelText('Repeat the password'), 'something else entirely');
    await user.click(screen.getByRole('button', { name: 'Join Grace Church' }));
    expect(screen.getByLabelText('Repeat the password')).toHaveAccessibleDescription('does not match the password');
    expect(requests.some((r) => r.url.endsWith('/accept'))).toBe(false);
    expect(screen.getByLabelText('Your name')).toHaveValue('Sam');
  });

  it.each([
    ['accepted', 'This invitation has been used'],
    ['revoked', 'This invitation was withdrawn'],
    ['expired', 'This invitation has expired'],
  ])('explains an invitation that is %s', async (state, heading) => {
    routeFetch({ 'POST /api/auth/invitations/preview': jsonResponse({ ...preview, state }) });
    await open();
    expect(await screen.findByRole('heading', { name: heading })).toBeInTheDocument();
    expect(screen.queryByRole('button', { name: /Join/ })).toBeNull();
  });

  it('explains an unknown link (401) and a link without a token', async () => {
    routeFetch({ 'POST /api/auth/invitations/preview': problemResponse(401) });
    await open();
    expect(await screen.findByRole('heading', { name: 'This invitation link is not valid' })).toBeInTheDocument();
  });

  it('says the invitation was used when accepting answers 409', async () => {
    routeFetch({
      'POST /api/auth/invitations/preview': jsonResponse(preview),
      'POST /api/auth/invitations/accept': problemResponse(409, { detail: 'already used' }),
    });
    await open();
    const user = userEvent.setup();
    await user.type(await screen.findByLabelText('Your name'), 'Sam');
    await user.type(screen.getByLabelText('Choose a password', { exact: false }), 'long enough passphrase');
    await user.type(screen.getByLabelText('Repeat the password'), 'long enough passphrase');
    await user.click(screen.getByRole('button', { name: 'Join Grace Church' }));
    expect(await screen.findByRole('heading', { name: 'This invitation has been used' })).toBeInTheDocument();
  });

  it("speaks the browser's language to a visitor", async () => {
    vi.spyOn(navigator, 'language', 'get').mockReturnValue('de-DE');
    routeFetch({ 'POST /api/auth/invitations/preview': jsonResponse(preview) });
    await open();
    // The page is drawn again once the language has loaded.
    await waitFor(() => expect(document.documentElement.lang).toBe('de-DE'));
    await waitFor(() => expect(screen.getByRole('heading', { level: 1, name: 'Ihre Einladung' })).toBeInTheDocument());
    const facts = await screen.findByTestId('invitation-preview');
    expect(facts).toHaveTextContent('Rolle');
    expect(facts).toHaveTextContent('Mentee');
    expect(screen.getByTestId('invitation-existing')).toHaveTextContent('Sie haben schon ein Emmaus-Konto als sam@example.org?');
    expect(screen.getByRole('link', { name: 'Melden Sie sich zuerst an' })).toHaveAttribute(
      'href',
      `/sign-in?return_to=${encodeURIComponent('/invitation#token=tok123')}`,
    );
    expect(screen.getByLabelText('Ihr Name')).toBeInTheDocument();
    expect(screen.getByLabelText('Passwort wählen', { exact: false })).toBeInTheDocument();
    expect(screen.getByLabelText('Passwort wiederholen')).toBeInTheDocument();
    expect(screen.getByRole('button', { name: 'Grace Church beitreten' })).toBeInTheDocument();
  });
});
