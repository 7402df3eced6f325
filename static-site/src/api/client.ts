// Typed client for the Emmaus HTTP API; request and response types come from the generated OpenAPI schema.
import createClient from 'openapi-fetch';
import { navigate } from '../router';
import { sessionEvents } from '../session-events';
import type { paths } from './schema';
import { createSessionMiddleware } from './session-middleware';

export const api = createClient<paths>({
  // The SPA is always served by the same server that answers /api (or by Vite's proxy in development).
  baseUrl: globalThis.location?.origin ?? '',
  // Looked up per call rather than captured once, so tests can replace fetch at the network boundary.
  fetch: (request) => globalThis.fetch(request),
});

api.use(
  createSessionMiddleware({
    navigate: (url) => navigate(url, { replace: true }),
    onSignedOut: () => sessionEvents.signedOut(),
  }),
);
