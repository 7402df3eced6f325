// Navigation model: every page the shell can link to, and which roles may see it.

export const ROLES = ['admin', 'pastor', 'mentor', 'mentee', 'anonymous'] as const;
export type Role = (typeof ROLES)[number];

/** Everyone with an account, whatever their role. */
export const SIGNED_IN: readonly Role[] = ['admin', 'pastor', 'mentor', 'mentee'];

/** Parts of the app that exist only on some deployments (the dev outbox only where mail is not really sent). */
export type Feature = 'outbox';

export interface NavItem {
  /** What the link reads; for the app's own items a translation key (`nav.home`). */
  readonly label: string;
  readonly path: string;
  /** Roles that may see the link. Visibility is opt-in so a new page is hidden until someone decides who it is for. */
  readonly roles: readonly Role[];
  /** Shown only when this feature is available, on top of the role check. */
  readonly feature?: Feature;
}

export const NAV_ITEMS: readonly NavItem[] = [
  { label: 'nav.home', path: '/', roles: SIGNED_IN },
  // The three modules: every role works in them, each seeing its own part.
  { label: 'nav.planner', path: '/planner', roles: SIGNED_IN },
  { label: 'nav.hub', path: '/hub', roles: SIGNED_IN },
  { label: 'nav.sessions', path: '/sessions', roles: SIGNED_IN },
  { label: 'nav.people', path: '/people', roles: ['admin', 'pastor'] },
  { label: 'nav.audit', path: '/audit', roles: ['admin'] },
  { label: 'nav.status', path: '/status', roles: SIGNED_IN },
  // Held mail carries reset links: only an admin (or someone on the server's own machine) reads it.
  { label: 'nav.outbox', path: '/dev/outbox', roles: ['admin'], feature: 'outbox' },
  { label: 'nav.signIn', path: '/sign-in', roles: ['anonymous'] },
];

/**
 * Items the given roles may see, in their declared order.
 * An empty role list means nobody is signed in, which is the anonymous role rather than "no access at all";
 * otherwise anonymous-only items ("Sign in") would disappear for exactly the people who need them.
 */
export function visibleNav(
  items: readonly NavItem[],
  roles: readonly Role[],
  features: ReadonlySet<Feature> = new Set(),
): NavItem[] {
  const effective: ReadonlySet<Role> = new Set(roles.length === 0 ? ['anonymous'] : roles);
  return items.filter(
    (item) => item.roles.some((role) => effective.has(role)) && (!item.feature || features.has(item.feature)),
  );
}

/** Whether any of the roles may use a page restricted to `allowed`. */
export function mayUse(allowed: readonly Role[], roles: readonly Role[]): boolean {
  return allowed.some((role) => roles.includes(role));
}
