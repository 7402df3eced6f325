// Renders the shell inside a session, signed in with given roles or signed out, without a session request.
import { RouterProvider } from '@tanstack/react-router';
import { act, render } from '@testing-library/react';
import { QueryProvider } from '../api/QueryProvider';
import { createAppRouter } from '../routes';
import { SessionProvider, type SessionState, type SessionView } from '../session';

export function signedInState(session: SessionView): SessionState {
  return { status: 'signed-in', session, orgId: session.current_org ?? session.organisations[0]?.id ?? null };
}

/** Renders the app at the window's current URL once the router has matched it and loaded its page's code. */
export async function renderApp(initial?: SessionState) {
  const router = createAppRouter();
  await router.load();
  const rendered = render(
    <QueryProvider>
      <SessionProvider initial={initial}>
        <RouterProvider router={router} />
      </SessionProvider>
    </QueryProvider>,
  );
  await act(async () => {
    await router.load();
  });
  return rendered;
}
