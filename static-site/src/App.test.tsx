// Tests for the app shell: landmarks, role-filtered navigation and client-side routing.
import { render, screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { App } from './App';
import { jsonResponse, okReport, stubFetch } from './test/http';

describe('App shell', () => {
  it('renders the header, main navigation and home page', () => {
    render(<App roles={['anonymous']} />);
    expect(within(screen.getByRole('banner')).getByRole('link', { name: 'Emmaus' })).toBeInTheDocument();
    const nav = screen.getByRole('navigation', { name: 'Main' });
    expect(within(nav).getAllByRole('link').map((link) => link.textContent)).toEqual(['Home', 'System status']);
    expect(within(nav).getByRole('link', { name: 'Home' })).toHaveAttribute('aria-current', 'page');
    expect(screen.getByRole('heading', { level: 1, name: 'Welcome to Emmaus' })).toBeInTheDocument();
    for (const tool of ['Learning Planner', 'Knowledge Hub', 'Session Builder']) {
      expect(screen.getByRole('heading', { name: tool })).toBeInTheDocument();
    }
  });

  it('navigates to System status without a page load and moves focus to its heading', async () => {
    stubFetch(jsonResponse(okReport));
    const user = userEvent.setup();
    render(<App roles={['anonymous']} />);

    await user.click(within(screen.getByRole('navigation', { name: 'Main' })).getByRole('link', { name: 'System status' }));

    expect(window.location.pathname).toBe('/status');
    const heading = screen.getByRole('heading', { level: 1, name: 'System status' });
    expect(heading).toHaveFocus();
    expect(document.title).toBe('System status · Emmaus');
    expect(await screen.findByRole('table', { name: 'Checks' })).toBeInTheDocument();
  });

  it('shows the not-found page for an unknown path', () => {
    window.history.replaceState(null, '', '/no-such-page');
    render(<App roles={['anonymous']} />);
    expect(screen.getByRole('heading', { level: 1, name: 'Page not found' })).toBeInTheDocument();
    expect(screen.getByText('/no-such-page')).toBeInTheDocument();
    expect(within(screen.getByRole('navigation', { name: 'Main' })).queryByRole('link', { current: 'page' })).toBeNull();
  });

  it('treats a trailing slash as the same page', () => {
    stubFetch(jsonResponse(okReport));
    window.history.replaceState(null, '', '/status/');
    render(<App roles={['anonymous']} />);
    expect(screen.getByRole('heading', { level: 1, name: 'System status' })).toBeInTheDocument();
  });
});
