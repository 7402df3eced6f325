// Test helpers that fake the network at the fetch boundary, so the real API client runs unmodified.
import { vi } from 'vitest';
import type { HealthReport } from '../api/health';

export function jsonResponse(body: unknown, status = 200, contentType = 'application/json'): Response {
  return new Response(JSON.stringify(body), { status, headers: { 'content-type': contentType } });
}

/** Installs a fetch that answers with the given responses in order (the last one repeats). */
export function stubFetch(...responses: Array<Response | Error | Promise<Response>>) {
  const queue = [...responses];
  const fetchMock = vi.fn(async (_input: RequestInfo | URL) => {
    const next = queue.length > 1 ? queue.shift() : queue[0];
    if (next === undefined) throw new Error('stubFetch: no response configured');
    if (next instanceof Error) throw next;
    // Response bodies are single-use, so a repeated response must be cloned.
    return next instanceof Response ? next.clone() : next;
  });
  vi.stubGlobal('fetch', fetchMock);
  return fetchMock;
}

/** A promise for a response that the test settles when it chooses, to observe in-between states. */
export function deferredResponse() {
  let resolve!: (response: Response) => void;
  const promise = new Promise<Response>((r) => {
    resolve = r;
  });
  return { promise, resolve };
}

export const okReport: HealthReport = {
  status: 'ok',
  version: '0.1.0',
  build: '3f2c1a9be0d4c8f7a6b5e4d3c2b1a09f8e7d6c5b',
  host: 'local',
  checks: [
    { name: 'kv', adapter: 'sqlite', status: 'ok', latency_ms: 1, detail: null },
    { name: 'blob', adapter: 'filesystem', status: 'ok', latency_ms: 3, detail: null },
  ],
};

export const degradedReport: HealthReport = {
  ...okReport,
  status: 'degraded',
  checks: [
    { name: 'kv', adapter: 'sqlite', status: 'ok', latency_ms: 2, detail: null },
    { name: 'blob', adapter: 'filesystem', status: 'failing', latency_ms: 1204, detail: 'permission denied: /data/blobs' },
  ],
};

type Handler = (request: Request) => Response | Promise<Response>;

/**
 * Installs a fetch that answers by method and path (`'GET /api/auth/session'`), so a page that makes several calls in
 * any order can be tested; unknown requests get a 404 problem, and every request is recorded.
 */
export function routeFetch(routes: Record<string, Handler | Response>) {
  const requests: Request[] = [];
  const fetchMock = vi.fn(async (input: RequestInfo | URL, init?: RequestInit) => {
    const request = input instanceof Request ? input : new Request(input, init);
    requests.push(request.clone());
    const url = new URL(request.url);
    const route = routes[`${request.method} ${url.pathname}`];
    if (route === undefined) {
      return problemResponse(404, { title: 'Not found', detail: `no endpoint at ${url.pathname}` });
    }
    return route instanceof Response ? route.clone() : route(request);
  });
  vi.stubGlobal('fetch', fetchMock);
  return { fetchMock, requests };
}

export function problemResponse(status: number, body: Record<string, unknown> = {}, headers: Record<string, string> = {}): Response {
  return new Response(JSON.stringify({ type: 'about:blank', title: 'Problem', status, ...body }), {
    status,
    headers: { 'content-type': 'application/problem+json', ...headers },
  });
}

export function sessionView(roles: Array<'admin' | 'pastor' | 'mentor' | 'mentee'>, extraOrgs: Array<{ id: string; name: string; roles: Array<'admin' | 'pastor' | 'mentor' | 'mentee'> }> = []) {
  return {
    person: { id: 'p-1', email: 'ada@example.org', display_name: 'Ada', has_password: true },
    organisations: [{ id: 'org-1', slug: 'grace', name: 'Grace Church', roles }, ...extraOrgs.map((o) => ({ ...o, slug: o.id }))],
    current_org: 'org-1',
    second_factor: { enabled: false, recovery_codes_left: 0, required_by: [] as string[] },
  };
}
