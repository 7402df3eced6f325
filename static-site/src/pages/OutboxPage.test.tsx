// Tests for the dev outbox: held email listed with clickable links.
import { render, screen } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { jsonResponse, problemResponse, routeFetch } from '../test/http';
import { renderApp } from '../test/render';
import { linkify } from './OutboxPage';

describe('linkify', () => {
  it('makes links of URLs, leaving trailing punctuation as text', async () => {
    render(<p>{linkify('Open http://127.0.0.1:8080/invitation#token=abc. Thanks')}</p>);
    expect(screen.getByRole('link')).toHaveAttribute('href', 'http://127.0.0.1:8080/invitation#token=abc');
    expect(screen.getByText(/Thanks/)).toBeInTheDocument();
  });
});

describe('Outbox page', () => {
  it('lists held email with its links clickable', async () => {
    routeFetch({
      'GET /api/auth/outbox': jsonResponse({
        messages: [{ id: 'm1', sent_at: 1, to: 'sam@example.org', subject: 'You are invited', text: 'Accept:\n\nhttp://h/invitation#token=t\n' }],
        next: null,
      }),
    });
    window.history.replaceState(null, '', '/dev/outbox');
    await renderApp({ status: 'signed-out' });
    expect(await screen.findByRole('heading', { name: 'You are invited' })).toBeInTheDocument();
    expect(screen.getByRole('link', { name: 'http://h/invitation#token=t' })).toBeInTheDocument();
  });

  it('explains a 404: mail is really sent here', async () => {
    routeFetch({ 'GET /api/auth/outbox': problemResponse(404) });
    window.history.replaceState(null, '', '/dev/outbox');
    await renderApp({ status: 'signed-out' });
    expect(await screen.findByText(/sends email for real/)).toBeInTheDocument();
  });
});
