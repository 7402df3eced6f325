// The signed-in person, their organisations and the one they are working in: the single input the shell decides from.
import { createContext, useCallback, useContext, useEffect, useMemo, useState, type ReactNode } from 'react';
import { call, type CallResult } from './api/call';
import { api } from './api/client';
import type { ApiFailure } from './api/failure';
import type { components } from './api/schema';
import type { Role } from './nav';
import { sessionEvents } from './session-events';

export type SessionView = components['schemas']['SessionView'];
export type OrgMembership = components['schemas']['OrgMembershipView'];

export type SessionState =
  | { readonly status: 'loading' }
  | { readonly status: 'signed-out' }
  | { readonly status: 'error'; readonly failure: ApiFailure }
  | { readonly status: 'signed-in'; readonly session: SessionView; readonly orgId: string | null };

export interface SessionContextValue {
  readonly state: SessionState;
  /** Roles in the current organisation; `anonymous` when nobody is signed in. */
  readonly roles: readonly Role[];
  readonly currentOrg: OrgMembership | null;
  /** After sign-in, setup or accepting an invitation: the answer is the new session. */
  readonly signedIn: (session: SessionView, preferOrgId?: string | null) => void;
  /** The server said the session is over (or the person signed out): forget it here too. */
  readonly signedOut: () => void;
  readonly signOut: () => Promise<CallResult<unknown>>;
  /** Makes another organisation current and remembers it on the server as the one to open first. */
  readonly switchOrg: (orgId: string) => Promise<CallResult<SessionView>>;
  /** Replaces the session (e.g. after a profile change) keeping the current organisation when it still exists. */
  readonly update: (session: SessionView) => void;
  readonly reload: () => void;
}

const SessionContext = createContext<SessionContextValue | null>(null);

function pickOrg(session: SessionView, preferred: string | null | undefined): string | null {
  const ids = session.organisations.map((org) => org.id);
  if (preferred && ids.includes(preferred)) return preferred;
  if (session.current_org && ids.includes(session.current_org)) return session.current_org;
  return ids[0] ?? null;
}

export function rolesOf(state: SessionState): readonly Role[] {
  if (state.status !== 'signed-in') return ['anonymous'];
  const org = state.session.organisations.find((o) => o.id === state.orgId);
  return org ? org.roles : [];
}

export function SessionProvider({ children, initial }: { children: ReactNode; initial?: SessionState }) {
  const [state, setState] = useState<SessionState>(initial ?? { status: 'loading' });
  const [generation, setGeneration] = useState(initial ? 0 : 1);

  useEffect(() => {
    if (generation === 0) return;
    let live = true;
    void (async () => {
      const result = await call(api.GET('/api/auth/session'));
      if (!live) return;
      if (result.ok) {
        setState((previous) => ({
          status: 'signed-in',
          session: result.data,
          orgId: pickOrg(result.data, previous.status === 'signed-in' ? previous.orgId : null),
        }));
      } else if (result.status === 401) {
        setState({ status: 'signed-out' });
      } else {
        setState({ status: 'error', failure: result.failure });
      }
    })();
    return () => {
      live = false;
    };
  }, [generation]);

  useEffect(() => sessionEvents.subscribe(() => setState({ status: 'signed-out' })), []);

  const signedIn = useCallback((session: SessionView, preferOrgId?: string | null) => {
    setState({ status: 'signed-in', session, orgId: pickOrg(session, preferOrgId) });
  }, []);

  const signedOut = useCallback(() => setState({ status: 'signed-out' }), []);

  const update = useCallback((session: SessionView) => {
    setState((previous) => ({
      status: 'signed-in',
      session,
      orgId: pickOrg(session, previous.status === 'signed-in' ? previous.orgId : null),
    }));
  }, []);

  const signOut = useCallback(async () => {
    const result = await call(api.POST('/api/auth/sign-out'));
    // Signed out locally whatever the server said: a 401 means the session had already ended.
    if (result.ok || result.status === 401) setState({ status: 'signed-out' });
    return result;
  }, []);

  const switchOrg = useCallback(async (orgId: string) => {
    const result = await call(api.PATCH('/api/auth/profile', { body: { last_org: orgId } }));
    if (result.ok) setState({ status: 'signed-in', session: result.data, orgId: pickOrg(result.data, orgId) });
    return result;
  }, []);

  const reload = useCallback(() => setGeneration((g) => g + 1), []);

  const value = useMemo<SessionContextValue>(() => {
    const currentOrg =
      state.status === 'signed-in' ? (state.session.organisations.find((o) => o.id === state.orgId) ?? null) : null;
    return { state, roles: rolesOf(state), currentOrg, signedIn, signedOut, signOut, switchOrg, update, reload };
  }, [state, signedIn, signedOut, signOut, switchOrg, update, reload]);

  return <SessionContext.Provider value={value}>{children}</SessionContext.Provider>;
}

export function useSession(): SessionContextValue {
  const value = useContext(SessionContext);
  if (!value) throw new Error('useSession must be used inside <SessionProvider>');
  return value;
}
