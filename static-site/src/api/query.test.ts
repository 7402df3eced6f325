// The query layer: which failures are retried, and how a stale write (412) is handed to the person and resolved.
import { QueryObserver, type QueryClient } from '@tanstack/react-query';
import { describe, expect, it } from 'vitest';
import { jsonResponse, problemResponse, routeFetch } from '../test/http';
import { toasts } from '../kit/toasts';
import { ApiError, Conflicts, createQueryClient, data, isTransient, retryDelay, retryTransient } from './query';

/** A call outside the generated schema's paths, through the same classification as the typed client. */
async function raw<T>(method: string, path: string, headers: Record<string, string> = {}): Promise<T> {
  const response = await fetch(`http://localhost${path}`, { method, headers });
  const body: unknown = await response.json().catch(() => undefined);
  return data<T>(Promise.resolve(response.ok ? { data: body as T, response } : { error: body, response }));
}

function failure(status: number, headers: Record<string, string> = {}): Promise<ApiError> {
  routeFetch({ 'GET /x': problemResponse(status, { title: 'No' }, headers) });
  return raw('GET', '/x').then(
    () => {
      throw new Error('expected a failure');
    },
    (error: unknown) => error as ApiError,
  );
}

describe('retries', () => {
  it('retry reads only for failures that may pass by themselves, at most three times', async () => {
    for (const status of [429, 502, 503, 504]) {
      const error = await failure(status);
      expect(isTransient(error), String(status)).toBe(true);
      expect(retryTransient(2, error)).toBe(true);
      expect(retryTransient(3, error)).toBe(false);
    }
    for (const status of [400, 401, 403, 404, 409, 412, 422, 500]) {
      expect(isTransient(await failure(status)), String(status)).toBe(false);
    }
    routeFetch({});
    const unreachable = await data(Promise.reject(new TypeError('Failed to fetch'))).catch((error: unknown) => error);
    expect(isTransient(unreachable)).toBe(true);
    expect(isTransient(new Error('a bug'))).toBe(false);
  });

  it('wait what the server asked, else back off', async () => {
    expect(retryDelay(0, await failure(503, { 'retry-after': '7' }))).toBe(7000);
    expect(retryDelay(0, await failure(503))).toBe(1000);
    expect(retryDelay(2, await failure(503))).toBe(4000);
    expect(retryDelay(9, await failure(503))).toBe(8000);
  });

  it('a query rides out an overloaded server but asks a refusing one once', async () => {
    const { client } = createQueryClient();
    let calls = 0;
    routeFetch({
      'GET /busy': () => (++calls < 3 ? problemResponse(503, {}, { 'retry-after': '0' }) : jsonResponse({ ok: true })),
      'GET /refused': problemResponse(403, { title: 'Forbidden' }),
    });
    await expect(client.fetchQuery({ queryKey: ['busy'], queryFn: () => raw('GET', '/busy') })).resolves.toEqual({ ok: true });
    expect(calls).toBe(3);

    const { fetchMock } = routeFetch({ 'GET /refused': problemResponse(403, { title: 'Forbidden' }) });
    await expect(client.fetchQuery({ queryKey: ['refused'], queryFn: () => raw('GET', '/refused') })).rejects.toMatchObject({ status: 403 });
    expect(fetchMock).toHaveBeenCalledTimes(1);
  });
});

describe('a stale write', () => {
  /** A document at a version another person can move on; a write must name the version it read (`If-Match`). */
  function server() {
    const state = { version: 1, text: 'first', writes: [] as Array<{ ifMatch: string | null }> };
    routeFetch({
      'GET /doc': () => jsonResponse({ version: state.version, text: state.text }),
      'PUT /doc': (request) => {
        const ifMatch = request.headers.get('if-match');
        state.writes.push({ ifMatch });
        if (ifMatch !== String(state.version)) return problemResponse(412, { title: 'Changed elsewhere' });
        state.version += 1;
        state.text = 'mine';
        return jsonResponse({ version: state.version, text: state.text });
      },
    });
    return state;
  }

  function setUp() {
    const conflicts = new Conflicts();
    const { client } = createQueryClient(conflicts);
    // The version comes from the cache when the write runs, as the layer requires of versioned writes.
    const write = client.getMutationCache().build(client, {
      mutationFn: () => raw('PUT', '/doc', { 'if-match': String(client.getQueryData<{ version: number }>(['doc'])?.version) }),
      meta: { edits: ['doc'] },
    });
    return { conflicts, client, write };
  }

  /** Reads the document and keeps watching it, as a page showing it would (invalidation refetches only what is watched). */
  async function watch(client: QueryClient) {
    const observer = new QueryObserver(client, { queryKey: ['doc'], queryFn: () => raw('GET', '/doc') });
    const stop = observer.subscribe(() => {});
    await observer.refetch();
    return stop;
  }

  it('opens one conflict, and overwriting reads the new version and writes over it', async () => {
    const state = server();
    const { conflicts, client, write } = setUp();
    const stop = await watch(client);
    state.version = 2; // someone else saved meanwhile
    state.text = 'theirs';

    await expect(write.execute(undefined)).rejects.toMatchObject({ status: 412 });
    const conflict = conflicts.snapshot();
    expect(conflict).not.toBeNull();
    expect(state.writes).toEqual([{ ifMatch: '1' }]);

    await conflict?.overwrite();
    expect(conflicts.snapshot()).toBeNull();
    expect(state.writes).toEqual([{ ifMatch: '1' }, { ifMatch: '2' }]);
    expect(state).toMatchObject({ version: 3, text: 'mine' });
    expect(client.getQueryData(['doc'])).toEqual({ version: 3, text: 'mine' });
    expect(toasts.visibleToasts.map((t) => t.content.title)).toContainEqual({ key: 'conflict.overwritten' });
    stop();
  });

  it('reloading shows their version and writes nothing', async () => {
    const state = server();
    const { conflicts, client, write } = setUp();
    const stop = await watch(client);
    state.version = 2;
    state.text = 'theirs';
    await expect(write.execute(undefined)).rejects.toMatchObject({ status: 412 });

    await conflicts.snapshot()?.reload();
    expect(conflicts.snapshot()).toBeNull();
    expect(state.writes).toHaveLength(1);
    expect(client.getQueryData(['doc'])).toEqual({ version: 2, text: 'theirs' });
    stop();
  });

  it('says so when overwriting fails too, and opens no second dialog', async () => {
    const state = server();
    const { conflicts, client, write } = setUp();
    const stop = await watch(client);
    state.version = 2;
    await expect(write.execute(undefined)).rejects.toMatchObject({ status: 412 });
    const conflict = conflicts.snapshot();
    // Someone saves yet again between the new read and the write.
    routeFetch({
      'GET /doc': () => jsonResponse({ version: 2, text: 'theirs' }),
      'PUT /doc': () => problemResponse(412, { title: 'Changed elsewhere', detail: 'changed again' }),
    });
    await conflict?.overwrite();
    expect(conflicts.snapshot()).toBeNull();
    expect(toasts.visibleToasts.map((t) => t.content)).toContainEqual({
      title: { key: 'conflict.overwriteFailed' },
      description: { text: 'changed again' },
      tone: 'bad',
    });
    stop();
  });

  it('other failures open no conflict', async () => {
    routeFetch({ 'PUT /doc': problemResponse(409, { title: 'Conflict' }) });
    const { conflicts, write } = setUp();
    await expect(write.execute(undefined)).rejects.toMatchObject({ status: 409 });
    expect(conflicts.snapshot()).toBeNull();
  });
});
