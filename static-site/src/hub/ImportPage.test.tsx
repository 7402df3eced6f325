// Tests for the vault import page: the name a zip suggests, an import followed until the job's summary (links that lead
// nowhere yet, warnings), a refusal of the announcement shown on its field, and the empty list of imports.
import { screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { jsonResponse, routeFetch, sessionView } from '../test/http';
import { renderApp, signedInState } from '../test/render';
import { vaultName } from './ImportPage';

const job = (state: string, extra: object = {}) => ({
  id: 'imp-1', vault: 'Teaching', collection: null, trash_removed: false, size: 1200, by: 'p-1', created_at: 0,
  state, finished_at: null, reason: null, summary: null, ...extra,
});

const summary = {
  vault_id: 'v-1', notes: 12, attachments: 3, skipped: 2,
  links: { resolved: 30, unresolved: 1, ambiguous: 0 },
  unresolved: [{ source: 'Sermons/Grace.md', target: 'Romans 9' }],
  tags: 5, collections: 2,
  changes: { created: 14, updated: 0, unchanged: 0, moved: 0, removed: 0, trashed: 0, failed: 1 },
  removed: [],
  warnings: [{ path: 'Old.md', message: 'is not UTF-8 text' }],
};

describe('Vault import page', () => {
  it('names the vault after its zip', () => {
    expect(vaultName('My Vault.zip')).toBe('My Vault');
    expect(vaultName('notes.ZIP')).toBe('notes');
  });

  it('uploads the zip, starts the import and shows what the job did', async () => {
    let polls = 0;
    const { requests } = routeFetch({
      'GET /api/hub/org-1/imports': () => jsonResponse({ items: [] }),
      'POST /api/hub/org-1/imports': () =>
        jsonResponse(
          { import: job('uploading'), upload: { method: 'POST', url: 'https://store.example/upload', fields: [['key', 'k']], expires_at: Date.now() + 3_600_000, finish_url: '' } },
          201,
        ),
      'POST /api/hub/org-1/imports/imp-1/start': () => jsonResponse(job('queued'), 202),
      'GET /api/hub/org-1/imports/imp-1': () => {
        polls += 1;
        return jsonResponse(polls < 2 ? job('queued') : job('done', { summary, finished_at: 1 }));
      },
    });
    // The store's form is answered by a stand-in XMLHttpRequest that takes the bytes at once.
    class FakeXhr {
      status = 204;
      statusText = '';
      responseText = '';
      upload = { onprogress: null as ((event: ProgressEvent) => void) | null };
      onload: (() => void) | null = null;
      onerror: (() => void) | null = null;
      onabort: (() => void) | null = null;
      open() {}
      setRequestHeader() {}
      abort() {}
      send() {
        setTimeout(() => this.onload?.(), 0);
      }
    }
    const real = globalThis.XMLHttpRequest;
    globalThis.XMLHttpRequest = FakeXhr as unknown as typeof XMLHttpRequest;
    try {
      window.history.replaceState(null, '', '/hub/import');
      await renderApp(signedInState(sessionView(['mentor'])));
      expect(await screen.findByText('No vault imported yet.')).toBeInTheDocument();
      const user = userEvent.setup();
      await user.upload(screen.getByLabelText('The vault as a .zip'), new File(['PK'], 'Teaching.zip', { type: 'application/zip' }));
      expect(screen.getByLabelText('Vault name')).toHaveValue('Teaching');
      await user.click(screen.getByRole('button', { name: 'Upload and import' }));
      expect(await screen.findByText('“Teaching” is imported.', {}, { timeout: 5000 })).toBeInTheDocument();
      expect(screen.getByText('12 notes and 3 attachments (2 left out as Obsidian leaves them out)')).toBeInTheDocument();
      expect(screen.getByText('1 link leads nowhere yet')).toBeInTheDocument();
      expect(screen.getByText('[[Romans 9]] in Sermons/Grace.md')).toBeInTheDocument();
      expect(screen.getByText('Old.md: is not UTF-8 text')).toBeInTheDocument();
      const announced = requests.find((r) => r.method === 'POST' && new URL(r.url).pathname === '/api/hub/org-1/imports');
      expect(await announced?.clone().json()).toEqual({ vault: 'Teaching', collection: null, trash_removed: false, size: 2 });
    } finally {
      globalThis.XMLHttpRequest = real;
    }
  });

  it('shows a refusal of the archive on the file field', async () => {
    routeFetch({
      'GET /api/hub/org-1/imports': () => jsonResponse({ items: [] }),
      'POST /api/hub/org-1/imports': () =>
        new Response(
          JSON.stringify({ type: 'about:blank', title: 'Invalid', status: 422, errors: [{ field: 'size', message: 'the archive is empty' }] }),
          { status: 422, headers: { 'content-type': 'application/problem+json' } },
        ),
    });
    window.history.replaceState(null, '', '/hub/import');
    await renderApp(signedInState(sessionView(['mentor'])));
    const user = userEvent.setup();
    await user.upload(screen.getByLabelText('The vault as a .zip'), new File([''], 'empty.zip', { type: 'application/zip' }));
    await user.click(screen.getByRole('button', { name: 'Upload and import' }));
    expect(await screen.findByText('the archive is empty')).toBeInTheDocument();
  });
});
