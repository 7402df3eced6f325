// Unit tests for the session middleware: CSRF header on writes, one refresh then one retry on 401, sign-in on failure.
import createClient from 'openapi-fetch';
import { describe, expect, it, vi } from 'vitest';
import { jsonResponse, problemResponse } from '../test/http';
import type { paths } from './schema';
import { createSessionMiddleware, readCookie, signInUrl } from './session-middleware';

const ORIGIN = 'https://emmaus.test';

type Answer = Response | ((request: Request) => Response | Promise<Response>);

/** A client wired like the app's, over a fake network that answers each call in turn and records what it was sent. */
function setup(answers: Answer[], { csrf = 'tok-1' as string | null, location = '/people?tab=groups' } = {}) {
  const seen: Array<{ method: string; path: string; csrf: string | null; body: string }> = [];
  let cookie = csrf;
  const network = vi.fn(async (request: Request) => {
    seen.push({
      method: request.method,
      path: new URL(request.url).pathname,
      csrf: request.headers.get('x-csrf-token'),
      body: await request.clone().text(),
    });
    const next = answers.shift();
    if (!next) throw new Error(`unexpected request ${request.method} ${request.url}`);
    return typeof next === 'function' ? next(request) : next;
  });
  const navigate = vi.fn();
  const onSignedOut = vi.fn();
  const client = createClient<paths>({ baseUrl: ORIGIN, fetch: network });
  client.use(
    createSessionMiddleware({ fetch: network, csrfToken: () => cookie, navigate, onSignedOut, currentLocation: () => location }),
  );
  const rotateCookie = (value: string) => {
    cookie = value;
  };
  return { client, seen, navigate, onSignedOut, rotateCookie };
}

const session = { person: { id: 'p', email: 'a@example.org', display_name: 'A', has_password: true }, organisations: [], current_org: null };

describe('CSRF header', () => {
  it('sends the CSRF cookie as X-CSRF-Token on every write', async () => {
    const { client, seen } = setup([jsonResponse(session), new Response(null, { status: 204 }), new Response(null, { status: 204 })]);
    await client.PATCH('/api/auth/profile', { body: { display_name: 'B' } });
    await client.POST('/api/auth/sign-out');
    await client.DELETE('/api/people/{org}/members/{person}', { params: { path: { org: 'o', person: 'p' } } });
    expect(seen.map((r) => [r.method, r.csrf])).toEqual([
      ['PATCH', 'tok-1'],
      ['POST', 'tok-1'],
      ['DELETE', 'tok-1'],
    ]);
  });

  it('does not send it on reads', async () => {
    const { client, seen } = setup([jsonResponse(session)]);
    await client.GET('/api/auth/session');
    expect(seen[0]?.csrf).toBeNull();
  });

  it('sends no header when there is no CSRF cookie (signed out)', async () => {
    const { client, seen } = setup([jsonResponse(session)], { csrf: null });
    await client.POST('/api/auth/sign-in', { body: { email: 'a@example.org', password: 'x' } });
    expect(seen[0]?.csrf).toBeNull();
  });
});

describe('401 handling', () => {
  it('refreshes once, then retries the original request with its body and the new CSRF token', async () => {
    let setup_: ReturnType<typeof setup>;
    const refreshed = () => {
      setup_.rotateCookie('tok-2');
      return new Response(null, { status: 204 });
    };
    setup_ = setup([problemResponse(401), refreshed, jsonResponse(session)]);
    const { client, seen, navigate } = setup_;

    const result = await client.PATCH('/api/auth/profile', { body: { display_name: 'New name' } });

    expect(result.data).toEqual(session);
    expect(seen.map((r) => `${r.method} ${r.path}`)).toEqual(['PATCH /api/auth/profile', 'POST /api/auth/refresh', 'PATCH /api/auth/profile']);
    expect(seen[2]?.body).toBe(JSON.stringify({ display_name: 'New name' }));
    expect(seen[2]?.csrf).toBe('tok-2');
    expect(navigate).not.toHaveBeenCalled();
  });

  it('retries when the refresh answers 409 (another tab refreshed first)', async () => {
    const { client, seen } = setup([problemResponse(401), problemResponse(409), jsonResponse(session)]);
    const result = await client.GET('/api/auth/session');
    expect(result.response.status).toBe(200);
    expect(seen).toHaveLength(3);
  });

  it('does not refresh again when the retry is refused too', async () => {
    const { client, seen, navigate } = setup([problemResponse(401), new Response(null, { status: 204 }), problemResponse(401)]);
    const result = await client.GET('/api/people/{org}/members', { params: { path: { org: 'o' } } });
    expect(result.response.status).toBe(401);
    expect(seen.map((r) => r.path)).toEqual(['/api/people/o/members', '/api/auth/refresh', '/api/people/o/members']);
    expect(navigate).not.toHaveBeenCalled();
  });

  it('goes to sign-in, keeping where the person was, when the refresh fails', async () => {
    const { client, seen, navigate, onSignedOut } = setup([problemResponse(401), problemResponse(401)]);
    const result = await client.GET('/api/people/{org}/members', { params: { path: { org: 'o' } } });
    expect(result.response.status).toBe(401);
    expect(seen).toHaveLength(2);
    expect(onSignedOut).toHaveBeenCalledOnce();
    expect(navigate).toHaveBeenCalledWith('/sign-in?return_to=%2Fpeople%3Ftab%3Dgroups');
  });

  it('treats an unreachable refresh as a failed one', async () => {
    const { client, navigate } = setup([problemResponse(401), () => Promise.reject(new TypeError('Failed to fetch'))]);
    await client.GET('/api/people/{org}/groups', { params: { path: { org: 'o' } } });
    expect(navigate).toHaveBeenCalledOnce();
  });

  it('does not leave the page when only the session probe learns that nobody is signed in', async () => {
    const { client, navigate, onSignedOut } = setup([problemResponse(401), problemResponse(401)]);
    await client.GET('/api/auth/session');
    expect(onSignedOut).toHaveBeenCalledOnce();
    expect(navigate).not.toHaveBeenCalled();
  });

  it('shares one refresh between requests refused at the same time', async () => {
    let release!: () => void;
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    const { client, seen } = setup([
      problemResponse(401),
      problemResponse(401),
      async () => {
        await gate;
        return new Response(null, { status: 204 });
      },
      jsonResponse({ members: [] }),
      jsonResponse({ groups: [] }),
    ]);
    const both = Promise.all([
      client.GET('/api/people/{org}/members', { params: { path: { org: 'o' } } }),
      client.GET('/api/people/{org}/groups', { params: { path: { org: 'o' } } }),
    ]);
    await vi.waitFor(() => expect(seen.filter((r) => r.path === '/api/auth/refresh')).toHaveLength(1));
    release();
    const [members, groups] = await both;
    expect(members.response.status).toBe(200);
    expect(groups.response.status).toBe(200);
    expect(seen.filter((r) => r.path === '/api/auth/refresh')).toHaveLength(1);
  });

  it.each([
    ['/api/auth/sign-in', { email: 'a@example.org', password: 'wrong' }],
    ['/api/auth/invitations/accept', { token: 't', password: 'p' }],
    ['/api/auth/password/reset', { token: 't', password: 'p' }],
  ] as const)('leaves a 401 from %s alone: it is the answer, not an expired session', async (path, body) => {
    const { client, seen, navigate } = setup([problemResponse(401, { detail: 'wrong email or password' })]);
    // The paths are typed; a loose call keeps this table short.
    const result = await (client.POST as (p: string, o: unknown) => Promise<{ response: Response }>)(path, { body });
    expect(result.response.status).toBe(401);
    expect(seen).toHaveLength(1);
    expect(navigate).not.toHaveBeenCalled();
  });
});

describe('helpers', () => {
  it('reads one cookie among many, decoding it', () => {
    expect(readCookie('__Host-emmaus-csrf', 'a=1; __Host-emmaus-csrf=ab%2Bc; b=2')).toBe('ab+c');
    expect(readCookie('__Host-emmaus-csrf', 'a=1')).toBeNull();
  });

  it('builds the sign-in address without looping back to sign-in', () => {
    expect(signInUrl('/audit')).toBe('/sign-in?return_to=%2Faudit');
    expect(signInUrl('/')).toBe('/sign-in');
    expect(signInUrl('/sign-in?return_to=%2Faudit')).toBe('/sign-in');
  });
});
