// App shell: header with role-filtered navigation, the organisation switcher, and the routed page in <main>; and the
// gate in front of signed-in routes (the route tree is in routes.tsx).
import { Outlet, useMatches, useRouterState } from '@tanstack/react-router';
import { useQueryClient } from '@tanstack/react-query';
import { Fragment, useEffect, useRef } from 'react';
import { signInUrl } from './api/session-middleware';
import { ConflictDialog } from './components/ConflictDialog';
import { FailureNotice } from './components/FailureNotice';
import { OrgSwitcher } from './components/OrgSwitcher';
import { Loading, NotAllowedPage } from './components/States';
import { mayUse, NAV_ITEMS, SIGNED_IN, visibleNav, type Feature, type NavItem, type Role } from './nav';
import { currentLocation, Link, navigate } from './router';
import { useSession, type OrgMembership, type SessionView } from './session';
import { useOutboxAvailable } from './useOutbox';

interface PageContext {
  readonly session: SessionView | null;
  readonly org: OrgMembership | null;
  readonly roles: readonly Role[];
}

/** The navigation for this visitor: a signed-in person without any organisation still gets the pages every account has. */
export function navFor(signedIn: boolean, roles: readonly Role[], features: ReadonlySet<Feature>): NavItem[] {
  if (signedIn && roles.length === 0) {
    return visibleNav(NAV_ITEMS, SIGNED_IN, features).filter((item) => SIGNED_IN.every((r) => item.roles.includes(r)));
  }
  return visibleNav(NAV_ITEMS, roles, features);
}

function useFocusOnNavigation(pathname: string | null) {
  const first = useRef(true);
  useEffect(() => {
    if (pathname === null) return;
    // On the first load the browser already puts focus at the top; afterwards a screen reader would otherwise stay on the old link.
    if (first.current) {
      first.current = false;
      return;
    }
    document.querySelector<HTMLElement>('main h1')?.focus();
    window.scrollTo(0, 0);
  }, [pathname]);
}

/**
 * Another person (or nobody) now: nothing read for the last one may show. `undefined` while the session is being
 * checked, so the first answer is not taken for a change.
 */
function useForgetOnPersonChange(personId: string | null | undefined) {
  const queryClient = useQueryClient();
  const previous = useRef(personId);
  useEffect(() => {
    if (previous.current !== undefined && personId !== undefined && previous.current !== personId) queryClient.clear();
    if (personId !== undefined) previous.current = personId;
  }, [personId, queryClient]);
}

function SignedOutRedirect() {
  useEffect(() => {
    navigate(signInUrl(currentLocation()), { replace: true });
  }, []);
  return <Loading label="Taking you to sign in…" />;
}

/** What the deepest matched route says of itself: its title and who may use it (`staticData` in routes.tsx). */
function useLeafRoute(): { title: string; access: readonly Role[] | undefined } {
  const matches = useMatches();
  const leaf = matches[matches.length - 1];
  return { title: leaf?.staticData.title ?? 'Emmaus', access: leaf?.staticData.access };
}

/** In front of every signed-in route: checks the session, sends a signed-out visitor to sign in, and the roles. */
export function SignedInGate() {
  const { state, reload, roles, currentOrg } = useSession();
  const { title, access } = useLeafRoute();
  if (state.status === 'loading') return <Loading label="Checking your session…" />;
  if (state.status === 'error') {
    return (
      <article className="page">
        <h1 tabIndex={-1}>{title}</h1>
        <FailureNotice heading="Could not check your session" failure={state.failure} />
        <button type="button" className="button" onClick={reload}>
          Try again
        </button>
      </article>
    );
  }
  if (state.status === 'signed-out') return <SignedOutRedirect />;
  if (access && (!currentOrg || !mayUse(access, roles))) return <NotAllowedPage page={title} orgName={currentOrg?.name} />;
  // Keyed by organisation: switching reloads everything that depends on it.
  return (
    <Fragment key={currentOrg?.id ?? 'none'}>
      <Outlet />
    </Fragment>
  );
}

function Account() {
  const { state, signOut } = useSession();
  if (state.status !== 'signed-in') return null;
  return (
    <div className="account">
      <OrgSwitcher />
      <span className="account__name" data-testid="signed-in-as">
        {state.session.person.display_name}
      </span>
      <button
        type="button"
        className="button button--small button--secondary"
        onClick={() => {
          void signOut().then((result) => {
            if (result.ok || result.status === 401) navigate('/sign-in');
          });
        }}
      >
        Sign out
      </button>
    </div>
  );
}

/** An admin whose organisation requires a second factor they have not set up yet is told why admin pages refuse them. */
function SecondFactorRequired({ context }: { context: PageContext }) {
  const { session, org } = context;
  if (!session || !org || session.second_factor.enabled || !org.roles.includes('admin')) return null;
  if (!session.second_factor.required_by.includes(org.name)) return null;
  return (
    <p className="notice notice--error" role="status" data-testid="second-factor-banner">
      {org.name} requires its admins to sign in with a second factor. <Link to="/profile">Set one up on your profile</Link> to act as an
      admin here again.
    </p>
  );
}

export function App() {
  const pathname = useRouterState({ select: (state) => state.location.pathname });
  // Focus moves once the new page is there (its code may load first), not when the URL changes.
  const shown = useRouterState({ select: (state) => state.resolvedLocation?.pathname ?? null });
  const { state, roles, currentOrg } = useSession();
  const outbox = useOutboxAvailable();
  const features: ReadonlySet<Feature> = new Set<Feature>(outbox ? ['outbox'] : []);
  const signedIn = state.status === 'signed-in';
  // While the session is being checked, show no links rather than flash the signed-out ones.
  const items = state.status === 'loading' ? [] : navFor(signedIn, roles, features);
  useFocusOnNavigation(shown);
  useForgetOnPersonChange(state.status === 'loading' ? undefined : signedIn ? state.session.person.id : null);

  const context: PageContext = { session: signedIn ? state.session : null, org: currentOrg, roles };

  return (
    <>
      <a className="skip-link" href="#main">
        Skip to main content
      </a>
      <header className="site-header">
        <div className="site-header__inner">
          <Link to="/" className="brand">
            Emmaus
          </Link>
          <nav aria-label="Main">
            <ul className="nav">
              {items.map((item) => (
                <li key={item.path}>
                  <Link to={item.path} aria-current={item.path === pathname ? 'page' : undefined}>
                    {item.label}
                  </Link>
                </li>
              ))}
            </ul>
          </nav>
          <Account />
        </div>
      </header>
      <main id="main" className="site-main">
        <SecondFactorRequired context={context} />
        <Outlet />
      </main>
      <ConflictDialog />
      <footer className="site-footer">
        <p>Emmaus · coaching and discipleship</p>
      </footer>
    </>
  );
}
