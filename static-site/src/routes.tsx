// The route tree (TanStack Router, ADR 0016): the shell as the root layout, public pages, and the signed-in pages
// behind one gate. Every page is its own chunk, loaded when first visited; a route's search parameters are typed by
// its validateSearch, so filters live in the URL.
import {
  createBrowserHistory,
  createRootRoute,
  createRoute,
  createRouter,
  lazyRouteComponent,
  useRouterState,
  type RouterHistory,
} from '@tanstack/react-router';
import { App, SignedInGate } from './App';
import type { Role } from './nav';
import { NotFoundPage } from './pages/NotFoundPage';
import { peopleSearch } from './pages/people-search';
import { auditSearch } from './pages/audit-search';
import { hubSearch } from './hub/search';
import { plannerSearch } from './planner/search';
import { sessionsSearch } from './sessions/search';
import { signInSearch } from './pages/sign-in-search';
import { setNavigationRouter } from './router';

declare module '@tanstack/react-router' {
  interface StaticDataRouteOption {
    /** The translation key of the page's name, where the gate has to speak for it (not allowed, check failed). */
    title?: string;
    /** Roles in the current organisation that may use the page; absent: any signed-in person. */
    access?: readonly Role[];
  }
  interface Register {
    router: ReturnType<typeof createAppRouter>;
  }
}

function NotFound() {
  const pathname = useRouterState({ select: (state) => state.location.pathname });
  return <NotFoundPage path={pathname} />;
}

const root = createRootRoute({ component: App, notFoundComponent: NotFound });

const home = createRoute({
  getParentRoute: () => root,
  path: '/',
  component: lazyRouteComponent(() => import('./pages/HomePage'), 'HomeRoute'),
});

const status = createRoute({
  getParentRoute: () => root,
  path: '/status',
  component: lazyRouteComponent(() => import('./pages/StatusPage'), 'StatusPage'),
});

const setup = createRoute({
  getParentRoute: () => root,
  path: '/setup',
  component: lazyRouteComponent(() => import('./pages/SetupPage'), 'SetupPage'),
});

const invitation = createRoute({
  getParentRoute: () => root,
  path: '/invitation',
  component: lazyRouteComponent(() => import('./pages/InvitationPage'), 'InvitationPage'),
});

const forgotPassword = createRoute({
  getParentRoute: () => root,
  path: '/forgot-password',
  component: lazyRouteComponent(() => import('./pages/PasswordPages'), 'ForgotPasswordRoute'),
});

const resetPassword = createRoute({
  getParentRoute: () => root,
  path: '/reset-password',
  component: lazyRouteComponent(() => import('./pages/PasswordPages'), 'ResetPasswordPage'),
});

const outbox = createRoute({
  getParentRoute: () => root,
  path: '/dev/outbox',
  component: lazyRouteComponent(() => import('./pages/OutboxPage'), 'OutboxPage'),
});

const follow = createRoute({
  getParentRoute: () => root,
  path: '/follow',
  component: lazyRouteComponent(() => import('./sessions/FollowPage'), 'FollowRoute'),
});

const signIn = createRoute({
  getParentRoute: () => root,
  path: '/sign-in',
  validateSearch: signInSearch,
  component: lazyRouteComponent(() => import('./pages/SignInPage'), 'SignInPage'),
});

/** Pathless: everything under it needs a session (and the roles its routes name). */
const signedIn = createRoute({ getParentRoute: () => root, id: 'signed-in', component: SignedInGate });

const profile = createRoute({
  getParentRoute: () => signedIn,
  path: '/profile',
  component: lazyRouteComponent(() => import('./pages/ProfilePage'), 'ProfilePage'),
  staticData: { title: 'nav.profile' },
});

const people = createRoute({
  getParentRoute: () => signedIn,
  path: '/people',
  validateSearch: peopleSearch,
  component: lazyRouteComponent(() => import('./pages/PeoplePage'), 'PeopleRoute'),
  staticData: { title: 'nav.people', access: ['admin', 'pastor'] },
});

const planner = createRoute({
  getParentRoute: () => signedIn,
  path: '/planner',
  validateSearch: plannerSearch,
  component: lazyRouteComponent(() => import('./planner/PlannerPage'), 'PlannerRoute'),
  staticData: { title: 'nav.planner' },
});

const hub = createRoute({
  getParentRoute: () => signedIn,
  path: '/hub',
  staticData: { title: 'nav.hub' },
});

const hubLibrary = createRoute({
  getParentRoute: () => hub,
  path: '/',
  validateSearch: hubSearch,
  component: lazyRouteComponent(() => import('./hub/LibraryPage'), 'LibraryRoute'),
  staticData: { title: 'nav.hub' },
});

const hubNewNote = createRoute({
  getParentRoute: () => hub,
  path: 'new',
  component: lazyRouteComponent(() => import('./hub/NoteEditorPage'), 'NewNoteRoute'),
  staticData: { title: 'hub.editor.newTitle' },
});

const hubTrash = createRoute({
  getParentRoute: () => hub,
  path: 'trash',
  component: lazyRouteComponent(() => import('./hub/TrashPage'), 'TrashRoute'),
  staticData: { title: 'hub.trash.title' },
});

const hubImport = createRoute({
  getParentRoute: () => hub,
  path: 'import',
  component: lazyRouteComponent(() => import('./hub/ImportPage'), 'ImportRoute'),
  staticData: { title: 'hub.import.title' },
});

const hubRules = createRoute({
  getParentRoute: () => hub,
  path: 'rules',
  component: lazyRouteComponent(() => import('./hub/RulesPage'), 'RulesRoute'),
  staticData: { title: 'hub.rules.title', access: ['admin'] },
});

const hubResource = createRoute({
  getParentRoute: () => hub,
  path: '$resource',
  component: lazyRouteComponent(() => import('./hub/ResourcePage'), 'ResourceRoute'),
  staticData: { title: 'nav.hub' },
});

const hubEditNote = createRoute({
  getParentRoute: () => hub,
  path: '$resource/edit',
  component: lazyRouteComponent(() => import('./hub/NoteEditorPage'), 'EditNoteRoute'),
  staticData: { title: 'hub.editor.editHeading' },
});

const sessions = createRoute({
  getParentRoute: () => signedIn,
  path: '/sessions',
  staticData: { title: 'nav.sessions' },
});

const sessionsList = createRoute({
  getParentRoute: () => sessions,
  path: '/',
  validateSearch: sessionsSearch,
  component: lazyRouteComponent(() => import('./sessions/SessionsPage'), 'SessionsRoute'),
  staticData: { title: 'nav.sessions' },
});

const sessionTemplates = createRoute({
  getParentRoute: () => sessions,
  path: 'templates',
  component: lazyRouteComponent(() => import('./sessions/TemplatesPage'), 'TemplatesRoute'),
  staticData: { title: 'sessions.templates.title', access: ['admin', 'pastor', 'mentor'] },
});

const sessionComposer = createRoute({
  getParentRoute: () => sessions,
  path: '$session',
  component: lazyRouteComponent(() => import('./sessions/ComposerPage'), 'ComposerRoute'),
  staticData: { title: 'sessions.composer.title' },
});

const sessionPresent = createRoute({
  getParentRoute: () => sessions,
  path: '$session/present',
  component: lazyRouteComponent(() => import('./sessions/PresentPage'), 'PresentRoute'),
  staticData: { title: 'sessions.present.title' },
});

const sessionScreen = createRoute({
  getParentRoute: () => sessions,
  path: '$session/screen',
  component: lazyRouteComponent(() => import('./sessions/FollowPage'), 'ScreenRoute'),
  staticData: { title: 'sessions.screen.title' },
});

const audit = createRoute({
  getParentRoute: () => signedIn,
  path: '/audit',
  validateSearch: auditSearch,
  component: lazyRouteComponent(() => import('./pages/AuditPage'), 'AuditRoute'),
  staticData: { title: 'nav.audit', access: ['admin'] },
});

export const routeTree = root.addChildren([
  home,
  status,
  signIn,
  setup,
  invitation,
  forgotPassword,
  resetPassword,
  outbox,
  follow,
  signedIn.addChildren([
    profile,
    planner,
    hub.addChildren([hubLibrary, hubNewNote, hubTrash, hubImport, hubRules, hubResource, hubEditNote]),
    sessions.addChildren([sessionsList, sessionTemplates, sessionComposer, sessionPresent, sessionScreen]),
    people,
    audit,
  ]),
]);

/** The app's router over `history` (the browser's by default), also used for navigation outside components. */
export function createAppRouter(history: RouterHistory = createBrowserHistory()) {
  const router = createRouter({ routeTree, history, trailingSlash: 'never', defaultPreload: 'intent' });
  setNavigationRouter(router);
  return router;
}
