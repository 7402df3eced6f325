// Tests for the profile's second factor: setting up with a QR code, the recovery codes shown once, a sign-in too old to
// set up, and what an organisation's requirement changes.
import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { jsonResponse, problemResponse, routeFetch, sessionView } from '../test/http';
import { renderApp, signedInState } from '../test/render';
import { groupSecret } from './SecondFactorSection';

const SECRET = 'JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP';
const CODES = ['abcd-efgh-ijkl', 'mnop-qrst-uvwx'];

function at(path: string) {
  window.history.replaceState(null, '', path);
}

function section() {
  return screen.getByRole('region', { name: 'Second factor' });
}

describe('Second factor on the profile', () => {
  it('groups the key by four for typing', async () => {
    expect(groupSecret('ABCDEFGHIJ')).toBe('ABCD EFGH IJ');
    expect(groupSecret('ABCDEFGH')).toBe('ABCD EFGH');
  });

  it('sets up an app: QR code and key, a code to prove it, then the recovery codes once', async () => {
    const enabled = { ...sessionView(['mentee']), second_factor: { enabled: true, recovery_codes_left: 10, required_by: [] } };
    const { requests } = routeFetch({
      'POST /api/auth/second-factor/setup': jsonResponse({ secret: SECRET, otpauth_uri: `otpauth://totp/Emmaus:ada%40example.org?secret=${SECRET}&issuer=Emmaus` }),
      'POST /api/auth/second-factor/setup/confirm': jsonResponse({ recovery_codes: CODES }),
      'GET /api/auth/session': jsonResponse(enabled),
    });
    at('/profile');
    await renderApp(signedInState(sessionView(['mentee'])));
    const user = userEvent.setup();
    await user.click(within(section()).getByRole('button', { name: 'Set up an authenticator app' }));
    expect(await screen.findByRole('img', { name: 'QR code to scan with your authenticator app' })).toBeInTheDocument();
    expect(screen.getByTestId('second-factor-secret')).toHaveTextContent('JBSW Y3DP EHPK 3PXP JBSW Y3DP EHPK 3PXP');
    await user.type(screen.getByLabelText('Code from the app'), '123456');
    await user.click(screen.getByRole('button', { name: 'Turn on' }));
    const codes = await screen.findByTestId('recovery-codes');
    expect(within(codes).getAllByRole('listitem').map((li) => li.textContent)).toEqual(CODES);
    expect(within(codes).getByRole('link', { name: 'Download as text' }).getAttribute('href')).toContain(encodeURIComponent(CODES[0]!));
    const confirm = requests.find((r) => r.url.endsWith('/setup/confirm'));
    expect(await confirm?.json()).toEqual({ code: '123456' });

    await user.click(within(codes).getByRole('button', { name: 'I have saved them' }));
    expect(await screen.findByTestId('second-factor-status')).toHaveTextContent('You have 10 unused recovery codes.');
    expect(screen.queryByTestId('recovery-codes')).toBeNull();
  });

  it('shows a wrong code on its field and keeps the setup open', async () => {
    routeFetch({
      'POST /api/auth/second-factor/setup': jsonResponse({ secret: SECRET, otpauth_uri: `otpauth://totp/Emmaus:a?secret=${SECRET}` }),
      'POST /api/auth/second-factor/setup/confirm': problemResponse(422, {
        title: 'Invalid request',
        errors: [{ field: 'code', message: "is not the code your app shows now; check that the phone's clock is right and try again" }],
      }),
    });
    at('/profile');
    await renderApp(signedInState(sessionView(['mentee'])));
    const user = userEvent.setup();
    await user.click(await screen.findByRole('button', { name: 'Set up an authenticator app' }));
    await user.type(await screen.findByLabelText('Code from the app'), '000000');
    await user.click(screen.getByRole('button', { name: 'Turn on' }));
    await waitFor(() => expect(screen.getByLabelText('Code from the app')).toHaveAccessibleDescription(/phone's clock/));
    expect(screen.getByRole('img', { name: /QR code/ })).toBeInTheDocument();
  });

  it('asks for a fresh sign-in when the session is older than ten minutes', async () => {
    routeFetch({
      'POST /api/auth/second-factor/setup': problemResponse(401, { title: 'Not accepted', detail: 'sign in again, then set up your second factor within ten minutes' }),
      'POST /api/auth/refresh': jsonResponse({}),
    });
    at('/profile');
    await renderApp(signedInState(sessionView(['mentee'])));
    const user = userEvent.setup();
    await user.click(await screen.findByRole('button', { name: 'Set up an authenticator app' }));
    expect(await screen.findByRole('alert')).toHaveTextContent('set up your second factor within ten minutes');
    expect(within(section()).getByRole('button', { name: 'Sign in again' })).toBeInTheDocument();
  });

  it('keeps it on, without a way to turn it off, while an organisation requires it', async () => {
    const required = { ...sessionView(['admin']), second_factor: { enabled: true, recovery_codes_left: 2, required_by: ['Grace Church'] } };
    routeFetch({});
    at('/profile');
    await renderApp(signedInState(required));
    expect(await screen.findByTestId('second-factor-status')).toHaveTextContent('2 unused recovery codes');
    expect(within(section()).getByText(/running out of recovery codes/)).toBeInTheDocument();
    expect(within(section()).queryByRole('button', { name: 'Turn off the second factor' })).toBeNull();
    expect(within(section()).getByText(/Grace Church requires its admins/)).toBeInTheDocument();
  });

  it('tells an admin without one that an organisation requires it', async () => {
    const missing = { ...sessionView(['admin']), second_factor: { enabled: false, recovery_codes_left: 0, required_by: ['Grace Church'] } };
    routeFetch({});
    at('/profile');
    await renderApp(signedInState(missing));
    expect(await screen.findByTestId('second-factor-required')).toHaveTextContent('you cannot act as an admin there');
  });

  it('renews the recovery codes with a code, and shows the new ones', async () => {
    const enabled = { ...sessionView(['mentee']), second_factor: { enabled: true, recovery_codes_left: 9, required_by: [] } };
    const { requests } = routeFetch({ 'POST /api/auth/second-factor/recovery-codes': jsonResponse({ recovery_codes: CODES }) });
    at('/profile');
    await renderApp(signedInState(enabled));
    const user = userEvent.setup();
    const renew = await screen.findByRole('form', { name: 'Make new recovery codes' });
    await user.type(within(renew).getByLabelText('Code'), '654321');
    await user.click(within(renew).getByRole('button', { name: 'Make new recovery codes' }));
    expect(await screen.findByTestId('recovery-codes')).toHaveTextContent(CODES[1]!);
    const sent = requests.find((r) => r.url.endsWith('/recovery-codes'));
    expect(await sent?.json()).toEqual({ code: '654321' });
  });

  it("speaks the person's language on the whole profile", async () => {
    const view = sessionView(['admin']);
    const german = { ...view, person: { ...view.person, locale: 'de' }, second_factor: { enabled: true, recovery_codes_left: 1, required_by: ['Grace Church'] } };
    routeFetch({});
    at('/profile');
    await renderApp(signedInState(german));
    await waitFor(() => expect(document.documentElement.lang).toBe('de'));
    await waitFor(() => expect(screen.getByRole('heading', { level: 1, name: 'Profil' })).toBeInTheDocument());
    expect(document.title).toBe('Profil · Emmaus');
    expect(screen.getByRole('heading', { name: 'Ihr Name' })).toBeInTheDocument();
    expect(screen.getByRole('button', { name: 'Namen speichern' })).toBeInTheDocument();
    expect(screen.getByLabelText('Aktuelles Passwort')).toBeInTheDocument();
    expect(screen.getByRole('button', { name: 'Überall abmelden' })).toBeInTheDocument();
    const factor = screen.getByRole('region', { name: 'Zweiter Faktor' });
    expect(within(factor).getByTestId('second-factor-status')).toHaveTextContent('An Die Anmeldung verlangt einen Code aus Ihrer Authenticator-App. Sie haben 1 unbenutzten Wiederherstellungscode.');
    expect(within(factor).getByRole('form', { name: 'Neue Wiederherstellungscodes erstellen' })).toBeInTheDocument();
    expect(within(factor).getByText(/Grace Church verlangt von seinen Admins einen zweiten Faktor/)).toBeInTheDocument();
  });
});
