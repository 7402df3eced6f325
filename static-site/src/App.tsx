// App shell: header with role-filtered navigation, the organisation switcher, and the page for the current path.
import { useEffect, useRef, type ReactNode } from 'react';
import { signInUrl } from './api/session-middleware';
import { FailureNotice } from './components/FailureNotice';
import { OrgSwitcher } from './components/OrgSwitcher';
import { Loading, NotAllowedPage } from './components/States';
import { mayUse, NAV_ITEMS, SIGNED_IN, visibleNav, type Feature, type NavItem, type Role } from './nav';
import { AuditLogPage } from './pages/AuditPage';
import { HomePage } from './pages/HomePage';
import { InvitationPage } from './pages/InvitationPage';
import { NotFoundPage } from './pages/NotFoundPage';
import { OutboxPage } from './pages/OutboxPage';
import { ForgotPasswordPage, ResetPasswordPage } from './pages/PasswordPages';
import { PeoplePage } from './pages/PeoplePage';
import { ProfilePage } from './pages/ProfilePage';
import { SetupPage } from './pages/SetupPage';
import { SignInPage } from './pages/SignInPage';
import { StatusPage } from './pages/StatusPage';
import { currentLocation, Link, navigate, usePathname } from './router';
import { useSession, type OrgMembership, type SessionView } from './session';
import { useOutboxAvailable } from './useOutbox';

interface PageContext {
  readonly session: SessionView | null;
  readonly org: OrgMembership | null;
  readonly roles: readonly Role[];
  readonly features: ReadonlySet<Feature>;
}

interface Route {
  readonly title: string;
  /** `public`: anyone; `signed-in`: any account; a role list: those roles in the current organisation. */
  readonly access: 'public' | 'signed-in' | readonly Role[];
  readonly render: (context: PageContext) => ReactNode;
}

const ROUTES: Readonly<Record<string, Route>> = {
  '/': { title: 'Home', access: 'public', render: ({ session }) => <HomePage name={session?.person.display_name ?? null} /> },
  '/status': { title: 'System status', access: 'public', render: () => <StatusPage /> },
  '/sign-in': { title: 'Sign in', access: 'public', render: () => <SignInPage /> },
  '/setup': { title: 'Set up', access: 'public', render: () => <SetupPage /> },
  '/invitation': { title: 'Invitation', access: 'public', render: () => <InvitationPage /> },
  '/forgot-password': {
    title: 'Forgot password',
    access: 'public',
    render: ({ features }) => <ForgotPasswordPage outbox={features.has('outbox')} />,
  },
  '/reset-password': { title: 'Reset password', access: 'public', render: () => <ResetPasswordPage /> },
  '/dev/outbox': { title: 'Dev outbox', access: 'public', render: () => <OutboxPage /> },
  '/profile': { title: 'Profile', access: 'signed-in', render: () => <ProfilePage /> },
  '/people': {
    title: 'People',
    access: ['admin', 'pastor'],
    render: ({ session, org, roles }) =>
      org && session && <PeoplePage orgId={org.id} orgName={org.name} roles={roles} personId={session.person.id} />,
  },
  '/audit': {
    title: 'Audit',
    access: ['admin'],
    render: ({ org }) => org && <AuditLogPage orgId={org.id} orgName={org.name} />,
  },
};

/** The navigation for this visitor: a signed-in person without any organisation still gets the pages every account has. */
export function navFor(signedIn: boolean, roles: readonly Role[], features: ReadonlySet<Feature>): NavItem[] {
  if (signedIn && roles.length === 0) {
    return visibleNav(NAV_ITEMS, SIGNED_IN, features).filter((item) => SIGNED_IN.every((r) => item.roles.includes(r)));
  }
  return visibleNav(NAV_ITEMS, roles, features);
}

function useFocusOnNavigation(pathname: string) {
  const first = useRef(true);
  useEffect(() => {
    // On the first load the browser already puts focus at the top; afterwards a screen reader would otherwise stay on the old link.
    if (first.current) {
      first.current = false;
      return;
    }
    document.querySelector<HTMLElement>('main h1')?.focus();
    window.scrollTo(0, 0);
  }, [pathname]);
}

function SignedOutRedirect() {
  useEffect(() => {
    navigate(signInUrl(currentLocation()), { replace: true });
  }, []);
  return <Loading label="Taking you to sign in…" />;
}

function Guarded({ route, context }: { route: Route; context: PageContext }) {
  const { state, reload } = useSession();
  if (route.access === 'public') return <>{route.render(context)}</>;
  if (state.status === 'loading') return <Loading label="Checking your session…" />;
  if (state.status === 'error') {
    return (
      <article className="page">
        <h1 tabIndex={-1}>{route.title}</h1>
        <FailureNotice heading="Could not check your session" failure={state.failure} />
        <button type="button" className="button" onClick={reload}>
          Try again
        </button>
      </article>
    );
  }
  if (state.status === 'signed-out') return <SignedOutRedirect />;
  if (route.access === 'signed-in') return <>{route.render(context)}</>;
  if (!context.org || !mayUse(route.access, context.roles)) return <NotAllowedPage page={route.title} orgName={context.org?.name} />;
  return <>{route.render(context)}</>;
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
  const pathname = usePathname();
  const { state, roles, currentOrg } = useSession();
  const outbox = useOutboxAvailable();
  const features: ReadonlySet<Feature> = new Set<Feature>(outbox ? ['outbox'] : []);
  const signedIn = state.status === 'signed-in';
  // While the session is being checked, show no links rather than flash the signed-out ones.
  const items = state.status === 'loading' ? [] : navFor(signedIn, roles, features);
  const route = ROUTES[pathname];
  useFocusOnNavigation(pathname);

  const context: PageContext = { session: signedIn ? state.session : null, org: currentOrg, roles, features };

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
        {/* Keyed by organisation: switching reloads everything that depends on it. */}
        {route ? <Guarded key={currentOrg?.id ?? 'none'} route={route} context={context} /> : <NotFoundPage path={pathname} />}
      </main>
      <footer className="site-footer">
        <p>Emmaus · coaching and discipleship</p>
      </footer>
    </>
  );
}
