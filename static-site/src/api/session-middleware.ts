// The one fetch middleware every API call goes through: CSRF header on writes, and a single refresh-then-retry on 401.
import type { Middleware } from 'openapi-fetch';

export const CSRF_COOKIE = '__Host-emmaus-csrf';
export const CSRF_HEADER = 'X-CSRF-Token';
export const REFRESH_PATH = '/api/auth/refresh';
export const SESSION_PATH = '/api/auth/session';

/**
 * Endpoints whose 401 is an answer, not an expired session: a wrong password, an unknown invitation or reset link,
 * a wrong setup code. Refreshing there would be pointless, and sending the person to sign-in would lose their form.
 */
const CREDENTIAL_PATHS: ReadonlySet<string> = new Set([
  '/api/auth/sign-in',
  '/api/auth/sign-in/second-factor',
  REFRESH_PATH,
  '/api/auth/setup',
  '/api/auth/invitations/preview',
  '/api/auth/invitations/accept',
  '/api/auth/password/forgot',
  '/api/auth/password/reset',
]);

/**
 * Public pages whose 401 is theirs to answer: a private link that asks for sign-in offers it on its own page, keeping
 * the link's token. An expired session is still refreshed there, but a failed refresh does not leave the page.
 */
const ANSWERS_ITS_OWN_401: readonly string[] = ['/api/session-links/'];

const SAFE_METHODS: ReadonlySet<string> = new Set(['GET', 'HEAD', 'OPTIONS']);

/** Reads one cookie from `document.cookie`; the CSRF cookie is the only one scripts can see. */
export function readCookie(name: string, cookies: string = globalThis.document?.cookie ?? ''): string | null {
  for (const pair of cookies.split(';')) {
    const index = pair.indexOf('=');
    if (index < 0) continue;
    if (pair.slice(0, index).trim() === name) {
      const value = pair.slice(index + 1).trim();
      try {
        return decodeURIComponent(value);
      } catch {
        return value;
      }
    }
  }
  return null;
}

/** Where to send someone whose session is over, remembering the page (path and query; never the fragment, which may hold a token). */
export function signInUrl(returnTo: string): string {
  return returnTo === '/' || returnTo.startsWith('/sign-in') ? '/sign-in' : `/sign-in?return_to=${encodeURIComponent(returnTo)}`;
}

export interface SessionMiddlewareOptions {
  /** Sends the refresh and the retry; looked up per call by default so tests can stub `fetch`. */
  readonly fetch?: (request: Request) => Promise<Response>;
  /** Returns the CSRF cookie's value; `document.cookie` by default. */
  readonly csrfToken?: () => string | null;
  /** Told when the session is over (the refresh was refused), whatever page the person is on. */
  readonly onSignedOut?: () => void;
  /** Moves to the sign-in page; the History-API router in the app. */
  readonly navigate: (url: string) => void;
  /** Where the person is now (path and query). */
  readonly currentLocation?: () => string;
}

type RefreshOutcome = 'refreshed' | 'conflict' | 'failed';

function pathOf(request: Request): string {
  return new URL(request.url).pathname;
}

function withCsrf(request: Request, token: string | null): Request {
  if (!SAFE_METHODS.has(request.method.toUpperCase()) && token) request.headers.set(CSRF_HEADER, token);
  return request;
}

export function createSessionMiddleware(options: SessionMiddlewareOptions): Middleware {
  const send = options.fetch ?? ((request: Request) => globalThis.fetch(request));
  const csrfToken = options.csrfToken ?? (() => readCookie(CSRF_COOKIE));
  const currentLocation =
    options.currentLocation ?? (() => `${globalThis.location?.pathname ?? '/'}${globalThis.location?.search ?? ''}`);
  // Copies of requests in flight, kept until their answer is known: a body can be sent only once, and a retry needs it again.
  const pending = new Map<string, Request>();
  // Concurrent 401s share one refresh: a second refresh with the same token would look like token theft to the server.
  let refreshing: Promise<RefreshOutcome> | null = null;

  const refresh = (origin: string): Promise<RefreshOutcome> => {
    refreshing ??= (async (): Promise<RefreshOutcome> => {
      try {
        const request = withCsrf(new Request(new URL(REFRESH_PATH, origin), { method: 'POST' }), csrfToken());
        const response = await send(request);
        if (response.ok) return 'refreshed';
        // Another tab rotated the token first; its new cookies are already in this browser.
        if (response.status === 409) return 'conflict';
        return 'failed';
      } catch {
        return 'failed';
      }
    })().finally(() => {
      refreshing = null;
    });
    return refreshing;
  };

  return {
    onRequest({ request, id }) {
      const prepared = withCsrf(request, csrfToken());
      if (!CREDENTIAL_PATHS.has(pathOf(prepared))) pending.set(id, prepared.clone());
      return prepared;
    },

    async onResponse({ request, response, id }) {
      const copy = pending.get(id);
      pending.delete(id);
      if (response.status !== 401 || !copy) return response;

      const outcome = await refresh(request.url);
      if (outcome === 'failed') {
        options.onSignedOut?.();
        // The session probe only asks whether anyone is signed in; its "no" is not a reason to leave the page.
        const path = pathOf(request);
        if (path !== SESSION_PATH && !ANSWERS_ITS_OWN_401.some((prefix) => path.startsWith(prefix))) {
          options.navigate(signInUrl(currentLocation()));
        }
        return response;
      }
      // Once only: whatever the retry answers is the answer.
      return send(withCsrf(copy, csrfToken()));
    },

    onError({ id }) {
      pending.delete(id);
    },
  };
}
