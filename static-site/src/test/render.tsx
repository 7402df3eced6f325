// Renders the shell inside a session, signed in with given roles or signed out, without a session request.
import { render } from '@testing-library/react';
import { App } from '../App';
import { SessionProvider, type SessionState, type SessionView } from '../session';

export function signedInState(session: SessionView): SessionState {
  return { status: 'signed-in', session, orgId: session.current_org ?? session.organisations[0]?.id ?? null };
}

export function renderApp(initial?: SessionState) {
  return render(
    <SessionProvider initial={initial}>
      <App />
    </SessionProvider>,
  );
}
