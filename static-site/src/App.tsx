// App shell: header with role-filtered navigation, the organisation switcher, and the routed page in <main>; and the
// gate in front of signed-in routes (the route tree is in routes.tsx).
import { Outlet, useMatches, useRouterState } from '@tanstack/react-router';
import { useQueryClient } from '@tanstack/react-query';
import { Fragment, lazy, Suspense, useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { signInUrl } from './api/session-middleware';
import { ConflictDialog } from './components/ConflictDialog';
import { FailureNotice } from './components/FailureNotice';
import { Loading, NotAllowedPage } from './components/States';
import { mayUse, NAV_ITEMS, SIGNED_IN, visibleNav, type Feature, type NavItem, type Role } from './nav';
import { currentLocation, Link, navigate } from './router';
import { useSession, type OrgMembership, type SessionView } from './session';
import { applyPreferences, browserPreferences, preferences, type Preferences } from './i18n';
import { SearchBox } from './shell/SearchBox';
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
  const { t } = useTranslation();
  useEffect(() => {
    navigate(signInUrl(currentLocation()), { replace: true });
  }, []);
  return <Loading label={t('gate.toSignIn')} />;
}

/** What the deepest matched route says of itself: its title and who may use it (`staticData` in routes.tsx). */
function useLeafRoute(): { title: string; access: readonly Role[] | undefined } {
  const matches = useMatches();
  const leaf = matches[matches.length - 1];
  return { title: leaf?.staticData.title ?? 'shell.brand', access: leaf?.staticData.access };
}

/** In front of every signed-in route: checks the session, sends a signed-out visitor to sign in, and the roles. */
export function SignedInGate() {
  const { t } = useTranslation();
  const { state, reload, roles, currentOrg } = useSession();
  const { title: titleKey, access } = useLeafRoute();
  const title = t(titleKey);
  if (state.status === 'loading') return <Loading label={t('gate.checking')} />;
  if (state.status === 'error') {
    return (
      <article className="page">
        <h1 tabIndex={-1}>{title}</h1>
        <FailureNotice heading={t('gate.checkFailed')} failure={state.failure} />
        <button type="button" className="button" onClick={reload}>
          {t('gate.tryAgain')}
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

// The header's menus are React Aria components, loaded just after the page so that a first visit downloads only what
// the page needs (scripts/bench/web); until then the header shows the same names as plain text.
const OrgSelect = lazy(() => import('./shell/OrgSwitcher').then((module) => ({ default: module.OrgSelect })));
const ProfileMenu = lazy(() => import('./shell/ProfileMenu').then((module) => ({ default: module.ProfileMenu })));
const ToastRegion = lazy(() => import('./kit/ToastRegion').then((module) => ({ default: module.ToastRegion })));

/** The signed-in person's corner of the top bar: the organisation they work in and their menu. */
function Account() {
  const { state, currentOrg } = useSession();
  if (state.status !== 'signed-in') return null;
  const { organisations, person } = state.session;
  const orgName = (
    <p className="org-switcher" data-testid="current-org">
      {currentOrg?.name ?? ''}
    </p>
  );
  return (
    <div className="account">
      {organisations.length > 1 ? <Suspense fallback={orgName}>{<OrgSelect />}</Suspense> : organisations.length === 1 && orgName}
      <Suspense
        fallback={
          <span className="menu-button__name" data-testid="signed-in-as">
            {person.display_name}
          </span>
        }
      >
        <ProfileMenu />
      </Suspense>
    </div>
  );
}

/** Applies the person's locale and time zone (or the browser's) before the page below renders in them. */
function usePreferences(session: SessionView | null): string {
  const wanted = {
    locale: session?.person.locale ?? browserPreferences().locale,
    timeZone: session?.person.time_zone ?? browserPreferences().timeZone,
  };
  const key = `${wanted.locale}|${wanted.timeZone}`;
  const [applied, setApplied] = useState(() => {
    const now = preferences();
    return `${now.locale}|${now.timeZone}`;
  });
  useEffect(() => {
    let live = true;
    const [locale = 'en', timeZone = 'UTC'] = key.split('|');
    const next: Preferences = { locale, timeZone };
    void applyPreferences(next).then(() => {
      if (live) setApplied(key);
    });
    return () => {
      live = false;
    };
  }, [key]);
  return applied;
}

function SecondFactorWords({ org }: { org: string }) {
  const { t } = useTranslation();
  return (
    <>
      {t('gate.secondFactorRequired', { org })} <Link to="/profile">{t('gate.secondFactorLink')}</Link> {t('gate.secondFactorAfter')}
    </>
  );
}

/** An admin whose organisation requires a second factor they have not set up yet is told why admin pages refuse them. */
function SecondFactorRequired({ context }: { context: PageContext }) {
  const { session, org } = context;
  if (!session || !org || session.second_factor.enabled || !org.roles.includes('admin')) return null;
  if (!session.second_factor.required_by.includes(org.name)) return null;
  return (
    <p className="notice notice--error" role="status" data-testid="second-factor-banner">
      <SecondFactorWords org={org.name} />
    </p>
  );
}

export function App() {
  const pathname = useRouterState({ select: (state) => state.location.pathname });
  // Focus moves once the new page is there (its code may load first), not when the URL changes.
  const shown = useRouterState({ select: (state) => state.resolvedLocation?.pathname ?? null });
  const { t } = useTranslation();
  const { state, roles, currentOrg } = useSession();
  const outbox = useOutboxAvailable();
  const features: ReadonlySet<Feature> = new Set<Feature>(outbox ? ['outbox'] : []);
  const signedIn = state.status === 'signed-in';
  // While the session is being checked, show no links rather than flash the signed-out ones.
  const items = state.status === 'loading' ? [] : navFor(signedIn, roles, features);
  useFocusOnNavigation(shown);
  useForgetOnPersonChange(state.status === 'loading' ? undefined : signedIn ? state.session.person.id : null);

  const context: PageContext = { session: signedIn ? state.session : null, org: currentOrg, roles };
  // Pages render in the person's language, locale and time zone: a change re-renders them all.
  const applied = usePreferences(context.session);

  return (
    <>
      <a className="skip-link" href="#main">
        {t('shell.skipToContent')}
      </a>
      <header className="site-header">
        <div className="site-header__inner">
          <Link to="/" className="brand">
            {t('shell.brand')}
          </Link>
          <nav aria-label={t('shell.mainNavigation')}>
            <ul className="nav">
              {items.map((item) => (
                <li key={item.path}>
                  <Link to={item.path} aria-current={item.path === pathname ? 'page' : undefined}>
                    {t(item.label)}
                  </Link>
                </li>
              ))}
            </ul>
          </nav>
          {signedIn && <SearchBox />}
          <Account />
        </div>
      </header>
      <main id="main" className="site-main">
        <SecondFactorRequired context={context} />
        <Fragment key={applied}>
          <Outlet />
        </Fragment>
      </main>
      <ConflictDialog />
      <Suspense fallback={null}>
        <ToastRegion />
      </Suspense>
      <footer className="site-footer">
        <p>{t('shell.footer')}</p>
      </footer>
    </>
  );
}
