// Tests for a session's private links in the composer: none yet says so; a link made for anyone is shown once with the
// count of hub resources its readers will miss, and listed; the server's refusal is shown on the form; revoking one
// lists it no more.
import { render, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { QueryProvider } from '../api/QueryProvider';
import { jsonResponse, problemResponse, routeFetch } from '../test/http';
import { LinksPanel } from './LinksPanel';

const LINKS = '/api/sessions/org-1/sessions/s-1/links';
const visitors = {
  id: 'l-1', label: 'Visitors', sign_in: false, expires_at: '2027-03-18T12:00:00Z', created_at: '2027-03-04T12:00:00Z', created_by: 'p-1',
};

function panel(routes: Parameters<typeof routeFetch>[0]) {
  const fetched = routeFetch(routes);
  render(
    <QueryProvider>
      <LinksPanel orgId="org-1" sessionId="s-1" />
    </QueryProvider>,
  );
  return { user: userEvent.setup(), requests: fetched.requests };
}

describe('Private links', () => {
  it('makes a link for anyone, shows its address once with what its readers miss, and lists it', async () => {
    let listed: unknown[] = [];
    const { user, requests } = panel({
      [`GET ${LINKS}`]: () => jsonResponse({ links: listed }),
      [`POST ${LINKS}`]: () => {
        listed = [visitors];
        return jsonResponse({ link: visitors, url: 'https://emmaus.test/follow#token=abc', hidden_from_readers: ['b-1', 'b-2'] }, 201);
      },
    });
    expect(await screen.findByText('No links yet.')).toBeInTheDocument();
    await user.type(screen.getByLabelText(/^Label/), 'Visitors');
    await user.selectOptions(screen.getByLabelText('Works for'), '30 days');
    await user.click(screen.getByLabelText('Anyone with the link may follow, without signing in'));
    await user.click(screen.getByRole('button', { name: 'Make a link' }));
    expect(await screen.findByDisplayValue('https://emmaus.test/follow#token=abc')).toBeInTheDocument();
    expect(screen.getByText('2 hub resource blocks will show as not available to those following without signing in.')).toBeInTheDocument();
    const sent = requests.find((r) => r.method === 'POST');
    expect(await sent?.json()).toEqual({ label: 'Visitors', days: 30, sign_in: false });
    const list = await screen.findByRole('list', { name: 'Links that work' });
    expect(within(list).getByText('Visitors')).toBeInTheDocument();
    expect(within(list).getByText(/anyone with it/)).toBeInTheDocument();
  });

  it("shows the server's refusal and, revoked, lists the link no more", async () => {
    let listed: unknown[] = [visitors];
    const { user } = panel({
      [`GET ${LINKS}`]: () => jsonResponse({ links: listed }),
      [`POST ${LINKS}`]: problemResponse(409, { title: 'Conflict', detail: 'a session has at most 10 links at once; revoke one first' }),
      [`DELETE ${LINKS}/l-1`]: () => {
        listed = [];
        return new Response(null, { status: 204 });
      },
    });
    await screen.findByRole('list', { name: 'Links that work' });
    await user.click(screen.getByRole('button', { name: 'Make a link' }));
    expect(await screen.findByRole('alert')).toHaveTextContent('a session has at most 10 links at once; revoke one first');
    await user.click(screen.getByRole('button', { name: 'Revoke the link “Visitors”' }));
    await waitFor(() => expect(screen.getByText('No links yet.')).toBeInTheDocument());
  });
});
