// Rendering tests for the System status page in each of its states.
import { act, render, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it, vi } from 'vitest';
import { deferredResponse, degradedReport, jsonResponse, okReport, routeFetch, stubFetch } from '../test/http';
import { renderApp } from '../test/render';
import { StatusPage } from './StatusPage';

function checkRow(name: string) {
  const table = screen.getByRole('table', { name: 'Checks' });
  const header = within(table).getByRole('rowheader', { name: name });
  const row = header.closest('tr');
  if (!row) throw new Error(`no row for ${name}`);
  return within(row);
}

describe('StatusPage', () => {
  it('shows a loading state until the server answers', async () => {
    const pending = deferredResponse();
    stubFetch(pending.promise);
    render(<StatusPage />);

    expect(screen.getByRole('status')).toHaveTextContent('Checking system status…');
    expect(screen.getByRole('button', { name: 'Refreshing…' })).toBeDisabled();
    expect(screen.queryByRole('table')).not.toBeInTheDocument();

    await act(async () => pending.resolve(jsonResponse(okReport)));
    expect(await screen.findByRole('table', { name: 'Checks' })).toBeInTheDocument();
  });

  it('shows overall status, build facts and every check when healthy', async () => {
    stubFetch(jsonResponse(okReport));
    render(<StatusPage />);

    expect(await screen.findByText('All systems operational: 2 checks passing.')).toBeInTheDocument();
    expect(screen.getByTestId('overall-status')).toHaveTextContent('ok');
    expect(screen.getByText('0.1.0')).toBeInTheDocument();
    expect(screen.getByText('3f2c1a9be0d4')).toHaveAttribute('title', okReport.build);
    expect(screen.getByText('local')).toBeInTheDocument();

    const kv = checkRow('kv');
    expect(kv.getByText('sqlite')).toBeInTheDocument();
    expect(kv.getByText('ok')).toBeInTheDocument();
    expect(kv.getByText('1 ms')).toBeInTheDocument();
    expect(checkRow('blob').getByText('filesystem')).toBeInTheDocument();
    expect(screen.getByRole('button', { name: 'Refresh' })).toBeEnabled();
  });

  it('shows a 503 report as degraded with the failing check and its detail', async () => {
    stubFetch(jsonResponse(degradedReport, 503));
    render(<StatusPage />);

    expect(await screen.findByText('Service degraded: 1 of 2 checks failing.')).toBeInTheDocument();
    expect(screen.getByTestId('overall-status')).toHaveTextContent('degraded');
    const blob = checkRow('blob');
    expect(blob.getByText('failing')).toBeInTheDocument();
    expect(blob.getByText('1.20 s')).toBeInTheDocument();
    expect(blob.getByText('permission denied: /data/blobs')).toBeInTheDocument();
    expect(screen.queryByText(/could not load/i)).not.toBeInTheDocument();
  });

  it('shows the title, detail and request id of a problem+json error', async () => {
    stubFetch(
      jsonResponse(
        {
          type: 'about:blank',
          title: 'Internal Server Error',
          status: 500,
          detail: 'The health probe panicked.',
          instance: '/api/health',
          request_id: '01J9ZQ6X4M2V',
        },
        500,
        'application/problem+json',
      ),
    );
    render(<StatusPage />);

    const notice = await screen.findByRole('region', { name: 'Could not load system status' });
    expect(within(notice).getByText('Internal Server Error')).toBeInTheDocument();
    expect(within(notice).getByText('The health probe panicked.')).toBeInTheDocument();
    expect(within(notice).getByText('01J9ZQ6X4M2V')).toBeInTheDocument();
    expect(within(notice).getByText('500')).toBeInTheDocument();
    expect(screen.getByRole('status')).toHaveTextContent('System status could not be loaded.');
    expect(screen.queryByRole('table')).not.toBeInTheDocument();
  });

  it('says the server could not be reached when the network fails', async () => {
    stubFetch(new TypeError('Failed to fetch'));
    render(<StatusPage />);

    expect(await screen.findByText('The server could not be reached')).toBeInTheDocument();
    expect(screen.queryByText('Request ID')).not.toBeInTheDocument();
  });

  it('says so when the server reports no checks', async () => {
    stubFetch(jsonResponse({ ...okReport, checks: [] }));
    render(<StatusPage />);

    expect(await screen.findByText(/reported no checks/)).toBeInTheDocument();
    expect(screen.queryByRole('table')).not.toBeInTheDocument();
  });

  it('refreshes on demand, keeping the last report visible until the new one arrives', async () => {
    const user = userEvent.setup();
    const second = deferredResponse();
    const fetchMock = stubFetch(jsonResponse(okReport), second.promise);
    render(<StatusPage />);
    await screen.findByText('All systems operational: 2 checks passing.');

    await user.click(screen.getByRole('button', { name: 'Refresh' }));
    expect(screen.getByRole('status')).toHaveTextContent('Refreshing system status…');
    expect(screen.getByRole('table', { name: 'Checks' })).toBeInTheDocument();

    await act(async () => second.resolve(jsonResponse(degradedReport, 503)));
    expect(await screen.findByText('Service degraded: 1 of 2 checks failing.')).toBeInTheDocument();
    expect(fetchMock).toHaveBeenCalledTimes(2);
  });

  it('recovers from an error when refreshed', async () => {
    const user = userEvent.setup();
    stubFetch(new TypeError('Failed to fetch'), jsonResponse(okReport));
    render(<StatusPage />);
    await screen.findByText('The server could not be reached');

    await user.click(screen.getByRole('button', { name: 'Refresh' }));
    expect(await screen.findByText('All systems operational: 2 checks passing.')).toBeInTheDocument();
    expect(screen.queryByText('The server could not be reached')).not.toBeInTheDocument();
  });

  it("speaks the browser's language to a visitor", async () => {
    vi.spyOn(navigator, 'language', 'get').mockReturnValue('de-DE');
    routeFetch({ 'GET /api/health': jsonResponse(degradedReport, 503) });
    window.history.replaceState(null, '', '/status');
    await renderApp({ status: 'signed-out' });
    // The page is drawn again once the language has loaded.
    await waitFor(() => expect(document.documentElement.lang).toBe('de-DE'));
    await waitFor(() => expect(screen.getByRole('heading', { level: 1, name: 'Systemstatus' })).toBeInTheDocument());
    expect(await screen.findByText('Dienststatus „degraded“: 1 von 2 Prüfungen schlagen fehl.')).toBeInTheDocument();
    expect(screen.getByRole('table', { name: 'Prüfungen' })).toBeInTheDocument();
    expect(screen.getByRole('columnheader', { name: 'Latenz' })).toBeInTheDocument();
    expect(screen.getByText('1,20 s')).toBeInTheDocument();
    expect(screen.getByRole('button', { name: 'Aktualisieren' })).toBeEnabled();
    expect(document.title).toBe('Systemstatus · Emmaus');
  });
});
