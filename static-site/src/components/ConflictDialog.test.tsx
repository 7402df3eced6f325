// The "changed elsewhere" dialog as a person meets it: a stale save opens it, Overwrite writes over the new version,
// Reload reads theirs, Escape sets it aside; focus stays inside while it is open.
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { render, screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { data } from '../api/query';
import { QueryProvider } from '../api/QueryProvider';
import { jsonResponse, problemResponse, routeFetch } from '../test/http';
import { ConflictDialog } from './ConflictDialog';

async function raw<T>(method: string, headers: Record<string, string> = {}): Promise<T> {
  const response = await fetch('http://localhost/doc', { method, headers });
  const body: unknown = await response.json().catch(() => undefined);
  return data<T>(Promise.resolve(response.ok ? { data: body as T, response } : { error: body, response }));
}

/** A page editing one versioned document, its version taken from the cache when the save runs. */
function Editor() {
  const client = useQueryClient();
  const doc = useQuery({ queryKey: ['doc'], queryFn: () => raw<{ version: number; text: string }>('GET') });
  const save = useMutation({
    mutationFn: () => raw('PUT', { 'if-match': String(client.getQueryData<{ version: number }>(['doc'])?.version) }),
    meta: { edits: ['doc'] },
  });
  return (
    <>
      <p>shown: {doc.data?.text ?? '…'}</p>
      <button type="button" onClick={() => save.mutate()}>
        Save mine
      </button>
    </>
  );
}

function server() {
  const state = { version: 1, text: 'first', writes: [] as Array<string | null> };
  routeFetch({
    'GET /doc': () => jsonResponse({ version: state.version, text: state.text }),
    'PUT /doc': (request) => {
      const ifMatch = request.headers.get('if-match');
      state.writes.push(ifMatch);
      if (ifMatch !== String(state.version)) return problemResponse(412, { title: 'Changed elsewhere' });
      state.version += 1;
      state.text = 'mine';
      return jsonResponse({ version: state.version, text: state.text });
    },
  });
  return state;
}

async function openConflict(state: ReturnType<typeof server>) {
  render(
    <QueryProvider>
      <Editor />
      <ConflictDialog />
    </QueryProvider>,
  );
  await screen.findByText('shown: first');
  state.version = 2;
  state.text = 'theirs';
  const user = userEvent.setup();
  await user.click(screen.getByRole('button', { name: 'Save mine' }));
  return { user, dialog: await screen.findByRole('dialog', { name: 'Changed elsewhere' }) };
}

describe('the changed-elsewhere dialog', () => {
  it('opens on a stale save, holds focus, and Overwrite writes over the new version', async () => {
    const state = server();
    const { user, dialog } = await openConflict(state);
    expect(dialog).toHaveTextContent('What you entered is still on the page.');
    await waitFor(() => expect(dialog.contains(document.activeElement)).toBe(true));

    await user.click(screen.getByRole('button', { name: 'Overwrite with mine' }));
    await waitFor(() => expect(screen.queryByRole('dialog')).toBeNull());
    expect(state.writes).toEqual(['1', '2']);
    expect(await screen.findByText('shown: mine')).toBeInTheDocument();
  });

  it('Reload shows their version and writes nothing more', async () => {
    const state = server();
    const { user } = await openConflict(state);
    await user.click(screen.getByRole('button', { name: 'Reload their version' }));
    await waitFor(() => expect(screen.queryByRole('dialog')).toBeNull());
    expect(await screen.findByText('shown: theirs')).toBeInTheDocument();
    expect(state.writes).toEqual(['1']);
  });

  it('Escape sets the choice aside', async () => {
    const state = server();
    const { user } = await openConflict(state);
    await user.keyboard('{Escape}');
    await waitFor(() => expect(screen.queryByRole('dialog')).toBeNull());
    expect(state.writes).toEqual(['1']);
  });
});
