// The profile's language and time zone: chosen from lists, saved together, and the page drawn again in them.
import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { jsonResponse, problemResponse, routeFetch, sessionView } from '../test/http';
import { renderApp, signedInState } from '../test/render';

describe('Language and time zone', () => {
  async function open(patch: (request: Request) => Response | Promise<Response>) {
    const view = sessionView(['mentee']);
    const routes = routeFetch({ 'PATCH /api/auth/profile': patch });
    window.history.replaceState(null, '', '/profile');
    await renderApp(signedInState(view));
    const form = await screen.findByRole('form', { name: 'Language and time zone' });
    return { routes, form, view };
  }

  it('saves a language and a zone, and the app speaks it at once', async () => {
    const view = sessionView(['mentee']);
    const { routes, form } = await open(async (request) => {
      const body = (await request.json()) as { locale: string; time_zone: string };
      return jsonResponse({ ...view, person: { ...view.person, locale: body.locale, time_zone: body.time_zone } });
    });
    const user = userEvent.setup();
    await user.click(within(form).getByRole('button', { name: / Language and region$/ }));
    await user.click(await screen.findByRole('option', { name: 'Deutsch' }));
    await user.type(within(form).getByRole('combobox', { name: 'Time zone' }), 'Europe/Berl');
    await user.click(await screen.findByRole('option', { name: 'Europe/Berlin' }));
    await user.click(within(form).getByRole('button', { name: 'Save language and time zone' }));

    await waitFor(() => expect(screen.getByRole('heading', { level: 2, name: 'Sprache und Zeitzone' })).toBeInTheDocument());
    // The confirmation outlives the page being drawn again, and speaks the new language.
    expect(await within(await screen.findByRole('region', { name: 'Benachrichtigungen' })).findByText('Gespeichert.')).toBeInTheDocument();
    const patch = routes.requests.find((r) => r.method === 'PATCH');
    expect(await patch?.json()).toEqual({ locale: 'de', time_zone: 'Europe/Berlin' });
  });

  it("shows the server's reason next to the field it names, and keeps the choice", async () => {
    const { form } = await open(() =>
      problemResponse(422, { title: 'Invalid', errors: [{ field: 'time_zone', message: 'must be a time zone name such as Europe/Berlin' }] }),
    );
    const user = userEvent.setup();
    await user.type(within(form).getByRole('combobox', { name: 'Time zone' }), 'Asia/Tok');
    await user.click(await screen.findByRole('option', { name: 'Asia/Tokyo' }));
    await user.click(within(form).getByRole('button', { name: 'Save language and time zone' }));
    expect(await within(form).findByText('must be a time zone name such as Europe/Berlin')).toBeInTheDocument();
    expect(within(form).getByRole('combobox', { name: 'Time zone' })).toHaveValue('Asia/Tokyo');
  });
});
