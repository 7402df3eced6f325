// Tests for a private link's page: the session read-only with its text as the server rendered it and the block being
// presented shown large and marked in the outline; a link that asks for sign-in offers it and comes back; a link that
// no longer works says so.
import { screen, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { jsonResponse, problemResponse, routeFetch } from '../test/http';
import { renderApp } from '../test/render';

const TOKEN = 'tok-1';
const block = (id: string, kind: string, extra: Record<string, unknown> = {}) => ({
  id, kind, title: '', body: '', reference: null, minutes: 0, nested: false, embed: null, ...extra,
});
const followed = {
  title: 'Grace in Luke', date: '2027-03-04', time: '19:00', zone: 'Europe/Berlin', planned_minutes: 30, total_minutes: 25,
  blocks: [
    block('h1', 'heading', { title: 'Opening', minutes: 5 }),
    block('q1', 'question', { body: 'What is **grace**?', minutes: 20, nested: true }),
    block('r1', 'resource', { embed: { resource_id: null, show: 'live', pinned: false, pinned_at: null, card: null } }),
  ],
  rendered: { q1: '<p>What is <strong>grace</strong>?</p>\n' },
  presenting: { block_id: 'q1', since: '2027-03-04T18:10:00Z' },
  expires_at: '2027-03-18T12:00:00Z',
};

async function open() {
  window.history.replaceState(null, '', `/follow#token=${TOKEN}`);
  await renderApp({ status: 'signed-out' });
}

describe('A private link', () => {
  it('shows the session read-only, the presented block large and marked in the outline', async () => {
    routeFetch({ [`GET /api/session-links/${TOKEN}`]: jsonResponse(followed) });
    await open();
    expect(await screen.findByRole('heading', { level: 1, name: 'Grace in Luke' })).toBeInTheDocument();
    expect(screen.getByText('grace', { selector: 'strong' })).toBeInTheDocument();
    const outline = screen.getByRole('list', { name: 'Outline' });
    const current = within(outline).getAllByRole('listitem').find((item) => item.getAttribute('aria-current') === 'step');
    expect(current).toHaveTextContent('What is **grace**?');
    expect(screen.queryByRole('button', { name: /Save|Delete/ })).toBeNull();
    expect(screen.getByText(/This link works until/)).toBeInTheDocument();
  });

  it('offers sign-in for a link that asks for it, coming back to the link', async () => {
    routeFetch({ [`GET /api/session-links/${TOKEN}`]: problemResponse(401, { title: 'Sign in' }) });
    await open();
    const link = await screen.findByRole('link', { name: 'Sign in and come back' });
    expect(link).toHaveAttribute('href', `/sign-in?return_to=${encodeURIComponent(`/follow#token=${TOKEN}`)}`);
  });

  it('says when a link no longer works', async () => {
    routeFetch({ [`GET /api/session-links/${TOKEN}`]: problemResponse(404, { title: 'Not found' }) });
    await open();
    expect(await screen.findByRole('heading', { level: 1, name: 'This link does not work' })).toBeInTheDocument();
  });
});
