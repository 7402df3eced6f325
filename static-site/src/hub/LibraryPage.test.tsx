// Tests for the library page: the view from the URL sent as the API expects, pages after the first without facets
// (the first page's are shown), and the empty library's guidance.
import { screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { jsonResponse, routeFetch, sessionView } from '../test/http';
import { renderApp, signedInState } from '../test/render';

const note = (n: number) => ({
  resource: {
    id: `r-${n}`, kind: 'note', title: `Note ${n}`, description: '', tags: [], collection: null, author_id: 'p-2',
    source: 'direct', visibility: { scope: 'organisation' }, created_at: 0, updated_at: 0, updated_by: 'p-2', url: null, version: 1,
  },
  title: [{ text: `Note ${n}`, hit: false }],
  snippet: [],
});

describe('Library page', () => {
  it('shows the first page’s facets beside a later page, which is asked without them', async () => {
    const { requests } = routeFetch({
      'GET /api/hub/org-1/resources': (request) => {
        const offset = Number(new URL(request.url).searchParams.get('offset'));
        const facets = offset === 0 ? { kind: [{ value: 'note', count: 45 }], tags: [{ value: 'theology', count: 7 }], collection: [] } : {};
        return jsonResponse({ total: 45, offset, limit: 20, items: [note(offset + 1)], facets });
      },
    });
    window.history.replaceState(null, '', '/hub?tag=theology&page=2');
    await renderApp(signedInState(sessionView(['mentor'])));
    expect(await screen.findByRole('link', { name: 'Note 21' })).toHaveAttribute('href', '/hub/r-21');
    expect(await screen.findByRole('button', { name: /^#theology 7$/ })).toHaveAttribute('aria-pressed', 'true');
    expect(screen.getByText('Page 2 of 3')).toBeInTheDocument();
    const asked = requests.map((r) => new URL(r.url).searchParams);
    const second = asked.find((q) => q.get('offset') === '20');
    expect(second?.get('facets')).toBe('false');
    expect(second?.get('tag')).toBe('theology');
    expect(asked.find((q) => q.get('offset') === '0')?.get('facets')).toBeNull();

    const user = userEvent.setup();
    await user.click(screen.getByRole('button', { name: 'Next' }));
    await waitFor(() => expect(new URLSearchParams(window.location.search).get('page')).toBe('3'));
    expect(await screen.findByRole('link', { name: 'Note 41' })).toBeInTheDocument();
  });

  it('teaches where to start when the library is empty', async () => {
    routeFetch({ 'GET /api/hub/org-1/resources': jsonResponse({ total: 0, offset: 0, limit: 20, items: [], facets: {} }) });
    window.history.replaceState(null, '', '/hub');
    await renderApp(signedInState(sessionView(['mentor'])));
    expect(await screen.findByTestId('hub-empty')).toHaveTextContent('The library is empty');
    expect(screen.getByRole('link', { name: 'Write the first note' })).toHaveAttribute('href', '/hub/new');
  });
});
