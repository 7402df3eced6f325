// Tests for the audit page: filters sent as the API expects, paging with `next`, export links and chain verification.
import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { jsonResponse, routeFetch, sessionView } from '../test/http';
import { renderApp, signedInState } from '../test/render';
import { auditQuery, exportUrl } from './AuditPage';

const entry = (seq: number, action = 'auth.sign_in') => ({ seq, at: 1_700_000_000_000 + seq, action, actor: 'p-1', prev_hash: 'x', hash: 'y' });

describe('auditQuery', () => {
  it('turns local dates into an inclusive range of Unix milliseconds', async () => {
    const query = auditQuery({ action: ' auth.sign_in ', actor: 'p-1', from: '2026-03-01', to: '2026-03-01' });
    expect(query.action).toBe('auth.sign_in');
    expect(query.actor).toBe('p-1');
    expect(Number(query.since)).toBe(new Date(2026, 2, 1).getTime());
    expect(Number(query.until)).toBe(new Date(2026, 2, 2).getTime());
  });

  it('leaves out empty filters', async () => {
    expect(auditQuery({ action: '', actor: '', from: '', to: '' })).toEqual({});
  });

  it('builds export links with the filters and the format', async () => {
    expect(exportUrl('org 1', { action: 'x', actor: '', from: '', to: '' }, 'csv')).toBe('/api/people/org%201/audit/export?action=x&format=csv');
  });
});

describe('Audit page', () => {
  async function open() {
    window.history.replaceState(null, '', '/audit');
    await renderApp(signedInState(sessionView(['admin'])));
  }

  it('pages with `next`, filters, and verifies the chain', async () => {
    const { requests } = routeFetch({
      'GET /api/people/org-1/members': jsonResponse({ members: [{ person_id: 'p-1', email: 'a@x.org', display_name: 'Ada', roles: ['admin'], joined_at: 1 }] }),
      'GET /api/people/org-1/audit': (request) => {
        const url = new URL(request.url);
        if (url.searchParams.get('cursor') === 'c2') return jsonResponse({ entries: [entry(1, 'org.created')], next: null });
        return jsonResponse({ entries: [entry(3), entry(2)], next: 'c2' });
      },
      'GET /api/people/org-1/audit/verify': (request) => {
        // Two steps: the first checks entries 1 to 2000, the second breaks at 2001.
        if (new URL(request.url).searchParams.get('after') === '2000')
          return jsonResponse({ checked: 1, through: 2000, intact: false, broken_at: 2001, reason: 'hash mismatch', next: null, lost: 0 });
        return jsonResponse({ checked: 2000, through: 2000, intact: true, broken_at: null, reason: null, next: 2000, lost: 0 });
      },
    });
    await open();
    const grid = await screen.findByRole('grid', { name: 'Audit entries' });
    // Newest first; a click on a column's header sorts by it, a second click the other way.
    const order = () => within(grid).getAllByRole('row').slice(1).map((row) => row.getAttribute('data-key'));
    expect(order()).toEqual(['3', '2']);
    expect(within(grid).getByRole('columnheader', { name: /#/ })).toHaveAttribute('aria-sort', 'descending');
    expect(screen.getAllByText('Ada').length).toBeGreaterThan(0);
    const user = userEvent.setup();
    await user.click(within(grid).getByRole('columnheader', { name: /#/ }));
    expect(order()).toEqual(['2', '3']);
    expect(within(grid).getByRole('columnheader', { name: /#/ })).toHaveAttribute('aria-sort', 'ascending');
    await user.click(screen.getByRole('button', { name: 'Load older entries' }));
    expect(await screen.findByText('org.created')).toBeInTheDocument();
    expect(screen.queryByRole('button', { name: 'Load older entries' })).toBeNull();

    expect(screen.getByRole('link', { name: 'Export CSV' })).toHaveAttribute('href', '/api/people/org-1/audit/export?format=csv');
    await user.type(screen.getByLabelText('Action'), 'auth.sign_in');
    await user.click(screen.getByRole('button', { name: 'Apply filters' }));
    await waitFor(() => expect(requests.some((r) => new URL(r.url).searchParams.get('action') === 'auth.sign_in')).toBe(true));
    // The filter is in the page's address, to share or reload.
    expect(new URLSearchParams(window.location.search).get('action')).toBe('auth.sign_in');
    expect(screen.getByRole('link', { name: 'Export JSONL' })).toHaveAttribute('href', '/api/people/org-1/audit/export?action=auth.sign_in&format=jsonl');

    await user.click(screen.getByRole('button', { name: 'Verify chain' }));
    expect(await screen.findByText(/Broken at entry 2001: hash mismatch/)).toBeInTheDocument();
  });

  it('opens with the filters its address names, dropping malformed ones', async () => {
    const { requests } = routeFetch({
      'GET /api/people/org-1/members': jsonResponse({ members: [] }),
      'GET /api/people/org-1/audit': jsonResponse({ entries: [], next: null }),
    });
    window.history.replaceState(null, '', '/audit?action=member.invited&from=2026-05-01&to=not-a-day');
    await renderApp(signedInState(sessionView(['admin'])));
    expect(await screen.findByText('No entries match these filters.')).toBeInTheDocument();
    expect(screen.getByLabelText('Action')).toHaveValue('member.invited');
    // The date pickers show the day in parts and submit it as an ISO day.
    const day = (name: string) => document.querySelector<HTMLInputElement>(`input[name="${name}"]`)?.value;
    expect(day('from')).toBe('2026-05-01');
    expect(day('to')).toBe('');
    expect(screen.getByRole('group', { name: 'From' })).toHaveTextContent('5/1/2026');
    const asked = requests.filter((r) => new URL(r.url).pathname === '/api/people/org-1/audit').map((r) => new URL(r.url).searchParams);
    expect(asked.length).toBeGreaterThan(0);
    for (const query of asked) {
      expect(query.get('action')).toBe('member.invited');
      expect(query.get('since')).toBe(String(new Date(2026, 4, 1).getTime()));
      expect(query.get('until')).toBeNull();
    }
  });

  it('says when nothing matches', async () => {
    routeFetch({
      'GET /api/people/org-1/members': jsonResponse({ members: [] }),
      'GET /api/people/org-1/audit': jsonResponse({ entries: [], next: null }),
    });
    await open();
    expect(await screen.findByText('No entries match these filters.')).toBeInTheDocument();
  });
});
